output "table_name" {
  description = "The table's name (CONFIG_TABLE)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "The table's ARN."
  value       = aws_dynamodb_table.this.arn
}

output "table_stream_arn" {
  description = "The table's stream ARN (NEW_AND_OLD_IMAGES)."
  value       = aws_dynamodb_table.this.stream_arn
}
