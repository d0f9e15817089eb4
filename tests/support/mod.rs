//! Shared test support: event builders, the `World` the ingest scenarios run in, and its two
//! implementations (in-memory fakes, and the AWS adapters against the local moto server).
#![allow(dead_code)]

pub mod aws_stub;
pub mod fake_appflow;
pub mod http;
pub mod logs;
pub mod moto;
pub mod queue;
pub mod queue_fakes;
pub mod round_trip;
pub mod runtime;
pub mod scenarios;
pub mod stream;
pub mod sweep;
pub mod throttle;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde_json::{json, Value};
use sfbridge::adapters::memory::{MemoryObjects, MemoryTable};
use sfbridge::error::HandlerError;
use sfbridge::ingest::{Detail, Ingest, Response, Settings};
use sfbridge::model::{ConfigItem, RequestItem};
use sfbridge::ports::{ConfigTable, ObjectReader};

pub const LARGE_BUCKET: &str = "sfbridge-large-events";

/// An EventBridge event as the partner bus delivers it.
pub fn envelope(id: &str, time: &str, detail: Value) -> EventBridgeEvent<Detail> {
    serde_json::from_value(json!({
        "version": "0",
        "id": id,
        "detail-type": "Config_Change__e",
        "source": "aws.partner/appflow/salesforce.com/123456789012/sfbridge-events",
        "account": "123456789012",
        "time": time,
        "region": "eu-west-1",
        "resources": [],
        "detail": detail,
    }))
    .expect("test envelope parses")
}

/// A complete, valid detail for a HOLIDAY ADD; tests override fields with `with`.
pub fn holiday(record_id: &str, uuid: &str, created: &str, date: &str, name: &str) -> Value {
    json!({
        "Record_Id__c": record_id,
        "Action__c": "ADD",
        "Region__c": "emea-uk",
        "Config_Type__c": "HOLIDAY",
        "Config_Key__c": date,
        "Name__c": name,
        "Message__c": "We are closed today.",
        "Requested_By__c": "ana@example.com",
        "EventUuid": uuid,
        "CreatedDate": created,
        "Unrelated__c": 42,
    })
}

pub fn with(mut detail: Value, changes: Value) -> Value {
    let map = detail.as_object_mut().expect("detail is an object");
    for (k, v) in changes.as_object().expect("changes are an object") {
        if v.is_null() && k.starts_with('-') {
            map.remove(&k[1..]);
        } else {
            map.insert(k.clone(), v.clone());
        }
    }
    detail
}

pub fn settings(table: &str) -> Settings {
    Settings {
        table: table.to_string(),
        large_event_bucket: LARGE_BUCKET.to_string(),
        request_ttl_days: 90,
        tombstone_ttl_days: 30,
        dead_letter_queue_url: None,
        sweep_prefix: sfbridge::ingest::DEFAULT_SWEEP_PREFIX.to_string(),
        sweep_grace_minutes: 10,
    }
}

/// Everything a scenario needs: the handler under test and a way to look at what it wrote.
pub trait World {
    type Table: ConfigTable;
    type Objects: ObjectReader;

    fn ingest(&self) -> &Ingest<Self::Table, Self::Objects>;
    async fn put_object(&self, bucket: &str, key: &str, body: &str);
    async fn requests(&self, record_id: &str) -> Vec<RequestItem>;
    async fn config(&self, pk: &str, sk: &str) -> Option<ConfigItem>;
    async fn item_count(&self) -> usize;
    /// Handles `event` while the table cannot be reached.
    async fn handle_with_table_down(
        &self,
        event: EventBridgeEvent<Detail>,
    ) -> Result<Response, HandlerError>;
}

pub struct MemoryWorld {
    ingest: Ingest<MemoryTable, MemoryObjects>,
}

impl MemoryWorld {
    pub fn new() -> Self {
        Self {
            ingest: Ingest::new(MemoryTable::new(), MemoryObjects::new(), settings("memory")),
        }
    }
}

impl World for MemoryWorld {
    type Table = MemoryTable;
    type Objects = MemoryObjects;

    fn ingest(&self) -> &Ingest<MemoryTable, MemoryObjects> {
        &self.ingest
    }
    async fn put_object(&self, bucket: &str, key: &str, body: &str) {
        self.ingest.objects().put(bucket, key, body);
    }
    async fn requests(&self, record_id: &str) -> Vec<RequestItem> {
        self.ingest
            .table()
            .requests()
            .into_iter()
            .filter(|r| r.record_id == record_id)
            .collect()
    }
    async fn config(&self, pk: &str, sk: &str) -> Option<ConfigItem> {
        self.ingest.table().config(pk, sk)
    }
    async fn item_count(&self) -> usize {
        self.ingest.table().len()
    }
    async fn handle_with_table_down(
        &self,
        event: EventBridgeEvent<Detail>,
    ) -> Result<Response, HandlerError> {
        self.ingest.table().set_unavailable(true);
        let result = self.ingest.handle(event, chrono::Utc::now()).await;
        self.ingest.table().set_unavailable(false);
        result
    }
}

/// Runs every ingest scenario in `scenarios.rs` as its own test, each against a fresh world
/// from `$make`. The list lives here once, so every backend runs every scenario.
#[macro_export]
macro_rules! ingest_scenarios {
    ($make:expr) => {
        $crate::ingest_scenarios!(@each $make;
            add_of_each_config_type,
            delete_leaves_a_tombstone_that_blocks_older_adds,
            same_event_twice_writes_once,
            older_event_after_newer_is_superseded,
            invalid_requests_fail_naming_the_field,
            pointer_payload_from_the_allowed_bucket_is_applied,
            pointer_to_another_bucket_is_rejected,
            event_without_record_id_is_rejected_whole,
            table_unavailable_returns_retryable_and_writes_nothing,
            a_second_event_for_a_record_is_a_duplicate,
        );
    };
    (@each $make:expr; $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let world = $make;
                support::scenarios::$name(&world).await;
            }
        )+
    };
}
