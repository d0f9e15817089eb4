//! `connect-lookup` against DynamoDB in moto, the table seeded through `ingest`.
mod support;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sfbridge::adapters::dynamodb::DynamoTable;
use sfbridge::connect_lookup::{Answer, Input, Lookup, READ_LIMIT};
use sfbridge::metrics::ConnectLookup;
use support::moto::MotoWorld;
use support::{envelope, World};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).expect("time").to_utc()
}

async fn seed(w: &MotoWorld, n: u32, fields: Value) {
    let mut detail = json!({
        "Record_Id__c": format!("a0B5g00000Se{n:03}"),
        "Action__c": "ADD",
        "EventUuid": format!("seed-{n}"),
        "CreatedDate": format!("2026-06-01T00:{:02}:{:02}Z", n / 60, n % 60),
    });
    detail
        .as_object_mut()
        .expect("object")
        .extend(fields.as_object().expect("object").clone());
    let r = w
        .ingest()
        .handle(
            envelope("eb", "2026-06-01T00:00:00Z", detail),
            at("2026-06-01T00:00:00Z"),
        )
        .await
        .expect("seeded");
    assert_eq!(r.status, Some(sfbridge::model::Status::Success), "{r:?}");
}

/// Asks like Connect does: parameters in a full Connect event.
async fn ask(lookup: &Lookup<DynamoTable>, parameters: Value, now: &str) -> Answer {
    let mut event: Value =
        serde_json::from_str(include_str!("fixtures/connect-event.json")).expect("fixture");
    event["Details"]["Parameters"] = parameters;
    let input: Input = serde_json::from_value(event).expect("any JSON is an input");
    let answer = lookup
        .handle(input, at(now), READ_LIMIT)
        .await
        .expect("never an error");
    assert_flat_strings(&answer);
    answer
}

/// The keys Connect's contact flows read (DESIGN.md "Connect lookup"), pinned here.
const KEYS: [&str; 12] = [
    "status",
    "region",
    "date",
    "localTime",
    "timezone",
    "isHoliday",
    "holidayName",
    "holidayMessage",
    "isOpen",
    "openTime",
    "closeTime",
    "message",
];

/// Every answer: a flat JSON object whose values are all strings, with exactly `KEYS`.
fn assert_flat_strings(answer: &Answer) {
    let json = serde_json::to_value(answer).expect("serializes");
    let map = json.as_object().expect("a flat object");
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    for (k, v) in map {
        assert!(v.is_string(), "{k} is not a string: {v}");
    }
}

fn lookup(w: &MotoWorld) -> Lookup<DynamoTable> {
    Lookup::new(DynamoTable::new(w.dynamodb().clone(), w.table_name()))
}

