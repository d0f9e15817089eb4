output "associated" {
  description = "Whether connect-lookup is associated with a Connect instance."
  value       = local.enabled
}
