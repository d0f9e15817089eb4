# One environment. staging/ and prod/ link to this file (and variables.tf, outputs.tf): only
# terraform.tfvars differs between environments. Initialise with the bootstrap root's outputs:
#   terraform init -backend-config=bucket=<state_bucket> -backend-config=kms_key_id=<state_kms_key_arn> \
#     -backend-config=key=sfbridge/<environment>.tfstate -backend-config=region=<region>

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }

  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}

locals {
  # Every resource's tags, in both regions: the CI roles (modules/github_oidc) let the deploy
  # role use only keys tagged with the environment, so both providers must tag alike.
  tags = {
    Project     = "sfbridge"
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.tags
  }
}

# The second region (Amazon Connect Global Resiliency). Terraform needs the configuration even
# when secondary_region is null: then it points at the home region and nothing uses it. To
# remove a second region, destroy its resources first (secondary_enabled = false) while this
# still points there; only then unset secondary_region (README "A second region").
provider "aws" {
  alias               = "secondary"
  region              = coalesce(var.secondary_region, var.region)
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.tags
  }
}

module "sfbridge" {
  source = "../../modules/sfbridge"

  providers = {
    aws           = aws
    aws.secondary = aws.secondary
  }

  environment            = var.environment
  account_id             = var.account_id
  region                 = var.region
  architecture           = var.architecture
  package_dir            = var.package_dir
  salesforce             = var.salesforce
  salesforce_jwt_token   = var.salesforce_jwt_token
  status_subscriptions   = var.status_subscriptions
  support_emails         = var.support_emails
  reserved_concurrency   = var.reserved_concurrency
  ingest_max_concurrency = var.ingest_max_concurrency
  create_appflow         = var.create_appflow
  connect_instance_id    = var.connect_instance_id
  max_reactivations      = var.max_reactivations
  sweep_schedule         = var.sweep_schedule
  sweep_grace_minutes    = var.sweep_grace_minutes
  deletion_protection    = var.deletion_protection
  force_destroy          = var.force_destroy

  secondary_region               = var.secondary_region
  secondary_enabled              = var.secondary_enabled
  secondary_connect_instance_arn = var.secondary_connect_instance_arn
}
