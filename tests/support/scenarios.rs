//! `ingest` behaviour, written once over a `World` and run against the in-memory fakes
//! (`tests/ingest_fakes.rs`) and against moto (`tests/ingest_moto.rs`).

use chrono::{DateTime, Utc};
use serde_json::json;
use sfbridge::error::ErrorType;
use sfbridge::ingest::Outcome;
use sfbridge::model::{Action, ConfigType, Status};

use super::{envelope, holiday, with, World};

const REC: &str = "a0B5g00000XyZab";
const REC2: &str = "a0B5g00000XyZabCDE";
const PK: &str = "REGION#emea-uk";
const XMAS: &str = "HOLIDAY#2026-12-25";

/// Another `Config_Request__c`: every change a user saves is its own record, and a record
/// gets one outcome.
fn rec(n: u8) -> String {
    format!("a0B5g00000Rq{n:03}")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
        .expect("time")
        .to_utc()
}

pub async fn add_of_each_config_type<W: World>(w: &W) {
    let events = [
        holiday(
            REC,
            "ev-h",
            "2026-11-01T09:00:00Z",
            "2026-12-25",
            "Christmas Day",
        ),
        json!({"Record_Id__c": rec(1), "Action__c": "ADD", "Region__c": "EMEA-UK",
               "Config_Type__c": "HOURS", "Config_Key__c": "mon",
               "Open_Time__c": "08:30", "Close_Time__c": "17:00", "EventUuid": "ev-o",
               "CreatedDate": "2026-11-01T09:00:01.000+0000"}),
        json!({"Record_Id__c": rec(2), "Action__c": "add", "Region__c": "emea-uk",
               "Config_Type__c": "TIMEZONE", "Config_Key__c": "default",
               "Time_Zone__c": "Europe/London", "EventUuid": "ev-z",
               "CreatedDate": "2026-11-01T10:00:02+01:00"}),
    ];
    for detail in events {
        let r = w
            .ingest()
            .handle(envelope("eb-1", "2026-11-01T09:00:00Z", detail), now())
            .await
            .expect("handled");
        assert_eq!(r.outcome, Outcome::Applied, "{r:?}");
        assert_eq!(r.status, Some(Status::Success));
    }

    let h = w.config(PK, XMAS).await.expect("holiday item");
    assert_eq!(h.name.as_deref(), Some("Christmas Day"));
    assert_eq!(h.message.as_deref(), Some("We are closed today."));
    assert_eq!(h.record_id, REC);
    assert_eq!(h.event_id, "ev-h");
    assert_eq!(h.event_time, "2026-11-01T09:00:00.000000000Z");
    assert_eq!(h.requested_by.as_deref(), Some("ana@example.com"));
    assert_eq!(h.deleted, None);
    assert_eq!(h.ttl, None);

    let o = w.config(PK, "HOURS#MON").await.expect("hours item");
    assert_eq!(
        (o.open.as_deref(), o.close.as_deref()),
        (Some("08:30"), Some("17:00"))
    );
    let z = w.config(PK, "TIMEZONE#default").await.expect("tz item");
    assert_eq!(z.tz.as_deref(), Some("Europe/London"));
    assert_eq!(z.event_time, "2026-11-01T09:00:02.000000000Z");

    assert_eq!(w.requests(&rec(1)).await.len(), 1);
    assert_eq!(w.requests(&rec(2)).await.len(), 1);
    let requests = w.requests(REC).await;
    assert_eq!(requests.len(), 1);
    let holiday_request = requests
        .iter()
        .find(|r| r.event_id == "ev-h")
        .expect("request");
    assert_eq!(holiday_request.sk, "EVENT#ev-h");
    assert_eq!(holiday_request.status, Status::Success);
    assert_eq!(holiday_request.action, Some(Action::Add));
    assert_eq!(holiday_request.config_type, Some(ConfigType::Holiday));
    assert_eq!(holiday_request.config_key.as_deref(), Some("2026-12-25"));
    assert_eq!(holiday_request.region.as_deref(), Some("emea-uk"));
    assert!(
        holiday_request.message.contains("Christmas Day"),
        "{}",
        holiday_request.message
    );
    assert_eq!(holiday_request.processed_at, "2026-11-27T10:00:00.000Z");
    assert_eq!(holiday_request.ttl, now().timestamp() + 90 * 86_400);
    // Three config items, three request items, three claims.
    assert_eq!(w.item_count().await, 9);
}

