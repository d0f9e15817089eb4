mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::sfbridge-test-large-events-123456789012" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-config-change-dlq" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/sfbridge-test-config-change" }
  }
  mock_resource "aws_appflow_flow" {
    defaults = { arn = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events" }
  }
}

variables {
  name_prefix            = "sfbridge-test"
  account_id             = "123456789012"
  region                 = "eu-west-2"
  kms_key_arn            = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  connector_profile_name = "sfbridge-test"
  ingest_function_arn    = "arn:aws:lambda:eu-west-2:123456789012:function:sfbridge-test-ingest"
  ingest_function_name   = "sfbridge-test-ingest"
}

run "salesforce_events_reach_ingest_through_the_partner_bus" {
  command = apply

  assert {
    condition     = one(one(one(aws_appflow_flow.events[0].source_flow_config).source_connector_properties).salesforce).object == "Config_Change__e" && one(aws_appflow_flow.events[0].trigger_config).trigger_type == "Event"
    error_message = "An event-triggered flow on Config_Change__e."
  }
  assert {
    condition     = aws_cloudwatch_event_bus.partner[0].name == aws_cloudwatch_event_bus.partner[0].event_source_name && aws_cloudwatch_event_bus.partner[0].name == one(one(one(aws_appflow_flow.events[0].destination_flow_config).destination_connector_properties).event_bridge).object
    error_message = "The partner bus is named like the source the flow sends to."
  }
  assert {
    condition     = one(one(one(one(aws_appflow_flow.events[0].destination_flow_config).destination_connector_properties).event_bridge).error_handling_config).bucket_name == "sfbridge-test-large-events-123456789012"
    error_message = "Oversized events go to the large-event bucket."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.ingest[0].event_pattern) == { "detail-type" = ["Config_Change__e"] } && aws_cloudwatch_event_rule.ingest[0].event_bus_name == aws_cloudwatch_event_bus.partner[0].name
    error_message = "The rule on the partner bus matches Config_Change__e."
  }
  assert {
    condition     = aws_cloudwatch_event_target.ingest[0].arn == var.ingest_function_arn && one(aws_cloudwatch_event_target.ingest[0].retry_policy).maximum_retry_attempts > 0 && one(aws_cloudwatch_event_target.ingest[0].dead_letter_config).arn == aws_sqs_queue.rule_dlq.arn
    error_message = "The target is ingest, with a retry policy and a dead-letter queue."
  }
  assert {
    condition     = aws_lambda_permission.ingest[0].principal == "events.amazonaws.com" && aws_lambda_permission.ingest[0].source_arn == aws_cloudwatch_event_rule.ingest[0].arn
    error_message = "Only that rule may invoke ingest."
  }
  assert {
    condition     = aws_appflow_flow.events[0].kms_arn == var.kms_key_arn && aws_sqs_queue.rule_dlq.kms_master_key_id == var.kms_key_arn
    error_message = "KMS on the flow and the queue."
  }
  assert {
    # The AppFlow model's FlowDescription pattern, which AWS matches against the whole value.
    condition     = can(regex("^[\\w!@#\\-.?,\\s]*$", aws_appflow_flow.events[0].description))
    error_message = "The description must fully match AppFlow's FlowDescription pattern [\\w!@#\\-.?,\\s]*."
  }
  assert {
    # The event flow is activated only when everything its events need exists.
    condition     = length(output.activation_prerequisites) == 6 && contains(output.activation_prerequisites, aws_appflow_flow.events[0].arn) && contains(output.activation_prerequisites, aws_lambda_permission.ingest[0].id) && contains(output.activation_prerequisites, aws_cloudwatch_event_target.ingest[0].id)
    error_message = "The activation waits for the flow, the bus, the rule, its target, the permission and the rule's DLQ policy."
  }
  assert {
    condition     = output.flow_arn == "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events"
    error_message = "The flow's ARN is built from its name (IAM policies must not wait for the flow)."
  }
}

run "emulator_mode_creates_no_appflow" {
  command = apply
  variables {
    create_flow = false
  }
  assert {
    condition     = length(aws_appflow_flow.events) == 0 && length(aws_cloudwatch_event_bus.partner) == 0
    error_message = "No AppFlow resources in emulator mode."
  }
}
