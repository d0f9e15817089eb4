# The data plane of sfbridge (table, buckets, topics, queues, functions, stream mappings,
# rules, alarms) applied against the local moto server by scripts/terraform-moto.sh, then
# destroyed. AppFlow and Connect are off: moto has neither.

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "endpoint" {
  description = "The local moto server."
  type        = string
}

variable "package_dir" {
  description = "Zips to deploy (placeholders are enough: moto does not run them)."
  type        = string
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    cloudwatch     = var.endpoint
    dynamodb       = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    sts            = var.endpoint
  }
}

module "sfbridge" {
  source = "../../../modules/sfbridge"

  environment         = "dev"
  account_id          = "123456789012"
  region              = "us-east-1"
  package_dir         = var.package_dir
  salesforce          = { instance_url = "https://example--dev.sandbox.my.salesforce.com", is_sandbox = true }
  support_emails      = ["support@example.com"]
  create_appflow      = false
  deletion_protection = false
  force_destroy       = true
}

output "function_names" {
  value = module.sfbridge.function_names
}

output "table_name" {
  value = module.sfbridge.table_name
}

output "dead_letter_queues" {
  value = module.sfbridge.dead_letter_queues
}
