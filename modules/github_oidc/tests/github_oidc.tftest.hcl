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

variables {
  account_id        = "123456789012"
  repository        = "example/sfbridge"
  environments      = ["dev", "prod"]
  state_bucket_arn  = "arn:aws:s3:::sfbridge-tfstate-123456789012"
  state_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
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
    condition = alltrue([for st in jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement :
      st.Effect != "Allow" || !(contains(flatten([try(st.Resource, [])]), "*") && anytrue([for a in flatten([st.Action]) : endswith(a, ":*")]))
    ])
    error_message = "The deploy policy allows a whole service on every resource."
  }
  assert {
    condition = alltrue([for st in concat(jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement, jsondecode(aws_iam_policy.read["dev"].policy).Statement) :
      alltrue([for a in flatten([st.Action]) : !strcontains(a, "*")])
    ])
    error_message = "Actions are named one by one."
  }
  # "*" only for actions that take no resource (Service Authorization Reference).
  assert {
    condition = alltrue([for st in concat(jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement, jsondecode(aws_iam_policy.read["dev"].policy).Statement) :
      !contains(flatten([try(st.Resource, [])]), "*") || alltrue([for a in flatten([st.Action]) : contains([
        "kms:CreateKey", "appflow:CreateFlow", "appflow:CreateConnectorProfile", "lambda:CreateEventSourceMapping",
        "logs:DescribeLogGroups", "kms:ListAliases", "appflow:DescribeConnectorProfiles",
      ], a)])
    ])
    error_message = "An action that takes a resource is allowed on \"*\"."
  }
  assert {
    condition = alltrue([for st in jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement :
      !contains(flatten([try(st.Resource, [])]), "*") || st.Action == ["appflow:CreateConnectorProfile"] || can(st.Condition)
    ])
    error_message = "Creating on \"*\" is bound by a tag or function condition (the connector profile has none)."
  }
  assert {
    condition = alltrue([for st in jsondecode(aws_iam_role_policy.deploy["dev"].policy).Statement :
      !contains(flatten([st.Action]), "iam:PassRole") || try(st.Resource == "arn:aws:iam::123456789012:role/sfbridge-dev-*" && st.Condition.StringEquals["iam:PassedToService"] == "lambda.amazonaws.com", false)
    ])
    error_message = "iam:PassRole only for dev's roles, only to Lambda."
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
    condition = length(setintersection(
      toset(flatten([for st in jsondecode(aws_iam_policy.read["dev"].policy).Statement : st.Action])),
      toset(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "sqs:ReceiveMessage", "sns:Publish", "lambda:InvokeFunction", "secretsmanager:GetSecretValue"]),
    )) == 0
    error_message = "The plan role reads data (table items, messages) or invokes."
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

  variables {
    environments         = ["dev", "staging", "prod"]
    connect_instance_ids = { dev = "11111111-aaaa-bbbb-cccc-000000000001", staging = "11111111-aaaa-bbbb-cccc-000000000002", prod = "11111111-aaaa-bbbb-cccc-000000000003" }
    terraform_objects    = ["status-{account}/status/000-header-only.csv", "large-events-{account}/large-events/000-placeholder.json"]
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
