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

run "everything_expires_by_default" {
  command = apply

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.abort_incomplete_multipart_upload).days_after_initiation if r.id == "abort-incomplete-uploads"]) == 1
    error_message = "Incomplete multipart uploads are aborted bucket-wide."
  }
  assert {
    condition     = coalesce(one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.filter).object_size_greater_than if r.id == "expire"]), 0) == 0
    error_message = "Without never_expire_up_to_bytes every object expires."
  }
  assert {
    # Whatever uses the bucket by name (an AppFlow flow) must wait for the policy that lets
    # AppFlow in: the name comes from the policy.
    condition     = output.bucket_name == aws_s3_bucket_policy.this.bucket
    error_message = "The bucket's name is read from its policy."
  }
}

run "small_objects_can_be_kept" {
  command = apply

  variables {
    never_expire_up_to_bytes = 64
  }

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.filter).object_size_greater_than if r.id == "expire"]) == 64
    error_message = "Only objects larger than the kept size expire (the header-only CSV AppFlow needs stays)."
  }
}

run "seed_objects_are_written_before_the_policy" {
  command = apply

  variables {
    seed_objects = { "status/000-header-only.csv" = { content = "Id\r\n", content_type = "text/csv" } }
  }

  assert {
    condition     = aws_s3_object.seed["status/000-header-only.csv"].content == "Id\r\n" && aws_s3_object.seed["status/000-header-only.csv"].bucket == aws_s3_bucket.this.bucket
    error_message = "The seed object is in the bucket."
  }
}
