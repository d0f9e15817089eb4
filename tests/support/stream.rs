//! Plays Lambda's DynamoDB stream poller: reads a table's stream from moto with GetRecords and
//! turns the records into the `dynamodb::Event` Lambda would deliver; or builds such an event
//! from items directly, for the fakes.

use aws_lambda_events::dynamodb::{Event, EventRecord, StreamRecord, StreamViewType};
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use serde::Serialize;

/// Reads a table's stream from the start, batch after batch, as Lambda's poller does.
pub struct StreamPoller {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    /// One iterator per shard; `None` once a shard is closed.
    iterators: Vec<Option<String>>,
}

impl StreamPoller {
    pub async fn new(
        config: &aws_config::SdkConfig,
        dynamodb: &aws_sdk_dynamodb::Client,
        table: &str,
    ) -> Self {
        let client = aws_sdk_dynamodbstreams::Client::new(config);
        let arn = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .expect("describe table")
            .table
            .and_then(|t| t.latest_stream_arn)
            .expect("table has a stream");
        let shards = client
            .describe_stream()
            .stream_arn(&arn)
            .send()
            .await
            .expect("describe stream")
            .stream_description
            .map(|d| d.shards.unwrap_or_default())
            .unwrap_or_default();
        let mut iterators = Vec::new();
        for shard in shards {
            let iterator = client
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(shard.shard_id.clone().expect("shard id"))
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .expect("shard iterator")
                .shard_iterator;
            iterators.push(iterator);
        }
        Self {
            client,
            arn,
            iterators,
        }
    }

    /// Every record written since the last call, in order, as one Lambda batch.
    pub async fn next_batch(&mut self) -> Event {
        let mut event = Event::default();
        for slot in &mut self.iterators {
            while let Some(it) = slot.clone() {
                let out = self
                    .client
                    .get_records()
                    .shard_iterator(it)
                    .send()
                    .await
                    .expect("get records");
                let records = out.records.unwrap_or_default();
                *slot = out.next_shard_iterator;
                if records.is_empty() {
                    break;
                }
                for r in records {
                    event.records.push(convert(r, &self.arn));
                }
            }
        }
        event
    }
}

fn convert(r: aws_sdk_dynamodbstreams::types::Record, arn: &str) -> EventRecord {
    let change = r.dynamodb.expect("stream record");
    let mut sr = StreamRecord::default();
    sr.keys = change.keys.unwrap_or_default().into();
    sr.new_image = change.new_image.unwrap_or_default().into();
    sr.old_image = change.old_image.unwrap_or_default().into();
    sr.sequence_number = change.sequence_number;
    sr.size_bytes = change.size_bytes.unwrap_or_default();
    sr.stream_view_type = Some(StreamViewType::NewAndOldImages);
    let mut er = EventRecord::default();
    er.event_id = r.event_id.unwrap_or_default();
    er.event_name = r
        .event_name
        .map(|n| n.as_str().to_string())
        .unwrap_or_default();
    er.event_source = Some("aws:dynamodb".into());
    er.event_source_arn = Some(arn.to_string());
    er.aws_region = "us-east-1".into();
    er.change = sr;
    er
}

/// Every record on the table's stream so far, in order, as one Lambda batch.
pub async fn read_all(
    config: &aws_config::SdkConfig,
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Event {
    StreamPoller::new(config, dynamodb, table)
        .await
        .next_batch()
        .await
}

/// One stream record, built from an item (for the fakes).
pub fn record<T: Serialize>(sequence: &str, event_name: &str, item: &T) -> EventRecord {
    let image: serde_dynamo::Item = serde_dynamo::to_item(item).expect("item encodes");
    let mut sr = StreamRecord::default();
    sr.new_image = image;
    sr.sequence_number = Some(sequence.to_string());
    sr.stream_view_type = Some(StreamViewType::NewAndOldImages);
    let mut er = EventRecord::default();
    er.event_id = format!("stream-{sequence}");
    er.event_name = event_name.to_string();
    er.change = sr;
    er
}

pub fn batch(records: Vec<EventRecord>) -> Event {
    let mut event = Event::default();
    event.records = records;
    event
}

pub fn sequence_numbers(event: &Event) -> Vec<String> {
    event
        .records
        .iter()
        .filter_map(|r| r.change.sequence_number.clone())
        .collect()
}
