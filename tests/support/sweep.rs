//! What the catch-up reads, built once for every test: a line of a catch-up file as AppFlow
//! writes it (the REST API's forms: `+0000` offsets, `null` for empty fields; see
//! tests/fixtures/README.md) and the S3 notification that announces the file.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sfbridge::ingest::event::names;

/// A datetime as Salesforce's REST API writes it (milliseconds, `+0000`).
fn rest_datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// A HOLIDAY ADD `Config_Request__c` saved at `created`, as one line.
pub fn line(id: &str, created: DateTime<Utc>, date: &str, name: &str) -> String {
    json!({
        "Id": id,
        "CreatedDate": rest_datetime(created),
        "Action__c": "ADD", "Region__c": "emea-uk", "Config_Type__c": "HOLIDAY",
        "Config_Key__c": date, "Name__c": name, "Message__c": null,
        "Open_Time__c": null, "Close_Time__c": null, "Time_Zone__c": null,
        "Requested_By__c": "ana@example.com",
    })
    .to_string()
}

/// The `Config_Request__c` behind an event, as the sweep flow writes it: `Id`, `CreatedDate`
/// in Salesforce's REST form, and the request fields (`null` when empty). `None` for an event
/// that names no record.
pub fn saved_record(detail: &Value, saved_at: DateTime<Utc>) -> Option<Value> {
    let id = detail[names::RECORD_ID].as_str()?;
    let mut record = json!({
        "Id": id,
        "CreatedDate": rest_datetime(saved_at),
    });
    // The request's fields are the event's custom fields; the record's own id is `Id`.
    for field in names::CUSTOM.iter().filter(|f| **f != names::RECORD_ID) {
        record[*field] = detail.get(*field).cloned().unwrap_or(Value::Null);
    }
    Some(record)
}

/// The file: the lines, each ended by a newline.
pub fn file(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// An S3 event notification of one object, as S3 sends it to SQS (`encoded_key` as S3
/// encodes it: a space is `+`).
pub fn notification(bucket: &str, encoded_key: &str, event_name: &str) -> String {
    json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-30T09:00:00.000Z", "eventName": event_name,
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "catch-up-files",
               "bucket": {"name": bucket, "arn": format!("arn:aws:s3:::{bucket}")},
               "object": {"key": encoded_key, "size": 1, "eTag": "0"}}
    }]})
    .to_string()
}
