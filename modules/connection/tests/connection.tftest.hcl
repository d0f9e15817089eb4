mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
}

variables {
  name_prefix = "sfbridge-test"
  account_id  = "123456789012"
  region      = "eu-west-2"
  salesforce  = { instance_url = "https://example.my.salesforce.com" }
  # A well-formed JWT (the AppFlow model's JwtToken pattern): header.payload.signature.
  salesforce_jwt_token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl"
}

run "jwt_bearer_from_the_minted_token" {
  command = apply

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The project key rotates."
  }
  assert {
    condition     = one(one(one(aws_appflow_connector_profile.this[0].connector_profile_config).connector_profile_credentials).salesforce).oauth2_grant_type == "JWT_BEARER"
    error_message = "AppFlow authenticates with the JWT bearer flow by default."
  }
  assert {
    condition     = one(one(one(aws_appflow_connector_profile.this[0].connector_profile_config).connector_profile_credentials).salesforce).client_credentials_arn == null
    error_message = "No client secret is involved in the JWT bearer flow."
  }
  assert {
    condition     = aws_appflow_connector_profile.this[0].kms_arn == aws_kms_key.this.arn
    error_message = "The profile is under the project key."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid], "AppFlowUsesTheKey")
    error_message = "AppFlow may use the key."
  }
  assert {
    condition = one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "S3NotifiesEncryptedQueues"]) == {
      Sid       = "S3NotifiesEncryptedQueues"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource  = "*"
    }
    error_message = "S3 may encrypt its notifications to the KMS-encrypted ingest queue (kms:GenerateDataKey, kms:Decrypt), or the bucket notification of catch-up files cannot be configured."
  }
  assert {
    condition     = output.connector_profile_arn == "arn:aws:appflow:eu-west-2:123456789012:connectorprofile/sfbridge-test"
    error_message = "The profile's ARN is built from its name (IAM policies must not wait for the profile)."
  }
}

run "an_existing_profile_is_named_not_created" {
  command = apply

  variables {
    salesforce           = { instance_url = "https://example.my.salesforce.com", connector_profile_name = "made-by-script" }
    salesforce_jwt_token = null
  }

  assert {
    condition     = length(aws_appflow_connector_profile.this) == 0
    error_message = "Terraform does not touch an existing profile (nor any JWT)."
  }
  assert {
    condition     = output.connector_profile_name == "made-by-script" && output.connector_profile_arn == "arn:aws:appflow:eu-west-2:123456789012:connectorprofile/made-by-script"
    error_message = "The flows use the named profile."
  }
}

run "client_credentials_is_refused" {
  command = plan
  variables {
    salesforce = { instance_url = "https://example.my.salesforce.com", grant_type = "CLIENT_CREDENTIALS" }
  }
  expect_failures = [var.salesforce]
}

run "authorization_code_is_refused" {
  command = plan
  variables {
    salesforce = { instance_url = "https://example.my.salesforce.com", grant_type = "AUTHORIZATION_CODE" }
  }
  expect_failures = [var.salesforce]
}

run "a_jwt_appflow_would_refuse_is_refused" {
  command = plan
  variables {
    # A "-" in the payload segment: AppFlow's JwtToken pattern does not allow it there.
    salesforce_jwt_token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3-iOiJ4In0.c2lnbmF0dXJl"
  }
  expect_failures = [var.salesforce_jwt_token]
}

run "no_profile_without_a_jwt_or_a_name" {
  command = plan
  variables {
    salesforce_jwt_token = null
  }
  expect_failures = [aws_appflow_connector_profile.this]
}
