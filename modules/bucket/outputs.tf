output "bucket_name" {
  description = "The bucket's name, read from its policy: whatever uses the name (an AppFlow flow, above all) waits until the policy is in place."
  value       = aws_s3_bucket_policy.this.bucket
}

output "bucket_arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "never_expire_up_to_bytes" {
  description = "Objects up to this size never expire (null: all expire)."
  value       = var.never_expire_up_to_bytes
}

output "seed_object_keys" {
  description = "The keys of the seed objects."
  value       = keys(aws_s3_object.seed)
}
