output "function_names" {
  description = "Function name by handler."
  value       = module.functions.function_names
}

output "table_name" {
  description = "The config table."
  value       = module.store.table_name
}

output "connector_profile_name" {
  description = "The AppFlow connector profile the flows use."
  value       = module.connection.connector_profile_name
}

output "flows" {
  description = "The AppFlow flows flow-guard manages: the event flow, the status flow and the catch-up (sweep) flow."
  value       = { events = module.inbound.flow_name, status = module.outbound.flow_name, sweep = module.inbound.sweep_flow_name }
}

output "catch_up_files" {
  description = "Where the catch-up flow writes (s3://<inbound bucket>/<sweep prefix>): each new file there reaches ingest through the ingest queue."
  value       = "s3://${module.inbound.large_event_bucket.name}/${module.inbound.large_event_bucket.sweep_prefix}"
}

output "event_bus_name" {
  description = "The partner event bus."
  value       = module.inbound.event_bus_name
}

output "buckets" {
  description = "The large-event and status buckets."
  value       = { large_events = module.inbound.large_event_bucket.name, status = module.outbound.status_bucket.name }
}

output "topics" {
  description = "Subscribe people here."
  value       = { status = module.notifications.status_topic_arn, support = module.notifications.support_topic_arn }
}

output "ingest_queue" {
  description = "The ingest queue (events waiting for ingest): name and URL."
  value       = { name = module.inbound.ingest_queue.name, url = module.inbound.ingest_queue.url }
}

output "dead_letter_queues" {
  description = "Where unhandled events wait: ingest's (the ingest queue's), flow-guard's, the stream and rule failures."
  value = merge(
    { for k, q in module.functions.dead_letter_queues : k => q.name },
    {
      ingest          = module.inbound.ingest_dead_letter_queue.name
      stream_failures = module.functions.stream_failure_queue.name
      config_change   = module.inbound.rule_dead_letter_queue.name
    },
  )
}

output "dashboard_name" {
  description = "The environment's CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "kms_key_arn" {
  description = "The project's KMS key."
  value       = module.connection.kms_key_arn
}

output "secondary" {
  description = "With secondary_region (and secondary_enabled): the region, its connect-lookup (name and ARN, for the replica Connect instance's flows), the replica's ARN and the region's support topic. null without."
  value = length(module.secondary) == 0 ? null : {
    region            = module.secondary[0].region
    function_name     = module.secondary[0].function_name
    function_arn      = module.secondary[0].function_arn
    replica_arn       = module.secondary[0].replica_arn
    support_topic_arn = module.secondary[0].support_topic_arn
  }
}
