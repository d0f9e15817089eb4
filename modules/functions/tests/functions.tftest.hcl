# Wiring of the functions module: each function's environment is what DESIGN.md names, each
# role can touch only what its handler may, and the queue and stream mappings report batch-item
# failures.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-2:123456789012:function:mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-2:123456789012:mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:mock" }
  }
}

variables {
  name_prefix = "sfbridge-test"
  package_dir = "./tests/fixtures"
  kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  table = {
    name       = "sfbridge-test-config"
    arn        = "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-test-config"
    stream_arn = "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-test-config/stream/2026-01-01T00:00:00.000"
  }
  large_event_bucket = { name = "sfbridge-test-large", arn = "arn:aws:s3:::sfbridge-test-large" }
  status_bucket      = { name = "sfbridge-test-status", arn = "arn:aws:s3:::sfbridge-test-status" }
  status_topic_arn   = "arn:aws:sns:eu-west-2:123456789012:sfbridge-test-status"
  support_topic_arn  = "arn:aws:sns:eu-west-2:123456789012:sfbridge-test-support"
  managed_flows = [
    { name = "sfbridge-test-events", arn = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events" },
    { name = "sfbridge-test-status", arn = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-status" },
  ]
  ingest_queue = {
    arn             = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-ingest"
    dead_letter_arn = "arn:aws:sqs:eu-west-2:123456789012:sfbridge-test-ingest-dlq"
    dead_letter_url = "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-ingest-dlq"
  }
}

run "one_function_per_handler_from_its_zip" {
  command = apply

  assert {
    condition     = toset(keys(aws_lambda_function.this)) == toset(["connect-lookup", "flow-guard", "ingest", "notify", "status-csv"])
    error_message = "Expected exactly the five handlers."
  }
  assert {
    condition     = alltrue([for k, f in aws_lambda_function.this : f.handler == k && f.function_name == "sfbridge-test-${k}" && f.filename == "./tests/fixtures/${k}.zip"])
    error_message = "The handler name must be the dispatch name, the function suffix and the zip name."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.runtime == "provided.al2023" && f.architectures == tolist(["arm64"]) && f.source_code_hash != ""])
    error_message = "provided.al2023, the configured architecture, and a source_code_hash."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.tracing_config[0].mode == "Active" && f.logging_config[0].log_format == "JSON" && f.kms_key_arn == var.kms_key_arn])
    error_message = "X-Ray, JSON logs and KMS-encrypted environments on every function."
  }
  assert {
    condition     = aws_lambda_function.this["flow-guard"].dead_letter_config[0].target_arn == aws_sqs_queue.dlq["flow-guard"].arn && toset(keys(aws_lambda_function_event_invoke_config.this)) == toset(["flow-guard"])
    error_message = "The asynchronously invoked function (flow-guard) has its own dead-letter queue."
  }
  assert {
    # The mappings and Connect invoke synchronously: such a queue could never fill, and its
    # alarm would say nothing. ingest's dead letters are the ingest queue's (inbound).
    condition     = toset(keys(aws_sqs_queue.dlq)) == toset(["flow-guard"]) && alltrue([for k in ["ingest", "status-csv", "notify", "connect-lookup"] : length(aws_lambda_function.this[k].dead_letter_config) == 0])
    error_message = "No function dead-letter queue for a synchronously invoked function."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.reserved_concurrent_executions == -1])
    error_message = "No reserved concurrency unless an environment asks (new accounts have a quota of 10)."
  }
  assert {
    condition     = alltrue([for q in concat(values(aws_sqs_queue.dlq), [aws_sqs_queue.stream_failures]) : q.kms_master_key_id == var.kms_key_arn]) && alltrue([for g in aws_cloudwatch_log_group.this : g.kms_key_id == var.kms_key_arn])
    error_message = "Queues and log groups use the project's KMS key."
  }
}

