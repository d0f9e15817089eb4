variable "environment" {
  description = "dev, staging or prod."
  type        = string
}

variable "account_id" {
  description = "The environment's AWS account id (the provider refuses any other)."
  type        = string
}

variable "region" {
  description = "The environment's AWS region."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture (the zips' ARCH)."
  type        = string
  default     = "arm64"
}

variable "package_dir" {
  description = "Where the promoted zips are (dist/ of the build job)."
  type        = string
  default     = "../../dist"
}

variable "salesforce" {
  description = "The Salesforce org and grant type."
  type = object({
    instance_url = string
    is_sandbox   = optional(bool, false)
    grant_type   = optional(string, "CLIENT_CREDENTIALS")
    private_link = optional(bool, false)
  })
}

variable "salesforce_jwt_token" {
  description = "For JWT_BEARER only; pass as TF_VAR_salesforce_jwt_token from the pipeline's secret store."
  type        = string
  default     = null
  sensitive   = true
}

variable "status_subscriptions" {
  description = "Outcome email subscriptions."
  type = list(object({
    email         = string
    filter_policy = optional(map(list(string)))
  }))
  default = []
}

variable "support_emails" {
  description = "Support email addresses."
  type        = list(string)
  default     = []
}

variable "connect_instance_id" {
  description = "Amazon Connect instance id, or null."
  type        = string
  default     = null
}

variable "max_reactivations" {
  description = "flow-guard's restarts per flow per hour."
  type        = number
  default     = 3
}

variable "deletion_protection" {
  description = "Protect the table."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets."
  type        = bool
  default     = false
}
