# The second region: the replica under this region's key, a connect-lookup that can only read
# it, its logs, alarms and Connect association; the provider given must be that region's.

mock_provider "aws" {
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
    defaults = { arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/sfbridge-prod-connect-lookup-eu-central-1" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-central-1:123456789012:function:sfbridge-prod-connect-lookup" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/sfbridge-prod-connect-lookup" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-central-1:123456789012:sfbridge-prod-support" }
  }
}

variables {
  name_prefix    = "sfbridge-prod"
  account_id     = "123456789012"
  region         = "eu-central-1"
  home_region    = "eu-west-2"
  table          = { name = "sfbridge-prod-config", arn = "arn:aws:dynamodb:eu-west-2:123456789012:table/sfbridge-prod-config" }
  package_dir    = "../functions/tests/fixtures"
  support_emails = ["support@example.com"]
}

run "replica_and_a_lookup_that_only_reads_it" {
  command = apply

  assert {
    condition     = aws_dynamodb_table_replica.this.global_table_arn == var.table.arn && aws_dynamodb_table_replica.this.kms_key_arn == aws_kms_key.this.arn && aws_dynamodb_table_replica.this.point_in_time_recovery
    error_message = "The home table gets a replica here, encrypted with this region's key, with point-in-time recovery."
  }
  assert {
    condition     = startswith(aws_kms_key.this.arn, "arn:aws:kms:eu-central-1:") && aws_kms_key.this.enable_key_rotation && output.region == "eu-central-1"
    error_message = "The key (and everything else) is in the secondary region, from the provider given."
  }
  assert {
    condition     = output.environment["CONFIG_TABLE"] == "sfbridge-prod-config" && length(output.environment) == 1 && aws_lambda_function.lookup.handler == "connect-lookup" && aws_lambda_function.lookup.function_name == "sfbridge-prod-connect-lookup"
    error_message = "The secondary connect-lookup is the same handler, reading the table by its name: in this region, the replica."
  }
  assert {
    condition     = aws_lambda_function.lookup.filename == "../functions/tests/fixtures/connect-lookup.zip" && aws_lambda_function.lookup.source_code_hash == filebase64sha256("../functions/tests/fixtures/connect-lookup.zip") && aws_lambda_function.lookup.timeout == 8
    error_message = "The same zip as at home, answering well inside Connect's 8 s."
  }
  # The role: only reads, only of this region's replica, only config items.
  assert {
    condition = alltrue(flatten([for s in jsondecode(output.role_policy).Statement : [
      for a in flatten([s.Action]) : contains(["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:BatchGetItem", "dynamodb:GetItem", "kms:Decrypt"], a)
    ]]))
    error_message = "The secondary connect-lookup may not write to DynamoDB (or do anything but read, log and trace)."
  }
  assert {
    condition = alltrue([for s in jsondecode(output.role_policy).Statement : (
      s.Resource == "arn:aws:dynamodb:eu-central-1:123456789012:table/sfbridge-prod-config" && s.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["REGION#*"]
    ) if anytrue([for a in flatten([s.Action]) : startswith(a, "dynamodb:")])])
    error_message = "DynamoDB reads are of the local replica's config items only (never the home table)."
  }
  assert {
    condition     = aws_cloudwatch_log_group.lookup.name == "/aws/lambda/sfbridge-prod-connect-lookup" && aws_cloudwatch_log_group.lookup.kms_key_id == aws_kms_key.this.arn && aws_lambda_function.lookup.logging_config[0].log_group == aws_cloudwatch_log_group.lookup.name
    error_message = "It logs to its own log group here, under this region's key."
  }
  assert {
    condition     = aws_iam_role.lookup.name == "sfbridge-prod-connect-lookup-eu-central-1"
    error_message = "IAM is global: the secondary role's name must not collide with the home connect-lookup's."
  }
  assert {
    condition     = toset(output.alarm_names) == toset(["sfbridge-prod-connect-lookup-eu-central-1-errors", "sfbridge-prod-connect-lookup-eu-central-1-answered-error", "sfbridge-prod-connect-lookup-eu-central-1-items-skipped"]) && alltrue([for a in aws_cloudwatch_metric_alarm.lookup : a.alarm_actions == toset([aws_sns_topic.support.arn])])
    error_message = "The secondary lookup's errors (Lambda's and its ERROR answers) are alarmed to this region's support topic."
  }
  assert {
    condition     = aws_sns_topic.support.kms_master_key_id == aws_kms_key.this.arn && length(aws_sns_topic_subscription.support) == 1
    error_message = "The region's support topic is encrypted with its key and emails support."
  }
  assert {
    condition     = !module.connect.associated && module.connect.invoker_arn == null
    error_message = "No replica Connect instance, no association."
  }
}

run "replica_connect_instance_may_invoke_it" {
  command = apply
  variables {
    connect_instance_arn = "arn:aws:connect:eu-central-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
  }
  assert {
    condition     = module.connect.associated && module.connect.invoker_arn == var.connect_instance_arn
    error_message = "The replica instance is associated with the secondary connect-lookup, and only it may invoke it."
  }
}

run "an_instance_in_another_region_is_refused" {
  command = plan
  variables {
    connect_instance_arn = "arn:aws:connect:eu-west-2:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
  }
  expect_failures = [aws_kms_key.this]
}

run "the_home_region_is_refused" {
  command = plan
  variables {
    region = "eu-west-2"
  }
  expect_failures = [aws_kms_key.this, check.connect_global_resiliency_pair]
}

run "the_wrong_provider_is_refused" {
  command = plan
  variables {
    region = "us-east-1"
  }
  expect_failures = [aws_kms_key.this, check.connect_global_resiliency_pair]
}

run "a_pair_connect_cannot_replicate_is_flagged" {
  command = plan
  variables {
    home_region = "us-east-1"
  }
  # A warning (AWS may add pairs): London and Frankfurt pair, N. Virginia and Frankfurt do not.
  expect_failures = [check.connect_global_resiliency_pair]
}
