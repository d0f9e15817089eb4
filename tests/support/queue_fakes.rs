//! `ingest` fed by queue batches against the in-memory fakes: the events the rule delivers,
//! the SQS records the mapping builds, and one run with its counts.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sfbridge::adapters::memory::{MemoryObjects, MemoryQueue, MemoryTable};
use sfbridge::ingest::queue::{Answer, Invocation};
use sfbridge::ingest::Ingest;
use sfbridge::metrics::{self, Counts, Ingest as Metric};

use super::{holiday, settings};

pub const TIME: &str = "2026-11-30T09:00:00Z";

pub fn now() -> DateTime<Utc> {
    "2026-11-30T09:00:05Z".parse().unwrap()
}

/// The EventBridge event the partner-bus rule puts on the queue (as the message body).
pub fn rule_event(id: &str, detail: Value) -> Value {
    json!({
        "version": "0", "id": id, "detail-type": "Config_Change__e",
        "source": "aws.partner/appflow/salesforce.com/123456789012/sfbridge-dev-events",
        "account": "123456789012", "time": TIME, "region": "eu-west-1", "resources": [],
        "detail": detail,
    })
}

/// One SQS record as the event source mapping delivers it.
pub fn message(id: &str, body: &str) -> Value {
    json!({
        "messageId": id,
        "receiptHandle": format!("handle-{id}"),
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764493200000"},
        "messageAttributes": {},
        "md5OfBody": "ignored",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:sfbridge-dev-ingest",
        "awsRegion": "eu-west-1",
    })
}

pub fn batch(messages: &[(&str, String)]) -> Invocation {
    let records: Vec<Value> = messages
        .iter()
        .map(|(id, body)| message(id, body))
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event parses")
}

pub fn christmas(record: &str, uuid: &str) -> Value {
    holiday(record, uuid, TIME, "2026-12-25", "Christmas")
}

pub type QueueIngest = Ingest<MemoryTable, MemoryObjects, MemoryQueue, MemoryQueue>;

pub fn ingest(dead_letters: bool) -> QueueIngest {
    Ingest::new(MemoryTable::new(), MemoryObjects::new(), settings("memory"))
        .with_dead_letters(dead_letters.then(MemoryQueue::new))
        .with_redelivery(Some(MemoryQueue::new()))
}

pub async fn run(ingest: &QueueIngest, invocation: Invocation) -> (Vec<String>, Counts) {
    run_until(ingest, invocation, None).await
}

/// `run`, with the invocation's deadline.
pub async fn run_until(
    ingest: &QueueIngest,
    invocation: Invocation,
    deadline: Option<DateTime<Utc>>,
) -> (Vec<String>, Counts) {
    let (answer, counts) =
        metrics::measure::<Metric, _>(ingest.invoke(invocation, now(), deadline)).await;
    let Ok(Answer::Queue(response)) = answer else {
        panic!("a queue batch answers with a batch response, got {answer:?}");
    };
    let listed = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    (listed, counts)
}
