# The whole of sfbridge, composed once; each environment root instantiates it with its own
# variables.

locals {
  name_prefix = "${var.project}-${var.environment}"
  # The second region exists while it is named and not being removed (secondary_enabled).
  secondary = var.secondary_region != null && var.secondary_enabled
}

module "connection" {
  source = "../connection"

  name_prefix              = local.name_prefix
  account_id               = var.account_id
  region                   = var.region
  salesforce               = var.salesforce
  salesforce_jwt_token     = var.salesforce_jwt_token
  create_connector_profile = var.create_appflow
}

module "store" {
  source = "../store"

  name                = "${local.name_prefix}-config"
  kms_key_arn         = module.connection.kms_key_arn
  deletion_protection = var.deletion_protection
}

module "notifications" {
  source = "../notifications"

  name_prefix          = local.name_prefix
  account_id           = var.account_id
  kms_key_arn          = module.connection.kms_key_arn
  status_subscriptions = var.status_subscriptions
  support_emails       = var.support_emails
}

module "inbound" {
  source = "../inbound"

  name_prefix            = local.name_prefix
  account_id             = var.account_id
  region                 = var.region
  kms_key_arn            = module.connection.kms_key_arn
  connector_profile_name = module.connection.connector_profile_name
  ingest_timeout_seconds = module.functions.timeouts["ingest"]
  request_object         = var.salesforce_request_object
  sweep_prefix           = var.sweep_prefix
  sweep_schedule         = var.sweep_schedule
  create_flow            = var.create_appflow
  force_destroy          = var.force_destroy
}

module "outbound" {
  source = "../outbound"

  name_prefix            = local.name_prefix
  account_id             = var.account_id
  region                 = var.region
  kms_key_arn            = module.connection.kms_key_arn
  connector_profile_name = module.connection.connector_profile_name
  salesforce_object      = var.salesforce_request_object
  id_field               = var.salesforce_id_field
  schedule_expression    = var.status_schedule
  create_flow            = var.create_appflow
  force_destroy          = var.force_destroy
}

module "functions" {
  source = "../functions"

  name_prefix        = local.name_prefix
  package_dir        = var.package_dir
  architecture       = var.architecture
  kms_key_arn        = module.connection.kms_key_arn
  table              = { name = module.store.table_name, arn = module.store.table_arn, stream_arn = module.store.table_stream_arn }
  large_event_bucket = module.inbound.large_event_bucket
  status_bucket      = module.outbound.status_bucket
  ingest_queue = {
    arn             = module.inbound.ingest_queue.arn
    dead_letter_arn = module.inbound.ingest_dead_letter_queue.arn
    dead_letter_url = module.inbound.ingest_dead_letter_queue.url
  }
  ingest_max_concurrency = var.ingest_max_concurrency
  sweep_grace_minutes    = var.sweep_grace_minutes
  status_topic_arn       = module.notifications.status_topic_arn
  support_topic_arn      = module.notifications.support_topic_arn
  # Names and ARNs built from names: no function waits for a flow (which waits for Salesforce),
  # so connect-lookup and the rest deploy before Salesforce is ready.
  managed_flows = [
    { name = module.inbound.flow_name, arn = module.inbound.flow_arn },
    { name = module.outbound.flow_name, arn = module.outbound.flow_arn },
    { name = module.inbound.sweep_flow_name, arn = module.inbound.sweep_flow_arn },
  ]
  max_reactivations    = var.max_reactivations
  reserved_concurrency = var.reserved_concurrency
  log_retention_days   = var.log_retention_days
}

module "guard" {
  source = "../guard"

  name_prefix    = local.name_prefix
  flow_guard     = { name = module.functions.function_names["flow-guard"], arn = module.functions.function_arns["flow-guard"] }
  check_schedule = var.flow_check_schedule
  activate       = var.create_appflow
  flows = {
    events = {
      name     = module.inbound.flow_name
      arn      = module.inbound.flow_arn
      revision = module.inbound.flow_revision
      # AppFlow activates an event flow only once its partner source has an event bus; and
      # what it then sends must have somewhere to go: the rule, its target, the queue policy.
      activation_after = module.inbound.activation_prerequisites
    }
    status = {
      name     = module.outbound.flow_name
      arn      = module.outbound.flow_arn
      revision = module.outbound.flow_revision
      # The flow itself, and something writing the CSVs it reads.
      activation_after = concat(module.outbound.activation_prerequisites, [module.functions.function_arns["status-csv"]])
    }
    sweep = {
      name     = module.inbound.sweep_flow_name
      arn      = module.inbound.sweep_flow_arn
      revision = module.inbound.sweep_flow_revision
      # The flow, and somewhere for its files to go: the bucket's notification to the ingest
      # queue and the queue policy that lets S3 send (the queue holds them until ingest reads).
      activation_after = module.inbound.sweep_activation_prerequisites
    }
  }
}

module "monitoring" {
  source = "../monitoring"

  name_prefix     = local.name_prefix
  region          = var.region
  alarm_topic_arn = module.notifications.support_topic_arn
  queues = merge(
    { for k, q in module.functions.dead_letter_queues : "${k}-dlq" => q.name },
    {
      "ingest-dlq"        = module.inbound.ingest_dead_letter_queue.name
      "stream-failures"   = module.functions.stream_failure_queue.name
      "config-change-dlq" = module.inbound.rule_dead_letter_queue.name
    },
  )
  ingest_queue_name            = module.inbound.ingest_queue.name
  max_ingest_queue_age_seconds = var.max_ingest_queue_age_seconds
  functions                    = module.functions.function_names
  stream_functions             = { for k in ["status-csv", "notify"] : k => module.functions.function_names[k] }
  flow_names                   = [module.inbound.flow_name, module.outbound.flow_name, module.inbound.sweep_flow_name]
  table_name                   = module.store.table_name
  replica_regions              = local.secondary ? [var.secondary_region] : []
  max_replication_latency_ms   = var.max_replication_latency_seconds * 1000
}

# ingest's dead-letter queue was the functions module's (async invocations) and is now the
# ingest queue's (inbound), with the same name: moving it keeps the queue and its messages.
# Deleting and recreating it instead would fail, as SQS refuses a deleted queue's name for 60 s.
moved {
  from = module.functions.aws_sqs_queue.dlq["ingest"]
  to   = module.inbound.aws_sqs_queue.ingest_dlq
}

# The second region (DESIGN.md "A second region"): the replica, a connect-lookup reading it and
# the replica Connect instance's association, through the aws.secondary provider. Only there:
# everything else stays in the home region.
module "secondary" {
  source = "../secondary"
  count  = local.secondary ? 1 : 0

  providers = {
    aws = aws.secondary
  }

  name_prefix          = local.name_prefix
  account_id           = var.account_id
  region               = var.secondary_region
  home_region          = var.region
  table                = { name = module.store.table_name, arn = module.store.table_arn }
  package_dir          = var.package_dir
  architecture         = var.architecture
  reserved_concurrency = lookup(var.reserved_concurrency, "connect-lookup", -1)
  log_retention_days   = var.log_retention_days
  connect_instance_arn = var.secondary_connect_instance_arn
  support_emails       = var.support_emails
  deletion_protection  = var.deletion_protection
}

module "connect" {
  source = "../connect"

  instance_id   = var.connect_instance_id
  function_arn  = module.functions.function_arns["connect-lookup"]
  function_name = module.functions.function_names["connect-lookup"]
  account_id    = var.account_id
  region        = var.region
}
