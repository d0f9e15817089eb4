# The second region of Amazon Connect Global Resiliency (DESIGN.md "A second region"): the
# table's replica there, under a key of that region, and a connect-lookup that reads only that
# replica, with its log group, its alarms and the replica Connect instance's association.
#
# Everything here is created through the provider this module is given (`aws`), which the
# composition configures for the secondary region; a precondition checks that it is. Flows,
# ingest, the stream consumers and flow-guard stay in the home region: nothing here writes to
# the table, and the replica's stream has no consumer.

data "aws_region" "current" {}

# Amazon Connect Global Resiliency replicates an instance only between these Regions (Connect
# administrator guide, "Set up Global Resiliency": N. Virginia and Oregon, London and Frankfurt,
# and from Tokyo to Osaka). A warning, not an error: AWS may add pairs.
check "connect_global_resiliency_pair" {
  assert {
    condition = contains([
      "us-east-1>us-west-2", "us-west-2>us-east-1", "eu-west-2>eu-central-1", "eu-central-1>eu-west-2", "ap-northeast-1>ap-northeast-3",
    ], "${var.home_region}>${var.region}")
    error_message = "Amazon Connect Global Resiliency does not document a replica in ${var.region} for an instance in ${var.home_region} (pairs: us-east-1/us-west-2, eu-west-2/eu-central-1, ap-northeast-1 to ap-northeast-3)."
  }
}

locals {
  function_name = "${var.name_prefix}-connect-lookup"
  # The replica keeps the table's name; its ARN differs from the home table's by the region.
  replica_arn = "arn:aws:dynamodb:${var.region}:${var.account_id}:table/${var.table.name}"
  # arn:aws:connect:<region>:<account>:instance/<id>
  connect_instance_id = var.connect_instance_arn == null ? null : element(split("/", var.connect_instance_arn), 1)
  zip                 = "${var.package_dir}/connect-lookup.zip"
  zip_hash            = try(filebase64sha256(local.zip), null)
}

# A key of this region: DynamoDB encrypts each replica with a key in the replica's region (the
# home key cannot be used here, and making it multi-Region would replace it). The same
# statements as the home key's, for what uses it here: the replica (through the account's IAM
# delegation, like the home table), the log group, the alarm topic.
resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} (${var.region}): table replica, connect-lookup logs, alarms"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncrypts"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${var.region}:${var.account_id}:*" } }
      },
      {
        Sid       = "AlarmsPublishToTheEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
      },
    ]
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.region != var.home_region
      error_message = "secondary_region must differ from the home region (${var.home_region})."
    }
    precondition {
      condition     = data.aws_region.current.name == var.region
      error_message = "The provider given to the secondary module is for ${data.aws_region.current.name}, not the secondary region ${var.region}: configure the aws.secondary provider with region = secondary_region."
    }
    precondition {
      condition     = var.connect_instance_arn == null || try(split(":", var.connect_instance_arn)[3], "") == var.region
      error_message = "secondary_connect_instance_arn names an instance in ${try(split(":", var.connect_instance_arn)[3], "?")}, not in the secondary region ${var.region}."
    }
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-secondary"
  target_key_id = aws_kms_key.this.key_id
}

