output "function_names" {
  description = "Function name by handler (the smoke test invokes these)."
  value       = module.sfbridge.function_names
}

output "connector_profile_name" {
  description = "The AppFlow connector profile the flows use."
  value       = module.sfbridge.connector_profile_name
}

output "flows" {
  description = "The AppFlow flows: events, status and the catch-up (sweep) flow."
  value       = module.sfbridge.flows
}

output "catch_up_files" {
  description = "Where the catch-up flow writes the requests still without a status (s3://bucket/prefix/)."
  value       = module.sfbridge.catch_up_files
}

output "topics" {
  description = "Status and support topics."
  value       = module.sfbridge.topics
}

output "ingest_queue" {
  description = "The queue events wait on for ingest (name and URL)."
  value       = module.sfbridge.ingest_queue
}

output "dead_letter_queues" {
  description = "Where unhandled events wait."
  value       = module.sfbridge.dead_letter_queues
}

output "dashboard_name" {
  description = "The environment's CloudWatch dashboard."
  value       = module.sfbridge.dashboard_name
}

output "secondary" {
  description = "With secondary_region: its region, connect-lookup (name, ARN), the replica's ARN and the region's support topic; null without."
  value       = module.sfbridge.secondary
}
