mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::sfbridge-test-bucket" }
  }
}

variables {
  name        = "sfbridge-test-bucket"
  kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  policy_statements = [
    { Sid = "Extra", Effect = "Allow", Principal = { Service = "appflow.amazonaws.com" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::sfbridge-test-bucket/*" }
  ]
}

run "private_encrypted_tls_only" {
  command = apply

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "Public access is blocked."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "Default encryption with the project's KMS key."
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Effect == "Deny"
    error_message = "Requests without TLS are denied."
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[1].Sid == "Extra"
    error_message = "Caller statements are added after the TLS deny."
  }
}
