variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev; also the connector profile's name when Terraform creates it."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "salesforce" {
  description = "The Salesforce org and how AppFlow authenticates to it: JWT_BEARER, with either an existing connector profile (connector_profile_name, made by scripts/connector-profile.py) or a JWT passed as salesforce_jwt_token."
  type = object({
    instance_url           = string
    is_sandbox             = optional(bool, false)
    grant_type             = optional(string, "JWT_BEARER")
    private_link           = optional(bool, false)
    connector_profile_name = optional(string)
  })

  validation {
    # AppFlow API reference, OAuth2GrantType: "The CLIENT_CREDENTIALS value is not supported for
    # Salesforce" (CreateConnectorProfile answers "AuthCode cannot be blank for connector:
    # SALESFORCE"); AUTHORIZATION_CODE needs an interactive browser step.
    condition     = var.salesforce.grant_type == "JWT_BEARER"
    error_message = "salesforce.grant_type must be JWT_BEARER: AppFlow does not support CLIENT_CREDENTIALS for Salesforce, and AUTHORIZATION_CODE needs an interactive login. See the README (First deployment) for the certificate and the JWT."
  }

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+\\.(salesforce|force)\\.com/?$", var.salesforce.instance_url))
    error_message = "salesforce.instance_url must be the org's https://....my.salesforce.com URL."
  }

  validation {
    # The AppFlow model's ConnectorProfileName pattern, matched against the whole name.
    condition     = var.salesforce.connector_profile_name == null || can(regex("^[\\w/!@#+=.-]{1,256}$", coalesce(var.salesforce.connector_profile_name, "x")))
    error_message = "salesforce.connector_profile_name must match AppFlow's [\\w/!@#+=.-]+ (at most 256 characters)."
  }
}

variable "salesforce_jwt_token" {
  description = "Only when Terraform creates the connector profile: the JWT from scripts/salesforce-jwt.sh. Sensitive, but it is then in the (encrypted) state and in plan files: prefer salesforce.connector_profile_name."
  type        = string
  default     = null
  sensitive   = true

  validation {
    # The AppFlow model's JwtToken pattern, which AWS matches against the whole value: the header
    # and payload segments may not contain "-" (scripts/salesforce-jwt.sh mints accordingly).
    condition     = var.salesforce_jwt_token == null || can(regex("^[a-zA-Z0-9_=]+\\.[a-zA-Z0-9_=]+\\.[a-zA-Z0-9_+/=-]*$", coalesce(var.salesforce_jwt_token, "a.b.c")))
    error_message = "salesforce_jwt_token is not a JWT AppFlow accepts (pattern [a-zA-Z0-9_=]+.[a-zA-Z0-9_=]+.[a-zA-Z0-9_-+/=]*): mint it with scripts/salesforce-jwt.sh."
  }
}

variable "create_connector_profile" {
  description = "Create the connector profile when none is named (off when AppFlow is off)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the key and the profile."
  type        = map(string)
  default     = {}
}
