mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:sfbridge-test-AbCdEf" }
  }
}

variables {
  name_prefix = "sfbridge-test"
  account_id  = "123456789012"
  region      = "eu-west-2"
  salesforce  = { instance_url = "https://example.my.salesforce.com" }
}

run "client_credentials_from_the_secret" {
  command = apply

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The project key rotates."
  }
  assert {
    condition     = aws_secretsmanager_secret.salesforce.kms_key_id == aws_kms_key.this.arn
    error_message = "The secret is under the project key."
  }
  assert {
    condition     = one(one(one(aws_appflow_connector_profile.this[0].connector_profile_config).connector_profile_credentials).salesforce).client_credentials_arn == aws_secretsmanager_secret.salesforce.arn
    error_message = "The connector profile reads the client id and secret from Secrets Manager."
  }
  assert {
    condition     = one(one(one(aws_appflow_connector_profile.this[0].connector_profile_config).connector_profile_credentials).salesforce).oauth2_grant_type == "CLIENT_CREDENTIALS"
    error_message = "No interactive step by default."
  }
  assert {
    condition     = aws_appflow_connector_profile.this[0].kms_arn == aws_kms_key.this.arn
    error_message = "The profile is under the project key."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid], "AppFlowUsesTheKey")
    error_message = "AppFlow may use the key."
  }
}

run "grant_type_is_validated" {
  command = plan
  variables {
    salesforce = { instance_url = "https://example.my.salesforce.com", grant_type = "PASSWORD" }
  }
  expect_failures = [var.salesforce]
}
