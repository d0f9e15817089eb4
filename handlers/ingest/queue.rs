//! The ingest queue's batches (`Records[]`, `eventSource` `aws:sqs`): each message body is one
//! EventBridge event as the partner-bus rule delivered it. Messages are handled one at a time,
//! in order, and the answer lists only those to retry (`batchItemFailures`): transient
//! failures, and anything else that is not a handled outcome. A message that can never be
//! reported goes to the dead-letter queue at once, as it arrived and with its reason; without
//! one configured it is listed, and the queue's redrive policy moves it there after its
//! receives. A listed message comes back after a delay that grows with its receives
//! (`redelivery_delay`), so the queue's few receives span a long outage instead of minutes.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use tracing::info;

use super::catch_up::{S3Notification, S3TestEvent};
use super::{Detail, Ingest, Response};
use crate::error::{ErrorType, HandlerError, Ids};
use crate::metrics::{self, Ingest as Metric};
use crate::ports::{ConfigTable, DeadLetters, ObjectReader, Redelivery};

/// The queue's own visibility timeout (6 x ingest's 30 s timeout, as Terraform sets it).
pub const FIRST_DELAY_SECONDS: i32 = 180;
/// SQS's longest visibility timeout: 12 hours.
pub const MAX_DELAY_SECONDS: i32 = 43_200;

/// How long the queue holds a message listed for retry after its `receive`-th receive:
/// 3 min, 12 min, 48 min, 3.2 h, then 12 h. The ingest queue's `maxReceiveCount` of 12
/// (modules/inbound) thus keeps retrying for about 4.2 days before dead-lettering.
pub fn redelivery_delay(receive: u32) -> i32 {
    let growth = 4_i64.saturating_pow(receive.saturating_sub(1));
    (i64::from(FIRST_DELAY_SECONDS) * growth).min(i64::from(MAX_DELAY_SECONDS)) as i32
}

/// What `ingest` is invoked with.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Invocation {
    /// A batch from the ingest queue (the event source mapping).
    Queue(SqsEvent),
    /// One EventBridge event invoked directly (tests, a manual replay).
    Direct(Box<EventBridgeEvent<Detail>>),
}

/// What `ingest` answers.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Queue(SqsBatchResponse),
    Direct(Response),
}

impl<T: ConfigTable, O: ObjectReader, Q: DeadLetters, R: Redelivery> Ingest<T, O, Q, R> {
    /// Either input shape; only a direct event can answer with an error. `deadline` is the
    /// invocation's (Lambda's context): a catch-up file stops before it runs out.
    pub async fn invoke(
        &self,
        invocation: Invocation,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<Answer, HandlerError> {
        match invocation {
            Invocation::Queue(batch) => {
                Ok(Answer::Queue(self.handle_batch(batch, now, deadline).await))
            }
            Invocation::Direct(event) => self.handle_direct(*event, now).await.map(Answer::Direct),
        }
    }

    /// One queue batch, one message at a time, in order.
    pub async fn handle_batch(
        &self,
        batch: SqsEvent,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for message in batch.records {
            if !self.handled(&message, now, deadline).await {
                metrics::count(Metric::Retried);
                self.back_off(&message).await;
                let mut failure = BatchItemFailure::default();
                // Lambda always sends a messageId; were one missing, the empty identifier
                // makes Lambda retry the whole batch, which loses nothing (handling is
                // idempotent).
                failure.item_identifier = message.message_id.unwrap_or_default();
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    /// `false` when the message is to be retried (the error is logged here).
    async fn handled(
        &self,
        message: &SqsMessage,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> bool {
        let body = message.body.as_deref().unwrap_or_default();
        let result = match serde_json::from_str::<EventBridgeEvent<Detail>>(body) {
            Ok(event) => self.handle(event, now).await.map(|_| ()),
            // Not an event from the partner bus: S3 telling of a catch-up file, or nothing.
            Err(e) => match S3Body::parse(body) {
                Some(S3Body::Notification(notification)) => self
                    .catch_up(notification, now, deadline)
                    .await
                    .inspect_err(|e| {
                        if e.kind == ErrorType::Rejected {
                            metrics::count(Metric::Rejected);
                        }
                    }),
                Some(S3Body::Test) => {
                    info!(
                        message_id = message.message_id.as_deref(),
                        "ingest: S3's test message acknowledged and ignored"
                    );
                    Ok(())
                }
                None => {
                    metrics::count(Metric::Rejected);
                    Err(HandlerError::rejected(format!(
                        "the message body is not an EventBridge event ({e}), nor an S3 notification"
                    )))
                }
            },
        };
        let Err(error) = result else {
            return true;
        };
        let error = error.about(&Ids {
            message_id: message.message_id.clone(),
            ..Ids::default()
        });
        if error.kind == ErrorType::Rejected {
            let Some(queue) = self.dead_letters() else {
                error.log("ingest: rejected (can never be reported); retried until the queue's redrive policy dead-letters it (no DEAD_LETTER_QUEUE_URL)");
                return false;
            };
            return match queue.send(body, &error.message).await {
                Ok(()) => {
                    error.log(
                        "ingest: rejected (can never be reported); sent to the dead-letter queue",
                    );
                    true
                }
                Err(e) => {
                    let error = HandlerError {
                        message: format!(
                            "{}; sending it to the dead-letter queue failed: {e}",
                            error.message
                        ),
                        ..error
                    };
                    error
                        .log("ingest: rejected (can never be reported); retried through the queue");
                    false
                }
            };
        }
        error.log("ingest: failed; the message is retried through the queue");
        false
    }
}

/// A queue message that is not an EventBridge event may be from S3.
enum S3Body {
    Notification(S3Notification),
    Test,
}

impl S3Body {
    fn parse(body: &str) -> Option<Self> {
        if let Ok(notification) = serde_json::from_str::<S3Notification>(body) {
            // `{"Records":[]}` tells of nothing: not an S3 notification.
            return (!notification.records.is_empty())
                .then_some(S3Body::Notification(notification));
        }
        serde_json::from_str::<S3TestEvent>(body)
            .ok()
            .filter(S3TestEvent::is_test)
            .map(|_| S3Body::Test)
    }
}

impl<T: ConfigTable, O: ObjectReader, Q: DeadLetters, R: Redelivery> Ingest<T, O, Q, R> {
    /// Best effort: if the delay cannot be set, the queue's own visibility timeout applies.
    async fn back_off(&self, message: &SqsMessage) {
        let (Some(redelivery), Some(arn), Some(receipt)) = (
            self.redelivery(),
            message.event_source_arn.as_deref(),
            message.receipt_handle.as_deref(),
        ) else {
            return;
        };
        let receive = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let seconds = redelivery_delay(receive);
        if let Err(e) = redelivery.delay(arn, receipt, seconds).await {
            tracing::warn!(error = %e, seconds, "ingest: could not delay the redelivery; the queue's visibility timeout applies");
        }
    }
}
