output "kms_key_arn" {
  description = "The project's KMS key."
  value       = aws_kms_key.this.arn
}

output "secret_arn" {
  description = "The secret to fill with {\"clientId\",\"clientSecret\"} (outside Terraform)."
  value       = aws_secretsmanager_secret.salesforce.arn
}

output "connector_profile_name" {
  description = "The AppFlow connector profile's name."
  value       = try(aws_appflow_connector_profile.this[0].name, var.name_prefix)
}

output "connector_profile_arn" {
  description = "The AppFlow connector profile's ARN."
  value       = try(aws_appflow_connector_profile.this[0].arn, null)
}
