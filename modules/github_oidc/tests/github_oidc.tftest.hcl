mock_provider "aws" {
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
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
    condition     = toset(keys(aws_iam_role_policy.deploy)) == toset(["dev", "prod"]) && toset(keys(aws_iam_role_policy_attachment.plan_read)) == toset(["dev-plan", "prod-plan"])
    error_message = "Only deploy roles can change things; plan roles read."
  }
  assert {
    condition     = endswith(jsondecode(aws_iam_role_policy.state["prod-plan"].policy).Statement[0].Resource, "/sfbridge/prod.tfstate*")
    error_message = "Each role touches only its environment's state."
  }
}