pub async fn delete_leaves_a_tombstone_that_blocks_older_adds<W: World>(w: &W) {
    let add = holiday(
        REC,
        "ev-1",
        "2026-11-01T09:00:00Z",
        "2026-12-25",
        "Christmas Day",
    );
    let delete = with(
        add.clone(),
        json!({"Record_Id__c": rec(1), "Action__c": "DELETE", "EventUuid": "ev-2", "CreatedDate": "2026-11-02T09:00:00Z", "-Name__c": null}),
    );
    for detail in [add.clone(), delete] {
        let r = w
            .ingest()
            .handle(envelope("eb", "2026-11-01T00:00:00Z", detail), now())
            .await
            .expect("handled");
        assert_eq!(r.outcome, Outcome::Applied);
    }
    let tomb = w.config(PK, XMAS).await.expect("tombstone");
    assert_eq!(tomb.deleted, Some(true));
    assert_eq!(tomb.ttl, Some(now().timestamp() + 30 * 86_400));
    assert_eq!(tomb.event_id, "ev-2");
    assert_eq!(tomb.name, None);

    // A late redelivery of an older ADD (a different event, made before the delete).
    let late = with(
        add,
        json!({"Record_Id__c": rec(2), "EventUuid": "ev-0", "CreatedDate": "2026-10-31T09:00:00Z"}),
    );
    let r = w
        .ingest()
        .handle(envelope("eb", "2026-11-01T00:00:00Z", late), now())
        .await
        .expect("handled");
    assert_eq!(r.outcome, Outcome::Superseded);
    assert_eq!(
        w.config(PK, XMAS).await.expect("still tombstone").deleted,
        Some(true)
    );
}

pub async fn same_event_twice_writes_once<W: World>(w: &W) {
    let event = || {
        envelope(
            "eb-dup",
            "2026-11-01T09:00:00Z",
            holiday(
                REC,
                "ev-dup",
                "2026-11-01T09:00:00Z",
                "2026-12-25",
                "Christmas Day",
            ),
        )
    };
    let first = w.ingest().handle(event(), now()).await.expect("first");
    assert_eq!(first.outcome, Outcome::Applied);
    let before = w.config(PK, XMAS).await;
    let later = now() + chrono::Duration::minutes(5);
    let second = w.ingest().handle(event(), later).await.expect("second");
    assert_eq!(second.outcome, Outcome::Duplicate);
    assert_eq!(second.status, None);
    assert_eq!(w.requests(REC).await.len(), 1);
    assert_eq!(w.config(PK, XMAS).await, before, "config unchanged");
    // The config item, the request item and the record's claim.
    assert_eq!(w.item_count().await, 3);

    // Without an EventUuid, the EventBridge id is the event id.
    let no_uuid = || {
        envelope(
            "eb-only",
            "2026-11-01T09:00:00Z",
            with(
                holiday(
                    REC2,
                    "x",
                    "2026-11-01T09:00:00Z",
                    "2026-12-26",
                    "Boxing Day",
                ),
                json!({"-EventUuid": null}),
            ),
        )
    };
    assert_eq!(
        w.ingest()
            .handle(no_uuid(), now())
            .await
            .expect("1")
            .outcome,
        Outcome::Applied
    );
    assert_eq!(
        w.ingest()
            .handle(no_uuid(), now())
            .await
            .expect("2")
            .outcome,
        Outcome::Duplicate
    );
    let reqs = w.requests(REC2).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].event_id, "eb-only");
}

