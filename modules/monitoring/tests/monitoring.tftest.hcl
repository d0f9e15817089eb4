# The alarms and the dashboard: every queue, function, stream and flow is watched; the handlers'
# metrics are alarmed and graphed by the names in metrics.csv (read here on its own, not through
# the module), and the dashboard body has the shape PutDashboard takes.

mock_provider "aws" {}

variables {
  name_prefix     = "sfbridge-test"
  region          = "eu-west-2"
  alarm_topic_arn = "arn:aws:sns:eu-west-2:123456789012:sfbridge-test-support"
  queues = {
    "ingest-dlq"        = "sfbridge-test-ingest-dlq"
    "flow-guard-dlq"    = "sfbridge-test-flow-guard-dlq"
    "stream-failures"   = "sfbridge-test-stream-failures"
    "config-change-dlq" = "sfbridge-test-config-change-dlq"
  }
  ingest_queue_name = "sfbridge-test-ingest"
  functions = {
    "ingest"         = "sfbridge-test-ingest"
    "status-csv"     = "sfbridge-test-status-csv"
    "notify"         = "sfbridge-test-notify"
    "flow-guard"     = "sfbridge-test-flow-guard"
    "connect-lookup" = "sfbridge-test-connect-lookup"
  }
  stream_functions = { "status-csv" = "sfbridge-test-status-csv", "notify" = "sfbridge-test-notify" }
  flow_names       = ["sfbridge-test-events", "sfbridge-test-status", "sfbridge-test-sweep"]
}

run "an_alarm_for_every_queue_function_stream_and_flow" {
  command = apply

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.queue) == 4 && length(aws_cloudwatch_metric_alarm.errors) == 5 && length(aws_cloudwatch_metric_alarm.iterator_age) == 2 && length(aws_cloudwatch_metric_alarm.flow_failures) == 3
    error_message = "One alarm per queue, function, stream consumer and flow."
  }
  assert {
    condition     = alltrue([for a in concat(values(aws_cloudwatch_metric_alarm.queue), values(aws_cloudwatch_metric_alarm.errors), values(aws_cloudwatch_metric_alarm.iterator_age), values(aws_cloudwatch_metric_alarm.flow_failures), values(aws_cloudwatch_metric_alarm.metric), [aws_cloudwatch_metric_alarm.ingest_queue_age]) : a.alarm_actions == toset([var.alarm_topic_arn])])
    error_message = "Every alarm tells the support topic."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age["notify"].threshold == 300000
    error_message = "Iterator age is alarmed in milliseconds."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.queue["ingest-dlq"].dimensions == tomap({ QueueName = "sfbridge-test-ingest-dlq" }) && aws_cloudwatch_metric_alarm.queue["ingest-dlq"].metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "The ingest dead-letter queue is alarmed on its visible messages."
  }
}

run "the_metrics_design_md_says_need_a_person_are_alarmed" {
  command = apply

  assert {
    condition = alltrue([
      for p in [["ingest", "Rejected"], ["ingest", "CaughtUp"], ["ingest", "SweepLineSkipped"], ["status-csv", "RecordSkipped"], ["notify", "RecordSkipped"], ["connect-lookup", "ItemSkipped"], ["connect-lookup", "Error"], ["flow-guard", "Escalated"]] :
      anytrue([
        for a in aws_cloudwatch_metric_alarm.metric :
        a.namespace == "sfbridge" && a.metric_name == p[1] && a.dimensions == tomap({ Handler = p[0] }) &&
        a.statistic == "Sum" && a.period == 300 && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold" &&
        a.treat_missing_data == "notBreaching" && a.alarm_name == "sfbridge-test-${p[0]}-${p[1]}"
      ])
    ])
    error_message = "Alarms on ingest Rejected, CaughtUp (the event path lost something) and SweepLineSkipped, status-csv and notify RecordSkipped, connect-lookup ItemSkipped and Error, flow-guard Escalated (namespace sfbridge, dimension Handler, Sum over 5 minutes > 0)."
  }
  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.metric["ingest-CaughtUp"].alarm_description, "event flow's run history")
    error_message = "The CaughtUp alarm says where to look: the event flow's run history."
  }
  assert {
    # Exactly the rows marked `alarm`: none left out, none invented.
    condition = toset([for a in aws_cloudwatch_metric_alarm.metric : "${a.dimensions["Handler"]}/${a.metric_name}"]) == toset([
      for m in csvdecode(file("metrics.csv")) : "${m.handler}/${m.metric}" if m.alarm == "alarm"
    ])
    error_message = "One alarm for each metrics.csv row marked alarm, and no other."
  }
  assert {
    # Whatever kind of alarm: one on namespace sfbridge names a metric its handler writes.
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.queue), values(aws_cloudwatch_metric_alarm.errors), values(aws_cloudwatch_metric_alarm.iterator_age), values(aws_cloudwatch_metric_alarm.flow_failures), values(aws_cloudwatch_metric_alarm.metric), [aws_cloudwatch_metric_alarm.ingest_queue_age]) :
      contains([for m in csvdecode(file("metrics.csv")) : "${m.handler}/${m.metric}"], "${lookup(a.dimensions, "Handler", "")}/${a.metric_name}")
      if a.namespace == "sfbridge"
    ])
    error_message = "Every sfbridge alarm's metric must be a row of metrics.csv for that handler."
  }
  assert {
    condition     = length(output.metrics) == length(csvdecode(file("metrics.csv"))) && length(output.alarm_names.metrics) == length(aws_cloudwatch_metric_alarm.metric)
    error_message = "The module reads every row of metrics.csv."
  }
}

