mock_provider "aws" {
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/mock-read" }
  }
}

# Both shapes in every run: dev in one region, prod with a second region (Amazon Connect Global
# Resiliency: the config table's replica and the replica Connect instance in eu-central-1,
# Frankfurt, for a home in eu-west-2, London).
variables {
  account_id                      = "123456789012"
  repository                      = "example/sfbridge"
  environments                    = ["dev", "prod"]
  state_bucket_arn                = "arn:aws:s3:::sfbridge-tfstate-123456789012"
  state_kms_key_arn               = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  secondary_regions               = { prod = "eu-central-1" }
  secondary_connect_instance_arns = { prod = "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003" }
}

run "each_role_trusts_only_its_repository_and_environment" {
  command = apply

  assert {
    condition     = toset(keys(aws_iam_role.this)) == toset(["dev", "dev-plan", "prod", "prod-plan"])
    error_message = "A plan role and a deploy role per environment."
  }
  assert {
    condition = alltrue([for k, r in aws_iam_role.this :
      jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example/sfbridge:environment:${k}"
    ])
    error_message = "Trust is pinned to the repository and the GitHub environment."
  }
  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "Audience is STS."
  }
  assert {
    condition     = toset(keys(aws_iam_role_policy.deploy)) == toset(["dev", "prod"])
    error_message = "Only deploy roles can change things; plan roles read."
  }
}

run "one_environment_never_names_another" {
  command = apply

  # Every Allow statement any dev role holds (inline and attached) names dev's resources only.
  assert {
    condition = alltrue([for st in concat(
      jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement,
      jsondecode(aws_iam_role_policy.state["dev"].policy).Statement,
      jsondecode(aws_iam_role_policy.state["dev-plan"].policy).Statement,
      jsondecode(aws_iam_policy.read["dev"].policy).Statement,
      ) : st.Effect != "Allow" || (!strcontains(jsonencode(st), "sfbridge-prod") && !strcontains(jsonencode(st), "prod.tfstate"))
    ])
    error_message = "A dev role's Allow names a prod resource or prod's state."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.read["dev"].policy_arn == aws_iam_policy.read["dev"].arn && aws_iam_role_policy_attachment.read["dev-plan"].policy_arn == aws_iam_policy.read["dev"].arn
    error_message = "Both dev roles read through dev's read policy."
  }
  assert {
    condition     = strcontains(aws_iam_policy.read["prod"].policy, "sfbridge-prod-") && !strcontains(aws_iam_policy.read["prod"].policy, "sfbridge-dev")
    error_message = "prod's read policy names prod's resources only."
  }
}

