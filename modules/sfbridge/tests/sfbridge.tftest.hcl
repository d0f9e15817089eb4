# The composition: what one module produces reaches the others.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-west-2" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555", key_id = "11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_appflow_connector_profile" {
    defaults = { arn = "arn:aws:appflow:eu-west-2:123456789012:connectorprofile/sfbridge-dev" }
  }
  mock_resource "aws_appflow_flow" {
    defaults = { arn = "arn:aws:appflow:eu-west-2:123456789012:flow/mock" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-dev-config", stream_arn = "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-dev-config/stream/2026-01-01T00:00:00.000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-2:123456789012:mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-2:123456789012:mock", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-2:123456789012:function:mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/mock" }
  }
  mock_resource "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:eu-west-2:123456789012:event-bus/mock" }
  }
}

# The second region's provider: its mocks answer with that region's ARNs, so what each module
# made through which provider shows in the ARNs (the home mocks say eu-west-2).
mock_provider "aws" {
  alias = "secondary"

  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-central-1:123456789012:key/aaaaaaaa-2222-3333-4444-555555555555", key_id = "aaaaaaaa-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_dynamodb_table_replica" {
    defaults = { arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-dev-config" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/secondary" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-dev-connect-lookup" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-dev-connect-lookup" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-central-1:123456789012:sfbridge-dev-support" }
  }
}

# Distinct queues, so one wired in place of the other fails.
override_resource {
  target = module.inbound.aws_sqs_queue.ingest
  values = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-dev-ingest", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-dev-ingest" }
}
override_resource {
  target = module.inbound.aws_sqs_queue.ingest_dlq
  values = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-dev-ingest-dlq", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-dev-ingest-dlq" }
}

variables {
  environment = "dev"
  account_id  = "123456789012"
  region      = "eu-west-2"
  package_dir = "../functions/tests/fixtures"
  salesforce  = { instance_url = "https://example--dev.sandbox.my.salesforce.com", is_sandbox = true, connector_profile_name = "sfbridge-dev" }
}

run "everything_is_wired_to_everything_else" {
  command = apply

  assert {
    condition     = module.functions.environment["ingest"].LARGE_EVENT_BUCKET == module.inbound.large_event_bucket.name && module.functions.environment["ingest"].CONFIG_TABLE == "sfbridge-dev-config"
    error_message = "ingest reads the table and the inbound large-event bucket."
  }
  assert {
    condition     = module.functions.environment["status-csv"].STATUS_BUCKET == module.outbound.status_bucket.name && module.functions.environment["status-csv"].STATUS_PREFIX == "status/"
    error_message = "status-csv writes where the status flow reads."
  }
  assert {
    condition     = module.functions.environment["flow-guard"].MANAGED_FLOWS == "sfbridge-dev-events,sfbridge-dev-status,sfbridge-dev-sweep"
    error_message = "flow-guard manages the three flows: events, status and the catch-up (sweep) flow."
  }
  assert {
    condition     = module.functions.environment["ingest"].SWEEP_PREFIX == "sweep/" && module.functions.environment["ingest"].SWEEP_GRACE_MINUTES == "10" && output.catch_up_files == "s3://${module.inbound.large_event_bucket.name}/sweep/"
    error_message = "ingest reads catch-up files from where the catch-up flow writes them (the inbound bucket's sweep prefix)."
  }
  assert {
    condition     = module.functions.environment["ingest"].SWEEP_PREFIX == module.inbound.large_event_bucket.sweep_prefix && module.functions.environment["ingest"].LARGE_EVENT_BUCKET == module.inbound.large_event_bucket.name
    error_message = "One bucket and prefix: where the catch-up flow writes and the notification filters (inbound) is where ingest reads."
  }
  assert {
    condition     = module.functions.environment["notify"].STATUS_TOPIC_ARN == module.notifications.status_topic_arn && module.functions.environment["flow-guard"].SUPPORT_TOPIC_ARN == module.notifications.support_topic_arn
    error_message = "notify and flow-guard publish to their topics."
  }
  assert {
    condition     = toset(keys(module.guard.activation_results)) == toset(["events", "status", "sweep"])
    error_message = "All three flows are activated through flow-guard."
  }
  assert {
    condition     = contains(module.monitoring.alarm_names.flow_failures, "sfbridge-dev-sfbridge-dev-sweep-runs-failed")
    error_message = "Failed runs of the catch-up flow are alarmed like the others."
  }
  assert {
    condition     = toset(module.monitoring.alarm_names.queues) == toset([for q in ["ingest-dlq", "flow-guard-dlq", "stream-failures", "config-change-dlq"] : "sfbridge-dev-${q}-has-messages"]) && length(module.monitoring.alarm_names.errors) == 5
    error_message = "Every dead-letter queue (ingest, flow-guard, stream failures, rule) and every function is alarmed."
  }
  assert {
    condition     = module.functions.environment["ingest"].DEAD_LETTER_QUEUE_URL == "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-dev-ingest-dlq" && output.dead_letter_queues.ingest == "sfbridge-dev-ingest-dlq" && output.ingest_queue.name == "sfbridge-dev-ingest"
    error_message = "ingest dead-letters to the ingest queue's dead-letter queue."
  }
  assert {
    condition     = module.inbound.ingest_queue.visibility_timeout_seconds >= 6 * module.functions.timeouts["ingest"]
    error_message = "The ingest queue's visibility timeout is at least six times ingest's timeout."
  }
  assert {
    condition     = module.monitoring.alarm_names.ingest_queue_age == "sfbridge-dev-ingest-queue-age" && output.dashboard_name == "sfbridge-dev" && length(module.monitoring.alarm_names.metrics) > 0
    error_message = "The stalled-queue alarm, the metric alarms and the dashboard exist."
  }
  assert {
    condition     = module.connection.connector_profile_name == "sfbridge-dev" && !module.connection.creates_connector_profile
    error_message = "The environments name the profile made by scripts/connector-profile.py: Terraform never sees the JWT."
  }
}