run "a_stalled_ingest_queue_is_alarmed" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.ingest_queue_age.namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.ingest_queue_age.metric_name == "ApproximateAgeOfOldestMessage" &&
      aws_cloudwatch_metric_alarm.ingest_queue_age.dimensions == tomap({ QueueName = "sfbridge-test-ingest" }) &&
      aws_cloudwatch_metric_alarm.ingest_queue_age.threshold == 900 &&
      aws_cloudwatch_metric_alarm.ingest_queue_age.comparison_operator == "GreaterThanThreshold"
    )
    error_message = "The age of the ingest queue's oldest message is alarmed above 900 s by default."
  }
}

run "one_dashboard_shows_the_whole_flow" {
  command = apply

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "sfbridge-test" && output.dashboard_name == "sfbridge-test"
    error_message = "One dashboard per environment, named by its prefix."
  }
  assert {
    # Every metric of metrics.csv is graphed (namespace sfbridge, dimension Handler).
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in try(w.properties.metrics, []) : "${m[3]}/${m[1]}" if m[0] == "sfbridge" && m[2] == "Handler"
      ]
    ])) == toset([for m in csvdecode(file("metrics.csv")) : "${m.handler}/${m.metric}"])
    error_message = "The dashboard must graph every metric in metrics.csv, by its handler, and no other sfbridge metric."
  }
  assert {
    condition = alltrue([
      for want in concat(
        [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "sfbridge-test-ingest"], ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "sfbridge-test-ingest"]],
        [for q in values(var.queues) : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]],
        [for f in values(var.stream_functions) : ["AWS/Lambda", "IteratorAge", "FunctionName", f]],
        [for f in var.flow_names : ["AWS/AppFlow", "FlowExecutionsFailed", "FlowName", f]],
        [for f in var.flow_names : ["AWS/AppFlow", "FlowExecutionsSucceeded", "FlowName", f]],
        [for f in values(var.functions) : ["AWS/Lambda", "Errors", "FunctionName", f]],
        [for f in values(var.functions) : ["AWS/Lambda", "Throttles", "FunctionName", f]],
      ) :
      contains(flatten([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [for m in try(w.properties.metrics, []) : join("|", m)]]), join("|", want))
    ])
    error_message = "The dashboard graphs the ingest queue's depth and age, every DLQ, iterator age, AppFlow runs, and Lambda errors and throttles."
  }
  assert {
    # PutDashboard's body: a widgets array; each widget a type, a size on the 24-column grid
    # and properties; a metric widget names its region and 1-100 metrics.
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      contains(["metric", "text"], w.type) && w.width >= 1 && w.x + w.width <= 24 && w.height >= 1 && w.height <= 1000 && (
        w.type == "text" ? w.properties.markdown != "" :
        w.properties.region == var.region && length(w.properties.metrics) >= 1 && length(w.properties.metrics) <= 100 && contains(["Sum", "Maximum"], w.properties.stat)
      )
    ])
    error_message = "Every widget must have the shape PutDashboard accepts."
  }
}

run "the_ingest_queue_age_threshold_is_validated" {
  command = plan
  variables {
    max_ingest_queue_age_seconds = 60
  }
  expect_failures = [var.max_ingest_queue_age_seconds]
}

run "no_replication_alarm_without_a_replica" {
  command = apply

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.replication_latency) == 0
    error_message = "One region: nothing to replicate, no alarm."
  }
}

run "replication_to_a_second_region_is_alarmed" {
  command = apply
  variables {
    table_name      = "sfbridge-test-config"
    replica_regions = ["eu-central-1"]
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].namespace == "AWS/DynamoDB" &&
      aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].metric_name == "ReplicationLatency" &&
      aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].dimensions == tomap({ TableName = "sfbridge-test-config", ReceivingRegion = "eu-central-1" })
    )
    error_message = "DynamoDB publishes ReplicationLatency (ms) per table and receiving region, in the region of the writes."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].threshold == 60000 && aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].alarm_actions == toset([var.alarm_topic_arn]) && aws_cloudwatch_metric_alarm.replication_latency["eu-central-1"].treat_missing_data == "notBreaching"
    error_message = "Replication over 60 s late tells support; no writes (no data) is not an alarm."
  }
}

run "replication_that_stopped_is_alarmed" {
  command = apply
  variables {
    table_name      = "sfbridge-test-config"
    replica_regions = ["eu-central-1"]
  }

  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.replication_stopped["eu-central-1"].metric_query : q.expression if q.return_data == true]) == "IF(FILL(writes, 0) > 0 AND FILL(replicated, 0) == 0, 1, 0)"
    error_message = "Written but nothing replicated in the hour: the alarm's one returned series."
  }
  assert {
    condition = toset([for q in aws_cloudwatch_metric_alarm.replication_stopped["eu-central-1"].metric_query : "${q.id}:${q.metric[0].metric_name}:${q.metric[0].stat}:${jsonencode(q.metric[0].dimensions)}" if length(q.metric) > 0]) == toset([
      "writes:ConsumedWriteCapacityUnits:Sum:{\"TableName\":\"sfbridge-test-config\"}",
      "replicated:ReplicationLatency:SampleCount:{\"ReceivingRegion\":\"eu-central-1\",\"TableName\":\"sfbridge-test-config\"}",
    ])
    error_message = "The home table's writes against the replication samples to that region."
  }
  assert {
    condition     = toset(output.alarm_names.replication) == toset(["sfbridge-test-replication-to-eu-central-1", "sfbridge-test-replication-to-eu-central-1-stopped"])
    error_message = "Both replication alarms are listed."
  }
}

run "a_replica_needs_the_table_name" {
  command = plan
  variables {
    replica_regions = ["eu-central-1"]
  }
  expect_failures = [aws_cloudwatch_metric_alarm.replication_latency, aws_cloudwatch_metric_alarm.replication_stopped]
}
