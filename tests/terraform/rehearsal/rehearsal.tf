# The local endpoints of the rehearsal (scripts/terraform-rehearsal.sh); see rehearsal_override.tf.

variable "moto_endpoint" {
  description = "The local moto server."
  type        = string
}

variable "appflow_endpoint" {
  description = "scripts/fake-appflow.py (AppFlow, and Lambda in front of moto)."
  type        = string
}
