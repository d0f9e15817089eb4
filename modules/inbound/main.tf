# Steps 1-3: the event-triggered AppFlow flow (Salesforce Config_Change__e -> EventBridge
# partner source), the partner event bus (created after the flow, named like its source), the
# rule on it that sends to the ingest queue (retry policy and a dead-letter queue on the
# target), the ingest queue and its dead-letter queue, and the large-event bucket AppFlow
# writes oversized events to.

locals {
  flow_name = "${var.name_prefix}-events"
  # Built from the name, not read from the flow: the bucket policy must exist before the flow.
  flow_arn = "arn:aws:appflow:${var.region}:${var.account_id}:flow/${local.flow_name}"
  # AppFlow creates the partner event source with this name when the flow is created.
  partner_source = "aws.partner/appflow/salesforce.com/${var.account_id}/${local.flow_name}"
  bucket_name    = "${var.name_prefix}-large-events-${var.account_id}"
  large_prefix   = "large-events"
  # ARNs from names: the queue and its DLQ name each other (redrive and redrive-allow policies).
  queue_name = "${var.name_prefix}-ingest"
  queue_arn  = "arn:aws:sqs:${var.region}:${var.account_id}:${local.queue_name}"
  dlq_name   = "${var.name_prefix}-ingest-dlq"
  # ingest holds a message it lists for retry back longer after each receive (3 min, 12 min,
  # 48 min, 3.2 h, then 12 h: handlers/ingest/queue.rs), so 12 receives retry for about 4.2
  # days before the DLQ, riding out a long outage (Lambda recommends at least 5). The queue
  # keeps messages longer than that; the DLQ longer still (SQS keeps a message's enqueue time
  # when it moves), leaving about 10 days to redrive.
  max_receive_count    = 12
  queue_retention_days = 7
  # Every queue policy here refuses plain HTTP, like the buckets' policies.
  tls_only = {
    Sid       = "TlsOnly"
    Effect    = "Deny"
    Principal = "*"
    Action    = "sqs:*"
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }
  # Everything the flow's definition is made of (flow_revision): what the resource below reads.
  flow_inputs = [local.flow_name, var.kms_key_arn, var.connector_profile_name, var.event_object, local.partner_source, local.bucket_name, local.large_prefix]
}

module "large_events" {
  source = "../bucket"

  name              = local.bucket_name
  kms_key_arn       = var.kms_key_arn
  expire_after_days = 30
  force_destroy     = var.force_destroy
  policy_statements = [
    {
      # AppFlow's documented S3-destination actions ("Amazon S3 Bucket Policies for Amazon
      # AppFlow"), for AppFlow acting for this account and region only (confused-deputy
      # protection; AWS documents no finer aws:SourceArn value for AppFlow's S3 access).
      Sid       = "AppFlowWritesLargeEvents"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"]
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/${local.large_prefix}/*"]
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id }, ArnLike = { "aws:SourceArn" = "arn:aws:appflow:${var.region}:${var.account_id}:*" } }
    }
  ]

  tags = var.tags
}

resource "aws_appflow_flow" "events" {
  count = var.create_flow ? 1 : 0

  name        = local.flow_name
  description = "Salesforce ${var.event_object} to the EventBridge partner bus, sfbridge step 2"
  kms_arn     = var.kms_key_arn

  source_flow_config {
    connector_type         = "Salesforce"
    connector_profile_name = var.connector_profile_name

    source_connector_properties {
      salesforce {
        object = var.event_object
      }
    }
  }

  destination_flow_config {
    connector_type = "EventBridge"

    destination_connector_properties {
      event_bridge {
        object = local.partner_source

        # Events too large for EventBridge are written here; only a pointer is sent.
        error_handling_config {
          bucket_name                     = module.large_events.bucket_name
          bucket_prefix                   = local.large_prefix
          fail_on_first_destination_error = false
        }
      }
    }
  }

  task {
    source_fields = []
    task_type     = "Map_all"

    connector_operator {
      salesforce = "NO_OP"
    }
  }

  trigger_config {
    trigger_type = "Event"
  }

  tags = var.tags
}

resource "aws_cloudwatch_event_bus" "partner" {
  count = var.create_flow ? 1 : 0

  name              = local.partner_source
  event_source_name = local.partner_source

  tags = var.tags

  depends_on = [aws_appflow_flow.events]
}

resource "aws_cloudwatch_event_rule" "ingest" {
  count = var.create_flow ? 1 : 0

  name           = "${var.name_prefix}-config-change"
  description    = "Config_Change__e events to ingest"
  event_bus_name = aws_cloudwatch_event_bus.partner[0].name
  event_pattern  = jsonencode({ "detail-type" = [var.event_object] })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "ingest" {
  count = var.create_flow ? 1 : 0

  rule           = aws_cloudwatch_event_rule.ingest[0].name
  event_bus_name = aws_cloudwatch_event_bus.partner[0].name
  arn            = aws_sqs_queue.ingest.arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.rule_dlq.arn
  }

  # Point the rule at the queue only once EventBridge may send to it.
  depends_on = [aws_sqs_queue_policy.ingest]
}

# The buffer between the partner bus and ingest (DESIGN.md step 3): events wait here through an
# outage of ingest or DynamoDB (about 4 days of backed-off retries), then move to the DLQ.
# It exists without AppFlow too: the catch-up path feeds it.
resource "aws_sqs_queue" "ingest" {
  name                      = local.queue_name
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = local.queue_retention_days * 86400
  # AWS: at least six times the function's timeout, so a throttled batch can be retried before
  # its messages reappear ("Creating and configuring an Amazon SQS event source mapping").
  visibility_timeout_seconds = 6 * var.ingest_timeout_seconds
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.ingest_dlq.arn
    maxReceiveCount     = local.max_receive_count
  })

  tags = var.tags
}

# Events ingest can never report (it sends them here with a reason) and events that failed
# five times: alarmed, and redriven from here by an operator.
resource "aws_sqs_queue" "ingest_dlq" {
  name                      = local.dlq_name
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600 # 14 days, the SQS maximum: longer than the source's
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.queue_arn]
  })

  tags = var.tags
}

resource "aws_sqs_queue_policy" "ingest" {
  queue_url = aws_sqs_queue.ingest.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [merge(local.tls_only, { Resource = aws_sqs_queue.ingest.arn })],
      [for rule in aws_cloudwatch_event_rule.ingest : {
        # EventBridge sends with this resource policy, not a role ("Using resource-based
        # policies for Amazon EventBridge": no RoleArn for SQS targets), for this rule only.
        Sid       = "PartnerBusRuleSends"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.ingest.arn
        Condition = { ArnEquals = { "aws:SourceArn" = rule.arn } }
      }],
    )
  })
}

resource "aws_sqs_queue_policy" "ingest_dlq" {
  queue_url = aws_sqs_queue.ingest_dlq.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.tls_only, { Resource = aws_sqs_queue.ingest_dlq.arn })]
  })
}

# Events EventBridge could not deliver to the ingest queue at all.
resource "aws_sqs_queue" "rule_dlq" {
  name                      = "${var.name_prefix}-config-change-dlq"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600

  tags = var.tags
}

resource "aws_sqs_queue_policy" "rule_dlq" {
  count = var.create_flow ? 1 : 0

  queue_url = aws_sqs_queue.rule_dlq.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      merge(local.tls_only, { Resource = aws_sqs_queue.rule_dlq.arn }),
      {
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.rule_dlq.arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.ingest[0].arn } }
      }
    ]
  })
}
