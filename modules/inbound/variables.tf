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

variable "request_object" {
  description = "The Salesforce object users save requests on: the catch-up flow copies those without a status (its Needs_Sync__c formula checkbox)."
  type        = string
  default     = "Config_Request__c"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]*__c$", var.request_object))
    error_message = "request_object must be a custom object API name ending in __c."
  }
}

variable "sweep_prefix" {
  description = "SWEEP_PREFIX: the folder of the inbound bucket the catch-up flow writes to and whose new objects the ingest queue is told about."
  type        = string
  default     = "sweep/"

  validation {
    # One folder: AppFlow's bucketPrefix is the name without the "/" (at most 512 characters).
    # Never the oversized events' folder, whose objects reach ingest through their pointers.
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}/$", var.sweep_prefix)) && var.sweep_prefix != "large-events/"
    error_message = "sweep_prefix must be one folder name ending in /, e.g. sweep/, and not large-events/ (the oversized events' folder)."
  }
}

variable "sweep_schedule" {
  description = "How often the catch-up flow runs (AppFlow's own syntax, e.g. rate(15minutes))."
  type        = string
  default     = "rate(15minutes)"

  validation {
    # AppFlow writes rates without a space (the model's ScheduledTriggerProperties:
    # "for example rate(5minutes)"), unlike EventBridge's rate(5 minutes).
    condition     = can(regex("^rate\\([1-9][0-9]*(minutes|hours|days)\\)$", var.sweep_schedule))
    error_message = "sweep_schedule must look like rate(15minutes) (AppFlow's syntax: no space)."
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
  description = "Create the AppFlow flows, partner bus and rule (off only for emulator tests, which have no AppFlow); the ingest queue and the bucket's notification of catch-up files exist either way."
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
