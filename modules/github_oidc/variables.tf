variable "name_prefix" {
  description = "The project name: roles are <prefix>-github-<env>[-plan] and may touch only resources named <prefix>-<env>-* (and the state key sfbridge/<env>.tfstate)."
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

variable "terraform_objects" {
  description = "S3 objects Terraform manages in an environment's buckets, as \"<bucket name after <prefix>-<env>->/<key>\" ({account} is replaced): the only objects plan roles may read."
  type        = list(string)
  default     = ["status-{account}/status/000-header-only.csv"]

  validation {
    condition     = length(var.terraform_objects) > 0 && alltrue([for o in var.terraform_objects : can(regex("^[a-z0-9{][a-z0-9.{}*-]*/.+$", o))])
    error_message = "terraform_objects must name at least one \"<bucket suffix>/<key>\"."
  }
}

variable "connect_instance_ids" {
  description = "Amazon Connect instance id by environment, for the environments that set connect_instance_id: only that instance's Lambda association may be changed."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.connect_instance_ids) : can(regex("^[0-9a-f-]{36}$", id))])
    error_message = "connect_instance_ids values must be Connect instance ids (the last part of the instance ARN)."
  }
}

variable "secondary_regions" {
  description = "The second region by environment, for the environments that set secondary_region (Amazon Connect Global Resiliency): only there, and only for them, may the deploy role create the config table's replica, which AWS authorises with the table's item actions in that region. Set it before the environment's apply that adds the region; removing a replica is allowed in any region."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for r in values(var.secondary_regions) : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r))])
    error_message = "secondary_regions values must be region names, such as eu-central-1."
  }
}

variable "secondary_connect_instance_arns" {
  description = "The replica Amazon Connect instance's ARN by environment, for the environments that set secondary_connect_instance_arn (in that environment's secondary_regions region): its Lambda association may be changed too."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for a in values(var.secondary_connect_instance_arns) : can(regex("^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36}$", a))])
    error_message = "secondary_connect_instance_arns values must be Connect instance ARNs: arn:aws:connect:<region>:<account>:instance/<id>."
  }
}
