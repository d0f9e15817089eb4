# Steps 12-14: AppFlow's failure events and a periodic health check invoke flow-guard, and
# Terraform activates every managed flow through it (the provider's flow_status is read-only):
# the event flow, the status flow and the catch-up (sweep) flow. An activation runs after
# everything named in activation_after exists (the partner bus, its rule, the rule's target and
# the queue policies, for the event flow; the bucket notification and the queue policy, for the
# catch-up flow) and again, in place, whenever its flow's definition changes.

resource "aws_cloudwatch_event_rule" "deactivated" {
  name        = "${var.name_prefix}-flow-deactivated"
  description = "AppFlow deactivated a managed flow"
  event_pattern = jsonencode({
    source        = ["aws.appflow"]
    "detail-type" = ["AppFlow Event Flow Deactivated", "AppFlow Scheduled Flow Deactivated"]
    detail        = { "flow-name" = [for f in values(var.flows) : f.name] }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "failed_run" {
  name        = "${var.name_prefix}-flow-run-failed"
  description = "A run of a managed flow failed"
  event_pattern = jsonencode({
    source        = ["aws.appflow"]
    "detail-type" = ["AppFlow End Flow Run Report"]
    detail        = { "flow-name" = [for f in values(var.flows) : f.name], status = ["Execution Failed"] }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "check" {
  name                = "${var.name_prefix}-flow-health-check"
  description         = "Periodic health check of the managed flows"
  schedule_expression = var.check_schedule

  tags = var.tags
}

locals {
  rules = {
    deactivated = { name = aws_cloudwatch_event_rule.deactivated.name, arn = aws_cloudwatch_event_rule.deactivated.arn, input = null }
    failed_run  = { name = aws_cloudwatch_event_rule.failed_run.name, arn = aws_cloudwatch_event_rule.failed_run.arn, input = null }
    check       = { name = aws_cloudwatch_event_rule.check.name, arn = aws_cloudwatch_event_rule.check.arn, input = jsonencode({ action = "check" }) }
  }
}

resource "aws_cloudwatch_event_target" "flow_guard" {
  for_each = local.rules

  rule  = each.value.name
  arn   = var.flow_guard.arn
  input = each.value.input

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }
}

resource "aws_lambda_permission" "flow_guard" {
  for_each = local.rules

  statement_id  = "EventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.flow_guard.name
  principal     = "events.amazonaws.com"
  source_arn    = each.value.arn
}

# What must re-run an activation is in its input, not in `triggers`: the provider replaces the
# resource when `triggers` change (ForceNew), and under lifecycle_scope = "CRUD" a replacement
# is a delete (deactivate) and then a create (activate), losing the events published in
# between. A changed input is an in-place update: one invocation with tf.action = "update",
# which flow-guard answers by activating (idempotent).
resource "aws_lambda_invocation" "activate" {
  for_each = var.activate ? var.flows : {}

  function_name   = var.flow_guard.name
  lifecycle_scope = "CRUD"
  input = jsonencode({
    action    = "activate"
    flow_name = each.value.name
    # Not read by flow-guard: they change the input when the flow's definition changes, and
    # make the activation wait for everything the flow needs first.
    revision = each.value.revision
    after    = each.value.activation_after
  })
}
