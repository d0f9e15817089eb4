//! SQS for `ingest`: `DeadLetters` on the ingest dead-letter queue (`DEAD_LETTER_QUEUE_URL`),
//! and `Redelivery` on the queue a message came from.

use aws_sdk_sqs::types::MessageAttributeValue;
use aws_sdk_sqs::Client;

use super::sdk_errors::Done;
use crate::ports::{DeadLetters, PortError, Redelivery};
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
            .done()
    }
}

/// `Redelivery` on SQS: the queue is named by the `eventSourceARN` Lambda puts on each record.
#[derive(Clone)]
pub struct SqsRedelivery {
    client: Client,
}

impl SqsRedelivery {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

/// `arn:aws:sqs:<region>:<account>:<name>` -> the queue URL SQS documents
/// (`https://sqs.<region>.amazonaws.com/<account>/<name>`); the request itself goes to the
/// SDK's endpoint, the URL only names the queue.
pub fn queue_url(queue_arn: &str) -> Option<String> {
    let mut parts = queue_arn.split(':');
    let (arn, partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    let (region, account, name) = (parts.next()?, parts.next()?, parts.next()?);
    if arn != "arn" || service != "sqs" || parts.next().is_some() || name.is_empty() {
        return None;
    }
    let domain = if partition == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Some(format!("https://sqs.{region}.{domain}/{account}/{name}"))
}

impl Redelivery for SqsRedelivery {
    async fn delay(
        &self,
        queue_arn: &str,
        receipt_handle: &str,
        seconds: i32,
    ) -> Result<(), PortError> {
        let url = queue_url(queue_arn)
            .ok_or_else(|| PortError::Permanent(format!("not an SQS queue ARN: {queue_arn:?}")))?;
        self.client
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(receipt_handle)
            .visibility_timeout(seconds)
            .send()
            .await
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::queue_url;

    #[test]
    fn queue_urls_from_arns() {
        assert_eq!(
            queue_url("arn:aws:sqs:eu-west-2:123456789012:sfbridge-dev-ingest").as_deref(),
            Some("https://sqs.eu-west-2.amazonaws.com/123456789012/sfbridge-dev-ingest")
        );
        assert_eq!(queue_url("arn:aws:sns:eu-west-2:123456789012:t"), None);
        assert_eq!(queue_url("sfbridge-dev-ingest"), None);
    }
}
