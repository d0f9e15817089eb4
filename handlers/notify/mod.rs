//! `notify` (steps 10-11): one SNS message per request outcome, for the email subscriptions.
//!
//! Dedupe: before publishing, a marker (`NOTIFY#<record_id>` / `EVENT#<event_id>`) is claimed
//! in the table; after, it is marked `sent`. A replayed stream record finds it `sent` and sends
//! nothing. If a publish fails the marker stays `sending`, so the retry sends. Markers carry a
//! `ttl` well beyond the stream's 24-hour retention, and the stream handlers skip them, so
//! they cannot loop through the stream.

pub mod message;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use chrono::{DateTime, Utc};
use lambda_runtime::{service_fn, LambdaEvent};
use tracing::{info, warn};

use crate::adapters::dynamodb::DynamoTable;
use crate::adapters::sns::SnsTopic;
use crate::config::{ConfigError, Env};
use crate::error::HandlerError;
use crate::metrics::{self, Notify as Metric};
use crate::model::{self, MarkerState, NotifyMarker, RequestItem};
use crate::ports::{ClaimOutcome, NotifyLedger, Topic};
use crate::stream::{for_each_inserted_request, RecordError};

/// Markers outlive any redelivery: the stream keeps records 24 hours.
pub const MARKER_RETENTION_DAYS: u32 = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `CONFIG_TABLE`: where the dedupe markers live.
    pub table: String,
    /// `STATUS_TOPIC_ARN`
    pub topic_arn: String,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: env.required("CONFIG_TABLE")?,
            topic_arn: env.required("STATUS_TOPIC_ARN")?,
        })
    }
}

pub struct Notify<L, T> {
    ledger: L,
    topic: T,
}

impl<L: NotifyLedger, T: Topic> Notify<L, T> {
    pub fn new(ledger: L, topic: T) -> Self {
        Self { ledger, topic }
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn ledger(&self) -> &L {
        &self.ledger
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn topic(&self) -> &T {
        &self.topic
    }

    pub async fn handle(
        &self,
        event: Event,
        now: DateTime<Utc>,
    ) -> Result<DynamoDbEventResponse, HandlerError> {
        let ttl = model::ttl_after(now, MARKER_RETENTION_DAYS);
        Ok(for_each_inserted_request(
            Metric::RecordSkipped,
            Metric::RecordRetried,
            event,
            |request| self.send(request, ttl),
        )
        .await)
    }

    async fn send(&self, request: RequestItem, ttl: i64) -> Result<(), RecordError> {
        let (record_id, event_id) = (request.record_id.as_str(), request.event_id.as_str());
        let marker = NotifyMarker::new(record_id, event_id, MarkerState::Sending, ttl);
        let claim = self
            .ledger
            .claim(&marker)
            .await
            .map_err(|e| RecordError::Retry(format!("claiming the dedupe marker: {e}")))?;
        if claim == ClaimOutcome::AlreadySent {
            metrics::count(Metric::AlreadySent);
            info!(%record_id, %event_id, "notify: already sent, skipped");
            return Ok(());
        }
        let message = message::render(&request);
        self.topic
            .publish(&message)
            .await
            .map_err(|e| RecordError::Retry(format!("publishing: {e}")))?;
        // The message is out. Failing the record now would send it again on the retry, so a
        // failure to mark it is only logged: the marker stays `sending`, and only a later
        // replay of this record could repeat the email.
        if let Err(e) = self.ledger.mark_sent(&marker).await {
            warn!(%record_id, %event_id, error = %e, "notify: sent, but the marker could not be set to sent");
        }
        metrics::count(Metric::Sent);
        info!(%record_id, %event_id, status = request.status.as_str(), region = request.region.as_deref().unwrap_or(""), "notify: sent");
        Ok(())
    }
}

/// The Lambda entry point.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let settings = Settings::from_env(&Env::process())?;
    let sdk = crate::aws::load(crate::aws::timeouts()).await;
    let handler = Notify::new(
        DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), settings.table.clone()),
        SnsTopic::new(aws_sdk_sns::Client::new(&sdk), settings.topic_arn.clone()),
    );
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        metrics::emitting::<Metric, _>(handler.handle(event.payload, Utc::now())).await
    }))
    .await
}
