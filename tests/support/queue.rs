//! The ingest queue in moto, and Lambda's SQS poller played here (moto cannot run Lambda):
//! receive a batch, invoke `ingest` with the SQS event Lambda builds, delete what was handled
//! and make the listed `batchItemFailures` visible again, as the event source mapping does
//! with `ReportBatchItemFailures`. Also reads the EMF records the functions wrote.

use std::collections::BTreeMap;
use std::path::Path;

use aws_config::SdkConfig;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use serde_json::{json, Value};

use super::moto::unique;
use super::runtime::LocalLambda;

/// As Terraform makes it: redrive to the dead-letter queue after 5 receives.
pub const MAX_RECEIVES: u32 = 5;

pub struct IngestQueue {
    pub sqs: aws_sdk_sqs::Client,
    pub url: String,
    pub arn: String,
    pub dead_letter_url: String,
}

async fn arn_of(sqs: &aws_sdk_sqs::Client, url: &str) -> String {
    sqs.get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes")
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .expect("queue arn")
        .clone()
}

impl IngestQueue {
    pub async fn create(config: &SdkConfig) -> Self {
        let sqs = aws_sdk_sqs::Client::new(config);
        let dead_letter_url = sqs
            .create_queue()
            .queue_name(unique("sfbridge-demo-ingest-dlq"))
            .send()
            .await
            .expect("dead-letter queue")
            .queue_url()
            .expect("url")
            .to_string();
        let dead_letter_arn = arn_of(&sqs, &dead_letter_url).await;
        let url = sqs
            .create_queue()
            .queue_name(unique("sfbridge-demo-ingest"))
            .attributes(QueueAttributeName::VisibilityTimeout, "180")
            .attributes(
                QueueAttributeName::RedrivePolicy,
                json!({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": MAX_RECEIVES})
                    .to_string(),
            )
            .send()
            .await
            .expect("ingest queue")
            .queue_url()
            .expect("url")
            .to_string();
        let arn = arn_of(&sqs, &url).await;
        IngestQueue {
            sqs,
            url,
            arn,
            dead_letter_url,
        }
    }

    /// What the partner-bus rule does: the EventBridge event, as the message body.
    pub async fn send(&self, body: &str) {
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .expect("send to the ingest queue");
    }

    /// One poll as the event source mapping does it: the batch, `ingest`'s answer, and the
    /// message ids it listed (made visible again at once, so the demo need not wait out the
    /// visibility timeout). `None` when the queue is empty.
    pub async fn poll(&self, ingest: &mut LocalLambda) -> Result<Option<Poll>, String> {
        let got = self
            .sqs
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| format!("receive: {e}"))?;
        let messages = got.messages();
        if messages.is_empty() {
            return Ok(None);
        }
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let attributes: BTreeMap<String, String> = m
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "messageId": m.message_id(),
                    "receiptHandle": m.receipt_handle(),
                    "body": m.body(),
                    "attributes": attributes,
                    "messageAttributes": {},
                    "md5OfBody": m.md5_of_body(),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.arn,
                    "awsRegion": "us-east-1",
                })
            })
            .collect();
        let answer = ingest
            .invoke(&json!({ "Records": records }))
            .await
            .map_err(|e| {
                format!(
                    "ingest answered an SQS batch with an error: {} {}",
                    e.error_type, e.message
                )
            })?;
        let listed: Vec<String> = answer["batchItemFailures"]
            .as_array()
            .ok_or_else(|| {
                format!("ingest's answer to a batch has no batchItemFailures: {answer}")
            })?
            .iter()
            .filter_map(|f| f["itemIdentifier"].as_str().map(str::to_string))
            .collect();
        let mut receives = Vec::new();
        for m in messages {
            let id = m.message_id().unwrap_or_default();
            let handle = m.receipt_handle().unwrap_or_default();
            receives.push(
                m.attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .cloned()
                    .unwrap_or_default(),
            );
            if listed.iter().any(|l| l == id) {
                self.sqs
                    .change_message_visibility()
                    .queue_url(&self.url)
                    .receipt_handle(handle)
                    .visibility_timeout(0)
                    .send()
                    .await
                    .map_err(|e| format!("change visibility: {e}"))?;
            } else {
                self.sqs
                    .delete_message()
                    .queue_url(&self.url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| format!("delete: {e}"))?;
            }
        }
        Ok(Some(Poll {
            messages: messages.len(),
            listed,
            receives,
        }))
    }

    /// Every message on the dead-letter queue now: (body, `reason` attribute).
    pub async fn dead_letters(&self) -> Vec<(String, Option<String>)> {
        let got = self
            .sqs
            .receive_message()
            .queue_url(&self.dead_letter_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_attribute_names("All")
            .send()
            .await
            .expect("receive from the dead-letter queue");
        got.messages()
            .iter()
            .map(|m| {
                let reason = m
                    .message_attributes()
                    .and_then(|a| a.get("reason"))
                    .and_then(|v| v.string_value())
                    .map(str::to_string);
                (m.body().unwrap_or_default().to_string(), reason)
            })
            .collect()
    }
}

pub struct Poll {
    pub messages: usize,
    pub listed: Vec<String>,
    /// `ApproximateReceiveCount` per message.
    pub receives: Vec<String>,
}

/// The EMF records in a function's log (one JSON object per line, beside the log lines).
pub fn emf_records(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("_aws").is_some())
        .collect()
}

/// The counts of EMF records, by metric name (what CloudWatch would sum).
pub fn totals(records: &[Value]) -> BTreeMap<String, u64> {
    let mut totals = BTreeMap::new();
    for record in records {
        for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(name) = metric["Name"].as_str() {
                *totals.entry(name.to_string()).or_default() += record[name].as_u64().unwrap_or(0);
            }
        }
    }
    totals
}

/// What is wrong with the EMF records `handler` wrote: namespace, dimension, unit, and every
/// name on the list for that handler.
pub fn emf_problems(handler: &str, records: &[Value]) -> Vec<String> {
    // The list in modules/monitoring/metrics.csv, as generated into the crate (a unit test
    // holds the generated names to the file).
    let names: &[&str] = sfbridge::metrics::ALL
        .iter()
        .find(|(h, _)| *h == handler)
        .map(|(_, names)| *names)
        .unwrap_or_default();
    let mut problems = Vec::new();
    for record in records {
        let directive = &record["_aws"]["CloudWatchMetrics"][0];
        if directive["Namespace"] != "sfbridge"
            || directive["Dimensions"] != json!([["Handler"]])
            || record["Handler"] != handler
            || !record["_aws"]["Timestamp"].is_u64()
        {
            problems.push(format!("{handler}: malformed EMF record {record}"));
        }
        for metric in directive["Metrics"].as_array().into_iter().flatten() {
            let name = metric["Name"].as_str().unwrap_or_default();
            if !names.contains(&name) || metric["Unit"] != "Count" {
                problems.push(format!(
                    "{handler}: metric {metric} is not on the list {names:?}"
                ));
            }
        }
    }
    problems
}
