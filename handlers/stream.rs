//! Shared handling of a DynamoDB stream batch for `status-csv` and `notify`: pick the request
//! items that were inserted, hand each to the handler, and stop at the first record that must
//! be retried, answering with its sequence number (`ReportBatchItemFailures`): Lambda retries
//! the batch from there, so handling the records after it now would run them twice, and out
//! of order.

use std::future::Future;

use aws_lambda_events::dynamodb::{Event, EventRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde_dynamo::AttributeValue;
use tracing::{debug, error, warn};

use crate::metrics::{self, MetricSet};
use crate::model::{self, RequestItem};

/// Why handling one record failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Worth retrying (S3 or SNS unavailable, throttled): its sequence number is reported.
    Retry(String),
    /// Can never succeed (a request item that cannot be turned into an outcome): logged as an
    /// error for an operator and not reported, so it cannot block the shard.
    Skip(String),
}

/// The request item a record inserted, if it inserted one.
/// The record's new image is moved out, not copied: each record is decoded once.
pub fn inserted_request(record: &mut EventRecord) -> Result<Option<RequestItem>, String> {
    if record.event_name != "INSERT" {
        return Ok(None);
    }
    // Only request items (`REQUEST#...` / `EVENT#...`): not claims, markers or config items.
    let image = &record.change.new_image;
    match (image.get("pk"), image.get("sk")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            if !model::is_request_key(pk, sk) {
                return Ok(None);
            }
        }
        (None, _) => return Ok(None),
        (Some(AttributeValue::S(pk)), _) if !pk.starts_with("REQUEST#") => return Ok(None),
        _ => return Err("new image has no readable key: pk or sk is not a string".into()),
    }
    serde_dynamo::from_item(std::mem::take(&mut record.change.new_image))
        .map(Some)
        .map_err(|e| format!("request item does not decode: {e}"))
}

/// Runs `handle` for every inserted request item of the batch, one at a time, in order,
/// counting the records it had to skip (`skipped`: an operator is alarmed, because that
/// request gets no status) and those reported for retry (`retried`).
pub async fn for_each_inserted_request<M, F, Fut>(
    skipped: M,
    retried: M,
    event: Event,
    mut handle: F,
) -> DynamoDbEventResponse
where
    M: MetricSet,
    F: FnMut(RequestItem) -> Fut,
    Fut: Future<Output = Result<(), RecordError>>,
{
    let handler = M::HANDLER;
    let mut response = DynamoDbEventResponse::default();
    for mut record in event.records {
        let sequence = record.change.sequence_number.clone();
        let request = match inserted_request(&mut record) {
            Ok(Some(request)) => request,
            Ok(None) => {
                debug!(handler, sequence, event_name = %record.event_name, "skipped: not a request insert");
                continue;
            }
            Err(reason) => {
                metrics::count(skipped);
                error!(handler, sequence, stream_event_id = %record.event_id, %reason, "skipped malformed stream record");
                continue;
            }
        };
        let (record_id, event_id) = (request.record_id.clone(), request.event_id.clone());
        let region = request.region.clone().unwrap_or_default();
        match handle(request).await {
            Ok(()) => {}
            Err(RecordError::Skip(reason)) => {
                metrics::count(skipped);
                error!(handler, sequence, %record_id, %event_id, %region, %reason, "skipped request item that cannot be handled");
            }
            Err(RecordError::Retry(reason)) => match sequence {
                Some(sequence) => {
                    metrics::count(retried);
                    warn!(handler, %sequence, %record_id, %event_id, %region, %reason, "failed; reported for retry");
                    let mut failure = DynamoDbBatchItemFailure::default();
                    failure.item_identifier = Some(sequence);
                    response.batch_item_failures.push(failure);
                    break;
                }
                None => {
                    metrics::count(skipped);
                    error!(handler, %record_id, %event_id, %region, %reason, "failed, and the record has no sequence number to report");
                }
            },
        }
    }
    response
}