run "deploy_has_no_service_wildcards" {
  command = apply

  assert {
    condition = alltrue([for st in concat(jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement, jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement) :
      st.Effect != "Allow" || !(contains(flatten([try(st.Resource, [])]), "*") && anytrue([for a in flatten([st.Action]) : endswith(a, ":*")]))
    ])
    error_message = "The deploy policy allows a whole service on every resource."
  }
  assert {
    condition = alltrue([for st in flatten([for e in ["dev", "prod"] : concat(jsondecode(aws_iam_role_policy.deploy[e].policy).Statement, jsondecode(aws_iam_policy.read[e].policy).Statement)]) :
      alltrue([for a in flatten([st.Action]) : !strcontains(a, "*")])
    ])
    error_message = "Actions are named one by one."
  }
  # "*" only for actions that take no resource (Service Authorization Reference).
  assert {
    condition = alltrue([for st in flatten([for e in ["dev", "prod"] : concat(jsondecode(aws_iam_role_policy.deploy[e].policy).Statement, jsondecode(aws_iam_policy.read[e].policy).Statement)]) :
      !contains(flatten([try(st.Resource, [])]), "*") || alltrue([for a in flatten([st.Action]) : contains([
        "kms:CreateKey", "appflow:CreateFlow", "appflow:CreateConnectorProfile", "lambda:CreateEventSourceMapping",
        "logs:DescribeLogGroups", "kms:ListAliases", "appflow:DescribeConnectorProfiles",
      ], a)])
    ])
    error_message = "An action that takes a resource is allowed on \"*\"."
  }
  assert {
    condition = alltrue([for st in concat(jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement, jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement) :
      !contains(flatten([try(st.Resource, [])]), "*") || st.Action == ["appflow:CreateConnectorProfile"] || can(st.Condition)
    ])
    error_message = "Creating on \"*\" is bound by a tag or function condition (the connector profile has none)."
  }
  assert {
    condition = alltrue([for e in ["dev", "prod"] : alltrue([for st in jsondecode(aws_iam_role_policy.deploy[e].policy).Statement :
      !contains(flatten([st.Action]), "iam:PassRole") || try(st.Resource == "arn:aws:iam::123456789012:role/sfbridge-${e}-*" && st.Condition.StringEquals["iam:PassedToService"] == "lambda.amazonaws.com", false)
    ])])
    error_message = "iam:PassRole only for the environment's roles, only to Lambda."
  }
  # The only IAM write on anything but the environment's roles: DynamoDB's replication
  # service-linked role, by its service name (and only with a second region: see below).
  assert {
    condition = alltrue([for e in ["dev", "prod"] : alltrue([for st in jsondecode(aws_iam_role_policy.deploy[e].policy).Statement :
      alltrue([for a in flatten([st.Action]) : !startswith(a, "iam:")]) || st.Resource == "arn:aws:iam::123456789012:role/sfbridge-${e}-*" ||
      jsonencode(st) == jsonencode({
        Sid       = "ReplicationRole"
        Effect    = "Allow"
        Action    = ["iam:CreateServiceLinkedRole"]
        Resource  = "arn:aws:iam::123456789012:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication"
        Condition = { StringEquals = { "iam:AWSServiceName" = "replication.dynamodb.amazonaws.com" } }
      })
    ])])
    error_message = "An IAM action on a role other than the environment's, or a service-linked role other than DynamoDB replication's."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.deploy["dev"].policy, "secretsmanager:")
    error_message = "No Secrets Manager access."
  }
}

run "the_roles_reach_the_environments_dashboard" {
  command = apply

  # modules/monitoring names the dashboard after the environment's prefix, without a suffix.
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement : contains(flatten([st.Action]), "cloudwatch:PutDashboard") && contains(flatten([st.Resource]), "arn:aws:cloudwatch::123456789012:dashboard/sfbridge-dev")])
    error_message = "The deploy role may put the dashboard sfbridge-dev."
  }
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_policy.read["dev"].policy).Statement : contains(flatten([st.Action]), "cloudwatch:GetDashboard") && contains(flatten([st.Resource]), "arn:aws:cloudwatch::123456789012:dashboard/sfbridge-dev")])
    error_message = "The plan role may read the dashboard sfbridge-dev."
  }
}

run "the_roles_reach_the_catch_up_notification" {
  command = apply

  # modules/inbound configures the inbound bucket's notification of catch-up files
  # (aws_s3_bucket_notification: PutBucketNotificationConfiguration, and its read on every plan).
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement : contains(flatten([st.Action]), "s3:PutBucketNotification") && anytrue([for r in flatten([st.Resource]) : can(regex("^${replace(r, "*", ".*")}$", "arn:aws:s3:::sfbridge-dev-large-events-123456789012"))])])
    error_message = "The deploy role may configure the inbound bucket's notification."
  }
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_policy.read["dev"].policy).Statement : contains(flatten([st.Action]), "s3:GetBucketNotification") && anytrue([for r in flatten([st.Resource]) : can(regex("^${replace(r, "*", ".*")}$", "arn:aws:s3:::sfbridge-dev-large-events-123456789012"))])])
    error_message = "The plan role may read the inbound bucket's notification."
  }
}

