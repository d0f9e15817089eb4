//! `ingest` (steps 3-4): validates a `Config_Change__e` event from the partner bus and, in one
//! DynamoDB transaction, applies it to the config item and records the request's outcome.
//!
//! Events arrive through the ingest queue (an SQS batch, `queue`) or, for tests and manual
//! replays, as one EventBridge event invoked directly. Every event with a usable
//! `Record_Id__c` ends with exactly one request item, `Success` or `Fail`. An event without one
//! cannot be reported to Salesforce: it is `Rejected`, and goes whole, with the reason, to the
//! dead-letter queue an alarm watches. Transient AWS failures are `Retryable`; the transaction
//! guarantees nothing was half-applied, so a retried event is applied once or is a duplicate.

pub mod catch_up;
pub mod event;
pub mod pointer;
pub mod queue;
pub mod validate;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::{DateTime, Utc};
use lambda_runtime::{service_fn, LambdaEvent};
use serde::Serialize;
use tracing::info;

use crate::adapters::dynamodb::DynamoTable;
use crate::adapters::s3::S3Objects;
use crate::adapters::sqs::{SqsDeadLetters, SqsRedelivery};
use crate::config::{ConfigError, Env};
use crate::error::{ErrorType, HandlerError, Ids};
use crate::metrics::{self, Ingest as Metric};
use crate::model::{self, Action, ConfigItem, ConfigType, RequestItem, Status};
use crate::ports::{
    ApplyOutcome, ConfigTable, DeadLetters, ObjectError, ObjectReader, PortError, RecordOutcome,
    Redelivery,
};
use crate::text::truncate;
pub use event::Detail;
use validate::{Change, Identity, Invalid};

/// Salesforce platform events are at most 1 MB; AppFlow's object adds little around one.
pub const MAX_POINTER_BYTES: u64 = 2 * 1024 * 1024;
/// Where catch-up files arrive unless `SWEEP_PREFIX` says otherwise.
pub const DEFAULT_SWEEP_PREFIX: &str = "sweep/";
/// Request messages land in a Salesforce text field and an email; keep them readable.
pub const MAX_OUTCOME_MESSAGE_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `CONFIG_TABLE`
    pub table: String,
    /// `LARGE_EVENT_BUCKET`: the only bucket a payload pointer may name.
    pub large_event_bucket: String,
    /// `REQUEST_RETENTION_DAYS` (default 90): `ttl` of request items.
    pub request_ttl_days: u32,
    /// `TOMBSTONE_RETENTION_DAYS` (default 30): `ttl` of DELETE tombstones, far longer than
    /// any upstream redelivery window.
    pub tombstone_ttl_days: u32,
    /// `DEAD_LETTER_QUEUE_URL` (optional): where a queued event that can never be reported
    /// goes at once. Without it, such a message is reported as a batch-item failure and the
    /// queue's redrive policy moves it to the dead-letter queue after its receives.
    pub dead_letter_queue_url: Option<String>,
    /// `SWEEP_PREFIX` (default `sweep/`): where in `LARGE_EVENT_BUCKET` catch-up files arrive.
    pub sweep_prefix: String,
    /// `SWEEP_GRACE_MINUTES` (default 10): how old a request must be before the catch-up
    /// applies it; a younger one is left for the event path.
    pub sweep_grace_minutes: u32,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: env.required("CONFIG_TABLE")?,
            large_event_bucket: env.required("LARGE_EVENT_BUCKET")?,
            request_ttl_days: env.positive("REQUEST_RETENTION_DAYS", 90)?,
            tombstone_ttl_days: env.positive("TOMBSTONE_RETENTION_DAYS", 30)?,
            dead_letter_queue_url: env.optional("DEAD_LETTER_QUEUE_URL"),
            sweep_prefix: env
                .optional("SWEEP_PREFIX")
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| DEFAULT_SWEEP_PREFIX.to_string()),
            sweep_grace_minutes: env.positive("SWEEP_GRACE_MINUTES", 10)?,
        })
    }
}

