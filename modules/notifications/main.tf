# The status topic (one message per request outcome, for business users) and the support topic
# (flow-guard and alarms, for the people who run sfbridge), both under the project's KMS key.

data "aws_caller_identity" "current" {
  count = var.account_id == null ? 1 : 0
}

locals {
  account_id = coalesce(var.account_id, try(data.aws_caller_identity.current[0].account_id, null))
}

resource "aws_sns_topic" "status" {
  name              = "${var.name_prefix}-status"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

resource "aws_sns_topic" "support" {
  name              = "${var.name_prefix}-support"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

# CloudWatch alarms publish to the support topic.
resource "aws_sns_topic_policy" "support" {
  arn = aws_sns_topic.support.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountOwns"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes"]
        Resource  = aws_sns_topic.support.arn
      },
      {
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.support.arn
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }
    ]
  })
}

resource "aws_sns_topic_subscription" "status" {
  for_each = { for s in var.status_subscriptions : s.email => s }

  topic_arn           = aws_sns_topic.status.arn
  protocol            = "email"
  endpoint            = each.value.email
  filter_policy       = each.value.filter_policy == null ? null : jsonencode(each.value.filter_policy)
  filter_policy_scope = each.value.filter_policy == null ? null : "MessageAttributes"
}

resource "aws_sns_topic_subscription" "support" {
  for_each = toset(var.support_emails)

  topic_arn = aws_sns_topic.support.arn
  protocol  = "email"
  endpoint  = each.value
}
