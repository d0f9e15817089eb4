# The Salesforce connection: the project's KMS key (used by every other module) and the AppFlow
# connector profile.
#
# AppFlow authenticates to Salesforce with the OAuth 2.0 JWT bearer flow (JWT_BEARER): the
# connected app holds a certificate, and a JWT signed with its private key (scripts/
# salesforce-jwt.sh) is the credential. AppFlow refuses CLIENT_CREDENTIALS for Salesforce (the
# AppFlow API reference, OAuth2GrantType: "The CLIENT_CREDENTIALS value is not supported for
# Salesforce"), so it is not accepted here. No client secret is involved, so there is no
# Secrets Manager secret either.
#
# Two ways to provide the profile:
# - salesforce.connector_profile_name: an existing profile, created from the JWT by
#   scripts/connector-profile.py. Terraform never sees the JWT (recommended: nothing in state,
#   plan files or CI artifacts).
# - otherwise Terraform creates it from var.salesforce_jwt_token (kept in the encrypted state;
#   for a local, manual apply).

locals {
  create_profile = var.create_connector_profile && var.salesforce.connector_profile_name == null
  profile_name   = coalesce(var.salesforce.connector_profile_name, var.name_prefix)
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix}: table, buckets, topics, queues, logs, AppFlow"
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
        Sid       = "AppFlowUsesTheKey"
        Effect    = "Allow"
        Principal = { Service = "appflow.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListAliases"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
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
        Sid       = "ServicesPublishToEncryptedTopicsAndQueues"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
      },
      {
        # S3 sends the catch-up files' notifications to the KMS-encrypted ingest queue, and
        # while the notification is configured it sends a test message that must get through,
        # or PutBucketNotificationConfiguration fails ("Unable to validate the following
        # destination configurations"). The S3 user guide ("Granting permissions to publish
        # event notification messages to a destination") gives this statement for a queue under
        # a customer managed key, without conditions; AWS documents none for S3's use of the
        # key, so none is set here. Which bucket may send is the queue policy's decision
        # (aws:SourceArn and aws:SourceAccount, inbound module).
        Sid       = "S3NotifiesEncryptedQueues"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
      }
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_appflow_connector_profile" "this" {
  count = local.create_profile ? 1 : 0

  name            = local.profile_name
  connector_type  = "Salesforce"
  connection_mode = var.salesforce.private_link ? "Private" : "Public"
  kms_arn         = aws_kms_key.this.arn

  connector_profile_config {
    connector_profile_credentials {
      salesforce {
        oauth2_grant_type = var.salesforce.grant_type
        jwt_token         = var.salesforce_jwt_token
      }
    }

    connector_profile_properties {
      salesforce {
        instance_url           = var.salesforce.instance_url
        is_sandbox_environment = var.salesforce.is_sandbox
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.salesforce_jwt_token != null
      error_message = "No connector profile to create from: set salesforce.connector_profile_name to a profile made by scripts/connector-profile.py (recommended), or pass the JWT from scripts/salesforce-jwt.sh as TF_VAR_salesforce_jwt_token."
    }
  }
}
