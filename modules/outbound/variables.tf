variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id (part of the bucket name)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region (part of the flow's ARN)."
  type        = string
}

variable "kms_key_arn" {
  description = "The project's KMS key."
  type        = string
}

variable "connector_profile_name" {
  description = "The Salesforce connector profile."
  type        = string
}

variable "salesforce_object" {
  description = "The object the status rows update."
  type        = string
  default     = "Config_Request__c"
}

variable "id_field" {
  description = "The Salesforce field the CSV's Id column matches."
  type        = string
  default     = "Id"
}

variable "status_prefix" {
  description = "The folder status-csv writes (STATUS_PREFIX)."
  type        = string
  default     = "status/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.status_prefix))
    error_message = "status_prefix must be a folder ending in /, e.g. status/."
  }
}

variable "schedule_expression" {
  description = "How often the status flow runs (AppFlow schedule expression)."
  type        = string
  default     = "rate(5minutes)"

  validation {
    condition     = can(regex("^rate\\([0-9]+(minutes|hours|days)\\)$", var.schedule_expression))
    error_message = "schedule_expression must look like rate(5minutes)."
  }
}

variable "create_flow" {
  description = "Create the AppFlow flow (off only for emulator tests, which have no AppFlow)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket (test environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
