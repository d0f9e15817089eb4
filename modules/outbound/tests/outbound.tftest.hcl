mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::sfbridge-test-status-123456789012" }
  }
}

variables {
  name_prefix            = "sfbridge-test"
  account_id             = "123456789012"
  region                 = "eu-west-2"
  kms_key_arn            = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  connector_profile_name = "sfbridge-test"
  id_field               = "Id"
}

run "status_csvs_update_the_requests_incrementally_on_a_schedule" {
  command = apply

  assert {
    condition     = one(one(one(aws_appflow_flow.status[0].destination_flow_config).destination_connector_properties).salesforce).write_operation_type == "UPDATE" && one(one(one(aws_appflow_flow.status[0].destination_flow_config).destination_connector_properties).salesforce).id_field_names == tolist(["Id"])
    error_message = "Rows update the existing request by Id (never insert)."
  }
  assert {
    # The AppFlow model's FlowDescription pattern, which AWS matches against the whole value
    # (the provider's check is unanchored and lets "(" through).
    condition     = can(regex("^[\\w!@#\\-.?,\\s]*$", aws_appflow_flow.status[0].description))
    error_message = "The description must fully match AppFlow's FlowDescription pattern [\\w!@#\\-.?,\\s]*."
  }
  assert {
    condition     = one([for t in aws_appflow_flow.status[0].task : t.task_properties.DESTINATION_DATA_TYPE if t.destination_field == "Synced_At__c"]) == "datetime"
    error_message = "Synced_At__c is a datetime field in Salesforce."
  }
  assert {
    condition     = module.status.seed_object_keys == ["status/000-header-only.csv"] && local.header_csv == "Id,Sync_Status__c,Sync_Message__c,Synced_At__c,Sync_Event_Id__c\r\n"
    error_message = "A header-only CSV sits under the source prefix: AppFlow refuses an S3 source prefix without an object."
  }
  assert {
    condition     = length(local.header_csv) == 64 && module.status.never_expire_up_to_bytes == 64
    error_message = "The lifecycle rule keeps the header-only CSV (the smallest object under the prefix) from expiring."
  }
  assert {
    condition     = alltrue([for a in ["s3:GetObject", "s3:ListBucket"] : contains(local.statement_actions["AppFlowReadsStatus"], a)])
    error_message = "AppFlow may read the status CSVs (its documented S3-source actions)."
  }
  assert {
    condition     = alltrue([for a in ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"] : contains(local.statement_actions["AppFlowWritesErrorRecords"], a)])
    error_message = "AppFlow may write the error records under errors/ (its documented S3-destination actions)."
  }
  assert {
    condition     = alltrue([for st in local.appflow_statements : st.Condition.ArnLike["aws:SourceArn"] == "arn:aws:appflow:eu-west-2:123456789012:*" && st.Condition.StringEquals["aws:SourceAccount"] == "123456789012"])
    error_message = "Only AppFlow acting for this account and region (aws:SourceArn, aws:SourceAccount)."
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
