//! `status-csv` and `notify` driven by the real stream: `ingest` writes through DynamoDB in
//! moto, the stream is read with GetRecords, and the handlers write to S3 and publish to SNS,
//! read back through an SQS subscription.
mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sfbridge::adapters::dynamodb::DynamoTable;
use sfbridge::adapters::s3::S3Objects;
use sfbridge::adapters::sns::SnsTopic;
use sfbridge::ingest::Outcome;
use sfbridge::notify::Notify;
use sfbridge::status_csv::{self, csv_file::HEADER, StatusCsv};
use support::moto::{unique, MotoWorld};
use support::{envelope, holiday, stream, with, World};

const R_ADD: &str = "a0B5g00000AddOK";
const R_DEL: &str = "a0B5g00000DelOK";
const R_BAD: &str = "a0B5g00000BadXX";

async fn ingest_three_outcomes(w: &MotoWorld) {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T10:00:05Z")
        .unwrap()
        .to_utc();
    let add = holiday(
        R_ADD,
        "ev-add",
        "2026-11-27T09:00:00Z",
        "2026-12-25",
        "=HYPERLINK(\"http://x\",\"y\")",
    );
    let del = with(
        holiday(
            R_DEL,
            "@ev-del",
            "2026-11-27T09:00:01Z",
            "2026-12-26",
            "Boxing Day",
        ),
        json!({"Action__c": "DELETE", "Requested_By__c": "bo@example.com"}),
    );
    let bad = with(
        holiday(
            R_BAD,
            "ev-bad",
            "2026-11-27T09:00:02Z",
            "2026-13-01",
            "Nope",
        ),
        json!({}),
    );
    let expected = [Outcome::Applied, Outcome::Applied, Outcome::Invalid];
    for (detail, outcome) in [add, del, bad].into_iter().zip(expected) {
        let r = w
            .ingest()
            .handle(envelope("eb", "2026-11-27T09:00:00Z", detail), now)
            .await
            .expect("ingest");
        assert_eq!(r.outcome, outcome);
    }
}

async fn status_objects(s3: &aws_sdk_s3::Client, bucket: &str) -> BTreeMap<String, String> {
    let listed = s3
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .expect("list");
    let mut out = BTreeMap::new();
    for object in listed.contents() {
        let key = object.key().expect("key").to_string();
        let body = s3
            .get_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .expect("get");
        let bytes = body.body.collect().await.expect("body").into_bytes();
        out.insert(key, String::from_utf8(bytes.to_vec()).expect("UTF-8"));
    }
    out
}

