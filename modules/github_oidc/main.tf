# GitHub Actions' OIDC provider and, per environment, two roles: "<env>-plan" (read-only, for
# terraform plan) and "<env>" (deploy, for applying the reviewed plan). Each role trusts only
# this repository's jobs running in the matching GitHub environment: no long-lived keys.
#
# Several environments may share one account, so each role is confined to its own environment:
# every resource sfbridge creates is named "<name_prefix>-<env>..." (modules/sfbridge), and each
# statement below names those ARNs, per service, in the formats of the AWS Service Authorization
# Reference. Where an ARN carries no name (KMS keys, event source mappings) or the action takes no
# resource (creating things before they have an ARN), the statement is bound by the Environment
# tag that the roots' provider default_tags put on everything. Plan roles only read, and never
# data: no table items, no queue messages, no object other than those Terraform manages. Deploy
# roles touch no data either, with one exception AWS imposes: creating the config table's replica
# in an environment's second region (secondary_regions) needs the item actions on that replica.

locals {
  issuer = "token.actions.githubusercontent.com"
  roles = merge([for env in var.environments : {
    "${env}-plan" = { environment = "${env}-plan", env = env, deploy = false }
    (env)         = { environment = env, env = env, deploy = true }
  }]...)

  acct = var.account_id

  # The names one environment's resources carry, as ARN patterns (region "*": the environment's
  # region is chosen by its root). S3 ARNs carry no account, so bucket names end in it.
  scope = { for env in var.environments : env => {
    prefix     = "${var.name_prefix}-${env}"
    state_key  = "sfbridge/${env}.tfstate"
    functions  = "arn:aws:lambda:*:${local.acct}:function:${var.name_prefix}-${env}-*"
    mappings   = "arn:aws:lambda:*:${local.acct}:event-source-mapping:*"
    roles      = "arn:aws:iam::${local.acct}:role/${var.name_prefix}-${env}-*"
    log_groups = "arn:aws:logs:*:${local.acct}:log-group:/aws/lambda/${var.name_prefix}-${env}-*"
    tables     = "arn:aws:dynamodb:*:${local.acct}:table/${var.name_prefix}-${env}-*"
    buckets    = "arn:aws:s3:::${var.name_prefix}-${env}-*-${local.acct}"
    objects    = "arn:aws:s3:::${var.name_prefix}-${env}-*-${local.acct}/*"
    tf_objects = [for o in var.terraform_objects : "arn:aws:s3:::${var.name_prefix}-${env}-${replace(o, "{account}", local.acct)}"]
    queues     = "arn:aws:sqs:*:${local.acct}:${var.name_prefix}-${env}-*"
    topics     = "arn:aws:sns:*:${local.acct}:${var.name_prefix}-${env}-*"
    keys       = "arn:aws:kms:*:${local.acct}:key/*"
    # The home key's alias and the second region's key's (modules/secondary), exactly.
    aliases = ["arn:aws:kms:*:${local.acct}:alias/${var.name_prefix}-${env}", "arn:aws:kms:*:${local.acct}:alias/${var.name_prefix}-${env}-secondary"]
    flows   = "arn:aws:appflow:*:${local.acct}:flow/${var.name_prefix}-${env}-*"
    profile = "arn:aws:appflow:*:${local.acct}:connectorprofile/${var.name_prefix}-${env}"
    # AppFlow names the partner event source (and so the bus) after the event flow.
    bus = "arn:aws:events:*:${local.acct}:event-bus/aws.partner/appflow/salesforce.com/${local.acct}/${var.name_prefix}-${env}-events"
    rules = [
      "arn:aws:events:*:${local.acct}:rule/${var.name_prefix}-${env}-*",
      "arn:aws:events:*:${local.acct}:rule/aws.partner/appflow/salesforce.com/${local.acct}/${var.name_prefix}-${env}-events/*",
    ]
    alarms = "arn:aws:cloudwatch:*:${local.acct}:alarm:${var.name_prefix}-${env}-*"
    # The environment's dashboard is named like its prefix (modules/monitoring).
    dashboards = ["arn:aws:cloudwatch::${local.acct}:dashboard/${var.name_prefix}-${env}", "arn:aws:cloudwatch::${local.acct}:dashboard/${var.name_prefix}-${env}-*"]
    # The home instance (by id) and, with a second region, its replica there (its own id).
    connect = concat(
      [for id in compact([lookup(var.connect_instance_ids, env, null)]) : "arn:aws:connect:*:${local.acct}:instance/${id}"],
      compact([lookup(var.secondary_connect_instance_arns, env, null)]),
    )
    # The config table's replica in the environment's second region (same name, that region).
    replica = [for r in compact([lookup(var.secondary_regions, env, null)]) : "arn:aws:dynamodb:${r}:${local.acct}:table/${var.name_prefix}-${env}-config"]
    tagged  = { StringEquals = { "aws:ResourceTag/Environment" = env } }
    # Lambda passes the mapping's function in lambda:FunctionArn (mapping ARNs carry only a UUID).
    of_function = { ArnLike = { "lambda:FunctionArn" = "arn:aws:lambda:*:${local.acct}:function:${var.name_prefix}-${env}-*" } }
  } }

  # What terraform plan refreshes (both roles): describe/get/list, never data.
  read = { for env, s in local.scope : env => concat([
    {
      Sid      = "Functions"
      Effect   = "Allow"
      Action   = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionEventInvokeConfig", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:ListTags"]
      Resource = s.functions
    },
    {
      Sid       = "StreamMappings"
      Effect    = "Allow"
      Action    = ["lambda:GetEventSourceMapping"]
      Resource  = s.mappings
      Condition = s.of_function
    },
    {
      Sid       = "StreamMappingTags"
      Effect    = "Allow"
      Action    = ["lambda:ListTags"]
      Resource  = s.mappings
      Condition = s.tagged
    },
    {
      Sid      = "FunctionRoles"
      Effect   = "Allow"
      Action   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"]
      Resource = s.roles
    },
    {
      Sid      = "LogGroups"
      Effect   = "Allow"
      Action   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
      Resource = s.log_groups
    },
    {
      Sid      = "Table"
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"]
      Resource = s.tables
    },
    {
      Sid    = "Buckets"
      Effect = "Allow"
      Action = [
        "s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
        "s3:GetBucketVersioning", "s3:GetBucketLogging", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPublicAccessBlock", "s3:GetBucketOwnershipControls", "s3:GetAccelerateConfiguration", "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketNotification",
      ]
      Resource = s.buckets
    },
    {
      # Only the objects Terraform manages (aws_s3_object: HeadObject and its tags).
      Sid      = "TerraformObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectTagging"]
      Resource = s.tf_objects
    },
    {
      Sid      = "Queues"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
      Resource = s.queues
    },
    {
      # The pattern also covers the topics' subscriptions (<topic ARN>:<id>).
      Sid      = "Topics"
      Effect   = "Allow"
      Action   = ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:GetSubscriptionAttributes"]
      Resource = s.topics
    },
    {
      # Key ARNs carry no name: the key is the environment's by its Environment tag.
      Sid       = "Key"
      Effect    = "Allow"
      Action    = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
      Resource  = s.keys
      Condition = s.tagged
    },
    {
      # A table replica's refresh compares its key with DynamoDB's AWS managed key of its region,
      # asked for by alias (aws_dynamodb_table_replica: DescribeKey alias/aws/dynamodb). That key
      # has no Environment tag: its metadata only, only when named by that alias.
      Sid       = "DynamoDBManagedKeyMetadata"
      Effect    = "Allow"
      Action    = ["kms:DescribeKey"]
      Resource  = s.keys
      Condition = { StringEquals = { "kms:RequestAlias" = "alias/aws/dynamodb" } }
    },
    {
      # Lambda returns a function's environment only to a caller that may decrypt it.
      Sid       = "FunctionEnvironment"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = s.keys
      Condition = merge(s.tagged, { StringLike = { "kms:ViaService" = "lambda.*.amazonaws.com" } })
    },
    {
      Sid      = "Flows"
      Effect   = "Allow"
      Action   = ["appflow:DescribeFlow", "appflow:ListTagsForResource"]
      Resource = s.flows
    },
    {
      Sid      = "Rules"
      Effect   = "Allow"
      Action   = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
      Resource = s.rules
    },
    {
      Sid      = "PartnerBus"
      Effect   = "Allow"
      Action   = ["events:DescribeEventBus", "events:ListTagsForResource"]
      Resource = s.bus
    },
    {
      Sid      = "Alarms"
      Effect   = "Allow"
      Action   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
      Resource = s.alarms
    },
    {
      Sid      = "Dashboards"
      Effect   = "Allow"
      Action   = ["cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource"]
      Resource = s.dashboards
    },
    {
      # These take no resource: they list names and settings (never credentials or data), and
      # Terraform finds the log groups, the alias and the connector profile through them.
      Sid      = "ListOnly"
      Effect   = "Allow"
      Action   = ["logs:DescribeLogGroups", "kms:ListAliases", "appflow:DescribeConnectorProfiles"]
      Resource = "*"
    },
    ], [for arns in [s.connect] : {
      Sid      = "ConnectRead"
      Effect   = "Allow"
      Action   = ["connect:ListLambdaFunctions"]
      Resource = arns
  } if length(arns) > 0]) }

  # What applying changes (deploy roles only), on top of the reads above.
  write = { for env, s in local.scope : env => concat([
    {
      Sid    = "ChangeFunctions"
      Effect = "Allow"
      Action = [
        "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
        "lambda:PublishVersion", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:AddPermission",
        "lambda:RemovePermission", "lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig",
        "lambda:DeleteFunctionEventInvokeConfig", "lambda:TagResource", "lambda:UntagResource",
      ]
      Resource = s.functions
    },
    {
      # Terraform activates the flows through flow-guard (aws_lambda_invocation); the smoke test
      # asks connect-lookup one question.
      Sid      = "InvokeFlowGuardAndSmokeTest"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = ["arn:aws:lambda:*:${local.acct}:function:${s.prefix}-flow-guard", "arn:aws:lambda:*:${local.acct}:function:${s.prefix}-connect-lookup"]
    },
    {
      # CreateEventSourceMapping takes no resource; lambda:FunctionArn names the function.
      Sid       = "CreateStreamMappings"
      Effect    = "Allow"
      Action    = ["lambda:CreateEventSourceMapping"]
      Resource  = "*"
      Condition = s.of_function
    },
    {
      Sid       = "ChangeStreamMappings"
      Effect    = "Allow"
      Action    = ["lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"]
      Resource  = s.mappings
      Condition = s.of_function
    },
    {
      Sid       = "TagStreamMappings"
      Effect    = "Allow"
      Action    = ["lambda:TagResource", "lambda:UntagResource"]
      Resource  = s.mappings
      Condition = s.tagged
    },
    {
      # A mapping being created is not tagged yet: it may be tagged with this environment only.
      Sid       = "TagNewStreamMappings"
      Effect    = "Allow"
      Action    = ["lambda:TagResource"]
      Resource  = s.mappings
      Condition = { StringEquals = { "aws:RequestTag/Environment" = env }, Null = { "aws:ResourceTag/Environment" = "true" } }
    },
    {
      Sid    = "ChangeFunctionRoles"
      Effect = "Allow"
      Action = [
        "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole",
        "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:ListInstanceProfilesForRole",
      ]
      Resource = s.roles
    },
    {
      Sid       = "PassFunctionRolesToLambda"
      Effect    = "Allow"
      Action    = ["iam:PassRole"]
      Resource  = s.roles
      Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
    },
    {
      Sid    = "ChangeLogGroups"
      Effect = "Allow"
      Action = [
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
      ]
      Resource = s.log_groups
    },
    {
      # The tables themselves, and their replicas in any region (the same names): no item
      # action. Removing a replica (UpdateTable ReplicaUpdates Delete, from the home region) is
      # authorised where the replica is as DeleteTable and DeleteTableReplica ("DynamoDB global
      # tables security"); in any region, so a second region can always be removed or moved.
      Sid    = "ChangeTable"
      Effect = "Allow"
      Action = [
        "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive",
        "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:DeleteTableReplica",
      ]
      Resource = s.tables
    },
    {
      Sid    = "ChangeBuckets"
      Effect = "Allow"
      Action = [
        "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutBucketTagging",
        "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls",
        "s3:ListBucketVersions", "s3:PutBucketNotification",
      ]
      Resource = s.buckets
    },
    {
      # Terraform's objects, and emptying a bucket it destroys (force_destroy).
      Sid      = "BucketObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"]
      Resource = s.objects
    },
    {
      Sid      = "ChangeQueues"
      Effect   = "Allow"
      Action   = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
      Resource = s.queues
    },
    {
      Sid      = "ChangeTopics"
      Effect   = "Allow"
      Action   = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource", "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"]
      Resource = s.topics
    },
    {
      # CreateKey takes no resource: the new key must carry this environment's tag.
      Sid       = "CreateKey"
      Effect    = "Allow"
      Action    = ["kms:CreateKey"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:RequestTag/Environment" = env } }
    },
    {
      # Creating a key with tags is also authorised as kms:TagResource, on a key without an
      # Environment tag yet (never another environment's key).
      Sid       = "TagNewKey"
      Effect    = "Allow"
      Action    = ["kms:TagResource"]
      Resource  = s.keys
      Condition = { StringEquals = { "aws:RequestTag/Environment" = env }, Null = { "aws:ResourceTag/Environment" = "true" } }
    },
    {
      # Key ARNs carry no name: the environment's key is the one tagged with it.
      Sid    = "ManageKey"
      Effect = "Allow"
      Action = [
        "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey",
        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:ListGrants",
        "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      ]
      Resource  = s.keys
      Condition = s.tagged
    },
    {
      # Retagging may not move the key to another environment.
      Sid       = "TagKey"
      Effect    = "Allow"
      Action    = ["kms:TagResource"]
      Resource  = s.keys
      Condition = merge(s.tagged, { StringEqualsIfExists = { "aws:RequestTag/Environment" = env } })
    },
    {
      Sid       = "UntagKeyButNotItsEnvironment"
      Effect    = "Allow"
      Action    = ["kms:UntagResource"]
      Resource  = s.keys
      Condition = merge(s.tagged, { "ForAllValues:StringNotEquals" = { "aws:TagKeys" = ["Environment"] } })
    },
    {
      # DynamoDB, Lambda and AppFlow take grants on the key for the resources they encrypt.
      Sid       = "GrantKeyToServices"
      Effect    = "Allow"
      Action    = ["kms:CreateGrant"]
      Resource  = s.keys
      Condition = merge(s.tagged, { Bool = { "kms:GrantIsForAWSResource" = "true" } })
    },
    {
      # An alias operation is authorised on the alias and on the key (above).
      Sid      = "KeyAlias"
      Effect   = "Allow"
      Action   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
      Resource = s.aliases
    },
    {
      Sid      = "ChangeFlows"
      Effect   = "Allow"
      Action   = ["appflow:UpdateFlow", "appflow:DeleteFlow", "appflow:TagResource", "appflow:UntagResource"]
      Resource = s.flows
    },
    {
      # CreateFlow takes no resource: the flow must carry this environment's tag.
      Sid       = "CreateFlows"
      Effect    = "Allow"
      Action    = ["appflow:CreateFlow"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:RequestTag/Environment" = env } }
    },
    {
      Sid      = "ConnectorProfile"
      Effect   = "Allow"
      Action   = ["appflow:UpdateConnectorProfile", "appflow:DeleteConnectorProfile", "appflow:UseConnectorProfile"]
      Resource = s.profile
    },
    {
      # CreateConnectorProfile takes no resource and no condition key (profiles have no tags).
      Sid      = "CreateConnectorProfile"
      Effect   = "Allow"
      Action   = ["appflow:CreateConnectorProfile"]
      Resource = "*"
    },
    {
      Sid      = "ChangeRules"
      Effect   = "Allow"
      Action   = ["events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
      Resource = s.rules
    },
    {
      Sid      = "ChangePartnerBus"
      Effect   = "Allow"
      Action   = ["events:CreateEventBus", "events:DeleteEventBus", "events:UpdateEventBus", "events:TagResource", "events:UntagResource"]
      Resource = s.bus
    },
    {
      Sid      = "ChangeAlarms"
      Effect   = "Allow"
      Action   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
      Resource = s.alarms
    },
    {
      Sid      = "ChangeDashboards"
      Effect   = "Allow"
      Action   = ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
      Resource = s.dashboards
    },
    ], [for arns in [s.connect] : {
      Sid      = "ConnectAssociation"
      Effect   = "Allow"
      Action   = ["connect:AssociateLambdaFunction", "connect:DisassociateLambdaFunction"]
      Resource = arns
      } if length(arns) > 0], [for arn in s.replica : {
      # Creating the config table's replica (UpdateTable ReplicaUpdates Create, from the home
      # region) is authorised in the replica's region as CreateTable (above), CreateTableReplica
      # and these item actions ("DynamoDB global tables security"). AWS documents no condition
      # key confining them to the replica's creation, so they are confined by resource: the one
      # table, in the environment's one second region, only for an environment that has one.
      Sid      = "CreateTableReplica"
      Effect   = "Allow"
      Action   = ["dynamodb:CreateTableReplica", "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
      Resource = arn
      }], [for arn in s.replica : {
      # The account's first replica creates DynamoDB's replication service-linked role (with the
      # caller's permissions); that role only.
      Sid       = "ReplicationRole"
      Effect    = "Allow"
      Action    = ["iam:CreateServiceLinkedRole"]
      Resource  = "arn:aws:iam::${local.acct}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication"
      Condition = { StringEquals = { "iam:AWSServiceName" = "replication.dynamodb.amazonaws.com" } }
  }]) }

  # Each role reads its environment's state; the deploy role writes it, the plan role writes only
  # the S3-native lock (<key>.tflock). Every other object, in the state bucket (other
  # environments' state) or anywhere else, is denied, whatever else grants it.
  state = { for k, r in local.roles : k => [
    {
      Sid      = "ReadState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${var.state_bucket_arn}/${local.scope[r.env].state_key}*"
    },
    {
      Sid      = r.deploy ? "WriteStateAndLock" : "WriteLock"
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:DeleteObject"]
      Resource = r.deploy ? "${var.state_bucket_arn}/${local.scope[r.env].state_key}*" : "${var.state_bucket_arn}/${local.scope[r.env].state_key}.tflock"
    },
    {
      Sid      = "StateBucket"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = var.state_bucket_arn
    },
    {
      Sid       = "StateKey"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      Resource  = var.state_kms_key_arn
      Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
    },
    {
      Sid    = "NoOtherState"
      Effect = "Deny"
      Action = [
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
        "s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:RestoreObject",
      ]
      NotResource = ["${var.state_bucket_arn}/${local.scope[r.env].state_key}*", local.scope[r.env].objects]
    },
  ] }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate itself; the thumbprint is required by the API only.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]

  tags = var.tags
}

locals {
  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:aws:iam::${var.account_id}:oidc-provider/${local.issuer}"
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = "${var.name_prefix}-github-${each.key}"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Federated = local.provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = "sts.amazonaws.com"
            "${local.issuer}:sub" = "repo:${var.repository}:environment:${each.value.environment}"
          }
        }
      }
    ]
  })

  tags = var.tags
}

