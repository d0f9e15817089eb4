variable "name_prefix" {
  description = "Prefix of every name (project-environment)."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "region" {
  description = "The secondary region: where the replica Connect instance is. The module's aws provider must be configured for it."
  type        = string
}

variable "home_region" {
  description = "The home region (where the table, the flows and the other handlers are); region must differ."
  type        = string
}

variable "table" {
  description = "The home table: its name (the replica's too) and ARN (the global table's)."
  type = object({
    name = string
    arn  = string
  })
}

variable "package_dir" {
  description = "Directory with dist/connect-lookup.zip (the same zip as the home region's)."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture of the zip."
  type        = string
  default     = "arm64"
}

variable "memory_size" {
  description = "connect-lookup's memory (MB), as in the home region."
  type        = number
  default     = 128
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the secondary connect-lookup; -1 for none."
  type        = number
  default     = -1
}

variable "log_level" {
  description = "Application log level (Lambda's JSON logging). At most INFO: Lambda files the EMF metric lines as INFO, and the alarms read them."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG or INFO: at WARN or above Lambda drops the EMF metric lines (filed as INFO), and the metric alarms go silent."
  }
}

variable "log_retention_days" {
  description = "Days connect-lookup's logs are kept (as at home)."
  type        = number
  default     = 365
}

variable "connect_instance_arn" {
  description = "ARN of the replica Amazon Connect instance in this region (arn:aws:connect:<region>:<account>:instance/<id>); null for no association."
  type        = string
  default     = null

  validation {
    condition     = var.connect_instance_arn == null || can(regex("^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36}$", var.connect_instance_arn))
    error_message = "connect_instance_arn must be a Connect instance ARN: arn:aws:connect:<region>:<account>:instance/<id>."
  }
}

variable "support_emails" {
  description = "Who this region's alarms email."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse to delete the replica (on in production)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