# The replica (global tables version 2019.11.21). The home table ignores its `replica` blocks
# (store module): this resource owns the replica, as the provider requires of the two.
resource "aws_dynamodb_table_replica" "this" {
  global_table_arn            = var.table.arn
  kms_key_arn                 = aws_kms_key.this.arn
  point_in_time_recovery      = true
  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
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

# IAM is global: the role's name says which region's function it serves.
resource "aws_iam_role" "lookup" {
  name               = "${local.function_name}-${var.region}"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "lookup" {
  name = "${local.function_name}-${var.region}"
  role = aws_iam_role.lookup.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "OwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.lookup.arn}:*"
      },
      {
        Sid      = "Tracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
      {
        # Reads of config items in this region's replica only: never the home table, never
        # a write.
        Sid       = "ReadConfigItemsOfTheLocalReplica"
        Effect    = "Allow"
        Action    = ["dynamodb:BatchGetItem", "dynamodb:GetItem"]
        Resource  = local.replica_arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["REGION#*"] } }
      },
      {
        Sid      = "DecryptTheReplica"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = aws_kms_key.this.arn
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "lookup" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

# The same zip as the home region's connect-lookup (Lambda takes code from a bucket of its own
# region or from the upload: the provider uploads the file to each region).
resource "aws_lambda_function" "lookup" {
  #checkov:skip=CKV_AWS_117:No VPC: the function reaches only DynamoDB, and a VPC would add NAT cost and cold-start latency.
  #checkov:skip=CKV_AWS_272:The zips are built reproducibly and promoted by sha256 (dist/manifest.json) instead of Lambda code signing.
  #checkov:skip=CKV_AWS_116:Amazon Connect invokes it synchronously; a dead-letter queue only receives asynchronous invocations.

  function_name                  = local.function_name
  description                    = "sfbridge connect-lookup (secondary region: reads the local replica)"
  role                           = aws_iam_role.lookup.arn
  handler                        = "connect-lookup"
  runtime                        = "provided.al2023"
  architectures                  = [var.architecture]
  filename                       = local.zip
  source_code_hash               = local.zip_hash
  memory_size                    = var.memory_size
  timeout                        = 8
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    # The same name as at home: in this region it is the replica.
    variables = { CONFIG_TABLE = var.table.name }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.lookup.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  tags = var.tags

  # The role may read the replica once it exists: the first call after the apply succeeds.
  depends_on = [aws_iam_role_policy.lookup, aws_dynamodb_table_replica.this]

  lifecycle {
    precondition {
      condition     = local.zip_hash != null
      error_message = "No connect-lookup.zip in ${var.package_dir}: build the zips with make build-zips (or download the build job's artifact) and point package_dir there."
    }
  }
}

module "connect" {
  source = "../connect"

  instance_id   = local.connect_instance_id
  function_arn  = aws_lambda_function.lookup.arn
  function_name = aws_lambda_function.lookup.function_name
  account_id    = var.account_id
  region        = var.region
}

# Alarms live with their metrics, in this region, and tell support through a topic of this
# region (an alarm can only notify a topic in its own region).
resource "aws_sns_topic" "support" {
  name              = "${var.name_prefix}-support"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sns_topic_policy" "support" {
  arn = aws_sns_topic.support.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountOwns"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes"]
        Resource  = aws_sns_topic.support.arn
      },
      {
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.support.arn
        Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "support" {
  for_each = toset(var.support_emails)

  topic_arn = aws_sns_topic.support.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  alarms = {
    # Lambda's own count: the function failed (a crash, a timeout), Connect took its error
    # branch.
    errors = {
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = local.function_name }
      description = "connect-lookup in ${var.region} (the replica Connect instance's) returned errors: callers took the flow's error branch. Read ${aws_cloudwatch_log_group.lookup.name} in ${var.region}."
    }
    # The handler's own count (EMF, DESIGN.md "Metrics"): it answered ERROR, e.g. the replica
    # did not answer in time.
    answered_error = {
      namespace   = "sfbridge"
      metric      = "Error"
      dimensions  = { Handler = "connect-lookup" }
      description = "connect-lookup in ${var.region} answered ERROR: callers heard the fallback. Is the replica ${var.table.name} in ${var.region} readable (ACTIVE, key enabled)? Read ${aws_cloudwatch_log_group.lookup.name}."
    }
    items_skipped = {
      namespace   = "sfbridge"
      metric      = "ItemSkipped"
      dimensions  = { Handler = "connect-lookup" }
      description = "connect-lookup in ${var.region} treated items as absent (wrong type or unparsable; written by hand?). Read ${aws_cloudwatch_log_group.lookup.name}."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "lookup" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-connect-lookup-${var.region}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.support.arn]
  ok_actions          = [aws_sns_topic.support.arn]

  tags = var.tags
}
