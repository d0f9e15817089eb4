# Run once per AWS account, with local state: the S3 bucket that holds every environment's
# Terraform state (versioned, KMS-encrypted, TLS-only; S3-native locking via use_lockfile), and
# GitHub Actions' plan and deploy roles per environment (modules/github_oidc). Run it again, before
# the environment's own apply, when an environment gains a Connect instance or a second region:
# the deploy role may touch only the instances and the second region named here.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "sfbridge"
      Environment = "shared"
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "state" {
  description             = "sfbridge Terraform state"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      }
    ]
  })
}

module "state" {
  source = "../../modules/bucket"

  name              = "${var.state_bucket_prefix}-${data.aws_caller_identity.current.account_id}"
  kms_key_arn       = aws_kms_key.state.arn
  expire_after_days = 3650
}

module "github" {
  source = "../../modules/github_oidc"

  account_id        = data.aws_caller_identity.current.account_id
  repository        = var.github_repository
  environments      = var.environments
  state_bucket_arn  = module.state.bucket_arn
  state_kms_key_arn = aws_kms_key.state.arn
  create_provider   = var.create_github_oidc_provider

  connect_instance_ids            = var.connect_instance_ids
  secondary_regions               = var.secondary_regions
  secondary_connect_instance_arns = var.secondary_connect_instance_arns
}

variable "github_repository" {
  description = "The GitHub repository (owner/name) whose deploy workflow may assume the roles."
  type        = string
}

variable "environments" {
  description = "The sfbridge environments deployed into this account."
  type        = list(string)
  default     = ["dev", "staging", "prod"]
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if it exists already)."
  type        = bool
  default     = true
}

variable "connect_instance_ids" {
  description = "Each environment's connect_instance_id (terraform/<env>/terraform.tfvars), by environment: its deploy role may associate connect-lookup with that Amazon Connect instance only."
  type        = map(string)
  default     = {}
}

variable "secondary_regions" {
  description = "Each environment's secondary_region, by environment (Amazon Connect Global Resiliency): its deploy role may create the config table's replica there only. Set it before the environment's apply that adds the region; keep it until the apply that removes it has run."
  type        = map(string)
  default     = {}
}

variable "secondary_connect_instance_arns" {
  description = "Each environment's secondary_connect_instance_arn, by environment: its deploy role may associate the second region's connect-lookup with that replica instance only. Like secondary_regions: set before the apply that adds it, removed after the apply that removes it."
  type        = map(string)
  default     = {}
}

variable "region" {
  description = "Region of the state bucket."
  type        = string
  default     = "eu-west-2"
}

variable "state_bucket_prefix" {
  description = "State bucket name before the account id."
  type        = string
  default     = "sfbridge-tfstate"
}

output "state_bucket" {
  description = "Pass to each environment: terraform init -backend-config=bucket=<this>."
  value       = module.state.bucket_name
}

output "github_role_arns" {
  description = "Set AWS_PLAN_ROLE_ARN on each <env>-plan GitHub environment and AWS_DEPLOY_ROLE_ARN on each <env>."
  value       = module.github.role_arns
}

output "state_kms_key_arn" {
  description = "Pass to each environment: -backend-config=kms_key_id=<this>."
  value       = aws_kms_key.state.arn
}
