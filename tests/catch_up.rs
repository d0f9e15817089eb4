//! The catch-up through the real `bootstrap` (a local Runtime API) against the local AWS: a
//! catch-up file written under `sweep/` in the inbound bucket, announced to the ingest queue by
//! S3's own notification (moto's), received as Lambda's SQS poller would, and applied by
//! `ingest` (DESIGN.md step 17, "Catch-up files", "One record, one outcome").
mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use sfbridge::model;
use support::moto::{
    create_bucket, create_table, endpoint, function_env, notify_queue_of_sweep_files, put_object,
    s3_client, sdk_config, unique,
};
use support::queue::{self, IngestQueue};
use support::runtime::LocalLambda;

/// One ingest function with its table, inbound bucket and queue, wired as Terraform wires them.
struct Bench {
    config: aws_config::SdkConfig,
    dynamodb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    table: String,
    bucket: String,
    queue: IngestQueue,
    ingest: LocalLambda,
    work_dir: PathBuf,
}

impl Bench {
    async fn new(name: &str) -> Self {
        let config = sdk_config(&endpoint()).await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&config);
        let s3 = s3_client(&config);
        let table = unique("sfbridge-catch-up");
        let bucket = unique("sfbridge-inbound");
        create_table(&dynamodb, &table).await;
        create_bucket(&s3, &bucket).await;
        let queue = IngestQueue::create(&config).await;
        notify_queue_of_sweep_files(&s3, &bucket, &queue.arn, "sweep/").await;
        let work_dir = std::env::temp_dir().join(unique(name));
        std::fs::create_dir_all(&work_dir).expect("work dir");
        let ingest = LocalLambda::start(
            std::path::Path::new(env!("CARGO_BIN_EXE_bootstrap")),
            "ingest",
            &function_env(
                &endpoint(),
                &[
                    ("CONFIG_TABLE", table.clone()),
                    ("LARGE_EVENT_BUCKET", bucket.clone()),
                    ("DEAD_LETTER_QUEUE_URL", queue.dead_letter_url.clone()),
                    // SWEEP_PREFIX and SWEEP_GRACE_MINUTES: their defaults, sweep/ and 10.
                ],
            ),
            &work_dir.join("ingest.log"),
        )
        .await;
        let mut bench = Bench {
            config,
            dynamodb,
            s3,
            table,
            bucket,
            queue,
            ingest,
            work_dir,
        };
        // S3's test message, sent when the notification was configured: acknowledged, and
        // nothing else happens.
        let counted = bench.deliver().await;
        assert!(counted.is_empty(), "the test message counted {counted:?}");
        assert!(bench.queue.dead_letters().await.is_empty());
        let log = std::fs::read_to_string(bench.log()).expect("log");
        assert!(
            log.contains("S3's test message acknowledged"),
            "no test message arrived:\n{log}"
        );
        bench
    }

    fn log(&self) -> PathBuf {
        self.work_dir.join("ingest.log")
    }

    /// Lambda's SQS poller until the queue is empty: what ingest counted meanwhile. A message
    /// listed for retry fails the test (nothing here is transient).
    async fn deliver(&mut self) -> BTreeMap<String, u64> {
        let before = queue::emf_records(&self.log()).len();
        while let Some(poll) = self.queue.poll(&mut self.ingest).await.expect("poll") {
            assert!(
                poll.listed.is_empty(),
                "ingest listed {:?} for retry (log: {})",
                poll.listed,
                self.log().display()
            );
        }
        queue::totals(&queue::emf_records(&self.log())[before..])
    }

    /// A catch-up file, as the sweep flow writes one: JSON lines under `sweep/`.
    async fn sweep(&self, key: &str, lines: &[String]) {
        put_object(&self.s3, &self.bucket, key, &support::sweep::file(lines)).await;
    }

    /// The request items of a record: (event id, status).
    async fn requests(&self, record_id: &str) -> Vec<(String, String)> {
        let got = self
            .dynamodb
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(format!("REQUEST#{record_id}")))
            .send()
            .await
            .expect("query");
        got.items()
            .iter()
            .map(|i| (text(i, "event_id"), text(i, "status")))
            .collect()
    }

    async fn item_count(&self) -> usize {
        self.dynamodb
            .scan()
            .table_name(&self.table)
            .send()
            .await
            .expect("scan")
            .items()
            .len()
    }

    /// The platform event for a record, as the partner-bus rule puts it on the queue.
    async fn send_event(&self, detail: &Value) {
        let event = json!({
            "version": "0", "id": unique("eb"), "detail-type": "Config_Change__e",
            "source": "aws.partner/appflow/salesforce.com/123456789012/sfbridge-dev-events",
            "time": Utc::now().to_rfc3339(), "detail": detail,
        });
        self.queue.send(&event.to_string()).await;
    }
}

