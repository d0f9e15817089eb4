//! `DeadLetters` on SQS: the ingest dead-letter queue (`DEAD_LETTER_QUEUE_URL`).

use aws_sdk_sqs::types::MessageAttributeValue;
use aws_sdk_sqs::Client;

use super::sdk_errors::port_error;
use crate::ports::{DeadLetters, PortError};
use crate::text::truncate;

/// The reason is for a person reading the queue; the body is what matters for a redrive.
const MAX_REASON_CHARS: usize = 1000;

#[derive(Clone)]
pub struct SqsDeadLetters {
    client: Client,
    url: String,
}

impl SqsDeadLetters {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }
}

impl DeadLetters for SqsDeadLetters {
    async fn send(&self, body: &str, reason: &str) -> Result<(), PortError> {
        let reason = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(truncate(reason, MAX_REASON_CHARS))
            .build()
            .map_err(|e| PortError::Permanent(format!("attribute reason: {e}")))?;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .message_attributes("reason", reason)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error(&err))
    }
}