run "environment_is_validated" {
  command = plan
  variables {
    environment = "qa"
  }
  expect_failures = [var.environment]
}

run "one_region_by_default" {
  command = apply

  assert {
    condition     = length(module.secondary) == 0 && output.secondary == null && length(module.monitoring.alarm_names.replication) == 0
    error_message = "Without secondary_region nothing is created for a second region."
  }
}

run "a_second_region" {
  command = apply
  variables {
    secondary_region               = "eu-central-1"
    secondary_connect_instance_arn = "arn:aws:connect:eu-central-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
  }

  assert {
    condition     = output.secondary.region == "eu-central-1" && startswith(output.secondary.function_arn, "arn:aws:lambda:eu-central-1:") && startswith(output.secondary.replica_arn, "arn:aws:dynamodb:eu-central-1:")
    error_message = "The secondary module is built with the aws.secondary provider: its lookup and replica are in eu-central-1."
  }
  assert {
    condition     = module.secondary[0].environment["CONFIG_TABLE"] == module.store.table_name && module.store.table_arn == "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-dev-config"
    error_message = "The replica is of the home table (in eu-west-2), and the secondary lookup reads it by the table's name."
  }
  assert {
    condition     = alltrue([for arn in values(module.functions.function_arns) : startswith(arn, "arn:aws:lambda:eu-west-2:")]) && length(module.functions.function_arns) == 5
    error_message = "The five home functions (flows' ingest, the stream consumers, flow-guard, connect-lookup) stay in the home region."
  }
  assert {
    condition     = startswith(module.notifications.support_topic_arn, "arn:aws:sns:eu-west-2:") && startswith(module.notifications.status_topic_arn, "arn:aws:sns:eu-west-2:") && startswith(module.inbound.ingest_queue.arn, "arn:aws:sqs:eu-west-2:") && startswith(module.store.table_stream_arn, "arn:aws:dynamodb:eu-west-2:")
    error_message = "Topics, queues and the stream the consumers read stay in the home region."
  }
  assert {
    condition     = toset(module.monitoring.alarm_names.replication) == toset(["sfbridge-dev-replication-to-eu-central-1", "sfbridge-dev-replication-to-eu-central-1-stopped"])
    error_message = "Replication to the second region is alarmed (in the home region, where DynamoDB publishes ReplicationLatency)."
  }
  assert {
    condition     = module.secondary[0].support_topic_arn == output.secondary.support_topic_arn && startswith(output.secondary.support_topic_arn, "arn:aws:sns:eu-central-1:")
    error_message = "The secondary lookup's alarms notify a support topic in its own region."
  }
}

run "removing_the_second_region_keeps_its_provider" {
  command = apply
  variables {
    secondary_region  = "eu-central-1"
    secondary_enabled = false
  }

  assert {
    condition     = length(module.secondary) == 0 && output.secondary == null && length(module.monitoring.alarm_names.replication) == 0
    error_message = "secondary_enabled = false removes the second region's resources (through the provider still configured for it)."
  }
}

run "secondary_region_is_validated" {
  command = plan
  variables {
    secondary_region = "Ireland"
  }
  expect_failures = [var.secondary_region]
}
