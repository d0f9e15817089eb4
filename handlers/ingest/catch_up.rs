//! Catch-up files (DESIGN.md step 17, "Catch-up files"): a scheduled AppFlow flow copies every
//! `Config_Request__c` still without a status into the inbound bucket under `SWEEP_PREFIX`;
//! S3 tells the ingest queue, and `ingest` applies what the event path never delivered.
//!
//! The queue message is an S3 event notification (`Records[]`, `eventSource` `aws:s3`), or
//! S3's `s3:TestEvent` when the notification is configured. The object is what AppFlow writes
//! for an S3 destination in JSON format: JSON Lines, one record per line, keyed by field API
//! name (tests/fixtures/appflow-sweep.jsonl names its sources).

use chrono::{DateTime, Duration, Utc};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use serde_json::Value;
use tracing::{info, warn};

use super::event::{names, Detail};
use super::validate::{self, parse_instant, Identity, Invalid};
use super::{duplicate, object_error, Ingest, Outcome, Response};
use crate::error::{ErrorType, HandlerError};
use crate::metrics::{self, Ingest as Metric};
use crate::ports::{ConfigTable, DeadLetters, ObjectReader, Redelivery};

/// "The file is read in a bounded way (at most 32 MiB)."
pub const MAX_SWEEP_BYTES: u64 = 32 * 1024 * 1024;
/// The catch-up's event id for a record: stable, so a file delivered twice is a duplicate.
pub const EVENT_ID_PREFIX: &str = "sweep-";
/// A file stops this long before the invocation's deadline (a line takes a query and a
/// transaction, each with its own SDK timeouts), so the message is listed for retry instead
/// of the whole batch timing out.
const TIME_IN_HAND: Duration = Duration::seconds(10);

/// An S3 event notification, as S3 sends it to SQS (only what `ingest` reads).
#[derive(Debug, Deserialize)]
pub struct S3Notification {
    #[serde(rename = "Records")]
    pub records: Vec<S3Record>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Record {
    #[serde(default)]
    pub event_source: String,
    #[serde(default)]
    pub event_name: String,
    pub s3: S3Entity,
}

#[derive(Debug, Deserialize)]
pub struct S3Entity {
    pub bucket: S3Bucket,
    pub object: S3Object,
}

#[derive(Debug, Deserialize)]
pub struct S3Bucket {
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct S3Object {
    /// URL-encoded as in an HTML form (a space is `+`): see `object_key`.
    pub key: String,
}

/// S3's test message, sent once when a notification configuration is saved.
#[derive(Debug, Deserialize)]
pub struct S3TestEvent {
    #[serde(rename = "Event")]
    pub event: String,
}

impl S3TestEvent {
    pub fn is_test(&self) -> bool {
        self.event == "s3:TestEvent"
    }
}

impl S3Record {
    /// An object-created notification from S3 (`ObjectCreated:Put`, `:CompleteMultipartUpload`...).
    pub fn is_object_created(&self) -> bool {
        self.event_source == "aws:s3" && self.event_name.starts_with("ObjectCreated:")
    }

    /// The object key, decoded: S3 URL-encodes keys in notifications the way HTML forms do
    /// (a space arrives as `+`, a plus as `%2B`). `None` for a key that does not decode.
    pub fn object_key(&self) -> Option<String> {
        let spaced = self.s3.object.key.replace('+', " ");
        percent_decode_str(&spaced)
            .decode_utf8()
            .ok()
            .map(|k| k.into_owned())
    }
}

/// One line of a catch-up file, ready to be handled like an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The record as an event detail: `Id` as `Record_Id__c`, `sweep-<Id>` as `EventUuid`;
    /// `CreatedDate` (the event time) is already a field of that name.
    pub detail: Detail,
    pub identity: Identity,
    /// When the user saved the request: the event time, and what the grace period is
    /// measured from.
    pub created: DateTime<Utc>,
}

impl Line {
    /// Whether the event path still has time to deliver it: created less than `grace` ago.
    pub fn is_recent(&self, now: DateTime<Utc>, grace: Duration) -> bool {
        self.created > now - grace
    }
}

/// A line that cannot be used: why, and its record when that much could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub record_id: Option<String>,
    pub reason: String,
}

