# Steps 1-3: the event-triggered AppFlow flow (Salesforce Config_Change__e -> EventBridge
# partner source), the partner event bus (created after the flow, named like its source), the
# rule on it that invokes ingest (retry policy and a dead-letter queue on the target), and the
# large-event bucket AppFlow writes oversized events to.

locals {
  flow_name = "${var.name_prefix}-events"
  # Built from the name, not read from the flow: the bucket policy must exist before the flow.
  flow_arn = "arn:aws:appflow:${var.region}:${var.account_id}:flow/${local.flow_name}"
  # AppFlow creates the partner event source with this name when the flow is created.
  partner_source = "aws.partner/appflow/salesforce.com/${var.account_id}/${local.flow_name}"
  bucket_name    = "${var.name_prefix}-large-events-${var.account_id}"
  large_prefix   = "large-events"
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
  arn            = var.ingest_function_arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.rule_dlq.arn
  }
}

resource "aws_lambda_permission" "ingest" {
  count = var.create_flow ? 1 : 0

  statement_id  = "PartnerBusInvokesIngest"
  action        = "lambda:InvokeFunction"
  function_name = var.ingest_function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.ingest[0].arn
}

# Events EventBridge could not deliver to ingest at all.
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