# What each role may do: its state and, for deploy roles, what apply changes, inline; what plan
# reads, in one managed policy per environment attached to both of its roles. IAM caps the sum of
# a role's inline policies at 10,240 characters and a managed policy at 6,144 (whitespace not
# counted; jsonencode writes none): the tests check both.
resource "aws_iam_role_policy" "state" {
  for_each = local.roles

  name   = "terraform-state"
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.state[each.key] })
}

resource "aws_iam_policy" "read" {
  for_each = local.read

  name        = "${var.name_prefix}-github-${each.key}-read"
  description = "What terraform plan reads of ${var.name_prefix} ${each.key}: describe, get and list, never data."
  policy      = jsonencode({ Version = "2012-10-17", Statement = each.value })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "read" {
  for_each = local.roles

  role       = aws_iam_role.this[each.key].name
  policy_arn = aws_iam_policy.read[each.value.env].arn
}

resource "aws_iam_role_policy" "deploy" {
  for_each = { for k, r in local.roles : k => r if r.deploy }

  name   = "deploy-sfbridge"
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.write[each.value.env] })

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(merge(var.connect_instance_ids, var.secondary_regions)), var.environments)) == 0
      error_message = "connect_instance_ids and secondary_regions may name only the environments in environments."
    }
    precondition {
      condition = alltrue([for e, a in var.secondary_connect_instance_arns :
        split(":", a)[3] == lookup(var.secondary_regions, e, "") && split(":", a)[4] == var.account_id
      ])
      error_message = "Each secondary_connect_instance_arns entry must be an instance of this account in that environment's secondary_regions region."
    }
  }
}

# No other managed policy (ReadOnlyAccess or any) stays attached to the roles, here or by hand.
resource "aws_iam_role_policy_attachments_exclusive" "this" {
  for_each = local.roles

  role_name   = aws_iam_role.this[each.key].name
  policy_arns = [aws_iam_policy.read[each.value.env].arn]

  depends_on = [aws_iam_role_policy_attachment.read]
}