run "plan_roles_only_read" {
  command = apply

  assert {
    condition = alltrue(flatten([for a in aws_iam_role_policy_attachment.read : [
      !strcontains(a.policy_arn, "ReadOnlyAccess"), !startswith(a.policy_arn, "arn:aws:iam::aws:policy/"),
    ]]))
    error_message = "No AWS managed policy (ReadOnlyAccess) is attached."
  }
  assert {
    condition     = alltrue([for k, e in aws_iam_role_policy_attachments_exclusive.this : e.policy_arns == toset([aws_iam_policy.read[split("-", k)[0]].arn])])
    error_message = "Each role holds exactly its environment's read policy, nothing attached by hand."
  }
  # Nothing the plan role holds writes, except the state lock (S3 encrypts it with the state key).
  assert {
    condition = alltrue([for st in concat(jsondecode(aws_iam_policy.read["dev"].policy).Statement, jsondecode(aws_iam_role_policy.state["dev-plan"].policy).Statement) :
      st.Effect != "Allow" || try(st.Resource == "arn:aws:s3:::sfbridge-tfstate-123456789012/sfbridge/dev.tfstate.tflock", false) ||
      try(st.Resource == var.state_kms_key_arn && st.Condition.StringLike["kms:ViaService"] == "s3.*.amazonaws.com", false) ||
      alltrue([for a in flatten([st.Action]) : length(regexall("^[a-z0-9-]+:(Create|Put|Update|Delete|Start|Stop|Tag|Untag|Set|Add|Remove|Associate|Disassociate|Invoke|Publish|Send|Pass|Enable|Disable|Schedule|Cancel|Encrypt|Generate|ReEncrypt|Subscribe|Unsubscribe)", a)) == 0])
    ])
    error_message = "The plan role holds a write action."
  }
  assert {
    condition = alltrue([for e in ["dev", "prod"] : length(setintersection(
      toset(flatten([for st in concat(jsondecode(aws_iam_policy.read[e].policy).Statement, jsondecode(aws_iam_role_policy.state["${e}-plan"].policy).Statement) : st.Action])),
      toset([
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem", "dynamodb:TransactGetItems", "dynamodb:TransactWriteItems", "dynamodb:PartiQLSelect", "dynamodb:GetRecords",
        "sqs:ReceiveMessage", "sns:Publish", "lambda:InvokeFunction", "secretsmanager:GetSecretValue",
      ]),
    )) == 0])
    error_message = "A plan role reads data (table items, messages) or invokes, also with a second region."
  }
  assert {
    condition = alltrue([for st in jsondecode(aws_iam_policy.read["dev"].policy).Statement :
      !contains(flatten([st.Action]), "s3:GetObject") || try(st.Resource == ["arn:aws:s3:::sfbridge-dev-status-123456789012/status/000-header-only.csv"], false)
    ])
    error_message = "The plan role reads only the objects Terraform manages."
  }
  assert {
    condition = alltrue([for st in jsondecode(aws_iam_policy.read["dev"].policy).Statement :
      !contains(flatten([st.Action]), "kms:Decrypt") || try(st.Condition.StringLike["kms:ViaService"] == "lambda.*.amazonaws.com" && st.Condition.StringEquals["aws:ResourceTag/Environment"] == "dev", false)
    ])
    error_message = "The plan role decrypts only dev's key, only through Lambda (function environments)."
  }
}

run "state_is_per_environment" {
  command = apply

  assert {
    condition = alltrue([for k, p in aws_iam_role_policy.state : anytrue([for st in jsondecode(p.policy).Statement : try(
      st.Effect == "Deny" && contains(st.Action, "s3:GetObject") && contains(st.Action, "s3:PutObject") && can(st.NotResource) && !can(st.Resource) &&
      contains(st.NotResource, "arn:aws:s3:::sfbridge-tfstate-123456789012/sfbridge/${split("-", k)[0]}.tfstate*") &&
      alltrue([for r in st.NotResource : !strcontains(r, split("-", k)[0] == "dev" ? "prod" : "dev")]),
    false)])])
    error_message = "Every role is denied every other environment's state objects."
  }
  assert {
    condition     = alltrue([for k, p in aws_iam_role_policy.state : alltrue([for st in jsondecode(p.policy).Statement : st.Effect != "Allow" || !strcontains(jsonencode(st), ".tfstate") || strcontains(jsonencode(st), "/sfbridge/${split("-", k)[0]}.tfstate")])])
    error_message = "Each role reads and writes only its environment's state key."
  }
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_role_policy.state["dev-plan"].policy).Statement : try(st.Action == ["s3:PutObject", "s3:DeleteObject"] && st.Resource == "arn:aws:s3:::sfbridge-tfstate-123456789012/sfbridge/dev.tfstate.tflock", false)])
    error_message = "The plan role writes the S3-native lock and nothing else of the state."
  }
}

