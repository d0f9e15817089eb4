//! The narrow interfaces the handlers' logic works against. Adapters in `adapters/` implement
//! them for AWS and in memory; the rules (ordering, idempotency) are expressed here so both
//! implementations keep them the same way.

use std::future::Future;

use crate::model::{ConfigItem, ConnectItem, NotifyMarker, RequestItem};

/// A failure talking to a table or a topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Throttling, 5xx, timeouts, network: worth retrying.
    #[error("transient failure: {0}")]
    Transient(String),
    /// The caller's role may not do this. Permanent, except right after a deployment created
    /// the role's policy: IAM takes a few seconds to propagate (flow-guard's activation waits
    /// that out).
    #[error("access denied: {0}")]
    Denied(String),
    /// Anything else (missing table or topic, invalid request).
    #[error("failure: {0}")]
    Permanent(String),
}

impl PortError {
    pub fn is_transient(&self) -> bool {
        matches!(self, PortError::Transient(_))
    }
}

/// What `apply_change` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Config item, request item and the record's claim written together.
    Applied,
    /// The request item already exists (this event was handled before), or the record is
    /// claimed (another event for it was). Nothing changed.
    Duplicate,
    /// The config item already holds a change at or after this one's (`event_time`,
    /// `event_id`). Nothing changed.
    Superseded,
}

/// What `record_request` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    Recorded,
    Duplicate,
}

/// The configuration table, as `ingest` needs it. Every write of a request item also claims
/// its record (`model::RecordClaim`), in one transaction: a record gets one outcome.
pub trait ConfigTable {
    /// In one transaction: write `request` and its record's claim if neither exists, and write
    /// `config` (an item or a tombstone) if the stored item is absent or strictly older in
    /// (`event_time`, `event_id`) order. All are written or none.
    fn apply_change(
        &self,
        config: &ConfigItem,
        request: &RequestItem,
    ) -> impl Future<Output = Result<ApplyOutcome, PortError>> + Send;

    /// Write `request` and its record's claim, if neither exists.
    fn record_request(
        &self,
        request: &RequestItem,
    ) -> impl Future<Output = Result<RecordOutcome, PortError>> + Send;

    /// Whether any request item of the record exists: an outcome recorded before claims
    /// existed has one but no claim (the catch-up asks).
    fn has_requests(&self, record_id: &str)
        -> impl Future<Output = Result<bool, PortError>> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    #[error("object s3://{bucket}/{key} does not exist")]
    NotFound { bucket: String, key: String },
    #[error("object s3://{bucket}/{key} is {size} bytes, more than the {limit} allowed")]
    TooLarge {
        bucket: String,
        key: String,
        size: u64,
        limit: u64,
    },
    #[error("transient object store failure: {0}")]
    Transient(String),
    #[error("object store failure: {0}")]
    Permanent(String),
}

/// Object storage, read side.
pub trait ObjectReader {
    /// The whole object, refusing (without reading it) one larger than `max_bytes`.
    fn get_bounded(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> impl Future<Output = Result<Vec<u8>, ObjectError>> + Send;
}

/// Object storage, write side.
pub trait ObjectWriter {
    /// Writes (or overwrites) one object.
    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> impl Future<Output = Result<(), ObjectError>> + Send;
}

/// Where `ingest` puts an event that can never be reported (the ingest dead-letter queue),
/// whole and with the reason, for an operator alarmed on it.
pub trait DeadLetters {
    /// Sends `body` unchanged, with a String message attribute `reason`.
    fn send(&self, body: &str, reason: &str) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// The ingest queue, for the messages `ingest` lists for retry: how long until the queue
/// delivers one again (backing off, so a few receives span a long outage).
pub trait Redelivery {
    /// Sets the visibility timeout of the received message (`ChangeMessageVisibility`).
    fn delay(
        &self,
        queue_arn: &str,
        receipt_handle: &str,
        seconds: i32,
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// One notification: a subject line, a plain-text body, and string attributes that
/// subscriptions can filter on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
    pub attributes: std::collections::BTreeMap<&'static str, String>,
}

/// A notification topic.
pub trait Topic {
    fn publish(&self, message: &Message) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// What `NotifyLedger::claim` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// Not sent before (or a previous attempt did not finish): send it.
    Claimed,
    /// Already sent: a replayed stream record.
    AlreadySent,
}

/// `notify`'s record of which outcomes it has sent, so a replayed stream record sends nothing.
/// Markers live in the table under their own keys; the stream handlers skip them, so they
/// cannot loop through the stream.
pub trait NotifyLedger {
    /// Writes this `sending` marker unless the outcome is already marked sent.
    fn claim(
        &self,
        marker: &NotifyMarker,
    ) -> impl Future<Output = Result<ClaimOutcome, PortError>> + Send;

