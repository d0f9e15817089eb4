variable "name_prefix" {
  description = "Prefix of the role names, e.g. sfbridge."
  type        = string
  default     = "sfbridge"
}

variable "account_id" {
  description = "The AWS account id."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "repository" {
  description = "The GitHub repository allowed to assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be owner/name."
  }
}

variable "environments" {
  description = "The GitHub environments deploying to this account (dev, staging, prod)."
  type        = list(string)

  validation {
    condition     = alltrue([for e in var.environments : contains(["dev", "staging", "prod"], e)])
    error_message = "environments may be dev, staging and prod."
  }
}

variable "state_bucket_arn" {
  description = "The Terraform state bucket."
  type        = string
}

variable "state_kms_key_arn" {
  description = "The state bucket's KMS key."
  type        = string
}

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider (false when it already exists)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the provider and roles."
  type        = map(string)
  default     = {}
}
