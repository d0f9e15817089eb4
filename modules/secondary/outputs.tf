output "region" {
  description = "The region this module's resources are in (its provider's)."
  value       = data.aws_region.current.name
}

output "replica_arn" {
  description = "The table's replica in this region."
  value       = aws_dynamodb_table_replica.this.arn
}

output "kms_key_arn" {
  description = "This region's key (replica, logs, alarm topic)."
  value       = aws_kms_key.this.arn
}

output "function_name" {
  description = "The secondary connect-lookup's name (the same as at home, in this region)."
  value       = aws_lambda_function.lookup.function_name
}

output "function_arn" {
  description = "The secondary connect-lookup's ARN: what the replica Connect instance's flows invoke."
  value       = aws_lambda_function.lookup.arn
}

output "role_policy" {
  description = "The secondary connect-lookup's role policy (JSON): reads of the local replica only."
  value       = aws_iam_role_policy.lookup.policy
}

output "environment" {
  description = "The secondary connect-lookup's environment."
  value       = aws_lambda_function.lookup.environment[0].variables
}

output "support_topic_arn" {
  description = "This region's support topic (its alarms)."
  value       = aws_sns_topic.support.arn
}

output "alarm_names" {
  description = "This region's alarms."
  value       = [for a in aws_cloudwatch_metric_alarm.lookup : a.alarm_name]
}
