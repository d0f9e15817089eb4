output "kms_key_arn" {
  description = "The project's KMS key."
  value       = aws_kms_key.this.arn
}

output "connector_profile_name" {
  description = "The AppFlow connector profile's name: from the resource when Terraform creates it, so that flows wait for it."
  value       = try(aws_appflow_connector_profile.this[0].name, local.profile_name)
}

output "connector_profile_arn" {
  description = "The connector profile's ARN, built from its name so that IAM policies do not wait for the profile (nor for Salesforce)."
  value       = "arn:aws:appflow:${var.region}:${var.account_id}:connectorprofile/${local.profile_name}"
}

output "creates_connector_profile" {
  description = "Whether Terraform manages the profile (else it names an existing one)."
  value       = local.create_profile
}
