output "status_bucket" {
  description = "STATUS_BUCKET (name, ARN) and STATUS_PREFIX."
  value       = { name = module.status.bucket_name, arn = module.status.bucket_arn, prefix = var.status_prefix }
}

output "flow_name" {
  description = "The scheduled status flow's name."
  value       = local.flow_name
}

output "flow_arn" {
  description = "The scheduled status flow's ARN (built from its name: IAM policies need not wait for the flow)."
  value       = local.flow_arn
}

output "flow_revision" {
  description = "Changes whenever an input of the flow's definition changes (re-runs its activation, in place). Hashed from the inputs, not from the flow as read back, which the provider normalises."
  value       = sha1(jsonencode(local.flow_inputs))
}

output "activation_prerequisites" {
  description = "What must exist before the status flow is activated: the flow itself (empty without AppFlow)."
  value       = compact([try(aws_appflow_flow.status[0].arn, "")])
}
