# Copied next to terraform/dev's files by scripts/terraform-rehearsal.sh: the dev root exactly
# as it is, with local state and every AWS endpoint on this machine: moto for what moto holds,
# scripts/fake-appflow.py for AppFlow (validated against the botocore service model) and for
# Lambda (it forwards to moto, and runs the real bootstrap for Invoke: Terraform's activation
# of the flows goes through the real flow-guard). Override files merge into the root's blocks;
# the two endpoint variables are declared in rehearsal.tf (an override cannot declare).

terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false # moto answers STS: allowed_account_ids still checks
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    appflow    = var.appflow_endpoint
    cloudwatch = var.moto_endpoint
    dynamodb   = var.moto_endpoint
    events     = var.appflow_endpoint # moto behind it, with its partner-bus tag gap filled
    iam        = var.moto_endpoint
    kms        = var.moto_endpoint
    lambda     = var.appflow_endpoint
    logs       = var.moto_endpoint
    s3         = var.appflow_endpoint # moto behind it, with its S3 gaps filled
    sns        = var.moto_endpoint
    sqs        = var.appflow_endpoint # moto behind it, with its RedriveAllowPolicy gap filled
    sts        = var.moto_endpoint
  }
}

# The second region's provider (terraform/dev configures it even without secondary_region):
# the same local endpoints, or its configuration would ask the real STS for the account.
provider "aws" {
  alias = "secondary"

  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false # moto answers STS: allowed_account_ids still checks
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    appflow    = var.appflow_endpoint
    cloudwatch = var.moto_endpoint
    dynamodb   = var.moto_endpoint
    events     = var.appflow_endpoint # moto behind it, with its partner-bus tag gap filled
    iam        = var.moto_endpoint
    kms        = var.moto_endpoint
    lambda     = var.appflow_endpoint
    logs       = var.moto_endpoint
    s3         = var.appflow_endpoint # moto behind it, with its S3 gaps filled
    sns        = var.moto_endpoint
    sqs        = var.appflow_endpoint # moto behind it, with its RedriveAllowPolicy gap filled
    sts        = var.moto_endpoint
  }
}
