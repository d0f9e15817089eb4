variable "name" {
  description = "Table name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "A table name is 3-255 letters, digits, underscores, dots and hyphens."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the table."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the table (on in production)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
