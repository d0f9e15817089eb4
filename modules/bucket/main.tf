# A private, encrypted, versioned bucket that only accepts TLS, with extra policy statements
# from the caller (e.g. what AppFlow may do).

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket per account; CloudTrail data events are the audit trail for these buckets.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-customer DR decision; objects here are transient (status rows, oversized events).
  #checkov:skip=CKV2_AWS_62:Event notifications are the caller's, where a consumer needs them (inbound: catch-up files to the ingest queue); the status bucket is read by AppFlow on its schedule.
  bucket        = var.name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire"
    status = "Enabled"

    # Objects up to never_expire_up_to_bytes stay (e.g. the header-only CSV AppFlow needs under
    # its source prefix); everything larger expires. null: no size condition, all expire.
    filter {
      object_size_greater_than = var.never_expire_up_to_bytes
    }

    expiration {
      days = var.expire_after_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.expire_after_days
    }
  }

  # Its own rule, for the whole bucket: S3 takes no object-size filter on this action.
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Objects the bucket must hold from the start (e.g. the file AppFlow needs under an S3 source
# prefix), encrypted like everything else and written before the policy: the bucket's name is
# read from the policy, so whatever uses the bucket by name finds them there.
resource "aws_s3_object" "seed" {
  for_each = var.seed_objects

  bucket       = aws_s3_bucket.this.bucket
  key          = each.key
  content      = each.value.content
  content_type = each.value.content_type

  tags = var.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this, aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }
    ], var.policy_statements)
  })

  depends_on = [aws_s3_bucket_public_access_block.this, aws_s3_object.seed]
}
