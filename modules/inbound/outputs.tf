output "large_event_bucket" {
  description = "LARGE_EVENT_BUCKET: name and ARN."
  value       = { name = module.large_events.bucket_name, arn = module.large_events.bucket_arn }
}

output "flow_name" {
  description = "The event flow's name."
  value       = local.flow_name
}

output "flow_arn" {
  description = "The event flow's ARN."
  value       = try(aws_appflow_flow.events[0].arn, "arn:aws:appflow:*:${var.account_id}:flow/${local.flow_name}")
}

output "flow_revision" {
  description = "Changes whenever the flow's definition changes (re-runs its activation)."
  value = try(sha1(jsonencode([
    aws_appflow_flow.events[0].source_flow_config,
    aws_appflow_flow.events[0].destination_flow_config,
    aws_appflow_flow.events[0].task,
    aws_appflow_flow.events[0].trigger_config,
  ])), "")
}

output "event_bus_name" {
  description = "The partner event bus (named like the partner source)."
  value       = try(aws_cloudwatch_event_bus.partner[0].name, local.partner_source)
}

output "rule_arn" {
  description = "The rule that invokes ingest."
  value       = try(aws_cloudwatch_event_rule.ingest[0].arn, null)
}

output "rule_dead_letter_queue" {
  description = "Events EventBridge could not deliver to ingest."
  value       = { name = aws_sqs_queue.rule_dlq.name, arn = aws_sqs_queue.rule_dlq.arn }
}
