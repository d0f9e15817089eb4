# Alarms to the support topic: any message on a dead-letter queue, function errors, stream
# iterator age (status and emails falling behind), and failed AppFlow runs.

resource "aws_cloudwatch_metric_alarm" "queue" {
  for_each = var.queues

  alarm_name          = "${var.name_prefix}-${each.key}-has-messages"
  alarm_description   = "Messages on ${each.value}: events that could not be handled. Inspect and redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = var.functions

  alarm_name          = "${var.name_prefix}-${each.key}-errors"
  alarm_description   = "${each.value} returned errors. Read its logs."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  for_each = var.stream_functions

  alarm_name          = "${var.name_prefix}-${each.key}-iterator-age"
  alarm_description   = "${each.value} is falling behind the table stream (records older than ${var.max_iterator_age_seconds} s)."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.max_iterator_age_seconds * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "flow_failures" {
  for_each = toset(var.flow_names)

  alarm_name          = "${var.name_prefix}-${each.key}-runs-failed"
  alarm_description   = "AppFlow runs of ${each.key} failed. flow-guard reacts; this alarm says it is happening."
  namespace           = "AWS/AppFlow"
  metric_name         = "FlowExecutionsFailed"
  dimensions          = { FlowName = each.key }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

  tags = var.tags
}
