# Steps 8-9: the status bucket (status-csv writes, AppFlow reads) and the scheduled,
# incremental AppFlow flow that writes its rows onto the Salesforce request object (an UPDATE on
# Id: the record always exists, since the user saved it).

locals {
  flow_name   = "${var.name_prefix}-status"
  bucket_name = "${var.name_prefix}-status-${var.account_id}"
  # Built from the name, not read from the flow: the bucket policy must exist before the flow.
  flow_arn = "arn:aws:appflow:${var.region}:${var.account_id}:flow/${local.flow_name}"
  # The CSV contract (DESIGN.md "Status CSV"); Id is the key the rows update on.
  columns = ["Id", "Sync_Status__c", "Sync_Message__c", "Synced_At__c", "Sync_Event_Id__c"]
  # Salesforce field types of the columns that are not text.
  destination_types = { Synced_At__c = "datetime" }
  # AppFlow refuses to create or update an S3-sourced flow whose prefix holds no object; the
  # bucket is new, so Terraform places a CSV with the header alone there (no rows: nothing to
  # update). It is the smallest object under the prefix, and the lifecycle rule keeps it.
  header_csv    = "${join(",", local.columns)}\r\n"
  header_key    = "${var.status_prefix}000-header-only.csv"
  source_prefix = trimsuffix(var.status_prefix, "/")
  errors_prefix = "errors"
  # Only AppFlow acting for this account and region may use the grants below (confused-deputy
  # protection).
  appflow_conditions = {
    StringEquals = { "aws:SourceAccount" = var.account_id }
    # AWS documents no aws:SourceArn value for AppFlow's S3 access; its confused-deputy examples
    # use the account's AppFlow resources, so that is what is required (with the account).
    ArnLike = { "aws:SourceArn" = "arn:aws:appflow:${var.region}:${var.account_id}:*" }
  }
}

locals {
  appflow_statements = [
    {
      # AppFlow's documented S3-source actions ("Amazon S3 Bucket Policies for Amazon AppFlow").
      Sid       = "AppFlowReadsStatus"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/*"]
      Condition = local.appflow_conditions
    },
    {
      # The rows Salesforce refuses go to errors/ (error_handling_config below): AppFlow's
      # documented S3-destination actions.
      Sid       = "AppFlowWritesErrorRecords"
      Effect    = "Allow"
      Principal = { Service = "appflow.amazonaws.com" }
      Action    = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"]
      Resource  = ["arn:aws:s3:::${local.bucket_name}", "arn:aws:s3:::${local.bucket_name}/${local.errors_prefix}/*"]
      Condition = local.appflow_conditions
    }
  ]
  statement_actions = { for st in local.appflow_statements : st.Sid => st.Action }

  # Everything the flow's definition is made of (flow_revision): what the resource below reads.
  flow_inputs = [
    local.flow_name, var.kms_key_arn, var.connector_profile_name, local.bucket_name, local.source_prefix,
    local.errors_prefix, var.salesforce_object, var.id_field, local.columns, local.destination_types,
    var.schedule_expression, "UPDATE", "Incremental",
  ]
}

module "status" {
  source = "../bucket"

  name                     = local.bucket_name
  kms_key_arn              = var.kms_key_arn
  expire_after_days        = 30
  never_expire_up_to_bytes = length(local.header_csv)
  seed_objects             = { (local.header_key) = { content = local.header_csv, content_type = "text/csv" } }
  force_destroy            = var.force_destroy
  policy_statements        = local.appflow_statements

  tags = var.tags
}

resource "aws_appflow_flow" "status" {
  count = var.create_flow ? 1 : 0

  name        = local.flow_name
  description = "Status CSVs to ${var.salesforce_object}, sfbridge steps 8-9"
  kms_arn     = var.kms_key_arn

  source_flow_config {
    connector_type = "S3"

    source_connector_properties {
      s3 {
        # The name comes from the bucket's policy, written after the header-only CSV.
        bucket_name   = module.status.bucket_name
        bucket_prefix = local.source_prefix

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
        object = var.salesforce_object
        # Every row names an existing Config_Request__c by Id: update, never insert.
        write_operation_type = "UPDATE"
        id_field_names       = [var.id_field]

        error_handling_config {
          bucket_name                     = module.status.bucket_name
          bucket_prefix                   = local.errors_prefix
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
        DESTINATION_DATA_TYPE = lookup(local.destination_types, task.value, "string")
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
