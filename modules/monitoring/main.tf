# Alarms to the support topic: any message on a dead-letter queue, function errors, stream
# iterator age (status and emails falling behind), failed AppFlow runs, a stalled ingest queue,
# and the handlers' own metrics that mean something was lost or needs a person; and one
# dashboard of the whole flow.

locals {
  # The one list of metric names (DESIGN.md "Metrics"); the handlers' constants are generated
  # from the same file.
  metrics  = csvdecode(file("${path.module}/metrics.csv"))
  handlers = distinct([for m in local.metrics : m.handler])
  alarmed  = { for m in local.metrics : "${m.handler}-${m.metric}" => m if m.alarm == "alarm" }
}

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

# The oldest event waiting for ingest: the event path is stalled (ingest failing or throttled,
# the mapping disabled) long before the retention drops anything.
resource "aws_cloudwatch_metric_alarm" "ingest_queue_age" {
  alarm_name          = "${var.name_prefix}-ingest-queue-age"
  alarm_description   = "Events have waited over ${var.max_ingest_queue_age_seconds} s on ${var.ingest_queue_name}: ingest is not keeping up or not running. Check its errors, throttles and event source mapping; the queue keeps the events meanwhile."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.ingest_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.max_ingest_queue_age_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  tags = var.tags
}

# One alarm per metric marked `alarm` in metrics.csv (handlers write them as EMF: namespace
# sfbridge, dimension Handler).
resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.alarmed

  alarm_name          = "${var.name_prefix}-${each.value.handler}-${each.value.metric}"
  alarm_description   = "${each.value.handler} ${each.value.metric}: ${each.value.meaning}. Read its log group /aws/lambda/${var.name_prefix}-${each.value.handler} for the records concerned."
  namespace           = "sfbridge"
  metric_name         = each.value.metric
  dimensions          = { Handler = each.value.handler }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

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

# One dashboard per environment, in the order an event travels. Body: "Dashboard Body Structure
# and Syntax" (CloudWatch API Reference); metric widgets name their region.
# Changes reaching a replica late: DynamoDB publishes ReplicationLatency (ms) in the region where
# the writes are made, with the receiving region as a dimension. Usually about a second; a
# failover while it is high answers from older opening hours.
resource "aws_cloudwatch_metric_alarm" "replication_latency" {
  for_each = toset(var.replica_regions)

  alarm_name          = "${var.name_prefix}-replication-to-${each.key}"
  alarm_description   = "Changes to ${coalesce(var.table_name, "the table")} reach its replica in ${each.key} over ${var.max_replication_latency_ms / 1000} s late on average: a failover now would answer callers from older settings. Check the replica's status (aws dynamodb describe-table --region ${each.key}) and the AWS Health Dashboard."
  namespace           = "AWS/DynamoDB"
  metric_name         = "ReplicationLatency"
  dimensions          = { TableName = var.table_name, ReceivingRegion = each.key }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.max_replication_latency_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.table_name != null
      error_message = "replica_regions needs table_name."
    }
  }
}

# ReplicationLatency is only published when changes arrive at a replica: if replication stops
# (the replica's key disabled: DynamoDB takes the replica out after about 20 hours), the latency
# alarm sees no data and stays OK. This one compares, per hour, the table's own writes (on demand
# tables publish ConsumedWriteCapacityUnits too) with the replication samples to the region:
# writes and no sample means the changes are not reaching the replica.
resource "aws_cloudwatch_metric_alarm" "replication_stopped" {
  for_each = toset(var.replica_regions)

  alarm_name          = "${var.name_prefix}-replication-to-${each.key}-stopped"
  alarm_description   = "${coalesce(var.table_name, "the table")} was written in the last hour but nothing reached its replica in ${each.key}: replication has stopped (is the replica's key enabled? aws dynamodb describe-table --table-name ${coalesce(var.table_name, "the table")} lists Replicas[].ReplicaStatus). A failover now would answer callers from old settings."
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "stopped"
    expression  = "IF(FILL(writes, 0) > 0 AND FILL(replicated, 0) == 0, 1, 0)"
    label       = "Written but not replicated to ${each.key}"
    return_data = true
  }
  metric_query {
    id = "writes"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ConsumedWriteCapacityUnits"
      dimensions  = { TableName = var.table_name }
      stat        = "Sum"
      period      = 3600
    }
  }
  metric_query {
    id = "replicated"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReplicationLatency"
      dimensions  = { TableName = var.table_name, ReceivingRegion = each.key }
      stat        = "SampleCount"
      period      = 3600
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.table_name != null
      error_message = "replica_regions needs table_name."
    }
  }
}

locals {
  graph = { view = "timeSeries", stacked = false, region = var.region, period = 300 }

  graphs = concat(
    [for h in local.handlers : merge(local.graph, {
      title   = "${h}: outcomes (count per 5 min)"
      stat    = "Sum"
      metrics = [for m in local.metrics : ["sfbridge", m.metric, "Handler", h] if m.handler == h]
    })],
    [
      merge(local.graph, {
        title   = "Ingest queue: events waiting"
        stat    = "Maximum"
        metrics = [for name in ["ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible"] : ["AWS/SQS", name, "QueueName", var.ingest_queue_name]]
      }),
      merge(local.graph, {
        title       = "Ingest queue: age of the oldest event (s)"
        stat        = "Maximum"
        metrics     = [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.ingest_queue_name]]
        annotations = { horizontal = [{ label = "alarm", value = var.max_ingest_queue_age_seconds }] }
      }),
      merge(local.graph, {
        title   = "Dead-letter and failure queues: messages"
        stat    = "Maximum"
        metrics = [for q in values(var.queues) : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
      }),
      merge(local.graph, {
        title   = "Stream consumers: iterator age (ms)"
        stat    = "Maximum"
        metrics = [for f in values(var.stream_functions) : ["AWS/Lambda", "IteratorAge", "FunctionName", f]]
      }),
    ],
    # AppFlow's metrics: "Monitoring Amazon AppFlow with Amazon CloudWatch" (dimension FlowName).
    [for f in var.flow_names : merge(local.graph, {
      title   = "AppFlow runs: ${f}"
      stat    = "Sum"
      metrics = [for name in ["FlowExecutionsStarted", "FlowExecutionsSucceeded", "FlowExecutionsFailed"] : ["AWS/AppFlow", name, "FlowName", f]]
    })],
    [for name in ["Errors", "Throttles"] : merge(local.graph, {
      title   = "Lambda ${lower(name)}"
      stat    = "Sum"
      metrics = [for f in values(var.functions) : ["AWS/Lambda", name, "FunctionName", f]]
    })],
  )

  dashboard = {
    widgets = concat(
      [{
        type       = "text", x = 0, y = 0, width = 24, height = 2
        properties = { markdown = "## ${var.name_prefix}\nSalesforce -> AppFlow -> partner bus -> ingest queue -> ingest -> table -> status-csv, notify. Made by Terraform (modules/monitoring): changes made here are overwritten. Alarms go to the support topic; README \"Reading the alarms\" says what to do." }
      }],
      [for i, g in local.graphs : {
        type       = "metric", x = (i % 2) * 12, y = 2 + floor(i / 2) * 6, width = 12, height = 6
        properties = g
      }],
    )
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode(local.dashboard)
}