#[tokio::test]
async fn a_mixed_batch_gives_three_csvs_and_three_messages_and_a_replay_adds_none() {
    let w = MotoWorld::new().await;
    ingest_three_outcomes(&w).await;
    let batch = stream::read_all(w.sdk(), w.dynamodb(), w.table_name()).await;
    let names: Vec<&str> = batch
        .records
        .iter()
        .map(|r| r.event_name.as_str())
        .collect();
    // Three request items, their records' three claims and two config items (the ADD's item,
    // the DELETE's tombstone): only the request items make CSVs and messages.
    assert_eq!(names, vec!["INSERT"; 8], "{names:?}");

    // status-csv
    let bucket = unique("status");
    support::moto::create_bucket(w.s3(), &bucket).await;
    let csv = StatusCsv::new(
        S3Objects::new(w.s3().clone()),
        status_csv::Settings {
            bucket: bucket.clone(),
            prefix: "status/".into(),
        },
    );
    let response = csv.handle(batch.clone()).await.expect("handled");
    assert!(response.batch_item_failures.is_empty());
    let objects = status_objects(w.s3(), &bucket).await;
    let keys: Vec<&str> = objects.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            "status/a0B5g00000AddOK-event-created-2026-11-27-10_00_05.csv",
            "status/a0B5g00000BadXX-event-rejected-2026-11-27-10_00_05.csv",
            "status/a0B5g00000DelOK-event-deleted-2026-11-27-10_00_05.csv",
        ]
    );
    let mut rows = BTreeMap::new();
    for body in objects.values() {
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(reader.headers().expect("header"), HEADER.as_slice());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(records.len(), 1);
        for cell in records[0].iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula reached a cell: {cell:?}"
            );
        }
        rows.insert(records[0][0].to_string(), records[0].clone());
    }
    assert_eq!(&rows[R_ADD][1], "Success");
    assert!(
        rows[R_ADD][2].contains("=HYPERLINK"),
        "the name is kept, inside the message"
    );
    assert_eq!(&rows[R_ADD][3], "2026-11-27T10:00:05.000Z");
    assert_eq!(&rows[R_ADD][4], "ev-add");
    assert_eq!(&rows[R_DEL][1], "Success");
    assert_eq!(
        &rows[R_DEL][4], "'@ev-del",
        "a user-supplied id starting with @ is neutralised"
    );
    assert_eq!(&rows[R_BAD][1], "Fail");
    assert!(
        rows[R_BAD][2].contains("Config_Key__c '2026-13-01' is not a real date"),
        "{}",
        &rows[R_BAD][2]
    );

    // notify
    let (topic_arn, queue_url) = w.topic_with_queue().await;
    let notify = Notify::new(
        DynamoTable::new(w.dynamodb().clone(), w.table_name()),
        SnsTopic::new(aws_sdk_sns::Client::new(w.sdk()), topic_arn),
    );
    let now = chrono::Utc::now();
    let response = notify.handle(batch.clone(), now).await.expect("handled");
    assert!(response.batch_item_failures.is_empty());
    let messages = w.drain(&queue_url).await;
    assert_eq!(messages.len(), 3, "{messages:?}");
    let attr = |m: &Value, name: &str| {
        m["MessageAttributes"][name]["Value"]
            .as_str()
            .map(str::to_string)
    };
    let by_record: BTreeMap<String, &Value> = messages
        .iter()
        .map(|m| (attr(m, "record_id").expect("record_id attribute"), m))
        .collect();
    let add = by_record[R_ADD];
    assert_eq!(
        add["Subject"],
        "Config request a0B5g00000AddOK: Success (applied)"
    );
    assert_eq!(attr(add, "status").as_deref(), Some("Success"));
    assert_eq!(attr(add, "region").as_deref(), Some("emea-uk"));
    assert_eq!(attr(add, "action").as_deref(), Some("ADD"));
    assert_eq!(
        attr(add, "requested_by").as_deref(),
        Some("ana@example.com")
    );
    let del = by_record[R_DEL];
    assert_eq!(attr(del, "action").as_deref(), Some("DELETE"));
    assert_eq!(attr(del, "requested_by").as_deref(), Some("bo@example.com"));
    let bad = by_record[R_BAD];
    assert_eq!(attr(bad, "status").as_deref(), Some("Fail"));
    assert!(bad["Message"]
        .as_str()
        .unwrap_or_default()
        .contains("was not applied"));

    // Replay the same batch, as Lambda does after a retry or bisect.
    let response = csv.handle(batch.clone()).await.expect("replayed");
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(
        status_objects(w.s3(), &bucket).await,
        objects,
        "same keys, same bytes, nothing new"
    );
    let response = notify.handle(batch.clone(), now).await.expect("replayed");
    assert!(response.batch_item_failures.is_empty());
    assert!(w.drain(&queue_url).await.is_empty(), "no second message");

    // notify's markers went through the stream too; neither handler acts on them.
    let with_markers = stream::read_all(w.sdk(), w.dynamodb(), w.table_name()).await;
    assert!(with_markers.records.len() > batch.records.len());
    csv.handle(with_markers.clone()).await.expect("handled");
    assert_eq!(status_objects(w.s3(), &bucket).await.len(), 3);
    notify.handle(with_markers, now).await.expect("handled");
    assert!(w.drain(&queue_url).await.is_empty(), "markers do not loop");
}
