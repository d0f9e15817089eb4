//! The narrow interfaces the handlers' logic works against. Adapters in `adapters/` implement
//! them for AWS and in memory; the rules (ordering, idempotency) are expressed here so both
//! implementations keep them the same way.

use std::future::Future;

use crate::model::{ConfigItem, RequestItem};

/// A failure talking to a store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Throttling, 5xx, timeouts, network: worth retrying as a whole.
    #[error("transient store failure: {0}")]
    Transient(String),
    /// Anything else (missing table, access denied, invalid request).
    #[error("store failure: {0}")]
    Permanent(String),
}

/// What `apply_change` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Config item and request item written together.
    Applied,
    /// The request item already exists: this event was handled before. Nothing changed.
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

/// The configuration table, as `ingest` needs it.
pub trait ConfigTable {
    /// In one transaction: write `request` if no request item with its key exists, and write
    /// `config` (an item or a tombstone) if the stored item is absent or strictly older in
    /// (`event_time`, `event_id`) order. Either both are written or neither.
    fn apply_change(
        &self,
        config: &ConfigItem,
        request: &RequestItem,
    ) -> impl Future<Output = Result<ApplyOutcome, StoreError>> + Send;

    /// Write `request` alone, if no request item with its key exists.
    fn record_request(
        &self,
        request: &RequestItem,
    ) -> impl Future<Output = Result<RecordOutcome, StoreError>> + Send;
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
