output "function_names" {
  description = "Function name by handler (the smoke test invokes these)."
  value       = module.sfbridge.function_names
}

output "salesforce_secret_arn" {
  description = "Put the connected app's {\"clientId\",\"clientSecret\"} here."
  value       = module.sfbridge.salesforce_secret_arn
}

output "flows" {
  description = "The AppFlow flows."
  value       = module.sfbridge.flows
}

output "topics" {
  description = "Status and support topics."
  value       = module.sfbridge.topics
}

output "dead_letter_queues" {
  description = "Where unhandled events wait."
  value       = module.sfbridge.dead_letter_queues
}
