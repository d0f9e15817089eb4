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
  description = "The Salesforce org. AppFlow authenticates with JWT_BEARER; connector_profile_name names the profile made by scripts/connector-profile.py (recommended: Terraform never sees the JWT)."
  type = object({
    instance_url           = string
    is_sandbox             = optional(bool, false)
    grant_type             = optional(string, "JWT_BEARER")
    private_link           = optional(bool, false)
    connector_profile_name = optional(string)
  })
}

variable "salesforce_jwt_token" {
  description = "Only without salesforce.connector_profile_name (a local, manual apply): the JWT from scripts/salesforce-jwt.sh, as TF_VAR_salesforce_jwt_token. It then sits in the state and in any plan file."
  type        = string
  default     = null
  sensitive   = true
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per handler; none by default (see make preflight)."
  type        = map(number)
  default     = {}
}

variable "ingest_max_concurrency" {
  description = "At most this many ingest invocations at once from the ingest queue (2-1000); a reservation for ingest must be at least this."
  type        = number
  default     = 5
}

variable "create_appflow" {
  description = "Create the AppFlow flows (and activate them). false brings up the AWS side before Salesforce is ready."
  type        = bool
  default     = true
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

variable "sweep_schedule" {
  description = "How often the catch-up flow copies requests still without a status to AWS (AppFlow syntax)."
  type        = string
  default     = "rate(15minutes)"
}

variable "sweep_grace_minutes" {
  description = "Catch-up lines for requests younger than this many minutes are left for the event path."
  type        = number
  default     = 10
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

variable "secondary_region" {
  description = "A second region for Amazon Connect Global Resiliency (a table replica and a connect-lookup reading it); null for none."
  type        = string
  default     = null
}

variable "secondary_enabled" {
  description = "false removes the second region's resources while secondary_region still names it (README RUNBOOK: removing the second region)."
  type        = bool
  default     = true
}

variable "secondary_connect_instance_arn" {
  description = "With secondary_region: the replica Connect instance there (ARN), associated with the secondary connect-lookup."
  type        = string
  default     = null
}
