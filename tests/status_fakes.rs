//! `status-csv` and `notify` failure handling against the fakes: per-record failures,
//! skipped records, retries that deliver exactly once.
mod support;

use sfbridge::adapters::memory::{MemoryObjects, MemoryTable, MemoryTopic};
use sfbridge::metrics;
use sfbridge::model::{
    self, Action, ConfigItem, ConfigType, MarkerState, NotifyMarker, RequestItem, Status,
};
use sfbridge::notify::Notify;
use sfbridge::status_csv::{self, StatusCsv};
use support::stream::{batch, record};

fn request(n: u32, status: Status, action: Option<Action>) -> RequestItem {
    let record_id = format!("a0B5g00000Rec{n:02}");
    RequestItem {
        pk: model::request_pk(&record_id),
        sk: model::request_sk(&format!("ev-{n}")),
        record_id,
        event_id: format!("ev-{n}"),
        action,
        region: Some("emea-uk".into()),
        config_type: Some(ConfigType::Holiday),
        config_key: Some("2026-12-25".into()),
        status,
        message: "Holiday added.".into(),
        processed_at: "2026-11-27T10:00:00.000Z".into(),
        requested_by: None,
        ttl: 1,
    }
}

fn config_item() -> ConfigItem {
    ConfigItem {
        pk: model::region_pk("emea-uk"),
        sk: model::config_sk(ConfigType::Holiday, "2026-12-25"),
        name: Some("Christmas".into()),
        message: None,
        open: None,
        close: None,
        tz: None,
        record_id: "a0B5g00000Rec01".into(),
        event_id: "ev-1".into(),
        event_time: "2026-11-27T09:00:00.000000000Z".into(),
        requested_by: None,
        updated_at: "2026-11-27T10:00:00.000Z".into(),
        deleted: None,
        ttl: None,
    }
}

/// Three request inserts among records neither handler acts on, and one malformed request.
fn mixed_batch() -> aws_lambda_events::dynamodb::Event {
    let malformed =
        serde_json::json!({"pk": "REQUEST#a0B5g00000Rec09", "sk": "EVENT#x", "status": 7});
    batch(vec![
        record(
            "100",
            "INSERT",
            &request(1, Status::Success, Some(Action::Add)),
        ),
        record("200", "INSERT", &config_item()),
        record(
            "300",
            "INSERT",
            &request(2, Status::Success, Some(Action::Delete)),
        ),
        record(
            "400",
            "MODIFY",
            &request(5, Status::Success, Some(Action::Add)),
        ),
        record(
            "500",
            "REMOVE",
            &request(6, Status::Success, Some(Action::Add)),
        ),
        record(
            "600",
            "INSERT",
            &NotifyMarker::new("a0B5g00000Rec01", "ev-1", MarkerState::Sent, 1),
        ),
        record("700", "INSERT", &malformed),
        record(
            "800",
            "INSERT",
            &request(3, Status::Fail, Some(Action::Add)),
        ),
    ])
}

/// The batch as Lambda redelivers it after a reported failure: from that sequence number on.
fn mixed_batch_from(sequence: &str) -> aws_lambda_events::dynamodb::Event {
    let mut batch = mixed_batch();
    let from = batch
        .records
        .iter()
        .position(|r| r.change.sequence_number.as_deref() == Some(sequence))
        .expect("sequence in batch");
    batch.records.drain(..from);
    batch
}

fn csv_handler() -> StatusCsv<MemoryObjects> {
    StatusCsv::new(
        MemoryObjects::new(),
        status_csv::Settings {
            bucket: "status-bucket".into(),
            prefix: "status/".into(),
        },
    )
}

#[tokio::test]
async fn s3_failing_for_one_record_stops_the_batch_there() {
    let handler = csv_handler();
    handler
        .objects()
        .fail_writes_to("status/a0B5g00000Rec02-event-deleted-2026-11-27-10_00_00.csv");
    let (response, counts) =
        metrics::measure::<metrics::StatusCsv, _>(handler.handle(mixed_batch())).await;
    let response = response.expect("handled");
    // Written: the record before the failed put; retried: the failed put; the records after it
    // wait for Lambda's retry from that sequence number (not run twice, not out of order).
    assert_eq!(counts.get(metrics::StatusCsv::CsvWritten), 1);
    assert_eq!(counts.get(metrics::StatusCsv::RecordRetried), 1);
    assert_eq!(counts.get(metrics::StatusCsv::RecordSkipped), 0);
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap_or_default())
        .collect();
    assert_eq!(failed, vec!["300"]);
    let keys: Vec<String> = handler
        .objects()
        .all()
        .into_keys()
        .map(|(_, k)| k)
        .collect();
    assert_eq!(
        keys,
        vec!["status/a0B5g00000Rec01-event-created-2026-11-27-10_00_00.csv"],
        "only the record before the failure was written"
    );
    // Lambda's retry starts at 300: it is written, the rest follow; the malformed record is
    // skipped (an operator is alarmed), config items, modifications, removals and markers
    // write nothing.
    handler.objects().stop_failing();
    let (response, counts) =
        metrics::measure::<metrics::StatusCsv, _>(handler.handle(mixed_batch_from("300"))).await;
    assert!(response.expect("handled").batch_item_failures.is_empty());
    assert_eq!(counts.get(metrics::StatusCsv::CsvWritten), 2);
    assert_eq!(counts.get(metrics::StatusCsv::RecordSkipped), 1);
}

#[tokio::test]
async fn notify_retries_only_failed_records_and_sends_each_outcome_once() {
    let handler = Notify::new(MemoryTable::new(), MemoryTopic::new());
    let now = chrono::Utc::now();

    handler.topic().set_unavailable(true);
    let (response, counts) =
        metrics::measure::<metrics::Notify, _>(handler.handle(mixed_batch(), now)).await;
    let response = response.expect("handled");
    assert_eq!(
        counts.get(metrics::Notify::RecordRetried),
        1,
        "stopped at the first"
    );
    assert_eq!(counts.get(metrics::Notify::Sent), 0);
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        failed,
        vec!["100"],
        "the first request insert; the batch stops there"
    );
    assert!(handler.topic().published().is_empty());

    // Lambda retries; SNS is back. Each outcome goes out once, then replays send nothing.
    handler.topic().set_unavailable(false);
    let mut sent = Vec::new();
    for _ in 0..3 {
        let (response, counts) =
            metrics::measure::<metrics::Notify, _>(handler.handle(mixed_batch(), now)).await;
        assert!(response.expect("handled").batch_item_failures.is_empty());
        sent.push((
            counts.get(metrics::Notify::Sent),
            counts.get(metrics::Notify::AlreadySent),
        ));
    }
    assert_eq!(
        sent,
        vec![(3, 0), (0, 3), (0, 3)],
        "(Sent, AlreadySent) per delivery"
    );
    let subjects: Vec<String> = handler
        .topic()
        .published()
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(
        subjects,
        vec![
            "Config request a0B5g00000Rec01: Success (applied)",
            "Config request a0B5g00000Rec02: Success (applied)",
            "Config request a0B5g00000Rec03: Fail (not applied)",
        ]
    );
}

#[tokio::test]
async fn notify_with_the_table_down_publishes_nothing_and_stops_at_the_first_request() {
    let handler = Notify::new(MemoryTable::new(), MemoryTopic::new());
    handler.ledger().set_unavailable(true);
    let response = handler
        .handle(mixed_batch(), chrono::Utc::now())
        .await
        .expect("handled");
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap_or_default())
        .collect();
    assert_eq!(failed, vec!["100"]);
    assert!(handler.topic().published().is_empty());
}
