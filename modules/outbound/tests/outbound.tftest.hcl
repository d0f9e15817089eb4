mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::sfbridge-test-status-123456789012" }
  }
}

variables {
  name_prefix            = "sfbridge-test"
  account_id             = "123456789012"
  kms_key_arn            = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  connector_profile_name = "sfbridge-test"
  id_field               = "Id"
}

run "status_csvs_are_upserted_incrementally_on_a_schedule" {
  command = apply

  assert {
    condition     = one(one(one(aws_appflow_flow.status[0].destination_flow_config).destination_connector_properties).salesforce).write_operation_type == "UPSERT" && one(one(one(aws_appflow_flow.status[0].destination_flow_config).destination_connector_properties).salesforce).id_field_names == tolist(["Id"])
    error_message = "Rows are upserted on the configured id field."
  }
  assert {
    condition     = one(one(one(aws_appflow_flow.status[0].destination_flow_config).destination_connector_properties).salesforce).object == "Config_Request__c"
    error_message = "Onto the request object."
  }
  assert {
    condition     = one(aws_appflow_flow.status[0].trigger_config).trigger_type == "Scheduled" && one(one(one(aws_appflow_flow.status[0].trigger_config).trigger_properties).scheduled).data_pull_mode == "Incremental"
    error_message = "Scheduled, incremental."
  }
  assert {
    condition     = one(one(one(aws_appflow_flow.status[0].source_flow_config).source_connector_properties).s3).bucket_prefix == "status"
    error_message = "Reads the folder status-csv writes."
  }
  assert {
    condition     = toset(flatten([for t in aws_appflow_flow.status[0].task : t.task_type == "Map" ? [t.destination_field] : []])) == toset(["Id", "Sync_Status__c", "Sync_Message__c", "Synced_At__c", "Sync_Event_Id__c"])
    error_message = "Every CSV column is mapped."
  }
}

run "schedule_is_validated" {
  command = plan
  variables {
    schedule_expression = "every five minutes"
  }
  expect_failures = [var.schedule_expression]
}
