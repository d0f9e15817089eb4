variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev; functions are <prefix>-<handler>."
  type        = string
}

variable "package_dir" {
  description = "Directory holding <handler>.zip for every handler (make build-zips writes dist/)."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture; must match the ARCH the zips were built for."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "kms_key_arn" {
  description = "The project's KMS key (environment, logs, queues, table, topics)."
  type        = string
}

variable "table" {
  description = "The config table."
  type = object({
    name       = string
    arn        = string
    stream_arn = string
  })
}

variable "large_event_bucket" {
  description = "The inbound bucket (LARGE_EVENT_BUCKET): AppFlow writes oversized events and, under sweep_prefix (SWEEP_PREFIX), the catch-up files there; ingest reads only here."
  type = object({
    name         = string
    arn          = string
    sweep_prefix = optional(string, "sweep/")
  })

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}/$", var.large_event_bucket.sweep_prefix))
    error_message = "large_event_bucket.sweep_prefix must be one folder name ending in /, e.g. sweep/."
  }
}

variable "sweep_grace_minutes" {
  description = "SWEEP_GRACE_MINUTES: a catch-up line for a request created less than this many minutes ago is left for the event path (a later catch-up run still finds it)."
  type        = number
  default     = 10

  validation {
    # At least a minute (the event path needs seconds); at most a day, so a request the event
    # path lost is still applied the same day.
    condition     = var.sweep_grace_minutes >= 1 && var.sweep_grace_minutes <= 1440 && floor(var.sweep_grace_minutes) == var.sweep_grace_minutes
    error_message = "sweep_grace_minutes must be a whole number of minutes from 1 to 1440."
  }
}

variable "ingest_queue" {
  description = "The ingest queue (ingest's event source) and its dead-letter queue (DEAD_LETTER_QUEUE_URL)."
  type = object({
    arn             = string
    dead_letter_arn = string
    dead_letter_url = string
  })
}

variable "ingest_max_concurrency" {
  description = "At most this many ingest invocations at once from the ingest queue (scaling_config.maximum_concurrency); a reservation for ingest must be at least this."
  type        = number
  default     = 5

  validation {
    # The Lambda API's MaximumConcurrency range (botocore lambda model: min 2, max 1000).
    condition     = var.ingest_max_concurrency >= 2 && var.ingest_max_concurrency <= 1000 && floor(var.ingest_max_concurrency) == var.ingest_max_concurrency
    error_message = "ingest_max_concurrency must be a whole number from 2 to 1000 (the Lambda API's range for an SQS event source)."
  }
}

variable "status_bucket" {
  description = "Where status-csv writes and the scheduled AppFlow flow reads."
  type = object({
    name   = string
    arn    = string
    prefix = optional(string, "status/")
  })

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.status_bucket.prefix))
    error_message = "status_bucket.prefix must be a folder ending in /, e.g. status/."
  }
}

variable "status_topic_arn" {
  description = "The status topic (notify publishes)."
  type        = string
}

variable "support_topic_arn" {
  description = "The support topic (flow-guard publishes)."
  type        = string
}

variable "managed_flows" {
  description = "The AppFlow flows flow-guard manages."
  type = list(object({
    name = string
    arn  = string
  }))

  validation {
    condition     = length(var.managed_flows) > 0
    error_message = "flow-guard needs at least one flow to manage."
  }
}

variable "max_reactivations" {
  description = "flow-guard's restarts per flow per hour."
  type        = number
  default     = 3

  validation {
    condition     = var.max_reactivations >= 1 && var.max_reactivations <= 20
    error_message = "max_reactivations must be between 1 and 20."
  }
}

variable "memory_size" {
  description = "Memory (MB) for every function."
  type        = number
  default     = 128
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per handler (a cap on cost and on pressure on Salesforce and DynamoDB). Handlers not named get none. A reservation must leave the account's minimum unreserved concurrency free: new accounts have a quota of 10 in all, so reserve nothing there (make preflight checks it)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for h in keys(var.reserved_concurrency) : contains(["ingest", "status-csv", "notify", "flow-guard", "connect-lookup"], h)])
    error_message = "reserved_concurrency may only name handlers: ingest, status-csv, notify, flow-guard, connect-lookup."
  }

  validation {
    condition     = alltrue([for n in values(var.reserved_concurrency) : n >= 1 && floor(n) == n])
    error_message = "A reservation is a whole number of at least 1 (leave a handler out for none)."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention."
  type        = number
  default     = 365
}

variable "log_level" {
  description = "Application log level (Lambda's JSON logging). At most INFO: Lambda files the handlers' EMF metric lines as INFO, so a higher level would drop every metric and silence their alarms."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG or INFO: at WARN or above Lambda drops the EMF metric lines (filed as INFO), and every metric alarm goes silent."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
