# Steps 8-9: the status bucket (status-csv writes, AppFlow reads) and the scheduled,
# incremental AppFlow flow that upserts its rows onto the Salesforce request object.

locals {
  flow_name   = "${var.name_prefix}-status"
  bucket_name = "${var.name_prefix}-status-${var.account_id}"
  # The CSV contract (DESIGN.md "Status CSV"); Id is the upsert key.
  columns = ["Id", "Sync_Status__c", "Sync_Message__c", "Synced_At__c", "Sync_Event_Id__c"]
}

module "status" {
  source = "../bucket"

  name              = local.bucket_name
  kms_key_arn       = var.kms_key_arn
  expire_after_days = 30
  force_destroy     = var.force_destroy
  policy_statements = [
    {
      Sid       = "AppFlowReadsStatus"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/*"]
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }
  ]

  tags = var.tags
}

resource "aws_appflow_flow" "status" {
  count = var.create_flow ? 1 : 0

  name        = local.flow_name
  description = "Status CSVs to ${var.salesforce_object} (sfbridge steps 8-9)"
  kms_arn     = var.kms_key_arn

  source_flow_config {
    connector_type = "S3"

    source_connector_properties {
      s3 {
        bucket_name   = module.status.bucket_name
        bucket_prefix = trimsuffix(var.status_prefix, "/")

        s3_input_format_config {
          s3_input_file_type = "CSV"
        }
      }
    }
  }

  destination_flow_config {
    connector_type         = "Salesforce"
    connector_profile_name = var.connector_profile_name

    destination_connector_properties {
      salesforce {
        object               = var.salesforce_object
        write_operation_type = "UPSERT"
        id_field_names       = [var.id_field]

        error_handling_config {
          bucket_name                     = module.status.bucket_name
          bucket_prefix                   = "errors"
          fail_on_first_destination_error = false
        }
      }
    }
  }

  task {
    source_fields = local.columns
    task_type     = "Filter"

    connector_operator {
      s3 = "PROJECTION"
    }
  }

  dynamic "task" {
    for_each = local.columns
    content {
      source_fields     = [task.value]
      destination_field = task.value == "Id" ? var.id_field : task.value
      task_type         = "Map"

      connector_operator {
        s3 = "NO_OP"
      }

      task_properties = {
        SOURCE_DATA_TYPE      = "string"
        DESTINATION_DATA_TYPE = "string"
      }
    }
  }

  trigger_config {
    trigger_type = "Scheduled"

    trigger_properties {
      scheduled {
        schedule_expression = var.schedule_expression
        data_pull_mode      = "Incremental"
      }
    }
  }

  tags = var.tags
}
