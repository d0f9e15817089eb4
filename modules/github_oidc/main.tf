# GitHub Actions' OIDC provider and, per environment, two roles: "<env>-plan" (read-only, for
# terraform plan) and "<env>" (deploy, for applying the reviewed plan). Each role trusts only
# this repository's jobs running in the matching GitHub environment: no long-lived keys.

locals {
  issuer = "token.actions.githubusercontent.com"
  roles = merge([for env in var.environments : {
    "${env}-plan" = { environment = "${env}-plan", deploy = false }
    (env)         = { environment = env, deploy = true }
  }]...)
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

# Plan roles read everything Terraform refreshes and take the state lock.
resource "aws_iam_role_policy_attachment" "plan_read" {
  for_each = { for k, r in local.roles : k => r if !r.deploy }

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "state" {
  for_each = local.roles

  name = "terraform-state"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StateObjectsAndLock"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${var.state_bucket_arn}/sfbridge/${trimsuffix(each.value.environment, "-plan")}.tfstate*"
      },
      {
        Sid      = "StateBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = var.state_bucket_arn
      },
      {
        Sid      = "StateKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.state_kms_key_arn
      }
    ]
  })
}

# Deploy roles manage what sfbridge is made of, and nothing else.
resource "aws_iam_role_policy" "deploy" {
  for_each = { for k, r in local.roles : k => r if r.deploy }
  #checkov:skip=CKV_AWS_290:Terraform creates these resources, whose names are not known before the apply; the role is bound to one environment and its approval gate.
  #checkov:skip=CKV_AWS_355:Same: create actions cannot be scoped to resources that do not exist yet.
  #checkov:skip=CKV_AWS_289:The deploy role creates the functions' roles and policies; iam:PassRole is limited to sfbridge roles below.
  #checkov:skip=CKV_AWS_286:Deploying creates IAM roles (scoped to sfbridge-<env>-*); the role is usable only from this repository's <env> environment, behind its approval.
  #checkov:skip=CKV_AWS_287:Deploying manages the Secrets Manager secret (never its value) and KMS keys; bound to the environment as above.
  #checkov:skip=CKV_AWS_288:Deploying manages the buckets and the table; bound to the environment as above.

  name = "deploy-sfbridge"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "SfbridgeServices"
        Effect = "Allow"
        Action = [
          "appflow:*", "cloudwatch:*", "connect:*", "dynamodb:*", "events:*", "kms:*", "lambda:*",
          "logs:*", "s3:*", "secretsmanager:*", "sns:*", "sqs:*", "xray:*", "ds:DescribeDirectories",
        ]
        Resource = "*"
      },
      {
        Sid      = "FunctionRoles"
        Effect   = "Allow"
        Action   = ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PassRole"]
        Resource = "arn:aws:iam::${var.account_id}:role/${var.name_prefix}-${trimsuffix(each.key, "-plan")}-*"
      }
    ]
  })
}
