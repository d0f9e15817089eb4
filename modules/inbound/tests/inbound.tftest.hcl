mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::sfbridge-test-large-events-123456789012" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-2:123456789012:mock", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/sfbridge-test-config-change" }
  }
  mock_resource "aws_appflow_flow" {
    defaults = { arn = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events" }
  }
}

# Distinct ARNs and URLs, so a queue wired to the wrong one fails.
override_resource {
  target = aws_sqs_queue.ingest
  values = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-ingest", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-ingest" }
}
override_resource {
  target = aws_sqs_queue.ingest_dlq
  values = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-ingest-dlq", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-ingest-dlq" }
}
override_resource {
  target = aws_sqs_queue.rule_dlq
  values = { arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-config-change-dlq", url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-config-change-dlq" }
}

variables {
  name_prefix            = "sfbridge-test"
  account_id             = "123456789012"
  region                 = "eu-west-2"
  kms_key_arn            = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  connector_profile_name = "sfbridge-test"
  ingest_timeout_seconds = 30
}

run "salesforce_events_reach_the_ingest_queue_through_the_partner_bus" {
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
    condition     = aws_cloudwatch_event_target.ingest[0].arn == aws_sqs_queue.ingest.arn && one(aws_cloudwatch_event_target.ingest[0].retry_policy).maximum_retry_attempts > 0 && one(aws_cloudwatch_event_target.ingest[0].dead_letter_config).arn == aws_sqs_queue.rule_dlq.arn
    error_message = "The target is the ingest queue, with a retry policy and a dead-letter queue for what EventBridge cannot deliver."
  }
  assert {
    # No role on an SQS target: EventBridge sends under the queue policy (a RoleArn breaks
    # delivery to KMS-encrypted queues).
    condition     = aws_cloudwatch_event_target.ingest[0].role_arn == null
    error_message = "No role_arn on the queue target."
  }
  assert {
    condition     = aws_appflow_flow.events[0].kms_arn == var.kms_key_arn && alltrue([for q in [aws_sqs_queue.ingest, aws_sqs_queue.ingest_dlq, aws_sqs_queue.rule_dlq] : q.kms_master_key_id == var.kms_key_arn])
    error_message = "KMS on the flow and every queue."
  }
  assert {
    # The AppFlow model's FlowDescription pattern, which AWS matches against the whole value.
    condition     = can(regex("^[\\w!@#\\-.?,\\s]*$", aws_appflow_flow.events[0].description))
    error_message = "The description must fully match AppFlow's FlowDescription pattern [\\w!@#\\-.?,\\s]*."
  }
  assert {
    # The event flow is activated only when everything its events need exists.
    condition     = length(output.activation_prerequisites) == 6 && contains(output.activation_prerequisites, aws_appflow_flow.events[0].arn) && contains(output.activation_prerequisites, aws_sqs_queue_policy.ingest.id) && contains(output.activation_prerequisites, aws_cloudwatch_event_target.ingest[0].id)
    error_message = "The activation waits for the flow, the bus, the rule, its target, the ingest queue's policy and the rule's DLQ policy."
  }
  assert {
    condition     = output.flow_arn == "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events"
    error_message = "The flow's ARN is built from its name (IAM policies must not wait for the flow)."
  }
}

run "the_ingest_queue_buffers_and_dead_letters" {
  command = apply

  assert {
    condition     = aws_sqs_queue.ingest.name == "sfbridge-test-ingest" && aws_sqs_queue.ingest_dlq.name == "sfbridge-test-ingest-dlq"
    error_message = "The queue is <prefix>-ingest, its dead-letter queue <prefix>-ingest-dlq."
  }
  assert {
    # AWS: a source queue's visibility timeout at least six times the function's timeout.
    condition     = aws_sqs_queue.ingest.visibility_timeout_seconds >= 6 * var.ingest_timeout_seconds
    error_message = "The visibility timeout must be at least six times ingest's timeout."
  }
  assert {
    condition     = aws_sqs_queue.ingest.message_retention_seconds == 7 * 86400 && aws_sqs_queue.ingest_dlq.message_retention_seconds > aws_sqs_queue.ingest.message_retention_seconds
    error_message = "The queue keeps events for 7 days (longer than ingest's 4.2 days of backed-off retries); its dead-letter queue for longer."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.ingest.redrive_policy) == { deadLetterTargetArn = aws_sqs_queue.ingest_dlq.arn, maxReceiveCount = 12 }
    error_message = "After 12 receives (about 4.2 days of ingest's backoff) a message moves to the ingest dead-letter queue."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.ingest_dlq.redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = ["arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-ingest"] }
    error_message = "Only the ingest queue may use the dead-letter queue."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_sqs_queue_policy.ingest.policy).Statement : s
      if s.Effect == "Allow"
      ]) == {
      Sid       = "PartnerBusRuleSends"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.ingest.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.ingest[0].arn } }
    }
    error_message = "EventBridge may only send, and only for the partner-bus rule."
  }
  assert {
    condition = alltrue([
      for p in [aws_sqs_queue_policy.ingest.policy, aws_sqs_queue_policy.ingest_dlq.policy, aws_sqs_queue_policy.rule_dlq[0].policy] :
      contains([for s in jsondecode(p).Statement : s.Effect == "Deny" && s.Principal == "*" && s.Condition == { Bool = { "aws:SecureTransport" = "false" } }], true)
    ])
    error_message = "Every queue policy refuses requests without TLS."
  }
  assert {
    condition     = output.ingest_queue.url == aws_sqs_queue.ingest.url && output.ingest_dead_letter_queue.url == aws_sqs_queue.ingest_dlq.url && output.ingest_dead_letter_queue.arn == aws_sqs_queue.ingest_dlq.arn
    error_message = "The outputs name the queues ingest reads and dead-letters to."
  }
}

run "emulator_mode_creates_no_appflow_but_the_queue" {
  command = apply
  variables {
    create_flow = false
  }
  assert {
    condition     = length(aws_appflow_flow.events) == 0 && length(aws_cloudwatch_event_bus.partner) == 0 && length(aws_cloudwatch_event_target.ingest) == 0
    error_message = "No AppFlow resources, bus, rule or target in emulator mode."
  }
  assert {
    condition     = aws_sqs_queue.ingest.name == "sfbridge-test-ingest" && length([for s in jsondecode(aws_sqs_queue_policy.ingest.policy).Statement : s if s.Effect == "Allow"]) == 0
    error_message = "The ingest queue exists without the flow (the catch-up path feeds it), and nobody is allowed to send by its policy."
  }
  assert {
    condition     = length(output.activation_prerequisites) == 0
    error_message = "Nothing to activate without AppFlow."
  }
}

run "ingest_timeout_is_validated" {
  command = plan
  variables {
    ingest_timeout_seconds = 1000
  }
  expect_failures = [var.ingest_timeout_seconds]
}
