variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account id; looked up when null."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region; looked up when null."
  type        = string
  default     = null
}

variable "salesforce" {
  description = "The Salesforce org and how AppFlow authenticates to it. JWT_BEARER and CLIENT_CREDENTIALS need no interactive step; AUTHORIZATION_CODE needs a refresh token."
  type = object({
    instance_url = string
    is_sandbox   = optional(bool, false)
    grant_type   = optional(string, "CLIENT_CREDENTIALS")
    private_link = optional(bool, false)
  })

  validation {
    condition     = contains(["JWT_BEARER", "CLIENT_CREDENTIALS", "AUTHORIZATION_CODE"], var.salesforce.grant_type)
    error_message = "salesforce.grant_type must be JWT_BEARER, CLIENT_CREDENTIALS or AUTHORIZATION_CODE."
  }

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+\\.(salesforce|force)\\.com/?$", var.salesforce.instance_url))
    error_message = "salesforce.instance_url must be the org's https://....my.salesforce.com URL."
  }
}

variable "salesforce_jwt_token" {
  description = "For JWT_BEARER: the signed JWT AppFlow presents. Sensitive; kept in (encrypted) state by the provider."
  type        = string
  default     = null
  sensitive   = true
}

variable "salesforce_refresh_token" {
  description = "For AUTHORIZATION_CODE: a refresh token. Sensitive; kept in (encrypted) state by the provider."
  type        = string
  default     = null
  sensitive   = true
}

variable "create_connector_profile" {
  description = "Create the AppFlow connector profile (off only for emulator tests, which have no AppFlow)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the key and the secret."
  type        = map(string)
  default     = {}
}
