mock_provider "aws" {}

variables {
  name        = "sfbridge-test-config"
  kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "table_as_design_md_describes" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk" && aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "pk/sk, on demand."
  }
  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "A NEW_AND_OLD_IMAGES stream feeds status-csv and notify."
  }
  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == "ttl" && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "TTL on the ttl attribute."
  }
  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "Point-in-time recovery and the project's KMS key."
  }
}

run "name_is_validated" {
  command = plan
  variables {
    name = "x"
  }
  expect_failures = [var.name]
}