run "policies_fit_iam_limits" {
  command = apply

  # Every environment at its largest: a Connect instance, a second region with its replica instance.
  variables {
    environments         = ["dev", "staging", "prod"]
    connect_instance_ids = { dev = "11111111-aaaa-bbbb-cccc-000000000001", staging = "11111111-aaaa-bbbb-cccc-000000000002", prod = "11111111-aaaa-bbbb-cccc-000000000003" }
    terraform_objects    = ["status-{account}/status/000-header-only.csv", "large-events-{account}/large-events/000-placeholder.json"]
    secondary_regions    = { dev = "us-west-2", staging = "eu-central-1", prod = "ap-northeast-3" }
    secondary_connect_instance_arns = {
      dev     = "arn:aws:connect:us-west-2:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000001"
      staging = "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000002"
      prod    = "arn:aws:connect:ap-northeast-3:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003"
    }
  }

  # Inline policies of one role: 10,240 characters together; a managed policy: 6,144.
  assert {
    condition = alltrue([for k, r in aws_iam_role.this :
      length(aws_iam_role_policy.state[k].policy) + try(length(aws_iam_role_policy.deploy[k].policy), 0) <= 10240
    ])
    error_message = "A role's inline policies exceed 10,240 characters."
  }
  assert {
    condition     = alltrue([for p in aws_iam_policy.read : length(p.policy) <= 6144])
    error_message = "A read policy exceeds 6,144 characters."
  }
  assert {
    condition     = alltrue([for e in ["dev", "staging", "prod"] : strcontains(aws_iam_role_policy.deploy[e].policy, "connect:AssociateLambdaFunction") && strcontains(aws_iam_role_policy.deploy[e].policy, "instance/11111111-aaaa-bbbb-cccc-00000000000${index(["dev", "staging", "prod"], e) + 1}\"")])
    error_message = "Each environment may associate only its own Connect instance."
  }
  assert {
    condition = alltrue([for e, r in var.secondary_regions : alltrue([for o, q in var.secondary_regions :
      strcontains(aws_iam_role_policy.deploy[e].policy, "arn:aws:dynamodb:${q}:123456789012:table/sfbridge-${o}-config\"") == (o == e) &&
      strcontains(aws_iam_role_policy.deploy[e].policy, var.secondary_connect_instance_arns[o]) == (o == e)
    ])])
    error_message = "Each environment may create only its own replica, in its own second region, and associate only its own replica instance."
  }
}

run "no_connect_without_an_instance" {
  command = apply

  variables {
    connect_instance_ids = { prod = "11111111-aaaa-bbbb-cccc-000000000003" }
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.deploy["dev"].policy, "connect:") && !strcontains(aws_iam_policy.read["dev"].policy, "connect:")
    error_message = "dev has no Connect instance and no Connect permission."
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.deploy["prod"].policy, "arn:aws:connect:*:123456789012:instance/11111111-aaaa-bbbb-cccc-000000000003")
    error_message = "prod may associate its instance."
  }
}

