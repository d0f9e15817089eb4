# The environment root as committed (terraform.tfvars), planned with mock providers in both
# shapes: one region, and with secondary_region (the aws.secondary provider then configured for
# it and handed to the composition).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-west-2" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

mock_provider "aws" {
  alias = "secondary"
  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  package_dir = "../../modules/functions/tests/fixtures"
}

run "one_region" {
  command = plan

  assert {
    condition     = var.secondary_region == null && output.secondary == null
    error_message = "The committed dev root has one region."
  }
}

run "with_a_second_region" {
  command = plan
  variables {
    secondary_region               = "eu-central-1"
    secondary_connect_instance_arn = "arn:aws:connect:eu-central-1:111111111111:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
  }

  assert {
    condition     = output.secondary.region == "eu-central-1"
    error_message = "With secondary_region, the root hands the composition a provider for that region."
  }
}

run "removing_a_second_region" {
  command = plan
  variables {
    secondary_region  = "eu-central-1"
    secondary_enabled = false
  }

  assert {
    condition     = output.secondary == null
    error_message = "secondary_enabled = false plans the second region away while the provider still points there."
  }
}
