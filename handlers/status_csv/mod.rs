//! `status-csv` (steps 5-7): for every request item inserted into the table, one CSV object in
//! the status bucket, which the scheduled AppFlow flow upserts onto `Config_Request__c`.
//! Deterministic: a replayed stream record rewrites the same key with the same bytes.

pub mod csv_file;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use lambda_runtime::{service_fn, LambdaEvent};
use tracing::info;

use crate::adapters::s3::S3Objects;
use crate::config::{ConfigError, Env};
use crate::error::HandlerError;
use crate::metrics::{self, StatusCsv as Metric};
use crate::model::RequestItem;
use crate::ports::ObjectWriter;
use crate::stream::{for_each_inserted_request, RecordError};

pub const CONTENT_TYPE: &str = "text/csv; charset=utf-8";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `STATUS_BUCKET`
    pub bucket: String,
    /// `STATUS_PREFIX` (default `status/`): the folder the AppFlow flow reads.
    pub prefix: String,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            bucket: env.required("STATUS_BUCKET")?,
            prefix: env
                .optional("STATUS_PREFIX")
                .unwrap_or_else(|| "status/".to_string()),
        })
    }
}

pub struct StatusCsv<W> {
    objects: W,
    settings: Settings,
}

impl<W: ObjectWriter> StatusCsv<W> {
    pub fn new(objects: W, settings: Settings) -> Self {
        Self { objects, settings }
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn objects(&self) -> &W {
        &self.objects
    }

    pub async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, HandlerError> {
        Ok(for_each_inserted_request(
            Metric::RecordSkipped,
            Metric::RecordRetried,
            event,
            |request| self.write(request),
        )
        .await)
    }

    async fn write(&self, request: RequestItem) -> Result<(), RecordError> {
        let key =
            csv_file::object_key(&self.settings.prefix, &request).map_err(RecordError::Skip)?;
        let body = csv_file::render(&request).map_err(RecordError::Skip)?;
        self.objects
            .put_object(&self.settings.bucket, &key, body, CONTENT_TYPE)
            .await
            // Every put failure is retried, permanent ones too (access denied, missing bucket):
            // that is a deployment problem, and retrying keeps the user's status until it is
            // fixed or the record ages out to the on-failure queue, instead of dropping it.
            .map_err(|e| RecordError::Retry(e.to_string()))?;
        metrics::count(Metric::CsvWritten);
        info!(record_id = %request.record_id, event_id = %request.event_id, status = request.status.as_str(), bucket = %self.settings.bucket, %key, "status-csv: wrote status");
        Ok(())
    }
}

/// The Lambda entry point.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let settings = Settings::from_env(&Env::process())?;
    let sdk = crate::aws::load(crate::aws::timeouts()).await;
    let handler = StatusCsv::new(S3Objects::new(crate::aws::s3_client(&sdk)), settings);
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        metrics::emitting::<Metric, _>(handler.handle(event.payload)).await
    }))
    .await
}
