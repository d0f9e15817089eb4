# Steps 1-3: the event-triggered AppFlow flow (Salesforce Config_Change__e -> EventBridge
# partner source), the partner event bus (created after the flow, named like its source), the
# rule on it that sends to the ingest queue (retry policy and a dead-letter queue on the
# target), the ingest queue and its dead-letter queue, and the large-event bucket AppFlow
# writes oversized events to.
#
# Step 17, the catch-up: a scheduled AppFlow flow copies every Config_Request__c still without
# a status (Needs_Sync__c) into the same bucket under the sweep prefix, and the bucket notifies
# the ingest queue of each file, so ingest applies what the event path never delivered.

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

# The catch-up (sweep) flow: Salesforce request object -> this bucket, as JSON, every
# var.sweep_schedule, a full pull (dataPullMode Complete: every record that still needs a
# status, every run, not only the ones changed since the last run), filtered to Needs_Sync__c.
locals {
  sweep_flow_name = "${var.name_prefix}-sweep"
  sweep_flow_arn  = "arn:aws:appflow:${var.region}:${var.account_id}:flow/${local.sweep_flow_name}"
  # AppFlow's S3 bucketPrefix is a folder name without the trailing "/" (the model: BucketPrefix,
  # max 512, pattern .*); AppFlow writes <prefix>/<flow name>/<execution id>/<file>, so every
  # file is under var.sweep_prefix, which is what the bucket notification filters on.
  sweep_bucket_prefix = trimsuffix(var.sweep_prefix, "/")
  # The formula checkbox on the request object (salesforce/): true while Sync_Status__c is blank.
  needs_sync_field = "Needs_Sync__c"
  # What ingest reads from a catch-up line (DESIGN.md "Catch-up files"): Id, CreatedDate and the
  # request fields, named like the platform event's, each with its Salesforce (describe) type.
  # The Map tasks carry them over unchanged; AppFlow writes only mapped fields.
  sweep_fields = {
    Id              = "id"
    CreatedDate     = "datetime"
    Action__c       = "picklist"
    Region__c       = "string"
    Config_Type__c  = "picklist"
    Config_Key__c   = "string"
    Name__c         = "string"
    Message__c      = "textarea"
    Open_Time__c    = "string"
    Close_Time__c   = "string"
    Time_Zone__c    = "string"
    Requested_By__c = "email"
  }
  # The projection (the fields AppFlow queries) holds the filter's field too, as AWS's own
  # construct library builds it (cdklabs/cdk-appflow, FlowBase.addProjectionField adds the
  # source fields of Map and Filter tasks).
  sweep_projection = concat(keys(local.sweep_fields), [local.needs_sync_field])
  # REST_SYNC: the same API, so the same date and null formats, on every run. AUTOMATIC (the
  # default) switches to Bulk API 2.0 at 1,000,000 records, which "formats the data
  # differently" (the AppFlow model, SalesforceSourceProperties.dataTransferApi); and naming
  # it keeps the provider from reading back a value the configuration lacks.
  sweep_transfer_api = "REST_SYNC"

  # Everything the sweep flow's definition is made of (its revision).
  sweep_inputs = [
    local.sweep_flow_name, var.kms_key_arn, var.connector_profile_name, var.request_object, local.sweep_transfer_api,
    local.bucket_name, local.sweep_bucket_prefix, "JSON", local.sweep_fields, local.needs_sync_field, "EQUAL_TO", "true",
    var.sweep_schedule, "Complete",
    # What is written literally below: the output, the source options and the tasks' shapes.
    "aggregation:None", "include_deleted_records:false", "enable_dynamic_field_update:false",
    "PROJECTION", "Map:NO_OP", "DATA_TYPE:boolean",
  ]
}