pub async fn older_event_after_newer_is_superseded<W: World>(w: &W) {
    let newer = holiday(
        REC,
        "ev-new",
        "2026-11-02T09:00:00Z",
        "2026-12-25",
        "Christmas",
    );
    let older = holiday(
        REC2,
        "ev-old",
        "2026-11-02T10:00:00+02:00",
        "2026-12-25",
        "Xmas (old)",
    );
    let r = w
        .ingest()
        .handle(envelope("a", "2026-11-02T09:00:00Z", newer), now())
        .await
        .expect("newer");
    assert_eq!(r.outcome, Outcome::Applied);
    let r = w
        .ingest()
        .handle(envelope("b", "2026-11-02T09:00:00Z", older), now())
        .await
        .expect("older");
    assert_eq!(r.outcome, Outcome::Superseded);
    assert_eq!(r.status, Some(Status::Fail));

    let item = w.config(PK, XMAS).await.expect("item");
    assert_eq!(
        item.name.as_deref(),
        Some("Christmas"),
        "older did not apply"
    );
    let reqs = w.requests(REC2).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].status, Status::Fail);
    assert!(
        reqs[0].message.contains("superseded"),
        "{}",
        reqs[0].message
    );
    assert_eq!(reqs[0].config_key.as_deref(), Some("2026-12-25"));

    // Same instant written with another offset: the event id breaks the tie.
    let tie_low = holiday(
        &rec(3),
        "ev-a",
        "2026-11-02T11:00:00+02:00",
        "2026-12-25",
        "Tie low",
    );
    let tie_high = holiday(
        &rec(4),
        "ev-z",
        "2026-11-02T09:00:00.000Z",
        "2026-12-25",
        "Tie high",
    );
    let r = w
        .ingest()
        .handle(envelope("c", "2026-11-02T09:00:00Z", tie_high), now())
        .await
        .expect("tie");
    assert_eq!(
        r.outcome,
        Outcome::Applied,
        "ev-z > ev-new at the same instant"
    );
    let r = w
        .ingest()
        .handle(envelope("d", "2026-11-02T09:00:00Z", tie_low), now())
        .await
        .expect("tie");
    assert_eq!(
        r.outcome,
        Outcome::Superseded,
        "ev-a < ev-z at the same instant"
    );
    assert_eq!(
        w.config(PK, XMAS).await.expect("item").name.as_deref(),
        Some("Tie high")
    );
}

/// Each invalid request: one `Fail` request item naming the field, and no config change.
pub async fn invalid_requests_fail_naming_the_field<W: World>(w: &W) {
    let base = holiday(
        REC,
        "ev",
        "2026-11-01T09:00:00Z",
        "2026-12-25",
        "Christmas Day",
    );
    let cases = [
        (
            "ev-date",
            json!({"Config_Key__c": "2026-02-30"}),
            "Config_Key__c '2026-02-30' is not a real date",
        ),
        (
            "ev-action",
            json!({"Action__c": "UPSERT"}),
            "Action__c 'UPSERT' is not a known action",
        ),
        (
            "ev-missing",
            json!({"-Region__c": null}),
            "Region__c is missing",
        ),
        (
            "ev-long",
            json!({"Name__c": "N".repeat(201)}),
            "Name__c is 201 characters long; at most 200 are allowed",
        ),
        (
            "ev-type",
            json!({"Name__c": ["Christmas"]}),
            "Name__c is a list",
        ),
    ];
    for (n, (uuid, change, expected)) in (1..).zip(&cases) {
        let detail = with(
            with(base.clone(), change.clone()),
            json!({"EventUuid": uuid, "Record_Id__c": rec(n)}),
        );
        let r = w
            .ingest()
            .handle(envelope("eb", "2026-11-01T09:00:00Z", detail), now())
            .await
            .expect("a Fail is a normal response");
        assert_eq!(r.outcome, Outcome::Invalid, "{uuid}");
        assert_eq!(r.status, Some(Status::Fail));
        assert!(r.message.contains(expected), "{uuid}: {}", r.message);
    }
    let mut reqs = Vec::new();
    for n in (1..).take(cases.len()) {
        let of_record = w.requests(&rec(n)).await;
        assert_eq!(of_record.len(), 1, "one outcome for record {n}");
        reqs.extend(of_record);
    }
    for req in &reqs {
        assert_eq!(req.status, Status::Fail);
        assert!(
            req.message.starts_with("Request not applied: "),
            "{}",
            req.message
        );
    }
    let missing = reqs
        .iter()
        .find(|r| r.event_id == "ev-missing")
        .expect("request");
    assert_eq!(missing.region, None);
    assert_eq!(missing.action, Some(Action::Add));
    assert_eq!(w.config(PK, XMAS).await, None, "nothing applied");
    // A request item and a claim per record.
    assert_eq!(w.item_count().await, 2 * cases.len());
}

