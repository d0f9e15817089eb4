# One Lambda function per handler name, all running the same bootstrap binary (dist/<name>.zip),
# each with its own least-privilege role, log group and environment; a dead-letter queue for the
# handler invoked asynchronously; the ingest queue's mapping to ingest; and the stream mappings
# that feed status-csv and notify.

locals {
  # Only asynchronous invocations (EventBridge and Terraform -> flow-guard) can dead-letter:
  # ingest is invoked synchronously by its queue's mapping (the queue's redrive policy
  # dead-letters), the stream consumers by theirs (failures go to the mapping's on-failure
  # queue) and connect-lookup by Connect.
  async_handlers = toset(["flow-guard"])

  # Seconds. connect-lookup answers Connect well inside its 8 s; the ingest queue's visibility
  # timeout is derived from ingest's (inbound). A literal: inbound reads it before any function.
  timeouts = { "ingest" = 30, "status-csv" = 30, "notify" = 30, "flow-guard" = 30, "connect-lookup" = 8 }

  # The zips and their manifest, read once. A missing file is a null here and a precondition's
  # message below, instead of a file() error from the middle of an expression.
  manifest_path = "${var.package_dir}/manifest.json"
  manifest      = try(jsondecode(file(local.manifest_path)), null)
  zip_hashes    = { for h in local.handlers : h => try(filebase64sha256("${var.package_dir}/${h}.zip"), null) }

  status_prefix = var.status_bucket.prefix

  # The environment DESIGN.md names for each handler; nothing else (no AWS_REGION, no secrets).
  environment = {
    "ingest" = {
      CONFIG_TABLE          = var.table.name
      LARGE_EVENT_BUCKET    = var.large_event_bucket.name
      DEAD_LETTER_QUEUE_URL = var.ingest_queue.dead_letter_url
      SWEEP_PREFIX          = var.large_event_bucket.sweep_prefix
      SWEEP_GRACE_MINUTES   = tostring(var.sweep_grace_minutes)
    }
    "status-csv" = {
      STATUS_BUCKET = var.status_bucket.name
      STATUS_PREFIX = local.status_prefix
    }
    "notify" = {
      CONFIG_TABLE     = var.table.name
      STATUS_TOPIC_ARN = var.status_topic_arn
    }
    "flow-guard" = {
      CONFIG_TABLE      = var.table.name
      SUPPORT_TOPIC_ARN = var.support_topic_arn
      MANAGED_FLOWS     = join(",", [for f in var.managed_flows : f.name])
      MAX_REACTIVATIONS = tostring(var.max_reactivations)
    }
    "connect-lookup" = {
      CONFIG_TABLE = var.table.name
    }
  }

  stream_read = {
    Sid      = "ReadTheTableStream"
    Effect   = "Allow"
    Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
    Resource = var.table.stream_arn
  }
  stream_failures = {
    Sid      = "StreamFailuresQueue"
    Effect   = "Allow"
    Action   = ["sqs:SendMessage"]
    Resource = aws_sqs_queue.stream_failures.arn
  }
  use_key = {
    Sid      = "UseTheProjectKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    Resource = var.kms_key_arn
  }

  # What each handler may touch (DESIGN.md "Handler names"), beyond its logs and DLQ.
  statements = {
    "ingest" = [
      {
        # One transaction: the config item (REGION#), the request item (REQUEST#) and the
        # record's claim (RECORD#<record_id> / CLAIM, put only if it does not exist: one
        # record, one outcome, DESIGN.md). TransactWriteItems is authorised per item action.
        Sid       = "WriteConfigRequestAndClaimItems"
        Effect    = "Allow"
        Action    = ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["REGION#*", "REQUEST#*", "RECORD#*"] } }
      },
      {
        # The catch-up asks whether a record has any request item (an outcome from before
        # claims existed): one Query, Limit 1, on REQUEST#<record_id>, and nothing else.
        Sid       = "AskForARecordsOutcome"
        Effect    = "Allow"
        Action    = ["dynamodb:Query"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["REQUEST#*"] } }
      },
      {
        # Payload pointers name whatever key AppFlow chose for an oversized event; catch-up
        # files are under SWEEP_PREFIX. Both only in LARGE_EVENT_BUCKET.
        Sid      = "ReadLargeEventPayloadsAndCatchUpFiles"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${var.large_event_bucket.arn}/*"
      },
      {
        # What Lambda's poller needs for an SQS event source (the AWSLambdaSQSQueueExecutionRole
        # managed policy), and ChangeMessageVisibility: ingest holds a message it lists for
        # retry back longer after each receive.
        Sid      = "ConsumeTheIngestQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        Resource = var.ingest_queue.arn
      },
      {
        Sid      = "DeadLetterWhatCanNeverBeReported"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = var.ingest_queue.dead_letter_arn
      },
      local.use_key,
    ]
    "status-csv" = [
      local.stream_read,
      local.stream_failures,
      {
        Sid      = "WriteStatusCsvs"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${var.status_bucket.arn}/${local.status_prefix}*"
      },
      local.use_key,
    ]
    "notify" = [
      local.stream_read,
      local.stream_failures,
      {
        Sid      = "PublishOutcomes"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = var.status_topic_arn
      },
      {
        Sid       = "DedupeMarkers"
        Effect    = "Allow"
        Action    = ["dynamodb:PutItem"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["NOTIFY#*"] } }
      },
      local.use_key,
    ]
    "flow-guard" = [
      {
        Sid      = "ManageTheFlows"
        Effect   = "Allow"
        Action   = ["appflow:DescribeFlow", "appflow:StartFlow", "appflow:StopFlow"]
        Resource = [for f in var.managed_flows : f.arn]
      },
      {
        Sid       = "ReactivationCounters"
        Effect    = "Allow"
        Action    = ["dynamodb:UpdateItem"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["FLOWGUARD#*"] } }
      },
      {
        Sid      = "TellSupport"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = var.support_topic_arn
      },
      local.use_key,
    ]
    "connect-lookup" = [
      {
        Sid       = "ReadConfigItems"
        Effect    = "Allow"
        Action    = ["dynamodb:BatchGetItem", "dynamodb:GetItem"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["REGION#*"] } }
      },
      {
        Sid      = "DecryptTheTable"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  }

  handlers = toset(keys(local.environment))
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.handlers

  name               = "${var.name_prefix}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = local.handlers

  name = "${var.name_prefix}-${each.key}"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "OwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this[each.key].arn}:*"
      },
      {
        Sid      = "Tracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
      ], [for h in [each.key] : {
        Sid      = "OwnDeadLetterQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = aws_sqs_queue.dlq[h].arn
    } if contains(local.async_handlers, h)], local.statements[each.key])
  })
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.handlers

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.async_handlers

  name                      = "${var.name_prefix}-${each.key}-dlq"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600

  tags = var.tags
}

resource "aws_sqs_queue" "stream_failures" {
  name                      = "${var.name_prefix}-stream-failures"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  for_each = local.handlers
  #checkov:skip=CKV_AWS_117:No VPC: the functions reach only AWS APIs, and a VPC would add NAT cost and cold-start latency.
  #checkov:skip=CKV_AWS_272:The zips are built reproducibly and promoted by sha256 (dist/manifest.json) instead of Lambda code signing.

  function_name                  = "${var.name_prefix}-${each.key}"
  description                    = "sfbridge ${each.key}"
  role                           = aws_iam_role.this[each.key].arn
  handler                        = each.key
  runtime                        = "provided.al2023"
  architectures                  = [var.architecture]
  filename                       = "${var.package_dir}/${each.key}.zip"
  source_code_hash               = local.zip_hashes[each.key]
  memory_size                    = var.memory_size
  timeout                        = local.timeouts[each.key]
  reserved_concurrent_executions = lookup(var.reserved_concurrency, each.key, -1)
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = local.environment[each.key]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this[each.key].name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  dynamic "dead_letter_config" {
    for_each = [for h in [each.key] : aws_sqs_queue.dlq[h].arn if contains(local.async_handlers, h)]
    content {
      target_arn = dead_letter_config.value
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    # The zips' architecture (dist/manifest.json, written by make build-zips) and Lambda's
    # must be one and the same.
    precondition {
      condition     = local.zip_hashes[each.key] != null && local.manifest != null
      error_message = "No ${each.key}.zip or manifest.json in ${var.package_dir}: build them with make build-zips (or download the build job's artifact) and point package_dir there."
    }
    # The zips' architecture (dist/manifest.json, written by make build-zips) and Lambda's
    # must be one and the same.
    precondition {
      condition     = alltrue([for e in coalesce(local.manifest, []) : e.architecture == var.architecture])
      error_message = "The zips in package_dir were built for another architecture than var.architecture (see manifest.json); rebuild with ARCH=${var.architecture} or change architecture."
    }
  }
}

# Asynchronous invocations (flow-guard): a few retries, then the DLQ, where the event is kept
# whole with its errorType and message.
resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.async_handlers

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600
}

# The ingest queue feeds ingest in batches; ingest answers batchItemFailures, so only the
# records to retry go back to the queue (DESIGN.md step 3).
resource "aws_lambda_event_source_mapping" "ingest" {
  event_source_arn                   = var.ingest_queue.arn
  function_name                      = aws_lambda_function.this["ingest"].arn
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  # A cap on ingest's concurrency from this queue (and so on DynamoDB writes); events wait in
  # the queue instead of being throttled.
  scaling_config {
    maximum_concurrency = var.ingest_max_concurrency
  }

  lifecycle {
    # AWS: a function's reserved concurrency must be at least the maximum concurrency of its
    # SQS event sources, or Lambda throttles the mapping's invocations ("Configuring scaling
    # behavior for SQS event source mappings").
    precondition {
      condition     = lookup(var.reserved_concurrency, "ingest", var.ingest_max_concurrency) >= var.ingest_max_concurrency
      error_message = "reserved_concurrency[\"ingest\"] (${lookup(var.reserved_concurrency, "ingest", 0)}) is below ingest_max_concurrency (${var.ingest_max_concurrency}): Lambda would throttle the queue's invocations. Reserve at least as many, or lower ingest_max_concurrency."
    }
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  for_each = toset(["status-csv", "notify"])

  event_source_arn                   = var.table.stream_arn
  function_name                      = aws_lambda_function.this[each.key].arn
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = 25
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error     = true
  maximum_retry_attempts             = 5
  maximum_record_age_in_seconds      = 21600

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.stream_failures.arn
    }
  }

  # Only request-item inserts (pk REQUEST#..., sk EVENT#...: DESIGN.md, only request items
  # produce a CSV): config items, record claims, markers and counters never invoke them. The
  # fields of one pattern must all match (Lambda event filtering).
  filter_criteria {
    filter {
      pattern = jsonencode({
        eventName = ["INSERT"]
        dynamodb  = { NewImage = { pk = { S = [{ prefix = "REQUEST#" }] }, sk = { S = [{ prefix = "EVENT#" }] } } }
      })
    }
  }
}
