output "function_arns" {
  description = "Function ARN by handler name."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "function_names" {
  description = "Function name by handler name."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "dead_letter_queues" {
  description = "Dead-letter queue (name and ARN) by handler name."
  value       = { for k, q in aws_sqs_queue.dlq : k => { name = q.name, arn = q.arn } }
}

output "timeouts" {
  description = "Function timeout (seconds) by handler name."
  value       = local.timeouts
}

output "stream_failure_queue" {
  description = "Where stream records that exhausted their retries go."
  value       = { name = aws_sqs_queue.stream_failures.name, arn = aws_sqs_queue.stream_failures.arn }
}

output "environment" {
  description = "The environment of each function (what the handlers read at start-up)."
  value       = local.environment
}