run "each_environment_holds_what_design_md_names" {
  command = apply

  assert {
    condition = alltrue([for name in ["CONFIG_TABLE", "LARGE_EVENT_BUCKET", "DEAD_LETTER_QUEUE_URL", "SWEEP_PREFIX", "SWEEP_GRACE_MINUTES"] :
    contains(keys(aws_lambda_function.this["ingest"].environment[0].variables), name)])
    error_message = "ingest needs CONFIG_TABLE, LARGE_EVENT_BUCKET, DEAD_LETTER_QUEUE_URL, SWEEP_PREFIX and SWEEP_GRACE_MINUTES."
  }
  assert {
    condition     = aws_lambda_function.this["ingest"].environment[0].variables["SWEEP_PREFIX"] == "sweep/" && aws_lambda_function.this["ingest"].environment[0].variables["SWEEP_GRACE_MINUTES"] == "10"
    error_message = "The catch-up defaults: SWEEP_PREFIX sweep/, SWEEP_GRACE_MINUTES 10 (DESIGN.md)."
  }
  assert {
    condition = alltrue([for name in ["STATUS_BUCKET", "STATUS_PREFIX"] :
    contains(keys(aws_lambda_function.this["status-csv"].environment[0].variables), name)])
    error_message = "status-csv needs STATUS_BUCKET and STATUS_PREFIX."
  }
  assert {
    condition = alltrue([for name in ["CONFIG_TABLE", "STATUS_TOPIC_ARN"] :
    contains(keys(aws_lambda_function.this["notify"].environment[0].variables), name)])
    error_message = "notify needs CONFIG_TABLE and STATUS_TOPIC_ARN."
  }
  assert {
    condition = alltrue([for name in ["CONFIG_TABLE", "SUPPORT_TOPIC_ARN", "MANAGED_FLOWS", "MAX_REACTIVATIONS"] :
    contains(keys(aws_lambda_function.this["flow-guard"].environment[0].variables), name)])
    error_message = "flow-guard needs CONFIG_TABLE, SUPPORT_TOPIC_ARN, MANAGED_FLOWS and MAX_REACTIVATIONS."
  }
  assert {
    condition     = contains(keys(aws_lambda_function.this["connect-lookup"].environment[0].variables), "CONFIG_TABLE")
    error_message = "connect-lookup needs CONFIG_TABLE."
  }
  assert {
    condition = (
      aws_lambda_function.this["ingest"].environment[0].variables["CONFIG_TABLE"] == "sfbridge-test-config" &&
      aws_lambda_function.this["ingest"].environment[0].variables["LARGE_EVENT_BUCKET"] == "sfbridge-test-large" &&
      aws_lambda_function.this["ingest"].environment[0].variables["DEAD_LETTER_QUEUE_URL"] == var.ingest_queue.dead_letter_url &&
      aws_lambda_function.this["status-csv"].environment[0].variables["STATUS_BUCKET"] == "sfbridge-test-status" &&
      aws_lambda_function.this["status-csv"].environment[0].variables["STATUS_PREFIX"] == "status/" &&
      aws_lambda_function.this["notify"].environment[0].variables["STATUS_TOPIC_ARN"] == var.status_topic_arn &&
      aws_lambda_function.this["flow-guard"].environment[0].variables["MANAGED_FLOWS"] == "sfbridge-test-events,sfbridge-test-status" &&
      aws_lambda_function.this["flow-guard"].environment[0].variables["MAX_REACTIVATIONS"] == "3"
    )
    error_message = "Environment values must come from the wired resources."
  }
  assert {
    condition     = alltrue([for f in aws_lambda_function.this : !contains(keys(f.environment[0].variables), "AWS_REGION")])
    error_message = "No AWS_REGION (Lambda sets it) and no secrets in function environments."
  }
}

run "connect_lookup_can_only_read" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.this["connect-lookup"].policy).Statement : [
        for a in flatten([s.Action]) :
        !startswith(a, "dynamodb:") || contains(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], a)
      ]
    ]))
    error_message = "connect-lookup's role must have no DynamoDB write action."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.this["connect-lookup"].policy).Statement : [
        for a in flatten([s.Action]) :
        !(startswith(a, "s3:") || startswith(a, "sns:") || startswith(a, "appflow:") || contains(["kms:Encrypt", "kms:GenerateDataKey"], a))
      ]
    ]))
    error_message = "connect-lookup's role must not write to S3, SNS, AppFlow or encrypt."
  }
}

