output "status_bucket" {
  description = "STATUS_BUCKET (name, ARN) and STATUS_PREFIX."
  value       = { name = module.status.bucket_name, arn = module.status.bucket_arn, prefix = var.status_prefix }
}

output "flow_name" {
  description = "The scheduled status flow's name."
  value       = local.flow_name
}

output "flow_arn" {
  description = "The scheduled status flow's ARN."
  value       = try(aws_appflow_flow.status[0].arn, "arn:aws:appflow:*:${var.account_id}:flow/${local.flow_name}")
}

output "flow_revision" {
  description = "Changes whenever the flow's definition changes (re-runs its activation)."
  value = try(sha1(jsonencode([
    aws_appflow_flow.status[0].source_flow_config,
    aws_appflow_flow.status[0].destination_flow_config,
    aws_appflow_flow.status[0].task,
    aws_appflow_flow.status[0].trigger_config,
  ])), "")
}