fn text(item: &std::collections::HashMap<String, AttributeValue>, name: &str) -> String {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

/// A `Config_Request__c` line as AppFlow writes it, created `minutes_ago`.
fn line(id: &str, minutes_ago: i64, date: &str, name: &str) -> String {
    support::sweep::line(id, Utc::now() - Duration::minutes(minutes_ago), date, name)
}

fn count(totals: &BTreeMap<String, u64>, metric: &str) -> u64 {
    totals.get(metric).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_up_file_applies_old_requests_once_and_leaves_young_ones() {
    let mut b = Bench::new("sfbridge-catch-up").await;
    // AppFlow writes the 18-character Id.
    let (old, young, invalid) = (
        "a0B5g00000CuOldAAA",
        "a0B5g00000CuYngAAA",
        "a0B5g00000CuBadAAA",
    );
    let key = "sweep/sfbridge-dev-sweep/run-1/part-00000";
    let file = [
        line(old, 60, "2026-12-31", "New Year's Eve"),
        line(young, 2, "2027-01-01", "New Year's Day"),
        "{\"Id\": \"a0B5g00000CuTrnAAA\", \"CreatedDate\": ".to_string(),
        line(invalid, 30, "2026-02-30", "No such day"),
        line("not-an-id", 60, "2026-12-24", "Christmas Eve"),
    ];
    b.sweep(key, &file).await;
    let counted = b.deliver().await;
    assert_eq!(count(&counted, "CaughtUp"), 2, "{counted:?}");
    assert_eq!(count(&counted, "Applied"), 1, "{counted:?}");
    assert_eq!(count(&counted, "Invalid"), 1, "{counted:?}");
    assert_eq!(count(&counted, "SweepLineSkipped"), 2, "{counted:?}");
    assert_eq!(count(&counted, "Rejected"), 0, "{counted:?}");
    assert_eq!(
        b.requests(old).await,
        vec![(format!("sweep-{old}"), "Success".to_string())]
    );
    assert_eq!(
        b.requests(invalid).await,
        vec![(format!("sweep-{invalid}"), "Fail".to_string())]
    );
    assert!(
        b.requests(young).await.is_empty(),
        "younger than the grace period: left for the event path"
    );
    assert!(b.queue.dead_letters().await.is_empty());
    let items = b.item_count().await;

    // The old request gets its status: status-csv, the real binary, on the table's stream.
    let status_bucket = unique("sfbridge-status");
    create_bucket(&b.s3, &status_bucket).await;
    let mut status_csv = LocalLambda::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_bootstrap")),
        "status-csv",
        &function_env(&endpoint(), &[("STATUS_BUCKET", status_bucket.clone())]),
        &b.work_dir.join("status-csv.log"),
    )
    .await;
    let batch = support::stream::read_all(&b.config, &b.dynamodb, &b.table).await;
    let answer = status_csv
        .invoke(&serde_json::to_value(&batch).expect("batch"))
        .await
        .expect("status-csv answers");
    assert_eq!(answer["batchItemFailures"], json!([]), "{answer}");
    let listed =
        b.s3.list_objects_v2()
            .bucket(&status_bucket)
            .send()
            .await
            .expect("list");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(
        keys.len(),
        2,
        "one CSV per outcome, none for claims: {keys:?}"
    );
    assert!(keys
        .iter()
        .any(|k| k.starts_with(&format!("status/{old}-event-created-"))));
    assert!(keys
        .iter()
        .any(|k| k.starts_with(&format!("status/{invalid}-event-rejected-"))));

    // The same file delivered again (AppFlow rewrote it, S3 notified twice): nothing changes.
    b.sweep(key, &file).await;
    let again = b.deliver().await;
    assert_eq!(count(&again, "Duplicate"), 2, "{again:?}");
    assert_eq!(count(&again, "CaughtUp"), 0, "{again:?}");
    assert_eq!(count(&again, "Applied"), 0, "{again:?}");
    assert_eq!(b.item_count().await, items, "nothing written");

    // The platform event for the request the catch-up applied arrives after all: a duplicate.
    let event = support::holiday(
        old,
        "late-event",
        "2026-11-30T09:00:00Z",
        "2026-12-31",
        "NYE",
    );
    b.send_event(&event).await;
    let late = b.deliver().await;
    assert_eq!(count(&late, "Duplicate"), 1, "{late:?}");
    assert_eq!(b.requests(old).await.len(), 1, "one outcome for the record");
    assert_eq!(b.item_count().await, items, "nothing written");
    let _ = std::fs::remove_dir_all(&b.work_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catch_up_of_a_request_the_event_path_applied_is_a_duplicate() {
    let mut b = Bench::new("sfbridge-catch-up-dup").await;
    // The event carries the 15-character Id, AppFlow's line the 18-character one.
    let applied = "a0B5g00000CuEvt";
    let event = support::holiday(applied, "ev-1", "2026-11-30T09:00:00Z", "2026-12-24", "Eve");
    b.send_event(&event).await;
    assert_eq!(count(&b.deliver().await, "Applied"), 1);

    // A request handled before claims existed: its request item alone.
    let legacy = "a0B5g00000CuOldAAA";
    b.dynamodb
        .put_item()
        .table_name(&b.table)
        .item("pk", AttributeValue::S(format!("REQUEST#{legacy}")))
        .item("sk", AttributeValue::S("EVENT#before-claims".into()))
        .item("record_id", AttributeValue::S(legacy.into()))
        .item("event_id", AttributeValue::S("before-claims".into()))
        .item("status", AttributeValue::S("Success".into()))
        .send()
        .await
        .expect("legacy request item");
    // A record whose claim alone is there (its request item was written by another event id
    // between the catch-up's question and its transaction): the claim decides.
    let claimed = "a0B5g00000CuClmAAA";
    b.dynamodb
        .put_item()
        .table_name(&b.table)
        .item("pk", AttributeValue::S(format!("RECORD#{claimed}")))
        .item("sk", AttributeValue::S("CLAIM".into()))
        .item("event_id", AttributeValue::S("racing-event".into()))
        .send()
        .await
        .expect("claim");
    let items = b.item_count().await;

    b.sweep(
        "sweep/sfbridge-dev-sweep/run-2/part-00000",
        &[
            line(&model::salesforce_id_18(applied), 60, "2026-12-24", "Eve"),
            line(legacy, 60, "2026-12-30", "Old"),
            line(claimed, 60, "2026-12-29", "Claimed"),
        ],
    )
    .await;
    let counted = b.deliver().await;
    assert_eq!(count(&counted, "Duplicate"), 3, "{counted:?}");
    assert_eq!(count(&counted, "CaughtUp"), 0, "{counted:?}");
    assert_eq!(b.item_count().await, items, "nothing written");
    assert_eq!(b.requests(applied).await.len(), 1);
    let _ = std::fs::remove_dir_all(&b.work_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_for_another_bucket_or_prefix_is_never_reportable() {
    let mut b = Bench::new("sfbridge-catch-up-foreign").await;
    use support::sweep::notification;
    // What each would read, were it read: a line that would be applied.
    put_object(
        &b.s3,
        &b.bucket,
        "events/file.json",
        &line("a0B5g00000CuFgnAAA", 60, "2026-12-24", "Eve"),
    )
    .await;
    let bodies = [
        notification(
            "someone-elses-bucket",
            "sweep/x/part-0",
            "ObjectCreated:Put",
        ),
        notification(&b.bucket, "events/file.json", "ObjectCreated:Put"),
        notification(&b.bucket, "sweep/x/part-0", "ObjectRemoved:Delete"),
    ];
    for body in &bodies {
        b.queue.send(body).await;
    }
    let counted = b.deliver().await;
    assert_eq!(count(&counted, "Rejected"), 3, "{counted:?}");
    let dead = b.queue.dead_letters().await;
    assert_eq!(dead.len(), 3, "{dead:?}");
    for (body, reason) in &dead {
        assert!(bodies.contains(body), "sent as it arrived: {body}");
        let reason = reason.as_deref().unwrap_or_default();
        assert!(
            reason.contains("catch-up files are read only under")
                || reason.contains("not an object creation"),
            "{reason}"
        );
    }
    assert_eq!(b.item_count().await, 0, "nothing written");
    let _ = std::fs::remove_dir_all(&b.work_dir);
}