/// One record, one outcome: another event id for a record that has an outcome (a republished
/// event, the catch-up's) is a duplicate and writes nothing, whatever that outcome was.
pub async fn a_second_event_for_a_record_is_a_duplicate<W: World>(w: &W) {
    let first = holiday(
        REC,
        "ev-1",
        "2026-11-01T09:00:00Z",
        "2026-12-25",
        "Christmas Day",
    );
    let r = w
        .ingest()
        .handle(
            envelope("eb-1", "2026-11-01T09:00:00Z", first.clone()),
            now(),
        )
        .await
        .expect("first");
    assert_eq!(r.outcome, Outcome::Applied);
    let republished = with(
        first,
        json!({"EventUuid": "ev-again", "CreatedDate": "2026-11-01T09:05:00Z", "Name__c": "Xmas"}),
    );
    let r = w
        .ingest()
        .handle(envelope("eb-2", "2026-11-01T09:05:00Z", republished), now())
        .await
        .expect("second");
    assert_eq!(r.outcome, Outcome::Duplicate, "{r:?}");
    assert_eq!(r.status, None);
    assert_eq!(w.requests(REC).await.len(), 1);
    assert_eq!(
        w.config(PK, XMAS).await.expect("item").name.as_deref(),
        Some("Christmas Day"),
        "the second event changed nothing"
    );

    // A record whose outcome was a Fail is claimed too.
    let invalid = with(
        holiday(REC2, "ev-bad", "2026-11-01T09:00:00Z", "2026-02-30", "Nope"),
        json!({}),
    );
    let r = w
        .ingest()
        .handle(
            envelope("eb-3", "2026-11-01T09:00:00Z", invalid.clone()),
            now(),
        )
        .await
        .expect("invalid");
    assert_eq!(r.outcome, Outcome::Invalid);
    let fixed = with(
        invalid,
        json!({"EventUuid": "ev-fixed", "Config_Key__c": "2026-12-26"}),
    );
    let r = w
        .ingest()
        .handle(envelope("eb-4", "2026-11-01T09:00:00Z", fixed), now())
        .await
        .expect("fixed");
    assert_eq!(r.outcome, Outcome::Duplicate, "{r:?}");
    assert_eq!(w.requests(REC2).await.len(), 1);
    assert_eq!(w.config(PK, "HOLIDAY#2026-12-26").await, None);
    assert_eq!(w.item_count().await, 5);
}