# The second region (modules/secondary, through the roots' aws.secondary provider; the
# replication-latency alarm of modules/monitoring at home): every call its create, refresh,
# update and removal make is allowed to prod's roles, on the ARN it names, in the region it goes
# to (home eu-west-2, London; second eu-central-1, Frankfurt: a Connect Global Resiliency pair).
# A need is [action, ARN, policy]: allowed when a statement of that policy names the action,
# matches the ARN and has no condition.
run "the_second_region_can_be_created_refreshed_and_removed" {
  command = apply

  variables {
    connect_instance_ids = { prod = "11111111-aaaa-bbbb-cccc-000000000003" }
  }

  assert {
    condition = alltrue([for need in [
      # aws_dynamodb_table_replica: UpdateTable ReplicaUpdates (create, delete) on the home table
      # from the home region; AWS then authorises CreateTable, CreateTableReplica and the item
      # actions (create), DeleteTable and DeleteTableReplica (delete) in the replica's region.
      ["dynamodb:UpdateTable", "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:CreateTable", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:CreateTableReplica", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:Scan", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:Query", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:GetItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:PutItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:UpdateItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:DeleteItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:BatchWriteItem", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:DeleteTable", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:DeleteTableReplica", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      # A replica left in a region since dropped from secondary_regions can still be removed.
      ["dynamodb:DeleteTableReplica", "arn:aws:dynamodb:us-west-2:123456789012:table/sfbridge-prod-config", "deploy"],
      # In the replica's region: tags, point-in-time recovery, deletion protection (UpdateTable).
      ["dynamodb:TagResource", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:UntagResource", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:UpdateContinuousBackups", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:UpdateTable", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      ["dynamodb:UpdateTimeToLive", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "deploy"],
      # Its refresh (both roles): the home table's replica list, then the replica itself.
      ["dynamodb:DescribeTable", "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-prod-config", "read"],
      ["dynamodb:DescribeTable", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "read"],
      ["dynamodb:DescribeContinuousBackups", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "read"],
      ["dynamodb:DescribeTimeToLive", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "read"],
      ["dynamodb:ListTagsOfResource", "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config", "read"],
      # The second region's key's alias.
      ["kms:CreateAlias", "arn:aws:kms:eu-central-1:123456789012:alias/sfbridge-prod-secondary", "deploy"],
      ["kms:UpdateAlias", "arn:aws:kms:eu-central-1:123456789012:alias/sfbridge-prod-secondary", "deploy"],
      ["kms:DeleteAlias", "arn:aws:kms:eu-central-1:123456789012:alias/sfbridge-prod-secondary", "deploy"],
      # connect-lookup there: its role (IAM names are global: the region is in the name), the
      # function (the home one's name), its log group, Connect's permission, the smoke test.
      ["iam:CreateRole", "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1", "deploy"],
      ["iam:PutRolePolicy", "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1", "deploy"],
      ["iam:DeleteRolePolicy", "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1", "deploy"],
      ["iam:DeleteRole", "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1", "deploy"],
      ["iam:GetRolePolicy", "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1", "read"],
      ["lambda:CreateFunction", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:UpdateFunctionCode", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:DeleteFunction", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:AddPermission", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:RemovePermission", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:InvokeFunction", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "deploy"],
      ["lambda:GetFunction", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "read"],
      ["lambda:GetPolicy", "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup", "read"],
      ["logs:CreateLogGroup", "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup", "deploy"],
      ["logs:AssociateKmsKey", "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup", "deploy"],
      ["logs:PutRetentionPolicy", "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup", "deploy"],
      ["logs:DeleteLogGroup", "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup", "deploy"],
      ["logs:ListTagsForResource", "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup", "read"],
      # The support topic of that region, its policy and subscriptions.
      ["sns:CreateTopic", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support", "deploy"],
      ["sns:SetTopicAttributes", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support", "deploy"],
      ["sns:Subscribe", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support", "deploy"],
      ["sns:Unsubscribe", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support:0a1b2c3d-0000-1111-2222-333344445555", "deploy"],
      ["sns:DeleteTopic", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support", "deploy"],
      ["sns:GetTopicAttributes", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support", "read"],
      ["sns:GetSubscriptionAttributes", "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support:0a1b2c3d-0000-1111-2222-333344445555", "read"],
      # Its alarms, and the replication-latency alarm at home.
      ["cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sfbridge-prod-connect-lookup-eu-central-1-errors", "deploy"],
      ["cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sfbridge-prod-connect-lookup-eu-central-1-answered-error", "deploy"],
      ["cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sfbridge-prod-connect-lookup-eu-central-1-items-skipped", "deploy"],
      ["cloudwatch:DeleteAlarms", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sfbridge-prod-connect-lookup-eu-central-1-errors", "deploy"],
      ["cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:sfbridge-prod-replication-to-eu-central-1", "deploy"],
      ["cloudwatch:DescribeAlarms", "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:sfbridge-prod-connect-lookup-eu-central-1-errors", "read"],
      # The replica Connect instance (its own id, in eu-central-1) and the home one.
      ["connect:AssociateLambdaFunction", "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003", "deploy"],
      ["connect:DisassociateLambdaFunction", "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003", "deploy"],
      ["connect:ListLambdaFunctions", "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003", "read"],
      ["connect:AssociateLambdaFunction", "arn:aws:connect:eu-west-2:123456789012:instance/11111111-aaaa-bbbb-cccc-000000000003", "deploy"],
      ] : anytrue([for st in concat(
        [for s in jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement : merge(s, { policy = "deploy" })],
        [for s in jsondecode(aws_iam_policy.read["prod"].policy).Statement : merge(s, { policy = "read" })],
        ) : st.policy == need[2] && st.Effect == "Allow" && !can(st.Condition) && contains(flatten([st.Action]), need[0]) &&
        anytrue([for r in flatten([try(st.Resource, [])]) : can(regex("^${replace(r, "*", ".*")}$", need[1]))])
    ])])
    error_message = "prod's roles cannot create, refresh, update or remove something of the second region (see the needs listed in this run)."
  }
  # Calls allowed under a condition, with the request the second region's apply makes.
  assert {
    condition = anytrue([for st in jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement : try(
      st.Action == ["iam:PassRole"] && st.Resource == "arn:aws:iam::123456789012:role/sfbridge-prod-*" && st.Condition.StringEquals["iam:PassedToService"] == "lambda.amazonaws.com", false
    )])
    error_message = "prod's deploy role cannot pass sfbridge-prod-connect-lookup-eu-central-1 to Lambda."
  }
  assert {
    condition     = anytrue([for st in jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement : try(st.Action == ["kms:CreateKey"] && st.Resource == "*" && jsonencode(st.Condition) == jsonencode({ StringEquals = { "aws:RequestTag/Environment" = "prod" } }), false)])
    error_message = "prod's deploy role cannot create the second region's key (tagged Environment = prod by the provider's default_tags, in any region)."
  }
  # The replica's refresh: DescribeKey of DynamoDB's AWS managed key of that region, by alias.
  assert {
    condition = anytrue([for st in jsondecode(aws_iam_policy.read["prod"].policy).Statement : jsonencode(st) == jsonencode({
      Sid       = "DynamoDBManagedKeyMetadata"
      Effect    = "Allow"
      Action    = ["kms:DescribeKey"]
      Resource  = "arn:aws:kms:*:123456789012:key/*"
      Condition = { StringEquals = { "kms:RequestAlias" = "alias/aws/dynamodb" } }
    })])
    error_message = "The roles cannot describe alias/aws/dynamodb (aws_dynamodb_table_replica reads it on every refresh)."
  }
  # The account's first global table creates DynamoDB's replication service-linked role.
  assert {
    condition = anytrue([for st in jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement : try(
      st.Action == ["iam:CreateServiceLinkedRole"] && st.Resource == "arn:aws:iam::123456789012:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication" &&
      st.Condition.StringEquals["iam:AWSServiceName"] == "replication.dynamodb.amazonaws.com",
    false)])
    error_message = "prod's deploy role cannot create AWSServiceRoleForDynamoDBReplication."
  }
}

# What the second region adds is no broader than it must be. The one data exception: the item
# actions AWS authorises a replica's creation with, on prod's replica in eu-central-1 only; dev
# (one region) has none, and no other statement of any role has an item, stream or PartiQL
# action.
run "the_second_region_adds_no_more_than_it_needs" {
  command = apply

  assert {
    condition = toset([for st in flatten([for k, p in aws_iam_role_policy.state : concat(
      jsondecode(p.policy).Statement,
      try(jsondecode(aws_iam_role_policy.deploy[k].policy).Statement, []),
      jsondecode(aws_iam_policy.read[split("-", k)[0]].policy).Statement,
      )]) : { sid = st.Sid, effect = st.Effect, actions = toset(flatten([st.Action])), resource = try(st.Resource, null), conditioned = can(st.Condition) }
      if anytrue([for a in flatten([st.Action]) : length(regexall("^dynamodb:(.*Item.*|Scan|Query|PartiQL.*|GetRecords|GetShardIterator|DescribeStream|ListStreams|ExportTable.*|ImportTable|Restore.*|CreateBackup|.*TableReplica)$", a)) > 0])
      ]) == toset([{
        sid         = "CreateTableReplica"
        effect      = "Allow"
        actions     = toset(["dynamodb:CreateTableReplica", "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"])
        resource    = "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config"
        conditioned = false
        }, {
        sid         = "ChangeTable"
        effect      = "Allow"
        actions     = toset(["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:DeleteTableReplica"])
        resource    = "arn:aws:dynamodb:*:123456789012:table/sfbridge-prod-*"
        conditioned = false
        }, {
        sid         = "ChangeTable"
        effect      = "Allow"
        actions     = toset(["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTimeToLive", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:DeleteTableReplica"])
        resource    = "arn:aws:dynamodb:*:123456789012:table/sfbridge-dev-*"
        conditioned = false
    }])
    error_message = "A data or replica action beyond the replica's creation in prod's second region (only there: the item actions AWS requires and CreateTableReplica) and the removal of the environment's own replicas (DeleteTableReplica)."
  }
  # The service-linked role: only with a second region.
  assert {
    condition     = strcontains(aws_iam_role_policy.deploy["prod"].policy, "iam:CreateServiceLinkedRole") && !strcontains(aws_iam_role_policy.deploy["dev"].policy, "iam:CreateServiceLinkedRole")
    error_message = "dev (one region) may create the replication service-linked role, or prod may not."
  }
  # The aliases: exactly the home key's and the second region's key's.
  assert {
    condition = alltrue([for e in ["dev", "prod"] : alltrue([for st in jsondecode(aws_iam_role_policy.deploy[e].policy).Statement :
      alltrue([for r in flatten([try(st.Resource, [])]) : !strcontains(r, ":alias/")]) ||
      try(st.Resource == ["arn:aws:kms:*:123456789012:alias/sfbridge-${e}", "arn:aws:kms:*:123456789012:alias/sfbridge-${e}-secondary"] && toset(st.Action) == toset(["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]), false)
    ])])
    error_message = "A deploy role may change an alias other than alias/sfbridge-<env> and alias/sfbridge-<env>-secondary."
  }
  # Keys carry no name: every statement on key ARNs is bound by the environment's tag, except
  # DescribeKey of DynamoDB's AWS managed key asked for by its alias.
  assert {
    condition = alltrue([for st in flatten([for e in ["dev", "prod"] : concat(jsondecode(aws_iam_role_policy.deploy[e].policy).Statement, jsondecode(aws_iam_policy.read[e].policy).Statement)]) :
      st.Effect != "Allow" || try(st.Resource != "arn:aws:kms:*:123456789012:key/*", true) ||
      can(st.Condition.StringEquals["aws:ResourceTag/Environment"]) || can(st.Condition.Null["aws:ResourceTag/Environment"]) ||
      try(jsonencode([st.Action, st.Condition]) == jsonencode([["kms:DescribeKey"], { StringEquals = { "kms:RequestAlias" = "alias/aws/dynamodb" } }]), false)
    ])
    error_message = "A statement on KMS keys is bound neither by the Environment tag nor to DescribeKey of alias/aws/dynamodb."
  }
  # Connect: the home instance and the replica instance, nothing else; none for dev.
  assert {
    condition = [for st in jsondecode(aws_iam_role_policy.deploy["prod"].policy).Statement : st.Resource if anytrue([for a in st.Action : startswith(a, "connect:")])] == [
      ["arn:aws:connect:*:123456789012:instance/11111111-aaaa-bbbb-cccc-000000000003", "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003"],
    ]
    error_message = "prod's deploy role may associate another Connect instance than its own and its replica."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.deploy["dev"].policy, "connect:") && !strcontains(aws_iam_policy.read["dev"].policy, "connect:")
    error_message = "dev has no Connect instance and no Connect permission."
  }

  variables {
    connect_instance_ids = { prod = "11111111-aaaa-bbbb-cccc-000000000003" }
  }
}

# Inputs that would let a role reach another environment's, another account's or another
# region's instance are refused.
run "a_replica_instance_must_be_the_environments_second_region" {
  command = plan

  variables {
    secondary_connect_instance_arns = { prod = "arn:aws:connect:us-east-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003" }
  }

  expect_failures = [aws_iam_role_policy.deploy]
}

run "a_replica_instance_must_be_of_this_account" {
  command = plan

  variables {
    secondary_connect_instance_arns = { prod = "arn:aws:connect:eu-central-1:210987654321:instance/22222222-aaaa-bbbb-cccc-000000000003" }
  }

  expect_failures = [aws_iam_role_policy.deploy]
}

run "a_second_region_only_for_a_known_environment" {
  command = plan

  variables {
    secondary_regions = { prod = "eu-central-1", staging = "eu-central-1" }
  }

  expect_failures = [aws_iam_role_policy.deploy]
}

run "a_second_region_is_a_region_name" {
  command = plan

  variables {
    secondary_regions = { prod = "*" }
  }

  expect_failures = [var.secondary_regions]
}
