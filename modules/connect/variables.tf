variable "instance_id" {
  description = "The Amazon Connect instance id; null to skip the association."
  type        = string
  default     = null

  validation {
    condition     = var.instance_id == null || can(regex("^[0-9a-f-]{36}$", var.instance_id))
    error_message = "instance_id must be a Connect instance id (a UUID)."
  }
}

variable "function_arn" {
  description = "connect-lookup's ARN."
  type        = string
}

variable "function_name" {
  description = "connect-lookup's name."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "region" {
  description = "AWS region of the Connect instance."
  type        = string
}
