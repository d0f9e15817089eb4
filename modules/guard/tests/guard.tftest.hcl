mock_provider "aws" {
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/mock" }
  }
}

variables {
  name_prefix = "sfbridge-test"
  flow_guard  = { name = "sfbridge-test-flow-guard", arn = "arn:aws:lambda:eu-west-2:123456789012:function:sfbridge-test-flow-guard" }
  flows = {
    events = {
      name             = "sfbridge-test-events"
      arn              = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events"
      revision         = "r1"
      activation_after = ["aws.partner/appflow/salesforce.com/123456789012/sfbridge-test-events", "arn:aws:events:eu-west-2:123456789012:rule/x"]
    }
    status = {
      name     = "sfbridge-test-status"
      arn      = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-status"
      revision = "r1"
    }
    sweep = {
      name             = "sfbridge-test-sweep"
      arn              = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-sweep"
      revision         = "s1"
      activation_after = ["sfbridge-test-large-events-123456789012", "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-ingest"]
    }
  }
}

run "activation_goes_through_flow_guard_after_the_bus" {
  command = apply

  assert {
    condition     = jsondecode(aws_lambda_invocation.activate["events"].input).action == "activate" && jsondecode(aws_lambda_invocation.activate["events"].input).flow_name == "sfbridge-test-events"
    error_message = "Terraform asks flow-guard to activate each flow."
  }
  assert {
    condition     = aws_lambda_invocation.activate["events"].lifecycle_scope == "CRUD"
    error_message = "CRUD scope: a destroy deactivates through flow-guard too."
  }
  assert {
    condition     = contains(jsondecode(aws_lambda_invocation.activate["events"].input).after, "aws.partner/appflow/salesforce.com/123456789012/sfbridge-test-events")
    error_message = "The event flow's activation waits for (and re-runs with) its partner bus."
  }
  assert {
    condition     = jsondecode(aws_lambda_invocation.activate["sweep"].input).flow_name == "sfbridge-test-sweep" && jsondecode(aws_lambda_invocation.activate["sweep"].input).after == ["sfbridge-test-large-events-123456789012", "https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-test-ingest"]
    error_message = "The catch-up flow is activated like the others, after its bucket notification and queue policy."
  }
  assert {
    condition     = jsondecode(aws_lambda_invocation.activate["status"].input).revision == "r1"
    error_message = "An activation re-runs when its flow changes: the revision is in the input."
  }
  assert {
    # triggers are ForceNew: a change would replace the invocation, i.e. deactivate then
    # activate the flow, and events published in between would be lost.
    condition     = alltrue([for k, i in aws_lambda_invocation.activate : i.triggers == null || length(coalesce(i.triggers, {})) == 0])
    error_message = "No triggers on the activation: what must re-run it goes into the input (an in-place update)."
  }
}

run "a_new_flow_revision_updates_the_activation_in_place" {
  command = plan

  variables {
    flows = {
      events = {
        name             = "sfbridge-test-events"
        arn              = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-events"
        revision         = "r2"
        activation_after = ["aws.partner/appflow/salesforce.com/123456789012/sfbridge-test-events", "arn:aws:events:eu-west-2:123456789012:rule/x"]
      }
      status = {
        name     = "sfbridge-test-status"
        arn      = "arn:aws:appflow:eu-west-2:123456789012:flow/sfbridge-test-status"
        revision = "r1"
      }
    }
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.activate["events"].input).revision == "r2"
    error_message = "The new revision reaches the input."
  }
}

run "rules_send_appflow_failures_and_the_check" {
  command = apply

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.failed_run.event_pattern).detail.status == ["Execution Failed"]
    error_message = "Only failed runs reach flow-guard."
  }
  assert {
    condition     = toset(jsondecode(aws_cloudwatch_event_rule.deactivated.event_pattern).detail["flow-name"]) == toset(["sfbridge-test-events", "sfbridge-test-status", "sfbridge-test-sweep"])
    error_message = "Only the managed flows."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_target.flow_guard["check"].input) == { action = "check" }
    error_message = "The schedule sends {\"action\":\"check\"}."
  }
}

run "no_activation_when_disabled" {
  command = apply
  variables {
    activate = false
  }
  assert {
    condition     = length(aws_lambda_invocation.activate) == 0
    error_message = "Nothing is invoked when activation is off."
  }
}
