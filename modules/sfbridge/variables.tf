variable "project" {
  description = "Project name, the first part of every resource name."
  type        = string
  default     = "sfbridge"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters, digits and hyphens."
  }
}

variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "account_id" {
  description = "AWS account id of the environment."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture; the zips must be built with the same ARCH."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "package_dir" {
  description = "Directory with dist/<handler>.zip (from make build-zips, promoted unchanged)."
  type        = string
}

variable "salesforce" {
  description = "The Salesforce org; AppFlow authenticates with JWT_BEARER (CLIENT_CREDENTIALS is refused). connector_profile_name names an existing profile made by scripts/connector-profile.py; without it Terraform creates one from salesforce_jwt_token."
  type = object({
    instance_url           = string
    is_sandbox             = optional(bool, false)
    grant_type             = optional(string, "JWT_BEARER")
    private_link           = optional(bool, false)
    connector_profile_name = optional(string)
  })
}

variable "salesforce_jwt_token" {
  description = "Only without salesforce.connector_profile_name: the JWT (scripts/salesforce-jwt.sh) Terraform creates the profile from."
  type        = string
  default     = null
  sensitive   = true
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per handler name; none by default (new accounts have a concurrency quota of 10)."
  type        = map(number)
  default     = {}
}

variable "ingest_max_concurrency" {
  description = "At most this many ingest invocations at once from the ingest queue (2-1000); a reservation for ingest must be at least this."
  type        = number
  default     = 5
}

variable "max_ingest_queue_age_seconds" {
  description = "Age of the oldest event on the ingest queue above which the stalled-queue alarm fires."
  type        = number
  default     = 900
}

variable "salesforce_request_object" {
  description = "The Salesforce object the status rows update."
  type        = string
  default     = "Config_Request__c"
}

variable "salesforce_id_field" {
  description = "The field the status rows name their record by (an UPDATE on it)."
  type        = string
  default     = "Id"
}

variable "status_subscriptions" {
  description = "Email subscriptions to outcome notifications, optionally filtered."
  type = list(object({
    email         = string
    filter_policy = optional(map(list(string)))
  }))
  default = []
}

variable "support_emails" {
  description = "Who flow-guard and the alarms email."
  type        = list(string)
  default     = []
}

variable "connect_instance_id" {
  description = "Amazon Connect instance to associate connect-lookup with; null for none."
  type        = string
  default     = null
}

variable "max_reactivations" {
  description = "flow-guard's restarts per flow per hour."
  type        = number
  default     = 3
}

variable "status_schedule" {
  description = "How often the status flow updates Salesforce."
  type        = string
  default     = "rate(5minutes)"
}

variable "sweep_prefix" {
  description = "SWEEP_PREFIX: the inbound bucket's folder for catch-up files (the catch-up flow writes there, the ingest queue is told of each new one)."
  type        = string
  default     = "sweep/"
}

variable "sweep_schedule" {
  description = "How often the catch-up flow copies requests without a status (AppFlow syntax, e.g. rate(15minutes))."
  type        = string
  default     = "rate(15minutes)"
}

variable "sweep_grace_minutes" {
  description = "SWEEP_GRACE_MINUTES: catch-up lines for requests younger than this are left for the event path."
  type        = number
  default     = 10
}

variable "flow_check_schedule" {
  description = "How often flow-guard checks the flows."
  type        = string
  default     = "rate(15 minutes)"
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of the functions."
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Protect the table from deletion."
  type        = bool
  default     = true
}

variable "create_appflow" {
  description = "Create the AppFlow connector profile and flows and activate them (off only against an emulator without AppFlow)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "secondary_region" {
  description = "A second region for Amazon Connect Global Resiliency: the table gets a replica there and connect-lookup runs there too, reading it (the aws.secondary provider must be configured for it). null: one region, nothing changes."
  type        = string
  default     = null

  validation {
    condition     = var.secondary_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.secondary_region))
    error_message = "secondary_region must be an AWS region name such as eu-central-1."
  }
}

variable "secondary_enabled" {
  description = "With secondary_region: false removes the second region's resources while the aws.secondary provider still points there (README RUNBOOK, removing the second region: this false first, secondary_region unset after; unsetting secondary_region first would point the provider at the home region, where the resources to destroy are not)."
  type        = bool
  default     = true
}

variable "secondary_connect_instance_arn" {
  description = "The replica Amazon Connect instance in secondary_region (its ARN): associated with the secondary connect-lookup, which it may invoke. null for none."
  type        = string
  default     = null
}

variable "max_replication_latency_seconds" {
  description = "With secondary_region: the replication-latency alarm fires when changes reach the replica this many seconds late on average (usually about a second)."
  type        = number
  default     = 60
}
