//! Property tests: no `detail` at all, arbitrary or nearly valid, makes `ingest` panic, and
//! whatever it decides keeps the table's rules (one request item per handled event, nothing
//! written for a rejected one, a redelivery changes nothing).
mod support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{json, Value};
use sfbridge::error::ErrorType;
use sfbridge::ingest::Outcome;
use support::{envelope, MemoryWorld, World, LARGE_BUCKET};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Values that are often valid for some field, so validation is reached deeply.
fn plausible_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just("a0B5g00000XyZab"),
        Just("a0B5g00000XyZabCDE"),
        Just("ADD"),
        Just("delete"),
        Just("emea-uk"),
        Just("HOLIDAY"),
        Just("HOURS"),
        Just("TIMEZONE"),
        Just("2026-12-25"),
        Just("2026-02-30"),
        Just("MON"),
        Just("default"),
        Just("09:00"),
        Just("17:00"),
        Just("24:00"),
        Just("Europe/London"),
        Just("ana@example.com"),
        Just("2026-11-01T09:00:00Z"),
        Just("s3://sfbridge-large-events/p.json"),
        Just("s3://elsewhere/p.json"),
        Just(""),
        Just("é\u{0}\u{202e}"),
    ]
    .prop_map(|s| Value::String(s.to_string()))
}

const FIELDS: &[&str] = &[
    "Record_Id__c",
    "Action__c",
    "Region__c",
    "Config_Type__c",
    "Config_Key__c",
    "Name__c",
    "Message__c",
    "Open_Time__c",
    "Close_Time__c",
    "Time_Zone__c",
    "Requested_By__c",
    "EventUuid",
    "CreatedDate",
    "s3Url",
];

fn field_detail() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(FIELDS),
        prop_oneof![3 => plausible_text(), 1 => any_json()],
        0..FIELDS.len(),
    )
    .prop_map(|m: BTreeMap<&str, Value>| {
        Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    })
}

fn check(detail: Value, payload: Value) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let world = MemoryWorld::new();
        world
            .put_object(LARGE_BUCKET, "p.json", &payload.to_string())
            .await;
        let event = || envelope("eb-1", "2026-11-01T09:00:00Z", detail.clone());
        let now = chrono::Utc::now();
        match world.ingest().handle(event(), now).await {
            Ok(first) => {
                prop_assert_ne!(first.outcome, Outcome::Duplicate);
                prop_assert_eq!(world.requests(&first.record_id).await.len(), 1);
                let count = world.item_count().await;
                let again = world.ingest().handle(event(), now).await;
                prop_assert_eq!(again.map(|r| r.outcome).ok(), Some(Outcome::Duplicate));
                prop_assert_eq!(world.item_count().await, count);
            }
            Err(err) => {
                prop_assert_eq!(err.kind, ErrorType::Rejected, "{}", err.message);
                prop_assert_eq!(world.item_count().await, 0);
            }
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(detail in any_json(), payload in any_json()) {
        check(detail, payload)?;
    }

    #[test]
    fn nearly_valid_details_never_panic(detail in field_detail(), payload in field_detail()) {
        check(detail, payload)?;
    }
}
