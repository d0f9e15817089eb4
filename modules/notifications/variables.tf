variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id; looked up when null."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for both topics."
  type        = string
}

variable "status_subscriptions" {
  description = "Email subscriptions to the status topic; filter_policy (on message attributes status, record_id, region, action, requested_by) narrows what one address receives."
  type = list(object({
    email         = string
    filter_policy = optional(map(list(string)))
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.status_subscriptions : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", s.email))])
    error_message = "Every status subscription needs a valid email address."
  }

  validation {
    condition = alltrue([for s in var.status_subscriptions : s.filter_policy == null ? true : alltrue([
      for k in keys(s.filter_policy) : contains(["status", "record_id", "region", "action", "requested_by"], k)
    ])])
    error_message = "Filter policies may only use the attributes status, record_id, region, action and requested_by."
  }
}

variable "support_emails" {
  description = "Email addresses subscribed to the support topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.support_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Every support email must be a valid address."
  }
}

variable "tags" {
  description = "Tags for the topics."
  type        = map(string)
  default     = {}
}
