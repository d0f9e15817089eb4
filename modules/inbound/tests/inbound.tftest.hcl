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
      if s.Effect == "Allow" && s.Principal == { Service = "events.amazonaws.com" }
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
    condition     = aws_sqs_queue.ingest.name == "sfbridge-test-ingest" && [for s in jsondecode(aws_sqs_queue_policy.ingest.policy).Statement : s.Sid if s.Effect == "Allow"] == ["CatchUpFilesNotify"]
    error_message = "The ingest queue exists without the flow (the catch-up path feeds it), and only S3's notifications of catch-up files may send (no partner-bus rule)."
  }
  assert {
    condition     = length(aws_appflow_flow.sweep) == 0 && one(aws_s3_bucket_notification.sweep.queue).queue_arn == aws_sqs_queue.ingest.arn
    error_message = "No catch-up flow without AppFlow, but the bucket still tells the queue about catch-up files (the emulator rehearsal and the demo write them)."
  }
  assert {
    condition     = length(output.activation_prerequisites) == 0 && length(output.sweep_activation_prerequisites) == 0
    error_message = "Nothing to activate without AppFlow."
  }
}

run "the_catch_up_flow_copies_requests_without_a_status_every_15_minutes" {
  command = apply

  assert {
    condition     = aws_appflow_flow.sweep[0].name == "sfbridge-test-sweep" && output.sweep_flow_arn == "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-sweep" && output.sweep_flow_name == aws_appflow_flow.sweep[0].name
    error_message = "The catch-up flow is <prefix>-sweep; its ARN is built from the name (flow-guard's policy need not wait for it)."
  }
  assert {
    condition     = one(aws_appflow_flow.sweep[0].source_flow_config).connector_type == "Salesforce" && one(aws_appflow_flow.sweep[0].source_flow_config).connector_profile_name == "sfbridge-test" && one(one(one(aws_appflow_flow.sweep[0].source_flow_config).source_connector_properties).salesforce).object == "Config_Request__c"
    error_message = "It reads Config_Request__c through the connector profile."
  }
  assert {
    condition     = one(one(one(aws_appflow_flow.sweep[0].source_flow_config).source_connector_properties).salesforce).data_transfer_api == "REST_SYNC" && !one(one(one(aws_appflow_flow.sweep[0].source_flow_config).source_connector_properties).salesforce).include_deleted_records
    error_message = "One Salesforce API on every run (REST_SYNC: the same date and null formats), deleted records left out."
  }
  assert {
    condition     = one(aws_appflow_flow.sweep[0].trigger_config).trigger_type == "Scheduled" && one(one(one(aws_appflow_flow.sweep[0].trigger_config).trigger_properties).scheduled).schedule_expression == "rate(15minutes)"
    error_message = "Scheduled every 15 minutes, in AppFlow's syntax rate(15minutes)."
  }
  assert {
    condition     = one(one(one(aws_appflow_flow.sweep[0].trigger_config).trigger_properties).scheduled).data_pull_mode == "Complete"
    error_message = "A full pull on every run (Complete), not only what changed since the last run (Incremental)."
  }
  assert {
    condition     = jsonencode([for t in aws_appflow_flow.sweep[0].task : [t.source_fields, t.task_properties] if t.task_type == "Filter" && one(t.connector_operator).salesforce != "PROJECTION"]) == jsonencode([[["Needs_Sync__c"], { DATA_TYPE = "boolean", VALUE = "true" }]]) && length([for t in aws_appflow_flow.sweep[0].task : t if one(t.connector_operator).salesforce == "EQUAL_TO"]) == 1
    error_message = "One filter: Needs_Sync__c EQUAL_TO true (a boolean)."
  }
  assert {
    condition     = toset(one([for t in aws_appflow_flow.sweep[0].task : t.source_fields if one(t.connector_operator).salesforce == "PROJECTION"])) == toset(["Id", "CreatedDate", "Action__c", "Region__c", "Config_Type__c", "Config_Key__c", "Name__c", "Message__c", "Open_Time__c", "Close_Time__c", "Time_Zone__c", "Requested_By__c", "Needs_Sync__c"])
    error_message = "The projection queries the mapped fields and the filter's field."
  }
  assert {
    condition     = { for t in aws_appflow_flow.sweep[0].task : t.destination_field => tolist(t.source_fields) if t.task_type == "Map" } == { for f in ["Id", "CreatedDate", "Action__c", "Region__c", "Config_Type__c", "Config_Key__c", "Name__c", "Message__c", "Open_Time__c", "Close_Time__c", "Time_Zone__c", "Requested_By__c"] : f => tolist([f]) }
    error_message = "Id, CreatedDate and every request field are mapped to themselves (the names ingest reads, as in the platform event)."
  }
  assert {
    condition     = alltrue([for t in aws_appflow_flow.sweep[0].task : t.task_properties.SOURCE_DATA_TYPE == t.task_properties.DESTINATION_DATA_TYPE && one(t.connector_operator).salesforce == "NO_OP" if t.task_type == "Map"]) && one([for t in aws_appflow_flow.sweep[0].task : t.task_properties.SOURCE_DATA_TYPE if t.destination_field == "CreatedDate"]) == "datetime"
    error_message = "Map tasks copy each field unchanged (NO_OP, same type in and out); CreatedDate is a datetime."
  }
  assert {
    condition     = one(aws_appflow_flow.sweep[0].destination_flow_config).connector_type == "S3" && one(one(one(aws_appflow_flow.sweep[0].destination_flow_config).destination_connector_properties).s3).bucket_name == "sfbridge-test-large-events-123456789012"
    error_message = "Into the inbound (large-event) bucket, LARGE_EVENT_BUCKET."
  }
  assert {
    condition     = one(one(one(aws_appflow_flow.sweep[0].destination_flow_config).destination_connector_properties).s3).bucket_prefix == "sweep"
    error_message = "Under the sweep prefix: AppFlow's bucketPrefix is the folder name without its /."
  }
  assert {
    condition     = one(one(one(one(aws_appflow_flow.sweep[0].destination_flow_config).destination_connector_properties).s3).s3_output_format_config).file_type == "JSON"
    error_message = "JSON files: one record per line."
  }
  assert {
    condition     = can(regex("^[\\w!@#\\-.?,\\s]*$", aws_appflow_flow.sweep[0].description)) && aws_appflow_flow.sweep[0].kms_arn == var.kms_key_arn
    error_message = "The description fully matches AppFlow's FlowDescription pattern; the flow uses the project key."
  }
  assert {
    condition     = alltrue([for a in ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"] : contains(local.statement_actions["AppFlowWritesCatchUpFiles"], a)])
    error_message = "AppFlow may write the catch-up files (its documented S3-destination actions)."
  }
  assert {
    condition     = one([for st in local.appflow_statements : st.Resource if st.Sid == "AppFlowWritesCatchUpFiles"]) == ["arn:aws:s3:::sfbridge-test-large-events-123456789012", "arn:aws:s3:::sfbridge-test-large-events-123456789012/sweep/*"] && alltrue([for st in local.appflow_statements : st.Condition.StringEquals["aws:SourceAccount"] == "123456789012"])
    error_message = "Only under the sweep prefix, and only for AppFlow acting for this account."
  }
  assert {
    condition     = output.sweep_flow_revision != "" && output.large_event_bucket.sweep_prefix == "sweep/"
    error_message = "The revision re-runs the activation; SWEEP_PREFIX is handed on."
  }
}

run "the_bucket_tells_the_ingest_queue_about_each_catch_up_file" {
  command = apply

  assert {
    condition     = aws_s3_bucket_notification.sweep.bucket == "sfbridge-test-large-events-123456789012" && length(aws_s3_bucket_notification.sweep.queue) == 1 && length(aws_s3_bucket_notification.sweep.lambda_function) == 0 && length(aws_s3_bucket_notification.sweep.topic) == 0
    error_message = "One notification configuration on the inbound bucket, to a queue only."
  }
  assert {
    condition     = one(aws_s3_bucket_notification.sweep.queue).queue_arn == aws_sqs_queue.ingest.arn && one(aws_s3_bucket_notification.sweep.queue).events == toset(["s3:ObjectCreated:*"])
    error_message = "Every object created (Put, Post, Copy, CompleteMultipartUpload) goes to the ingest queue."
  }
  assert {
    condition     = one(aws_s3_bucket_notification.sweep.queue).filter_prefix == "sweep/" && one(aws_s3_bucket_notification.sweep.queue).filter_suffix == null
    error_message = "Only objects under the sweep prefix (never the oversized events under large-events/)."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_sqs_queue_policy.ingest.policy).Statement : s
      if s.Effect == "Allow" && s.Principal == { Service = "s3.amazonaws.com" }
      ]) == {
      Sid       = "CatchUpFilesNotify"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.ingest.arn
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:s3:::sfbridge-test-large-events-123456789012" }, StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "S3 may only send, only for the inbound bucket (aws:SourceArn) of this account (aws:SourceAccount)."
  }
  assert {
    condition     = contains(output.sweep_activation_prerequisites, aws_s3_bucket_notification.sweep.id) && contains(output.sweep_activation_prerequisites, aws_sqs_queue_policy.ingest.id) && contains(output.sweep_activation_prerequisites, aws_appflow_flow.sweep[0].arn)
    error_message = "The catch-up flow is activated only once its files can reach the queue."
  }
}

