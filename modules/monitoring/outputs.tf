output "alarm_names" {
  description = "Every alarm, by kind."
  value = {
    queues        = [for a in aws_cloudwatch_metric_alarm.queue : a.alarm_name]
    errors        = [for a in aws_cloudwatch_metric_alarm.errors : a.alarm_name]
    iterator_age  = [for a in aws_cloudwatch_metric_alarm.iterator_age : a.alarm_name]
    flow_failures = [for a in aws_cloudwatch_metric_alarm.flow_failures : a.alarm_name]
  }
}
