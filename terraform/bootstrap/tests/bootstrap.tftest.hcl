# The root as an account with two environments, prod having a Connect instance and a second
# region: the values given here reach modules/github_oidc, whose validations and preconditions
# (its own tests check the policies) accept them only as the right inputs.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/mock-read" }
  }
}

variables {
  github_repository = "example/sfbridge"
  environments      = ["dev", "prod"]
}

run "one_region_everywhere" {
  command = apply

  assert {
    condition     = toset(keys(output.github_role_arns)) == toset(["dev", "dev-plan", "prod", "prod-plan"])
    error_message = "A plan role and a deploy role per environment."
  }
}

run "prod_with_connect_and_a_second_region" {
  command = apply

  variables {
    connect_instance_ids            = { prod = "11111111-aaaa-bbbb-cccc-000000000003" }
    secondary_regions               = { prod = "eu-central-1" }
    secondary_connect_instance_arns = { prod = "arn:aws:connect:eu-central-1:123456789012:instance/22222222-aaaa-bbbb-cccc-000000000003" }
  }

  assert {
    condition     = toset(keys(output.github_role_arns)) == toset(["dev", "dev-plan", "prod", "prod-plan"])
    error_message = "A plan role and a deploy role per environment."
  }
}