run "each_role_touches_only_its_own_resources" {
  command = apply

  assert {
    condition     = contains(flatten([for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement : s.Resource if contains(flatten([s.Action]), "s3:GetObject")]), "arn:aws:s3:::sfbridge-test-large/*")
    error_message = "ingest reads the large-event bucket: payload pointers and the catch-up files under its sweep prefix."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement : s.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
      if contains(flatten([s.Action]), "dynamodb:PutItem")
    ]) == ["REGION#*", "REQUEST#*", "RECORD#*"]
    error_message = "ingest writes config items, request items and the record claim (RECORD#<record_id> / CLAIM) in its transaction, and nothing else."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement : s.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
      if contains(flatten([s.Action]), "dynamodb:Query")
    ]) == ["REQUEST#*"]
    error_message = "ingest's catch-up may query a record's request items (REQUEST#<record_id>), and no other partition."
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.this["ingest"].policy, "dynamodb:ConditionCheckItem") && !strcontains(aws_iam_role_policy.this["ingest"].policy, "dynamodb:DeleteItem") && !strcontains(aws_iam_role_policy.this["ingest"].policy, "dynamodb:Scan")
    error_message = "ingest may check conditions in its transaction, never delete or scan."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["ingest"].policy, "s3:PutObject") && !strcontains(aws_iam_role_policy.this["ingest"].policy, "sns:")
    error_message = "ingest writes no objects and publishes nothing."
  }
  assert {
    condition     = contains(flatten([for s in jsondecode(aws_iam_role_policy.this["status-csv"].policy).Statement : s.Resource]), "arn:aws:s3:::sfbridge-test-status/status/*")
    error_message = "status-csv writes only under the status prefix."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["status-csv"].policy, "dynamodb:PutItem")
    error_message = "status-csv does not write the table."
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.this["notify"].policy, "NOTIFY#*") && strcontains(aws_iam_role_policy.this["notify"].policy, var.status_topic_arn) && !strcontains(aws_iam_role_policy.this["notify"].policy, var.support_topic_arn)
    error_message = "notify writes only its markers and publishes only to the status topic."
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.this["flow-guard"].policy, "FLOWGUARD#*") && strcontains(aws_iam_role_policy.this["flow-guard"].policy, "appflow:StartFlow") && strcontains(aws_iam_role_policy.this["flow-guard"].policy, var.support_topic_arn) && !strcontains(aws_iam_role_policy.this["flow-guard"].policy, "UseConnectorProfile")
    error_message = "flow-guard manages the flows, its counters and the support topic (starting a flow needs no appflow:UseConnectorProfile: that is for creating one)."
  }
}

run "the_ingest_queue_feeds_ingest" {
  command = apply

  assert {
    condition     = aws_lambda_event_source_mapping.ingest.event_source_arn == var.ingest_queue.arn && aws_lambda_event_source_mapping.ingest.function_name == aws_lambda_function.this["ingest"].arn
    error_message = "The ingest queue's mapping invokes ingest."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.ingest.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "ingest reports batch-item failures: only those records go back to the queue."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.ingest.batch_size == 10 && aws_lambda_event_source_mapping.ingest.maximum_batching_window_in_seconds <= 5
    error_message = "Batches of up to 10 events, waiting at most a few seconds to fill."
  }
  assert {
    condition     = one(aws_lambda_event_source_mapping.ingest.scaling_config).maximum_concurrency == 5
    error_message = "The mapping caps ingest's concurrency (default 5)."
  }
  assert {
    condition     = toset(keys(output.timeouts)) == toset(keys(aws_lambda_function.this)) && alltrue([for k, f in aws_lambda_function.this : output.timeouts[k] == f.timeout])
    error_message = "The timeouts output is what the functions have (inbound derives the queue's visibility timeout from it)."
  }
}

run "ingest_reads_its_queue_and_dead_letters_only_there" {
  command = apply

  assert {
    # What Lambda's SQS poller needs (AWSLambdaSQSQueueExecutionRole) and ingest's backoff, on the queue only.
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement : s
      if s.Sid == "ConsumeTheIngestQueue"
      ]) == {
      Sid      = "ConsumeTheIngestQueue"
      Effect   = "Allow"
      Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      Resource = var.ingest_queue.arn
    }
    error_message = "ingest's role consumes the ingest queue (receive, delete, attributes, visibility) and nothing else there."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement : s.Resource
      if contains(flatten([s.Action]), "sqs:SendMessage")
    ])) == toset([var.ingest_queue.dead_letter_arn])
    error_message = "ingest sends only to the ingest dead-letter queue."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this["ingest"].policy).Statement :
      contains(flatten([s.Action]), "kms:Decrypt") && contains(flatten([s.Action]), "kms:GenerateDataKey") && s.Resource == var.kms_key_arn
    ])
    error_message = "ingest decrypts what it receives and encrypts what it dead-letters (KMS-encrypted queues)."
  }
  assert {
    condition     = alltrue([for h in ["status-csv", "notify", "flow-guard", "connect-lookup"] : !strcontains(aws_iam_role_policy.this[h].policy, var.ingest_queue.arn)])
    error_message = "No other handler touches the ingest queue."
  }
}

run "ingest_max_concurrency_is_validated" {
  command = plan

  variables {
    ingest_max_concurrency = 1
  }

  expect_failures = [var.ingest_max_concurrency]
}