    /// Writes the marker again as `sent`.
    fn mark_sent(
        &self,
        marker: &NotifyMarker,
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// A stored item that could not be read as a `ConnectItem` (an attribute of the wrong type):
/// absent for the caller, who says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableItem {
    pub sk: String,
    pub reason: String,
}

/// One item as `ConfigReader` returns it: read, or why not.
pub type ReadItem = Result<ConnectItem, UnreadableItem>;

/// The configuration table, read side only: all `connect-lookup` is given, so its code path
/// cannot write.
pub trait ConfigReader {
    /// The items of one region with these sort keys, in one round trip, each read on its own:
    /// one that cannot be read does not spoil the others. Absent ones are left out; tombstones
    /// are returned as stored: callers decide.
    fn get_config(
        &self,
        region: &str,
        sort_keys: &[String],
    ) -> impl Future<Output = Result<Vec<ReadItem>, PortError>> + Send;
}

/// A borrowed reader reads the same table.
impl<T: ConfigReader + Sync> ConfigReader for &T {
    fn get_config(
        &self,
        region: &str,
        sort_keys: &[String],
    ) -> impl Future<Output = Result<Vec<ReadItem>, PortError>> + Send {
        (**self).get_config(region, sort_keys)
    }
}

/// AppFlow's own flow status (`Active`, `Suspended`, `Errored`, `Draft`, `Deprecated`,
/// `Deleted`, or a value newer than this SDK as `Unknown`): the SDK's enum, not a copy.
pub use aws_sdk_appflow::types::FlowStatus;

/// What DescribeFlow says about a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowState {
    pub status: FlowStatus,
    /// The last run's error message, when the last run failed: evidence for the cause.
    pub last_run_error: Option<String>,
}

impl FlowState {
    pub fn is_active(&self) -> bool {
        self.status == FlowStatus::Active
    }
}

/// AppFlow, as `flow-guard` needs it.
pub trait Flows {
    /// `None` when the flow does not exist.
    fn describe(
        &self,
        flow: &str,
    ) -> impl Future<Output = Result<Option<FlowState>, PortError>> + Send;
    /// Activates a scheduled or event-triggered flow.
    fn start(&self, flow: &str) -> impl Future<Output = Result<(), PortError>> + Send;
    /// Deactivates it.
    fn stop(&self, flow: &str) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// `flow-guard`'s counters, per flow per clock hour, in the table (with `ttl`).
pub trait GuardLedger {
    /// Counts one reactivation if fewer than `max` were counted this hour; `false` when the
    /// cap is reached (nothing counted).
    fn count_reactivation(
        &self,
        flow: &str,
        hour: &str,
        max: u32,
        ttl: i64,
    ) -> impl Future<Output = Result<bool, PortError>> + Send;

    /// `true` the first time a support message of this `kind` is claimed for the flow this
    /// hour, `false` after: one email per cause per hour, however often AppFlow reports it.
    fn claim_alert(
        &self,
        flow: &str,
        hour: &str,
        kind: &str,
        ttl: i64,
    ) -> impl Future<Output = Result<bool, PortError>> + Send;

    /// Gives a claim back when its message could not be sent, so a retry can send it.
    fn release_alert(
        &self,
        flow: &str,
        hour: &str,
        kind: &str,
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_active_flow_is_active_even_one_with_a_status_newer_than_the_sdk() {
        let state = |status: &str| FlowState {
            status: FlowStatus::from(status),
            last_run_error: None,
        };
        assert!(state("Active").is_active());
        for other in [
            "Suspended",
            "Errored",
            "Draft",
            "Deprecated",
            "Deleted",
            "Paused",
            "",
        ] {
            assert!(!state(other).is_active(), "{other}");
        }
        assert_eq!(
            state("Paused").status.as_str(),
            "Paused",
            "an unknown status reads through"
        );
    }
}
