output "large_event_bucket" {
  description = "LARGE_EVENT_BUCKET (name, ARN) and SWEEP_PREFIX, the folder of its catch-up files."
  value       = { name = module.large_events.bucket_name, arn = module.large_events.bucket_arn, sweep_prefix = var.sweep_prefix }
}

output "flow_name" {
  description = "The event flow's name."
  value       = local.flow_name
}

output "flow_arn" {
  description = "The event flow's ARN (built from its name: IAM policies need not wait for the flow)."
  value       = local.flow_arn
}

output "flow_revision" {
  description = "Changes whenever an input of the flow's definition changes (re-runs its activation, in place). Hashed from the inputs, not from the flow as read back, which the provider normalises."
  value       = sha1(jsonencode(local.flow_inputs))
}

output "event_bus_name" {
  description = "The partner event bus (named like the partner source)."
  value       = try(aws_cloudwatch_event_bus.partner[0].name, local.partner_source)
}

output "activation_prerequisites" {
  description = "What must exist before the event flow is activated: the flow, the partner bus, the rule, its target and the queue policies that let EventBridge send (ids; empty without AppFlow)."
  value = var.create_flow ? compact([
    try(aws_appflow_flow.events[0].arn, ""),
    try(aws_cloudwatch_event_bus.partner[0].arn, ""),
    try(aws_cloudwatch_event_rule.ingest[0].arn, ""),
    try(aws_cloudwatch_event_target.ingest[0].id, ""),
    aws_sqs_queue_policy.ingest.id,
    try(aws_sqs_queue_policy.rule_dlq[0].id, ""),
  ]) : []
}

output "ingest_queue" {
  description = "The ingest queue (ingest's event source): name, ARN, URL and visibility timeout."
  value = {
    name                       = aws_sqs_queue.ingest.name
    arn                        = aws_sqs_queue.ingest.arn
    url                        = aws_sqs_queue.ingest.url
    visibility_timeout_seconds = aws_sqs_queue.ingest.visibility_timeout_seconds
  }
}

output "ingest_dead_letter_queue" {
  description = "The ingest queue's dead-letter queue (DEAD_LETTER_QUEUE_URL): name, ARN and URL."
  value       = { name = aws_sqs_queue.ingest_dlq.name, arn = aws_sqs_queue.ingest_dlq.arn, url = aws_sqs_queue.ingest_dlq.url }
}

output "rule_dead_letter_queue" {
  description = "Events EventBridge could not deliver to the ingest queue."
  value       = { name = aws_sqs_queue.rule_dlq.name, arn = aws_sqs_queue.rule_dlq.arn }
}

output "sweep_flow_name" {
  description = "The catch-up (sweep) flow's name."
  value       = local.sweep_flow_name
}

output "sweep_flow_arn" {
  description = "The catch-up flow's ARN (built from its name: IAM policies and MANAGED_FLOWS need not wait for the flow, which waits for Salesforce)."
  value       = local.sweep_flow_arn
}

output "sweep_flow_revision" {
  description = "Changes whenever an input of the catch-up flow's definition changes (re-runs its activation, in place). Hashed from the inputs."
  value       = sha1(jsonencode(local.sweep_inputs))
}

output "sweep_activation_prerequisites" {
  description = "What must exist before the catch-up flow is activated: the flow, the bucket's notification to the ingest queue and the queue policy that lets S3 send (ids; empty without AppFlow)."
  value = var.create_flow ? compact([
    try(aws_appflow_flow.sweep[0].arn, ""),
    aws_s3_bucket_notification.sweep.id,
    aws_sqs_queue_policy.ingest.id,
  ]) : []
}
