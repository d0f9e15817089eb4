output "status_topic_arn" {
  description = "STATUS_TOPIC_ARN for notify."
  value       = aws_sns_topic.status.arn
}

output "support_topic_arn" {
  description = "SUPPORT_TOPIC_ARN for flow-guard, and the alarms' action."
  value       = aws_sns_topic.support.arn
}
