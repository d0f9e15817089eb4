variable "name" {
  description = "Bucket name."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "A bucket name is 3-63 lower-case letters, digits, dots and hyphens."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for default encryption."
  type        = string
}

variable "expire_after_days" {
  description = "Days after which objects (and old versions) expire."
  type        = number
  default     = 90

  validation {
    condition     = var.expire_after_days >= 1
    error_message = "expire_after_days must be at least 1."
  }
}

variable "never_expire_up_to_bytes" {
  description = "Objects of at most this many bytes never expire (null: everything expires)."
  type        = number
  default     = null
}

variable "seed_objects" {
  description = "Objects placed when the bucket is made, by key: content and content type."
  type = map(object({
    content      = string
    content_type = optional(string, "application/octet-stream")
  }))
  default = {}
}

variable "policy_statements" {
  description = "Extra bucket policy statements (IAM JSON objects), e.g. what AppFlow may do. The TLS-only deny is always added."
  type        = list(any)
  default     = []
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket (test environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