#[tokio::test]
async fn auckland_holiday_is_reported_on_the_local_date_while_utc_is_a_day_behind() {
    let w = MotoWorld::new().await;
    seed(&w, 1, json!({"Region__c": "apac-nz", "Config_Type__c": "TIMEZONE", "Config_Key__c": "default", "Time_Zone__c": "Pacific/Auckland"})).await;
    seed(&w, 2, json!({"Region__c": "apac-nz", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25", "Name__c": "Christmas Day", "Message__c": "We are closed for Christmas."})).await;
    seed(&w, 3, json!({"Region__c": "apac-nz", "Config_Type__c": "HOURS", "Config_Key__c": "FRI", "Open_Time__c": "00:00", "Close_Time__c": "24:00"})).await;
    let l = lookup(&w);

    // 12:00 UTC on the 24th is 01:00 on the 25th in Auckland (NZDT, UTC+13).
    let a = ask(&l, json!({"region": "APAC-NZ"}), "2026-12-24T12:00:00Z").await;
    assert_eq!(a.status.as_str(), "OK");
    assert_eq!(a.region.as_str(), "apac-nz");
    assert_eq!(a.date.as_str(), "2026-12-25");
    assert_eq!(a.local_time.as_str(), "01:00");
    assert_eq!(a.timezone.as_str(), "Pacific/Auckland");
    assert_eq!(a.is_holiday.as_str(), "true");
    assert_eq!(a.holiday_name.as_str(), "Christmas Day");
    assert_eq!(a.holiday_message.as_str(), "We are closed for Christmas.");
    assert_eq!(
        a.is_open.as_str(),
        "false",
        "open all Friday, but a holiday"
    );
    assert_eq!(
        (a.open_time.as_str(), a.close_time.as_str()),
        ("00:00", "24:00")
    );

    // An hour earlier in UTC it is still the 24th in Auckland (a Thursday, no hours).
    let a = ask(&l, json!({"region": "apac-nz"}), "2026-12-24T10:59:00Z").await;
    assert_eq!(
        (a.date.as_str(), a.is_holiday.as_str(), a.is_open.as_str()),
        ("2026-12-24", "false", "false")
    );
}

#[tokio::test]
async fn opening_hours_decide_at_local_time_including_the_edges() {
    let w = MotoWorld::new().await;
    seed(&w, 1, json!({"Region__c": "emea-uk", "Config_Type__c": "TIMEZONE", "Config_Key__c": "default", "Time_Zone__c": "Europe/London"})).await;
    seed(&w, 2, json!({"Region__c": "emea-uk", "Config_Type__c": "HOURS", "Config_Key__c": "THU", "Open_Time__c": "09:00", "Close_Time__c": "17:00"})).await;
    let l = lookup(&w);
    // 2026-07-02 is a Thursday; London is on BST (UTC+1).
    for (utc, local, open) in [
        ("2026-07-02T07:59:00Z", "08:59", "false"),
        ("2026-07-02T08:00:00Z", "09:00", "true"),
        ("2026-07-02T15:59:00Z", "16:59", "true"),
        ("2026-07-02T16:00:00Z", "17:00", "false"),
    ] {
        let a = ask(&l, json!({"region": "emea-uk"}), utc).await;
        assert_eq!(
            (a.local_time.as_str(), a.is_open.as_str()),
            (local, open),
            "at {utc}"
        );
        assert_eq!(
            (a.open_time.as_str(), a.close_time.as_str()),
            ("09:00", "17:00")
        );
    }
    // Explicit date and time win over "now"; a weekday without hours is closed.
    let a = ask(
        &l,
        json!({"region": "emea-uk", "date": "2026-07-09", "time": "10:30"}),
        "2026-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(
        (a.date.as_str(), a.local_time.as_str(), a.is_open.as_str()),
        ("2026-07-09", "10:30", "true")
    );
    let a = ask(
        &l,
        json!({"region": "emea-uk", "date": "2026-07-10", "time": "10:30"}),
        "2026-01-01T00:00:00Z",
    )
    .await;
    assert_eq!((a.is_open.as_str(), a.open_time.as_str()), ("false", ""));
}

#[tokio::test]
async fn a_deleted_holiday_is_not_reported() {
    let w = MotoWorld::new().await;
    seed(&w, 1, json!({"Region__c": "emea-uk", "Config_Type__c": "HOURS", "Config_Key__c": "SAT", "Open_Time__c": "10:00", "Close_Time__c": "14:00"})).await;
    seed(&w, 2, json!({"Region__c": "emea-uk", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-26", "Name__c": "Boxing Day"})).await;
    let l = lookup(&w);
    let q = json!({"region": "emea-uk", "date": "2026-12-26", "time": "11:00"});
    let a = ask(&l, q.clone(), "2026-12-01T00:00:00Z").await;
    assert_eq!(
        (a.is_holiday.as_str(), a.is_open.as_str()),
        ("true", "false")
    );
    seed(&w, 3, json!({"Region__c": "emea-uk", "Action__c": "DELETE", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-26"})).await;
    let a = ask(&l, q, "2026-12-01T00:00:00Z").await;
    assert_eq!(a.status.as_str(), "OK");
    assert_eq!(
        (
            a.is_holiday.as_str(),
            a.holiday_name.as_str(),
            a.is_open.as_str()
        ),
        ("false", "", "true")
    );
    assert_eq!(a.timezone.as_str(), "UTC", "no zone configured: UTC");
}

#[tokio::test]
async fn unknown_region_bad_input_and_a_stopped_emulator_are_statuses_not_errors() {
    let w = MotoWorld::new().await;
    seed(&w, 1, json!({"Region__c": "holiday-only", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25", "Name__c": "Christmas"})).await;
    let l = lookup(&w);

    let a = ask(&l, json!({"region": "nowhere"}), "2026-12-01T00:00:00Z").await;
    assert_eq!(
        (a.status.as_str(), a.region.as_str(), a.is_open.as_str()),
        ("UNKNOWN_REGION", "nowhere", "")
    );
    let a = ask(
        &l,
        json!({"region": "holiday-only"}),
        "2026-12-25T12:00:00Z",
    )
    .await;
    assert_eq!(a.status.as_str(), "UNKNOWN_REGION", "no zone and no hours");

    let a = ask(
        &l,
        json!({"region": "emea-uk", "date": "2026-02-30"}),
        "2026-12-01T00:00:00Z",
    )
    .await;
    assert_eq!(a.status.as_str(), "INVALID_INPUT");
    assert!(
        a.message.as_str().starts_with("date '2026-02-30'"),
        "{}",
        a.message.as_str()
    );
    // No parameter: the contact attribute `region` (the fixture's emea-uk) is used.
    let a = ask(&l, json!({}), "2026-12-01T00:00:00Z").await;
    assert_eq!(
        (a.status.as_str(), a.region.as_str()),
        ("UNKNOWN_REGION", "emea-uk")
    );
    // Neither: named as missing.
    let bare: Input =
        serde_json::from_value(json!({"Details": {"Parameters": {"date": "2026-12-01"}}}))
            .expect("any JSON is an input");
    let a = l
        .handle(bare, at("2026-12-01T00:00:00Z"), READ_LIMIT)
        .await
        .expect("never an error");
    assert_flat_strings(&a);
    assert_eq!(a.status.as_str(), "INVALID_INPUT");
    assert!(
        a.message.as_str().starts_with("region is missing"),
        "{}",
        a.message.as_str()
    );

    // The emulator gone: nothing listens on this port.
    let dead = w
        .sdk()
        .to_builder()
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let stopped = Lookup::new(DynamoTable::new(
        aws_sdk_dynamodb::Client::new(&dead),
        w.table_name(),
    ));
    let a = ask(
        &stopped,
        json!({"region": "emea-uk"}),
        "2026-12-01T00:00:00Z",
    )
    .await;
    assert_eq!(a.status.as_str(), "ERROR");
    // Which of the two depends on the SDK's jittered backoff between its three attempts
    // (up to 1 s, then up to 2 s): now and then the refused attempts outlast READ_LIMIT.
    assert!(
        [
            "the configuration could not be read",
            "the configuration was not read in time"
        ]
        .contains(&a.message.as_str()),
        "{}",
        a.message.as_str()
    );
}

/// Items written by hand (in the console, say) lack the bookkeeping attributes, and some are
/// wrong: each bad one is absent for Connect, and the rest of the region still answers.
#[tokio::test]
async fn hand_written_and_unreadable_items_leave_the_rest_of_the_answer_standing() {
    use aws_sdk_dynamodb::types::AttributeValue as V;
    let w = MotoWorld::new().await;
    let put = |sk: &str, attributes: Vec<(&str, V)>| {
        let mut item = std::collections::HashMap::from([
            ("pk".to_string(), V::S("REGION#by-hand".into())),
            ("sk".to_string(), V::S(sk.into())),
        ]);
        item.extend(attributes.into_iter().map(|(k, v)| (k.to_string(), v)));
        w.dynamodb()
            .put_item()
            .table_name(w.table_name())
            .set_item(Some(item))
            .send()
    };
    // Readable, but without record_id, event_id, event_time, updated_at.
    put(
        "TIMEZONE#default",
        vec![("tz", V::S("Europe/London".into()))],
    )
    .await
    .expect("put");
    put(
        "HOURS#THU",
        vec![
            ("open", V::S("09:00".into())),
            ("close", V::S("17:00".into())),
        ],
    )
    .await
    .expect("put");
    put(
        "HOLIDAY#2026-07-03",
        vec![("name", V::S("Founders' Day".into()))],
    )
    .await
    .expect("put");
    // Unreadable: a number where a time belongs, a time that does not exist.
    put(
        "HOURS#FRI",
        vec![("open", V::N("9".into())), ("close", V::S("17:00".into()))],
    )
    .await
    .expect("put");
    put(
        "HOURS#SAT",
        vec![
            ("open", V::S("25:99".into())),
            ("close", V::S("17:00".into())),
        ],
    )
    .await
    .expect("put");
    let l = lookup(&w);

    // 2026-07-02 is a Thursday; London is on BST (UTC+1).
    let (a, counts) = sfbridge::metrics::measure::<ConnectLookup, _>(ask(
        &l,
        json!({"region": "by-hand"}),
        "2026-07-02T09:30:00Z",
    ))
    .await;
    assert_eq!(a.status.as_str(), "OK", "{a:?}");
    assert_eq!(
        counts.get(ConnectLookup::ItemSkipped),
        2,
        "Friday's and Saturday's hours"
    );
    assert_eq!(a.timezone.as_str(), "Europe/London");
    assert_eq!(
        (
            a.local_time.as_str(),
            a.is_open.as_str(),
            a.open_time.as_str()
        ),
        ("10:30", "true", "09:00")
    );
    let a = ask(&l, json!({"region": "by-hand"}), "2026-07-03T09:30:00Z").await;
    assert_eq!(a.status.as_str(), "OK", "{a:?}");
    assert_eq!(
        (
            a.is_holiday.as_str(),
            a.holiday_name.as_str(),
            a.holiday_message.as_str()
        ),
        ("true", "Founders' Day", "")
    );
    assert_eq!(
        (a.is_open.as_str(), a.open_time.as_str()),
        ("false", ""),
        "Friday's hours cannot be read: closed"
    );
    let a = ask(&l, json!({"region": "by-hand"}), "2026-07-04T09:30:00Z").await;
    assert_eq!(a.status.as_str(), "OK", "{a:?}");
    assert_eq!((a.is_open.as_str(), a.open_time.as_str()), ("false", ""));
}
