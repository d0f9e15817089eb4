mock_provider "aws" {}

variables {
  name_prefix      = "sfbridge-test"
  alarm_topic_arn  = "arn:aws:sns:eu-west-2:123456789012:sfbridge-test-support"
  queues           = { "ingest-dlq" = "sfbridge-test-ingest-dlq", "stream-failures" = "sfbridge-test-stream-failures" }
  functions        = { ingest = "sfbridge-test-ingest", notify = "sfbridge-test-notify" }
  stream_functions = { notify = "sfbridge-test-notify" }
  flow_names       = ["sfbridge-test-events"]
}

run "an_alarm_for_every_queue_function_stream_and_flow" {
  command = apply

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.queue) == 2 && length(aws_cloudwatch_metric_alarm.errors) == 2 && length(aws_cloudwatch_metric_alarm.iterator_age) == 1 && length(aws_cloudwatch_metric_alarm.flow_failures) == 1
    error_message = "One alarm per queue, function, stream consumer and flow."
  }
  assert {
    condition     = alltrue([for a in concat(values(aws_cloudwatch_metric_alarm.queue), values(aws_cloudwatch_metric_alarm.errors), values(aws_cloudwatch_metric_alarm.iterator_age), values(aws_cloudwatch_metric_alarm.flow_failures)) : a.alarm_actions == toset([var.alarm_topic_arn])])
    error_message = "Every alarm tells the support topic."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age["notify"].threshold == 300000
    error_message = "Iterator age is alarmed in milliseconds."
  }
}
