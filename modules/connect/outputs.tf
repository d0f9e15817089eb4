output "associated" {
  description = "Whether connect-lookup is associated with a Connect instance."
  value       = local.enabled
}

output "invoker_arn" {
  description = "The Connect instance allowed to invoke connect-lookup; null without one."
  value       = try(aws_lambda_permission.connect[0].source_arn, null)
}