pub async fn pointer_payload_from_the_allowed_bucket_is_applied<W: World>(w: &W) {
    let full = holiday(
        REC,
        "ev-big",
        "2026-11-01T09:00:00Z",
        "2026-12-25",
        "Christmas Day",
    );
    let body = json!({"detail-type": "Config_Change__e", "detail": full}).to_string();
    w.put_object(super::LARGE_BUCKET, "events/ev big.json", &body)
        .await;
    let pointer = json!({
        "s3Url": format!("https://{}.s3.eu-west-1.amazonaws.com/events/ev%20big.json", super::LARGE_BUCKET)
    });
    let r = w
        .ingest()
        .handle(envelope("eb", "2026-11-01T09:00:00Z", pointer), now())
        .await
        .expect("applied");
    assert_eq!(r.outcome, Outcome::Applied);
    assert_eq!(r.record_id, REC);
    assert_eq!(
        w.config(PK, XMAS).await.expect("item").name.as_deref(),
        Some("Christmas Day")
    );

    // The object may also hold the bare detail, named by an s3:// URL.
    let bare = holiday(
        REC2,
        "ev-big2",
        "2026-11-01T09:00:00Z",
        "2026-12-26",
        "Boxing Day",
    );
    w.put_object(super::LARGE_BUCKET, "events/bare.json", &bare.to_string())
        .await;
    let pointer = json!({"payload": format!("s3://{}/events/bare.json", super::LARGE_BUCKET)});
    let r = w
        .ingest()
        .handle(envelope("eb", "2026-11-01T09:00:00Z", pointer), now())
        .await
        .expect("applied");
    assert_eq!(r.outcome, Outcome::Applied);
}

pub async fn pointer_to_another_bucket_is_rejected<W: World>(w: &W) {
    let full = holiday(
        REC,
        "ev-big",
        "2026-11-01T09:00:00Z",
        "2026-12-25",
        "Christmas Day",
    );
    w.put_object("someone-elses-bucket", "e.json", &full.to_string())
        .await;
    let pointer = json!({"s3Url": "s3://someone-elses-bucket/e.json"});
    let err = w
        .ingest()
        .handle(envelope("eb", "2026-11-01T09:00:00Z", pointer), now())
        .await
        .expect_err("rejected");
    assert_eq!(err.kind, ErrorType::Rejected);
    assert!(
        err.message.contains("someone-elses-bucket"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("only the large-event bucket"),
        "{}",
        err.message
    );

    let missing = json!({"s3Url": format!("s3://{}/not-there.json", super::LARGE_BUCKET)});
    let err = w
        .ingest()
        .handle(envelope("eb", "2026-11-01T09:00:00Z", missing), now())
        .await
        .expect_err("rejected");
    assert_eq!(err.kind, ErrorType::Rejected);
    assert_eq!(w.item_count().await, 0);
}

pub async fn event_without_record_id_is_rejected_whole<W: World>(w: &W) {
    for (detail, reason) in [
        (
            with(
                holiday(REC, "e1", "2026-11-01T09:00:00Z", "2026-12-25", "X"),
                json!({"-Record_Id__c": null}),
            ),
            "Record_Id__c is missing",
        ),
        (
            with(
                holiday(REC, "e2", "2026-11-01T09:00:00Z", "2026-12-25", "X"),
                json!({"Record_Id__c": "not-an-id"}),
            ),
            "not a 15- or 18-character",
        ),
        (json!(["not", "an", "object"]), "not a JSON object"),
    ] {
        let err = w
            .ingest()
            .handle(envelope("eb", "2026-11-01T09:00:00Z", detail), now())
            .await
            .expect_err("rejected, for the dead-letter queue");
        assert_eq!(err.kind, ErrorType::Rejected);
        assert!(err.message.contains(reason), "{}", err.message);
        // What Lambda records with the dead-lettered event:
        let diag: lambda_runtime::Diagnostic = err.into();
        assert_eq!(diag.error_type, "Rejected");
    }
    assert_eq!(w.item_count().await, 0, "nothing written");
}

pub async fn table_unavailable_returns_retryable_and_writes_nothing<W: World>(w: &W) {
    let event = envelope(
        "eb",
        "2026-11-01T09:00:00Z",
        holiday(
            REC,
            "ev-x",
            "2026-11-01T09:00:00Z",
            "2026-12-25",
            "Christmas Day",
        ),
    );
    let err = w
        .handle_with_table_down(event)
        .await
        .expect_err("error returned");
    assert_eq!(err.kind, ErrorType::Retryable, "{err}");
    assert_eq!(w.item_count().await, 0, "nothing half-written");
}
