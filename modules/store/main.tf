# The one table (DESIGN.md "The table"): config items, request items, notify's markers and
# flow-guard's counters, all under pk/sk.

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags

  lifecycle {
    # A second region's replica is its own resource (aws_dynamodb_table_replica, secondary
    # module, through that region's provider); the provider requires the table to leave its
    # replica blocks alone then, or each plan would remove the replica.
    ignore_changes = [replica]
  }
}
