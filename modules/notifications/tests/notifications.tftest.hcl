mock_provider "aws" {
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-2:123456789012:mock" }
  }
}

variables {
  name_prefix = "sfbridge-test"
  account_id  = "123456789012"
  kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  status_subscriptions = [
    { email = "ops@example.com", filter_policy = { status = ["Fail"] } },
    { email = "all@example.com" },
  ]
  support_emails = ["support@example.com"]
}

run "topics_under_kms_with_filtered_email" {
  command = apply

  assert {
    condition     = aws_sns_topic.status.kms_master_key_id == var.kms_key_arn && aws_sns_topic.support.kms_master_key_id == var.kms_key_arn
    error_message = "Both topics use the project's KMS key."
  }
  assert {
    condition     = jsondecode(aws_sns_topic_subscription.status["ops@example.com"].filter_policy).status == ["Fail"] && aws_sns_topic_subscription.status["ops@example.com"].filter_policy_scope == "MessageAttributes"
    error_message = "Filter policies apply to notify's message attributes."
  }
  assert {
    condition     = aws_sns_topic_subscription.status["all@example.com"].filter_policy == null
    error_message = "No filter policy means every outcome."
  }
  assert {
    condition     = jsondecode(aws_sns_topic_policy.support.policy).Statement[1].Principal.Service == "cloudwatch.amazonaws.com"
    error_message = "Alarms may publish to the support topic."
  }
}

run "filter_attributes_are_validated" {
  command = plan
  variables {
    status_subscriptions = [{ email = "a@example.com", filter_policy = { colour = ["red"] } }]
  }
  expect_failures = [var.status_subscriptions]
}