locals {
  # AppFlow's documented S3-destination actions ("Amazon S3 Bucket Policies for Amazon AppFlow"),
  # for AppFlow acting for this account and region only (confused-deputy protection; AWS
  # documents no finer aws:SourceArn value for AppFlow's S3 access), each under its own prefix.
  appflow_write_actions = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"]
  appflow_conditions    = { StringEquals = { "aws:SourceAccount" = var.account_id }, ArnLike = { "aws:SourceArn" = "arn:aws:appflow:${var.region}:${var.account_id}:*" } }
  appflow_statements = [
    {
      Sid       = "AppFlowWritesLargeEvents"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = local.appflow_write_actions
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/${local.large_prefix}/*"]
      Condition = local.appflow_conditions
    },
    {
      # The catch-up files (the sweep flow's S3 destination). In the policy before the flow
      # exists: AppFlow checks its access to a destination bucket when the flow is created.
      Sid       = "AppFlowWritesCatchUpFiles"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = local.appflow_write_actions
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/${var.sweep_prefix}*"]
      Condition = local.appflow_conditions
    },
  ]
  statement_actions = { for st in local.appflow_statements : st.Sid => st.Action }
}

module "large_events" {
  source = "../bucket"

  name              = local.bucket_name
  kms_key_arn       = var.kms_key_arn
  expire_after_days = 30
  force_destroy     = var.force_destroy
  policy_statements = local.appflow_statements

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

resource "aws_appflow_flow" "sweep" {
  count = var.create_flow ? 1 : 0

  name        = local.sweep_flow_name
  description = "${var.request_object} records without a status to the inbound bucket, sfbridge step 17 catch-up"
  kms_arn     = var.kms_key_arn

  source_flow_config {
    connector_type         = "Salesforce"
    connector_profile_name = var.connector_profile_name

    source_connector_properties {
      salesforce {
        object                      = var.request_object
        data_transfer_api           = local.sweep_transfer_api
        enable_dynamic_field_update = false
        include_deleted_records     = false
      }
    }
  }

  destination_flow_config {
    connector_type = "S3"

    destination_connector_properties {
      s3 {
        # The name comes from the bucket's policy, which lets AppFlow write under the prefix.
        bucket_name   = module.large_events.bucket_name
        bucket_prefix = local.sweep_bucket_prefix

        s3_output_format_config {
          # One JSON object per line, one record per object (DESIGN.md "Catch-up files").
          file_type = "JSON"

          # Unaggregated: each file its own notification. Nothing documented bounds a file's
          # size; ingest refuses one over 32 MiB (dead-lettered with the reason, alarmed).
          aggregation_config {
            aggregation_type = "None"
          }
        }
      }
    }
  }

  # Which fields AppFlow queries (PROJECTION), which records (Needs_Sync__c = true), and how
  # each field reaches the file (Map, unchanged): explicit tasks, as the status flow has, so
  # what is read back equals what is written (the provider keeps only one task of a Map_all
  # flow, hashicorp/terraform-provider-aws#35992).
  task {
    source_fields = local.sweep_projection
    task_type     = "Filter"

    connector_operator {
      salesforce = "PROJECTION"
    }
  }

  task {
    source_fields = [local.needs_sync_field]
    task_type     = "Filter"

    connector_operator {
      salesforce = "EQUAL_TO"
    }

    # A checkbox is Salesforce type boolean; VALUE is the literal (cdklabs/cdk-appflow,
    # FilterCondition.booleanEquals: DATA_TYPE and VALUE).
    task_properties = {
      DATA_TYPE = "boolean"
      VALUE     = "true"
    }
  }

  dynamic "task" {
    for_each = local.sweep_fields
    content {
      source_fields     = [task.key]
      destination_field = task.key
      task_type         = "Map"

      connector_operator {
        salesforce = "NO_OP"
      }

      task_properties = {
        SOURCE_DATA_TYPE      = task.value
        DESTINATION_DATA_TYPE = task.value
      }
    }
  }

  trigger_config {
    trigger_type = "Scheduled"

    trigger_properties {
      scheduled {
        schedule_expression = var.sweep_schedule
        # Every run takes every record that still needs a status: a record the event path
        # lost long ago is as much in the next file as one lost a minute ago.
        data_pull_mode = "Complete"
      }
    }
  }

  tags = var.tags
}

# Each catch-up file AppFlow writes reaches ingest through the ingest queue. Only this prefix:
# the oversized events under large-events/ are read through the pointer the partner bus
# delivers. S3 sends a test message to the queue while this is written, and refuses the whole
# configuration ("Unable to validate the following destination configurations") unless the
# queue policy already lets it send and the queue's KMS key lets it encrypt (connection module),
# hence depends_on; the provider retries only NoSuchBucket here.
resource "aws_s3_bucket_notification" "sweep" {
  bucket = module.large_events.bucket_name

  queue {
    id            = "catch-up-files"
    queue_arn     = aws_sqs_queue.ingest.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.sweep_prefix
  }

  # The queue policy first. SQS applies a new policy within seconds, not at once, and S3's
  # test message meets it at once: the target and the flows, which wait for the queue policy
  # (or take seconds of AppFlow's own checks), put time between the two on a first apply.
  depends_on = [aws_sqs_queue_policy.ingest, aws_cloudwatch_event_target.ingest, aws_appflow_flow.sweep]
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
      [{
        # S3's event notifications for the catch-up files, from this bucket in this account
        # only (S3 user guide, "Granting permissions to publish event notification messages to
        # a destination": aws:SourceArn is the bucket, aws:SourceAccount its owner; bucket ARNs
        # hold no account, so the account condition is what ties the name to ours).
        Sid       = "CatchUpFilesNotify"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.ingest.arn
        Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:s3:::${local.bucket_name}" }, StringEquals = { "aws:SourceAccount" = var.account_id } }
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
