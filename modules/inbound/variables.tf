variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id (part of the partner source and bucket names)."
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

variable "event_object" {
  description = "The platform event AppFlow subscribes to."
  type        = string
  default     = "Config_Change__e"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]*__e$", var.event_object))
    error_message = "event_object must be a platform event API name ending in __e."
  }
}

variable "ingest_timeout_seconds" {
  description = "The ingest function's timeout: the queue's visibility timeout is six times it."
  type        = number

  validation {
    # Lambda's maximum timeout; six times it stays under SQS's 12-hour visibility maximum.
    condition     = var.ingest_timeout_seconds >= 1 && var.ingest_timeout_seconds <= 900
    error_message = "ingest_timeout_seconds must be between 1 and 900 (Lambda's limit)."
  }
}

variable "create_flow" {
  description = "Create the AppFlow flow, partner bus and rule (off only for emulator tests, which have no AppFlow); the ingest queue exists either way."
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