run "a_reservation_below_the_mappings_concurrency_is_refused" {
  command = plan

  variables {
    reserved_concurrency   = { "ingest" = 4 }
    ingest_max_concurrency = 5
  }

  expect_failures = [aws_lambda_event_source_mapping.ingest]
}

run "a_reservation_at_least_the_mappings_concurrency_is_accepted" {
  command = plan

  variables {
    reserved_concurrency   = { "ingest" = 10 }
    ingest_max_concurrency = 10
  }

  assert {
    condition     = one(aws_lambda_event_source_mapping.ingest.scaling_config).maximum_concurrency == 10 && aws_lambda_function.this["ingest"].reserved_concurrent_executions == 10
    error_message = "A reservation equal to the maximum concurrency is enough."
  }
}

run "stream_mappings_report_batch_item_failures" {
  command = apply

  assert {
    condition     = toset(keys(aws_lambda_event_source_mapping.stream)) == toset(["notify", "status-csv"])
    error_message = "status-csv and notify read the stream."
  }
  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.stream : contains(m.function_response_types, "ReportBatchItemFailures")])
    error_message = "Stream mappings must report batch-item failures."
  }
  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.stream : m.bisect_batch_on_function_error && m.maximum_retry_attempts > 0 && m.maximum_retry_attempts < 10000 && m.maximum_record_age_in_seconds > 0])
    error_message = "Bisect on error, finite retries and a finite record age."
  }
  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.stream : m.destination_config[0].on_failure[0].destination_arn == aws_sqs_queue.stream_failures.arn])
    error_message = "Exhausted records go to the stream-failures queue."
  }
  assert {
    condition = alltrue([for m in aws_lambda_event_source_mapping.stream : jsondecode(one(m.filter_criteria[0].filter).pattern) == {
      eventName = ["INSERT"]
      dynamodb  = { NewImage = { pk = { S = [{ prefix = "REQUEST#" }] }, sk = { S = [{ prefix = "EVENT#" }] } } }
    }])
    error_message = "Mappings are filtered to request-item inserts: pk REQUEST#... and sk EVENT#... (a record claim or any other item never produces a CSV or an email)."
  }
}

run "reservations_are_per_environment" {
  command = plan

  variables {
    reserved_concurrency = { "connect-lookup" = 20 }
  }

  assert {
    condition     = aws_lambda_function.this["connect-lookup"].reserved_concurrent_executions == 20 && aws_lambda_function.this["ingest"].reserved_concurrent_executions == -1
    error_message = "Only the handlers named get a reservation."
  }
}

run "reservations_name_handlers" {
  command = plan

  variables {
    reserved_concurrency = { "ingets" = 5 }
  }

  expect_failures = [var.reserved_concurrency]
}

run "a_plan_without_zips_says_how_to_build_them" {
  command = plan

  variables {
    package_dir = "./tests/no-such-dist"
  }

  expect_failures = [aws_lambda_function.this]
}

run "architecture_is_validated" {
  command = plan

  variables {
    architecture = "sparc"
  }

  expect_failures = [var.architecture]
}

run "status_prefix_is_validated" {
  command = plan

  variables {
    status_bucket = { name = "s", arn = "arn:aws:s3:::s", prefix = "no-slash" }
  }

  expect_failures = [var.status_bucket]
}

run "sweep_settings_reach_ingest" {
  command = plan

  variables {
    large_event_bucket  = { name = "sfbridge-test-large", arn = "arn:aws:s3:::sfbridge-test-large", sweep_prefix = "catch-up/" }
    sweep_grace_minutes = 30
  }

  assert {
    condition     = aws_lambda_function.this["ingest"].environment[0].variables["SWEEP_PREFIX"] == "catch-up/" && aws_lambda_function.this["ingest"].environment[0].variables["SWEEP_GRACE_MINUTES"] == "30"
    error_message = "SWEEP_PREFIX and SWEEP_GRACE_MINUTES follow the inbound bucket's prefix and the variable."
  }
}

run "sweep_grace_minutes_is_validated" {
  command = plan

  variables {
    sweep_grace_minutes = 0
  }

  expect_failures = [var.sweep_grace_minutes]
}

run "sweep_prefix_is_validated" {
  command = plan

  variables {
    large_event_bucket = { name = "s", arn = "arn:aws:s3:::s", sweep_prefix = "sweep" }
  }

  expect_failures = [var.large_event_bucket]
}

run "architecture_must_match_the_zips" {
  command = plan

  # The fixtures' manifest.json says arm64.
  variables {
    architecture = "x86_64"
  }

  expect_failures = [aws_lambda_function.this]
}
