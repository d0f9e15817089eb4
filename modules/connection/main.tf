# The Salesforce connection: the project's KMS key (used by every other module), the Secrets
# Manager secret that holds the connected app's {"clientId","clientSecret"} (its value is put
# there outside Terraform, so it is never in state or code), and the AppFlow connector profile.

data "aws_caller_identity" "current" {
  count = var.account_id == null ? 1 : 0
}

data "aws_region" "current" {
  count = var.region == null ? 1 : 0
}

locals {
  account_id = coalesce(var.account_id, try(data.aws_caller_identity.current[0].account_id, null))
  region     = coalesce(var.region, try(data.aws_region.current[0].name, null))
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix}: table, buckets, topics, queues, logs, secret, AppFlow"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AppFlowUsesTheKey"
        Effect    = "Allow"
        Principal = { Service = "appflow.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListAliases"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "CloudWatchLogsEncrypts"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${local.region}:${local.account_id}:*" } }
      },
      {
        Sid       = "ServicesPublishToEncryptedTopicsAndQueues"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_secretsmanager_secret" "salesforce" {
  #checkov:skip=CKV2_AWS_57:The connected app's consumer secret is rotated in Salesforce by a person (README runbook); Secrets Manager cannot rotate it.
  name        = "${var.name_prefix}/salesforce-connected-app"
  description = "Salesforce connected app credentials for AppFlow: {\"clientId\":\"...\",\"clientSecret\":\"...\"}. Set the value outside Terraform."
  kms_key_id  = aws_kms_key.this.arn

  tags = var.tags
}

# AppFlow reads the client credentials from the secret.
resource "aws_secretsmanager_secret_policy" "salesforce" {
  secret_arn = aws_secretsmanager_secret.salesforce.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AppFlowReads"
        Effect    = "Allow"
        Principal = { Service = "appflow.amazonaws.com" }
        Action    = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }
    ]
  })
}

resource "aws_appflow_connector_profile" "this" {
  count = var.create_connector_profile ? 1 : 0

  name            = var.name_prefix
  connector_type  = "Salesforce"
  connection_mode = var.salesforce.private_link ? "Private" : "Public"
  kms_arn         = aws_kms_key.this.arn

  connector_profile_config {
    connector_profile_credentials {
      salesforce {
        client_credentials_arn = aws_secretsmanager_secret.salesforce.arn
        oauth2_grant_type      = var.salesforce.grant_type
        jwt_token              = var.salesforce.grant_type == "JWT_BEARER" ? var.salesforce_jwt_token : null
        refresh_token          = var.salesforce.grant_type == "AUTHORIZATION_CODE" ? var.salesforce_refresh_token : null
      }
    }

    connector_profile_properties {
      salesforce {
        instance_url           = var.salesforce.instance_url
        is_sandbox_environment = var.salesforce.is_sandbox
      }
    }
  }

  depends_on = [aws_secretsmanager_secret_policy.salesforce]
}