run "a_changed_catch_up_flow_has_a_new_revision" {
  command = apply

  variables {
    sweep_schedule = "rate(30minutes)"
  }

  assert {
    condition     = output.sweep_flow_revision != run.the_catch_up_flow_copies_requests_without_a_status_every_15_minutes.sweep_flow_revision
    error_message = "A change to the sweep flow changes its revision, so the activation runs again."
  }
}

run "sweep_prefix_is_one_folder" {
  command = plan
  variables {
    sweep_prefix = "sweep"
  }
  expect_failures = [var.sweep_prefix]
}

run "sweep_prefix_is_not_the_large_events_folder" {
  command = plan
  variables {
    sweep_prefix = "large-events/"
  }
  expect_failures = [var.sweep_prefix]
}

run "sweep_schedule_is_in_appflow_syntax" {
  command = plan
  variables {
    sweep_schedule = "rate(15 minutes)"
  }
  expect_failures = [var.sweep_schedule]
}

run "request_object_is_a_custom_object" {
  command = plan
  variables {
    request_object = "Config Request"
  }
  expect_failures = [var.request_object]
}

run "ingest_timeout_is_validated" {
  command = plan
  variables {
    ingest_timeout_seconds = 1000
  }
  expect_failures = [var.ingest_timeout_seconds]
}
