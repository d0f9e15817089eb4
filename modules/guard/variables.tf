variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "flow_guard" {
  description = "The flow-guard function."
  type = object({
    name = string
    arn  = string
  })
}

variable "flows" {
  description = "The managed flows by role (events, status, sweep): name, ARN, a revision that changes with the definition, and what must exist before activation."
  type = map(object({
    name             = string
    arn              = string
    revision         = string
    activation_after = optional(list(string), [])
  }))

  validation {
    condition     = length(var.flows) > 0
    error_message = "At least one flow."
  }
}

variable "check_schedule" {
  description = "How often flow-guard checks the flows (EventBridge schedule expression)."
  type        = string
  default     = "rate(15 minutes)"

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.check_schedule))
    error_message = "check_schedule must be a rate(...) or cron(...) expression."
  }
}

variable "activate" {
  description = "Activate the flows through flow-guard (off only for emulator tests, which have no AppFlow)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
