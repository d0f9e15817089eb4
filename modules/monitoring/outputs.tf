output "alarm_names" {
  description = "Every alarm, by kind."
  value = {
    queues           = [for a in aws_cloudwatch_metric_alarm.queue : a.alarm_name]
    ingest_queue_age = aws_cloudwatch_metric_alarm.ingest_queue_age.alarm_name
    metrics          = [for a in aws_cloudwatch_metric_alarm.metric : a.alarm_name]
    errors           = [for a in aws_cloudwatch_metric_alarm.errors : a.alarm_name]
    iterator_age     = [for a in aws_cloudwatch_metric_alarm.iterator_age : a.alarm_name]
    flow_failures    = [for a in aws_cloudwatch_metric_alarm.flow_failures : a.alarm_name]
    replication      = concat([for a in aws_cloudwatch_metric_alarm.replication_latency : a.alarm_name], [for a in aws_cloudwatch_metric_alarm.replication_stopped : a.alarm_name])
  }
}

output "metrics" {
  description = "metrics.csv as read (handler, metric, alarm, meaning per row): the names the handlers write."
  value       = local.metrics
}

output "dashboard_name" {
  description = "The environment's CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