/// Reads one line (without its line break).
pub fn read_line(text: &[u8]) -> Result<Line, Unreadable> {
    let unreadable = |record_id: Option<&str>, reason: String| Unreadable {
        record_id: record_id.map(|id| crate::text::truncate(id, 40)),
        reason,
    };
    let value: Value = serde_json::from_slice(text)
        .map_err(|e| unreadable(None, format!("the line is not JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(unreadable(None, "the line is not a JSON object".into()));
    };
    let id = match fields.remove("Id") {
        Some(Value::String(id)) => id.trim().to_string(),
        Some(other) => {
            return Err(unreadable(
                None,
                format!("Id is {}, not text", super::event::kind(&other)),
            ))
        }
        None => return Err(unreadable(None, "the line has no Id".into())),
    };
    let created = match fields.get(names::CREATED_DATE) {
        Some(Value::String(t)) => parse_instant(t.trim()).ok_or_else(|| {
            unreadable(Some(&id), format!("CreatedDate {t:?} is not a timestamp"))
        })?,
        Some(other) => {
            return Err(unreadable(
                Some(&id),
                format!(
                    "CreatedDate is {}, not a timestamp",
                    super::event::kind(other)
                ),
            ))
        }
        None => return Err(unreadable(Some(&id), "the line has no CreatedDate".into())),
    };
    fields.insert(names::RECORD_ID.into(), Value::String(id.clone()));
    fields.insert(
        names::EVENT_UUID.into(),
        Value::String(format!("{EVENT_ID_PREFIX}{id}")),
    );
    let detail: Detail = serde_json::from_value(Value::Object(fields))
        .map_err(|e| unreadable(Some(&id), format!("the line is not a change request: {e}")))?;
    // The same rule as an event's Record_Id__c.
    let identity = validate::identify(&detail, None).map_err(|e| unreadable(None, e.message))?;
    Ok(Line {
        detail,
        identity,
        created,
    })
}

/// The lines of a file with their 1-based numbers, without blank ones (a trailing newline, a
/// CRLF file).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
}

/// Where a notification points, once it is known to be a catch-up file.
struct SweepObject {
    bucket: String,
    key: String,
}

/// What one file's lines came to, for its summary line in the log.
#[derive(Debug, Default)]
struct Tally {
    caught_up: u32,
    duplicate: u32,
    recent: u32,
    skipped: u32,
}

impl<T: ConfigTable, O: ObjectReader, Q: DeadLetters, R: Redelivery> Ingest<T, O, Q, R> {
    /// One S3 notification from the ingest queue: every catch-up file it names. A record that
    /// does not name an object created under `SWEEP_PREFIX` in `LARGE_EVENT_BUCKET` makes the
    /// message never-reportable (`Rejected`: nothing of it is read); a transient failure, or
    /// the invocation's `deadline` coming near, makes it retried, which is safe: what was
    /// applied is a duplicate the second time.
    pub async fn catch_up(
        &self,
        notification: S3Notification,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<(), HandlerError> {
        let objects = notification
            .records
            .iter()
            .map(|record| self.sweep_object(record))
            .collect::<Result<Vec<_>, _>>()?;
        for object in objects {
            self.catch_up_file(&object, now, deadline).await?;
        }
        Ok(())
    }

    fn sweep_object(&self, record: &S3Record) -> Result<SweepObject, HandlerError> {
        let bucket = &record.s3.bucket.name;
        if !record.is_object_created() {
            return Err(HandlerError::rejected(format!(
                "S3 notification {:?} from {:?} is not an object creation",
                record.event_name, record.event_source
            )));
        }
        let key = record.object_key().ok_or_else(|| {
            HandlerError::rejected(format!(
                "S3 notification key {:?} does not decode",
                record.s3.object.key
            ))
        })?;
        let settings = &self.settings;
        if *bucket != settings.large_event_bucket || !key.starts_with(&settings.sweep_prefix) {
            return Err(HandlerError::rejected(format!(
                "S3 notification for s3://{bucket}/{key}: catch-up files are read only under {:?} in {:?}",
                settings.sweep_prefix, settings.large_event_bucket
            )));
        }
        Ok(SweepObject {
            bucket: bucket.clone(),
            key,
        })
    }

    /// Every line of one file. A line that cannot be read, or whose outcome cannot be
    /// written for a reason that is not transient, is logged and the others go on (the file
    /// is retried at the end in the second case); a transient failure or the deadline stops
    /// the file at once, to be retried.
    async fn catch_up_file(
        &self,
        file: &SweepObject,
        now: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
    ) -> Result<(), HandlerError> {
        let (bucket, key) = (&file.bucket, &file.key);
        let bytes = self
            .objects
            .get_bounded(bucket, key, MAX_SWEEP_BYTES)
            .await
            .map_err(|e| object_error("reading catch-up file", e))?;
        let grace = Duration::minutes(i64::from(self.settings.sweep_grace_minutes));
        let mut tally = Tally::default();
        let mut failed: Option<HandlerError> = None;
        for (n, text) in lines(&bytes) {
            if deadline.is_some_and(|d| Utc::now() + TIME_IN_HAND > d) {
                return Err(HandlerError::new(
                    ErrorType::Retryable,
                    format!("catch-up s3://{bucket}/{key}: the invocation's time ran out before line {n}; the file is retried, and the lines applied so far are duplicates then"),
                ));
            }
            let line = match read_line(text) {
                Ok(line) => line,
                Err(Unreadable { record_id, reason }) => {
                    warn!(%bucket, %key, line = n, record_id, %reason, "ingest: catch-up line skipped: it cannot be read");
                    metrics::count(Metric::SweepLineSkipped);
                    tally.skipped += 1;
                    continue;
                }
            };
            let record_id = line.identity.record_id.clone();
            if line.is_recent(now, grace) {
                info!(%bucket, %key, line = n, %record_id, created = %line.created, "ingest: catch-up line left for the event path (younger than SWEEP_GRACE_MINUTES)");
                tally.recent += 1;
                continue;
            }
            let response = match self.catch_up_line(line, now).await {
                Ok(response) => response,
                Err(e) => {
                    let e = e.context(format!("catch-up s3://{bucket}/{key} line {n}"));
                    if e.kind == ErrorType::Retryable {
                        return Err(e);
                    }
                    e.log("ingest: catch-up line failed; the other lines go on and the file is retried");
                    failed.get_or_insert(e);
                    continue;
                }
            };
            if response.outcome == Outcome::Duplicate {
                info!(%bucket, %key, line = n, %record_id, "ingest: catch-up line is a duplicate: the record has its outcome");
                tally.duplicate += 1;
            } else {
                warn!(%bucket, %key, line = n, %record_id, event_id = %response.event_id, outcome = ?response.outcome, "ingest: caught up a request the event path had lost");
                metrics::count(Metric::CaughtUp);
                tally.caught_up += 1;
            }
        }
        info!(%bucket, %key, bytes = bytes.len(), caught_up = tally.caught_up, duplicate = tally.duplicate, recent = tally.recent, skipped = tally.skipped, "ingest: catch-up file read");
        failed.map_or(Ok(()), Err)
    }

    /// One readable line old enough to be the catch-up's: handled like an event, unless the
    /// record has an outcome already (a claim, or a request item from before claims existed),
    /// or it is too old to be ordered safely.
    async fn catch_up_line(
        &self,
        line: Line,
        now: DateTime<Utc>,
    ) -> Result<Response, HandlerError> {
        let Line {
            detail,
            identity,
            created,
        } = line;
        if self.handled_before(&identity).await? {
            let response = duplicate(identity);
            metrics::count(response.outcome.metric());
            return Ok(response);
        }
        let oldest = now - Duration::days(i64::from(self.max_catch_up_days()));
        let response = match validate::validate(&detail, Some(created)) {
            Ok(change) if created < oldest => {
                let problem = format!(
                    "It was saved on {}, more than {} days ago, and its event never arrived: the catch-up does not apply a change that old, because the later changes it must be ordered against (a deletion's tombstone) may have expired. Submit a new request if it is still wanted.",
                    created.format("%Y-%m-%d"),
                    self.max_catch_up_days()
                );
                self.record_invalid(identity, Invalid::of(&change, problem), now)
                    .await?
            }
            Ok(change) => self.apply(identity, change, now).await?,
            Err(invalid) => self.record_invalid(identity, invalid, now).await?,
        };
        metrics::count(response.outcome.metric());
        Ok(response)
    }

    /// Whether the record has any request item. Records handled before claims existed may
    /// carry the 15-character form of the Id AppFlow writes as 18 characters: both are asked.
    async fn handled_before(&self, identity: &Identity) -> Result<bool, HandlerError> {
        let id = &identity.record_id;
        let asked = |id: String| async move {
            self.table
                .has_requests(&id)
                .await
                .map_err(|e| HandlerError::from(e).about(&identity.ids(None)))
        };
        if asked(id.clone()).await? {
            return Ok(true);
        }
        match id.get(..15) {
            Some(short) if id.len() == 18 => asked(short.to_string()).await,
            _ => Ok(false),
        }
    }

    /// A catch-up line older than this many days is recorded `Fail`, not applied: the shorter
    /// of the two retentions (tombstones, request items and their claims), less a day.
    fn max_catch_up_days(&self) -> u32 {
        let s = &self.settings;
        s.tombstone_ttl_days
            .min(s.request_ttl_days)
            .saturating_sub(1)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/appflow-sweep.jsonl");

    #[test]
    fn every_line_of_appflows_file_reads_as_a_change_request() {
        let lines: Vec<Line> = lines(FIXTURE.as_bytes())
            .map(|(n, l)| read_line(l).unwrap_or_else(|e| panic!("line {n}: {e:?}")))
            .collect();
        assert_eq!(lines.len(), 3);
        let first = &lines[0];
        assert_eq!(first.identity.record_id, "a0B5g00000SweepAAA");
        assert_eq!(first.identity.event_id, "sweep-a0B5g00000SweepAAA");
        assert_eq!(
            first.detail.get(names::RECORD_ID),
            Some(&Value::String("a0B5g00000SweepAAA".into()))
        );
        assert_eq!(
            first.detail.get(names::EVENT_UUID),
            Some(&Value::String("sweep-a0B5g00000SweepAAA".into()))
        );
        assert_eq!(
            first.detail.get(names::REGION),
            Some(&Value::String("emea-uk".into()))
        );
        // Salesforce's own `+0000` form, as the REST API writes it.
        assert_eq!(first.created.to_rfc3339(), "2026-11-30T08:00:00+00:00");
    }

    #[test]
    fn a_line_without_a_usable_id_or_created_date_is_refused_with_the_reason() {
        for (line, reason) in [
            (r#"not json"#, "not JSON"),
            (r#"["a"]"#, "not a JSON object"),
            (r#"{"CreatedDate":"2026-11-30T08:00:00Z"}"#, "no Id"),
            (
                r#"{"Id":"short","CreatedDate":"2026-11-30T08:00:00Z"}"#,
                "not a 15- or 18-character",
            ),
            (
                r#"{"Id":15,"CreatedDate":"2026-11-30T08:00:00Z"}"#,
                "Id is a number",
            ),
            (r#"{"Id":"a0B5g00000SweepAAA"}"#, "no CreatedDate"),
            (
                r#"{"Id":"a0B5g00000SweepAAA","CreatedDate":"yesterday"}"#,
                "not a timestamp",
            ),
            (
                r#"{"Id":"a0B5g00000SweepAAA","CreatedDate":null}"#,
                "CreatedDate is null",
            ),
        ] {
            let error = read_line(line.as_bytes()).expect_err(line);
            assert!(error.reason.contains(reason), "{line}: {error:?}");
        }
        // The record is named whenever its Id could be read, so an operator can find it.
        let error = read_line(br#"{"Id":"a0B5g00000SweepAAA","CreatedDate":"soon"}"#).unwrap_err();
        assert_eq!(error.record_id.as_deref(), Some("a0B5g00000SweepAAA"));
    }

    #[test]
    fn the_id_is_the_record_and_the_event_id_whatever_else_the_line_says() {
        let line = read_line(
            br#"{"Id":"a0B5g00000SweepAAA","CreatedDate":"2026-11-30T08:00:00Z","Record_Id__c":"a0B5g00000OtherAAA","EventUuid":"x"}"#,
        )
        .unwrap();
        assert_eq!(
            line.detail.get(names::RECORD_ID),
            Some(&Value::String("a0B5g00000SweepAAA".into()))
        );
        assert_eq!(
            line.detail.get(names::EVENT_UUID),
            Some(&Value::String("sweep-a0B5g00000SweepAAA".into()))
        );
    }

    #[test]
    fn the_grace_period_counts_from_the_records_creation() {
        let line =
            read_line(br#"{"Id":"a0B5g00000SweepAAA","CreatedDate":"2026-11-30T08:00:00Z"}"#)
                .unwrap();
        let grace = Duration::minutes(10);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert!(line.is_recent(at("2026-11-30T08:09:59Z"), grace));
        assert!(!line.is_recent(at("2026-11-30T08:10:00Z"), grace));
    }

    #[test]
    fn blank_lines_and_crlf_endings_are_not_lines() {
        let file = b"{\"a\":1}\r\n\r\n  \n{\"b\":2}\n";
        let got: Vec<(usize, &[u8])> = lines(file).collect();
        assert_eq!(got, vec![(1, &b"{\"a\":1}"[..]), (4, &b"{\"b\":2}"[..])]);
    }

    #[test]
    fn notification_keys_decode_as_s3_encodes_them() {
        let record: S3Record = serde_json::from_str(
            r#"{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"sweep/flow/run+1/a%2Bb%C3%A9.json"}}}"#,
        )
        .unwrap();
        assert!(record.is_object_created());
        assert_eq!(
            record.object_key().unwrap(),
            "sweep/flow/run 1/a+b\u{e9}.json"
        );
    }
}