/// What happened to an event; the function's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Config changed; request recorded `Success`.
    Applied,
    /// Failed validation; request recorded `Fail`.
    Invalid,
    /// Older than what the item holds; request recorded `Fail`.
    Superseded,
    /// Seen before; nothing written.
    Duplicate,
}

impl Outcome {
    pub fn metric(self) -> Metric {
        match self {
            Outcome::Applied => Metric::Applied,
            Outcome::Invalid => Metric::Invalid,
            Outcome::Superseded => Metric::Superseded,
            Outcome::Duplicate => Metric::Duplicate,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub record_id: String,
    pub event_id: String,
    pub outcome: Outcome,
    /// The status recorded for this event (for a duplicate: nothing new was recorded).
    pub status: Option<Status>,
    pub message: String,
}

/// The dead-letter queue's type when there is none (`DEAD_LETTER_QUEUE_URL` unset).
pub struct NoDeadLetters;

impl DeadLetters for NoDeadLetters {
    async fn send(&self, _body: &str, _reason: &str) -> Result<(), PortError> {
        Err(PortError::Permanent(
            "no dead-letter queue is configured".into(),
        ))
    }
}

/// The redelivery port's type when there is none (tests of the direct path).
pub struct NoRedelivery;

impl Redelivery for NoRedelivery {
    async fn delay(&self, _arn: &str, _receipt: &str, _seconds: i32) -> Result<(), PortError> {
        Ok(())
    }
}

pub struct Ingest<T, O, Q = NoDeadLetters, R = NoRedelivery> {
    table: T,
    objects: O,
    dead_letters: Option<Q>,
    redelivery: Option<R>,
    settings: Settings,
}

impl<T, O> Ingest<T, O> {
    pub fn new(table: T, objects: O, settings: Settings) -> Self {
        Self {
            table,
            objects,
            dead_letters: None,
            redelivery: None,
            settings,
        }
    }
}

impl<T, O, Q, R> Ingest<T, O, Q, R> {
    /// Never-reportable queued events go to `queue` at once, with their reason.
    pub fn with_dead_letters<Q2>(self, queue: Option<Q2>) -> Ingest<T, O, Q2, R> {
        Ingest {
            table: self.table,
            objects: self.objects,
            dead_letters: queue,
            redelivery: self.redelivery,
            settings: self.settings,
        }
    }

    /// Messages listed for retry come back after a delay that grows with their receives.
    pub fn with_redelivery<R2>(self, redelivery: Option<R2>) -> Ingest<T, O, Q, R2> {
        Ingest {
            table: self.table,
            objects: self.objects,
            dead_letters: self.dead_letters,
            redelivery,
            settings: self.settings,
        }
    }

    pub fn dead_letters(&self) -> Option<&Q> {
        self.dead_letters.as_ref()
    }

    pub fn redelivery(&self) -> Option<&R> {
        self.redelivery.as_ref()
    }
}

impl<T: ConfigTable, O: ObjectReader, Q: DeadLetters, R: Redelivery> Ingest<T, O, Q, R> {
    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn table(&self) -> &T {
        &self.table
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn objects(&self) -> &O {
        &self.objects
    }

    /// One event: its outcome, or an error carrying the ids it concerns (not yet logged: the
    /// caller answers with it, and logs it once). Counts the outcome, or `Rejected`.
    pub async fn handle(
        &self,
        event: EventBridgeEvent<Detail>,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        let result = self.handle_event(event, now).await;
        match &result {
            Ok(response) => metrics::count(response.outcome.metric()),
            Err(e) if e.kind == ErrorType::Rejected => metrics::count(Metric::Rejected),
            Err(_) => {}
        }
        result
    }

    /// One event invoked directly: the outcome as a normal response, or the error (logged
    /// once, counted as `Retried`: Lambda's caller retries or gives up).
    pub async fn handle_direct(
        &self,
        event: EventBridgeEvent<Detail>,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        self.handle(event, now).await.inspect_err(|e| {
            e.log("ingest: answered with an error");
            metrics::count(Metric::Retried);
        })
    }

    async fn handle_event(
        &self,
        event: EventBridgeEvent<Detail>,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        let envelope_id = event.id.as_deref();
        // Until the record id is known, an error is about the EventBridge event.
        let about_envelope = |e: HandlerError| {
            e.about(&Ids {
                event_id: event.id.clone(),
                ..Ids::default()
            })
        };
        let detail = self
            .resolve_pointer(event.detail, envelope_id)
            .await
            .map_err(about_envelope)?;
        let identity = validate::identify(&detail, envelope_id).map_err(about_envelope)?;
        self.decide(identity, &detail, event.time, now).await
    }

    /// Validates an identified change and applies it, or records why not. From here, a store
    /// failure carries the record's ids (attached where it happens).
    async fn decide(
        &self,
        identity: Identity,
        detail: &Detail,
        event_time: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        match validate::validate(detail, event_time) {
            Ok(change) => self.apply(identity, change, now).await,
            Err(invalid) => self.record_invalid(identity, invalid, now).await,
        }
    }

    /// Follows an AppFlow payload pointer, only into the large-event bucket.
    async fn resolve_pointer(
        &self,
        detail: Detail,
        envelope_id: Option<&str>,
    ) -> Result<Detail, HandlerError> {
        if let Some(kind) = detail.not_an_object {
            return Err(HandlerError::rejected(format!(
                "the event detail is {kind}, not a JSON object"
            )));
        }
        let Some(location) = pointer::find(&detail) else {
            return Ok(detail);
        };
        let reject = HandlerError::rejected;
        if location.bucket != self.settings.large_event_bucket {
            return Err(reject(format!(
                "payload pointer names bucket {:?}; only the large-event bucket {:?} is read",
                location.bucket, self.settings.large_event_bucket
            )));
        }
        let bytes = self
            .objects
            .get_bounded(&location.bucket, &location.key, MAX_POINTER_BYTES)
            .await
            .map_err(|e| object_error("reading payload", e))?;
        let payload: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            reject(format!(
                "payload s3://{}/{} is not JSON: {e}",
                location.bucket, location.key
            ))
        })?;
        // The object holds either the whole event or just its detail.
        let inner = match payload {
            serde_json::Value::Object(mut map)
                if map.get("detail").is_some_and(|d| d.is_object()) =>
            {
                map.remove("detail").unwrap_or_default()
            }
            other => other,
        };
        let detail: Detail = serde_json::from_value(inner)
            .map_err(|e| reject(format!("payload is not an event detail: {e}")))?;
        if detail.not_an_object.is_some() || pointer::find(&detail).is_some() {
            return Err(reject(format!(
                "payload s3://{}/{} is not a change request",
                location.bucket, location.key
            )));
        }
        info!(eventbridge_id = envelope_id, bucket = %location.bucket, key = %location.key, bytes = bytes.len(), "ingest: read payload pointer");
        Ok(detail)
    }

    async fn apply(
        &self,
        id: Identity,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        let config = self.config_item(&id, &change, now);
        let success = success_message(&change);
        let request = self.request_item(
            &id,
            Status::Success,
            success.clone(),
            Described::from(&change),
            now,
        );
        match self
            .table
            .apply_change(&config, &request)
            .await
            .map_err(|e| HandlerError::from(e).about(&id.ids(Some(&change.region))))?
        {
            ApplyOutcome::Applied => {
                log_outcome(&id, &change.region, Outcome::Applied, &success);
                Ok(response(
                    id,
                    Outcome::Applied,
                    Some(Status::Success),
                    success,
                ))
            }
            ApplyOutcome::Duplicate => Ok(duplicate(id)),
            ApplyOutcome::Superseded => {
                let message = format!(
                    "Not applied (superseded): a newer change to {} for region {} is already in place. Submit a new request if this value is still wanted.",
                    subject(change.config_type, &change.config_key),
                    change.region
                );
                let request =
                    self.request_item(&id, Status::Fail, message, Described::from(&change), now);
                self.record(id, &change.region, request, Outcome::Superseded)
                    .await
            }
        }
    }

    async fn record_invalid(
        &self,
        id: Identity,
        invalid: Invalid,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        let message = truncate(
            &format!("Request not applied: {}", invalid.problems.join(" ")),
            MAX_OUTCOME_MESSAGE_CHARS,
        );
        let region = invalid.region.clone().unwrap_or_default();
        let request = self.request_item(&id, Status::Fail, message, Described::from(&invalid), now);
        self.record(id, &region, request, Outcome::Invalid).await
    }

    async fn record(
        &self,
        id: Identity,
        region: &str,
        request: RequestItem,
        outcome: Outcome,
    ) -> Result<Response, HandlerError> {
        match self.table.record_request(&request).await.map_err(|e| {
            HandlerError::from(e).about(&id.ids(Some(region).filter(|r| !r.is_empty())))
        })? {
            RecordOutcome::Recorded => {
                log_outcome(&id, region, outcome, &request.message);
                Ok(response(id, outcome, Some(request.status), request.message))
            }
            RecordOutcome::Duplicate => Ok(duplicate(id)),
        }
    }

    fn config_item(&self, id: &Identity, change: &Change, now: DateTime<Utc>) -> ConfigItem {
        let tombstone = change.action == Action::Delete;
        ConfigItem {
            pk: model::region_pk(&change.region),
            sk: model::config_sk(change.config_type, &change.config_key),
            name: change.name.clone(),
            message: change.message.clone(),
            open: change.open.clone(),
            close: change.close.clone(),
            tz: change.tz.clone(),
            record_id: id.record_id.clone(),
            event_id: id.event_id.clone(),
            event_time: model::canonical_time(change.event_time),
            requested_by: change.requested_by.clone(),
            updated_at: model::stamp(now),
            deleted: tombstone.then_some(true),
            ttl: tombstone.then(|| model::ttl_after(now, self.settings.tombstone_ttl_days)),
        }
    }

    fn request_item(
        &self,
        id: &Identity,
        status: Status,
        message: String,
        what: Described,
        now: DateTime<Utc>,
    ) -> RequestItem {
        RequestItem {
            pk: model::request_pk(&id.record_id),
            sk: model::request_sk(&id.event_id),
            record_id: id.record_id.clone(),
            event_id: id.event_id.clone(),
            action: what.action,
            region: what.region,
            config_type: what.config_type,
            config_key: what.config_key,
            status,
            message,
            processed_at: model::stamp(now),
            requested_by: what.requested_by,
            ttl: model::ttl_after(now, self.settings.request_ttl_days),
        }
    }
}

/// What a request was about, as far as it is known.
struct Described {
    action: Option<Action>,
    region: Option<String>,
    config_type: Option<ConfigType>,
    config_key: Option<String>,
    requested_by: Option<String>,
}

impl From<&Change> for Described {
    fn from(c: &Change) -> Self {
        Described {
            action: Some(c.action),
            region: Some(c.region.clone()),
            config_type: Some(c.config_type),
            config_key: Some(c.config_key.clone()),
            requested_by: c.requested_by.clone(),
        }
    }
}

impl From<&Invalid> for Described {
    fn from(i: &Invalid) -> Self {
        Described {
            action: i.action,
            region: i.region.clone(),
            config_type: i.config_type,
            config_key: i.config_key.clone(),
            requested_by: i.requested_by.clone(),
        }
    }
}

fn subject(config_type: ConfigType, key: &str) -> String {
    match config_type {
        ConfigType::Holiday => format!("the holiday on {key}"),
        ConfigType::Hours => format!("the opening hours for {key}"),
        ConfigType::Timezone => "the time zone".to_string(),
    }
}

fn success_message(c: &Change) -> String {
    let r = &c.region;
    let k = &c.config_key;
    let unset = String::new();
    match (c.action, c.config_type) {
        (Action::Add, ConfigType::Holiday) => format!(
            // Quoted plainly: Debug quoting would write backslash escapes into Salesforce
            // and the email.
            "Holiday \"{}\" on {k} added for region {r}.",
            c.name.as_ref().unwrap_or(&unset)
        ),
        (Action::Add, ConfigType::Hours) => format!(
            "Opening hours for {k} set to {}-{} for region {r}.",
            c.open.as_ref().unwrap_or(&unset),
            c.close.as_ref().unwrap_or(&unset)
        ),
        (Action::Add, ConfigType::Timezone) => format!(
            "Time zone set to {} for region {r}.",
            c.tz.as_ref().unwrap_or(&unset)
        ),
        (Action::Delete, ConfigType::Holiday) => {
            format!("Holiday on {k} removed for region {r}.")
        }
        (Action::Delete, ConfigType::Hours) => {
            format!("Opening hours for {k} removed for region {r}; the region is closed that day.")
        }
        (Action::Delete, ConfigType::Timezone) => {
            format!("Time zone removed for region {r}; UTC applies.")
        }
    }
}

/// An object store failure as the handler's error: a missing or oversized object can never be
/// read (`Rejected`), an outage is retried.
fn object_error(reading: &str, e: ObjectError) -> HandlerError {
    match e {
        ObjectError::Transient(text) => {
            HandlerError::new(ErrorType::Retryable, format!("{reading}: {text}"))
        }
        ObjectError::Permanent(text) => {
            HandlerError::new(ErrorType::Internal, format!("{reading}: {text}"))
        }
        e @ (ObjectError::NotFound { .. } | ObjectError::TooLarge { .. }) => {
            HandlerError::rejected(e.to_string())
        }
    }
}

fn response(id: Identity, outcome: Outcome, status: Option<Status>, message: String) -> Response {
    Response {
        record_id: id.record_id,
        event_id: id.event_id,
        outcome,
        status,
        message,
    }
}

fn duplicate(id: Identity) -> Response {
    info!(record_id = %id.record_id, event_id = %id.event_id, outcome = "duplicate", "ingest: already handled, nothing written");
    response(
        id,
        Outcome::Duplicate,
        None,
        "Already handled; nothing changed.".to_string(),
    )
}

fn log_outcome(id: &Identity, region: &str, outcome: Outcome, message: &str) {
    info!(record_id = %id.record_id, event_id = %id.event_id, region, outcome = ?outcome, detail = message, "ingest: recorded");
}

/// The Lambda entry point: configuration and clients once, then the runtime loop.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let settings = Settings::from_env(&Env::process())?;
    let sdk = crate::aws::load(crate::aws::timeouts()).await;
    let table = DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), settings.table.clone());
    let objects = S3Objects::new(crate::aws::s3_client(&sdk));
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let dead_letters = settings
        .dead_letter_queue_url
        .clone()
        .map(|url| SqsDeadLetters::new(sqs.clone(), url));
    let ingest = Ingest::new(table, objects, settings)
        .with_dead_letters(dead_letters)
        .with_redelivery(Some(SqsRedelivery::new(sqs)));
    let ingest = &ingest;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<queue::Invocation>| async move {
            let deadline = i64::try_from(event.context.deadline)
                .ok()
                .and_then(DateTime::from_timestamp_millis);
            metrics::emitting::<Metric, _>(ingest.invoke(event.payload, Utc::now(), deadline)).await
        },
    ))
    .await
}
