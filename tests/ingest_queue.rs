//! `ingest` fed by the ingest queue (SQS batches), against the in-memory fakes: what is listed
//! for retry, what goes to the dead-letter queue with its reason, what is counted, and that
//! one EventBridge event invoked directly still answers as before.
mod support;

use serde_json::json;
use sfbridge::ingest::queue::{redelivery_delay, Answer, Invocation};
use sfbridge::ingest::Outcome;
use sfbridge::metrics::{self, Ingest as Metric};
use sfbridge::model;
use support::queue_fakes::*;
use support::{holiday, sweep, with};

#[tokio::test]
async fn only_retryable_messages_are_listed_and_unreportable_ones_are_dead_lettered() {
    let ingest = ingest(true);
    let no_record = rule_event(
        "eb-4",
        with(christmas("x", "u4"), json!({"-Record_Id__c": null})),
    );
    let not_an_event = "this is not JSON".to_string();
    let messages = [
        (
            "m1",
            rule_event("eb-1", christmas("a0B5g00000AAAAA", "u1")).to_string(),
        ),
        (
            "m2",
            rule_event(
                "eb-2",
                holiday("a0B5g00000BBBBB", "u2", TIME, "2026-12-26", "Boxing Day"),
            )
            .to_string(),
        ),
        (
            "m3",
            rule_event(
                "eb-3",
                with(
                    christmas("a0B5g00000CCCCC", "u3"),
                    json!({"Config_Key__c": "2026-02-30"}),
                ),
            )
            .to_string(),
        ),
        ("m4", no_record.to_string()),
        ("m5", not_an_event.clone()),
    ];
    // m1's transaction is throttled (the SDK's own retries exhausted); the rest go through.
    ingest.table().fail_next(1);
    let (listed, counts) = run(&ingest, batch(&messages)).await;
    assert_eq!(
        listed,
        vec!["m1".to_string()],
        "only the throttled message is retried"
    );

    let dead = ingest.dead_letters().unwrap().sent();
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert_eq!(dead[0].0, no_record.to_string(), "sent as it arrived");
    assert!(dead[0].1.contains("Record_Id__c"), "reason: {}", dead[0].1);
    assert_eq!(dead[1].0, not_an_event, "sent as it arrived");
    assert!(
        dead[1].1.contains("not an EventBridge event"),
        "reason: {}",
        dead[1].1
    );

    let statuses: Vec<(String, String)> = ingest
        .table()
        .requests()
        .into_iter()
        .map(|r| (r.record_id, r.status.as_str().to_string()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("a0B5g00000BBBBB".to_string(), "Success".to_string()),
            ("a0B5g00000CCCCC".to_string(), "Fail".to_string()),
        ]
    );
    assert_eq!(counts.get(Metric::Applied), 1);
    assert_eq!(counts.get(Metric::Invalid), 1);
    assert_eq!(counts.get(Metric::Rejected), 2);
    assert_eq!(counts.get(Metric::Retried), 1);

    // The queue redelivers m1: applied once; another redelivery is a duplicate.
    let (listed, counts) = run(&ingest, batch(&messages[..1])).await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::Applied), 1);
    let (listed, counts) = run(&ingest, batch(&messages[..1])).await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::Duplicate), 1);
    assert_eq!(ingest.table().requests().len(), 3);
}

#[tokio::test]
async fn without_a_dead_letter_queue_unreportable_messages_are_listed() {
    let ingest = ingest(false);
    let (listed, counts) = run(&ingest, batch(&[("m1", "{}".to_string())])).await;
    assert_eq!(listed, vec!["m1".to_string()]);
    assert_eq!(counts.get(Metric::Rejected), 1);
    assert_eq!(counts.get(Metric::Retried), 1);
    assert!(ingest.table().is_empty());
}

#[tokio::test]
async fn an_unreportable_message_the_dead_letter_queue_refuses_is_listed() {
    let ingest = ingest(true);
    ingest.dead_letters().unwrap().set_unavailable(true);
    let body = rule_event("eb-1", json!("a string, not an object")).to_string();
    let (listed, _) = run(&ingest, batch(&[("m1", body)])).await;
    assert_eq!(listed, vec!["m1".to_string()], "never dropped");
    assert!(ingest.dead_letters().unwrap().sent().is_empty());
}

#[tokio::test]
async fn a_batch_is_applied_in_order() {
    let ingest = ingest(true);
    let older = with(
        christmas("a0B5g00000AAAAA", "u1"),
        json!({"Name__c": "Christmas Day"}),
    );
    let newer = with(
        christmas("a0B5g00000BBBBB", "u2"),
        json!({"Name__c": "Christmas", "CreatedDate": "2026-11-30T10:00:00Z"}),
    );
    let (listed, counts) = run(
        &ingest,
        batch(&[
            ("m1", rule_event("eb-1", older).to_string()),
            ("m2", rule_event("eb-2", newer).to_string()),
        ]),
    )
    .await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::Applied), 2);
    let item = ingest
        .table()
        .config(&model::region_pk("emea-uk"), "HOLIDAY#2026-12-25")
        .expect("the holiday");
    assert_eq!(
        item.name.as_deref(),
        Some("Christmas"),
        "the later event wins"
    );
    assert_eq!(item.record_id, "a0B5g00000BBBBB");
}

#[tokio::test]
async fn one_eventbridge_event_invoked_directly_still_answers_its_outcome_or_error() {
    let ingest = ingest(true);
    let direct: Invocation =
        serde_json::from_value(rule_event("eb-1", christmas("a0B5g00000AAAAA", "u1"))).unwrap();
    let (answer, counts) = metrics::measure::<Metric, _>(ingest.invoke(direct, now(), None)).await;
    match answer {
        Ok(Answer::Direct(response)) => assert_eq!(response.outcome, Outcome::Applied),
        other => panic!("expected the outcome, got {other:?}"),
    }
    assert_eq!(counts.get(Metric::Applied), 1);
    let rejected: Invocation = serde_json::from_value(rule_event(
        "eb-2",
        with(christmas("x", "u2"), json!({"-Record_Id__c": null})),
    ))
    .unwrap();
    let (answer, counts) =
        metrics::measure::<Metric, _>(ingest.invoke(rejected, now(), None)).await;
    let error = answer.expect_err("a direct event that can never be reported is an error");
    assert_eq!(error.kind.as_str(), "Rejected");
    assert_eq!(error.ids.event_id.as_deref(), Some("eb-2"));
    assert_eq!(counts.get(Metric::Rejected), 1);
    assert_eq!(counts.get(Metric::Retried), 1);
    assert!(
        ingest.dead_letters().unwrap().sent().is_empty(),
        "a direct caller gets the error; nothing is dead-lettered behind its back"
    );
    // The answer serialises as the outcome, exactly as before the queue.
    let direct: Invocation =
        serde_json::from_value(rule_event("eb-3", christmas("a0B5g00000CCCCC", "u3"))).unwrap();
    let answer = ingest.invoke(direct, now(), None).await.unwrap();
    let json = serde_json::to_value(&answer).unwrap();
    assert_eq!(json["outcome"], "applied");
    assert_eq!(json["record_id"], "a0B5g00000CCCCC");
}

#[test]
fn the_answer_to_a_batch_is_the_batch_item_failures_shape() {
    let answer = Answer::Queue(
        serde_json::from_value(json!({"batchItemFailures": [{"itemIdentifier": "m1"}]})).unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"batchItemFailures": [{"itemIdentifier": "m1"}]})
    );
}

#[tokio::test]
async fn a_message_failing_again_comes_back_later_each_time() {
    let ingest = ingest(true);
    let body = rule_event("eb-1", christmas("a0B5g00000AAAAA", "u1")).to_string();
    for receive in 1..=6 {
        let mut record = message("m1", &body);
        record["attributes"]["ApproximateReceiveCount"] = json!(receive.to_string());
        let invocation: Invocation =
            serde_json::from_value(json!({ "Records": [record] })).unwrap();
        ingest.table().fail_next(1);
        let (listed, _) = run(&ingest, invocation).await;
        assert_eq!(listed, vec!["m1".to_string()]);
    }
    let delays: Vec<i32> = ingest
        .redelivery()
        .unwrap()
        .delays()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(delays, vec![180, 720, 2880, 11_520, 43_200, 43_200]);
}

#[test]
fn twelve_receives_span_four_days_inside_the_retention() {
    // modules/inbound: maxReceiveCount 12, retention 14 days (1,209,600 s). After its 12th
    // failed receive a message waits out that delay, then SQS moves it on the next receive.
    let waited: i64 = (1..=12).map(|n| i64::from(redelivery_delay(n))).sum();
    assert!(
        waited > 4 * 86_400,
        "{waited} s of retries ride out a 4-day outage"
    );
    assert!(
        waited < 1_209_600 - 86_400,
        "and leave the dead-letter queue days to redrive"
    );
}

#[tokio::test]
async fn the_success_message_quotes_user_text_plainly() {
    let ingest = ingest(true);
    let name = r#"Saint "Patrick's" \ Day"#;
    let body = rule_event(
        "eb-1",
        with(
            christmas("a0B5g00000AAAAA", "u1"),
            json!({ "Name__c": name }),
        ),
    )
    .to_string();
    let (listed, _) = run(&ingest, batch(&[("m1", body)])).await;
    assert!(listed.is_empty());
    let message = ingest.table().requests()[0].message.clone();
    assert!(
        message.contains(&format!("\"{name}\"")),
        "no backslash escapes: {message}"
    );
}

fn old(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    now() - chrono::Duration::minutes(minutes)
}

#[tokio::test]
async fn a_catch_up_file_that_meets_an_outage_is_retried_and_applies_each_line_once() {
    let ingest = ingest(true);
    let (first, second) = ("a0B5g00000SwAAAAAA", "a0B5g00000SwBBBAAA");
    // S3 encodes the key in the notification as a form does: the space arrives as `+`.
    ingest.objects().put(
        support::LARGE_BUCKET,
        "sweep/sfbridge-dev-sweep/run 1/part-0",
        sweep::file(&[
            sweep::line(first, old(60), "2026-12-24", "Eve"),
            sweep::line(second, old(60), "2026-12-31", "New Year's Eve"),
        ]),
    );
    let note = sweep::notification(
        support::LARGE_BUCKET,
        "sweep/sfbridge-dev-sweep/run+1/part-0",
        "ObjectCreated:Put",
    );
    // The first line's calls go through (two queries, a transaction); the second line's
    // first call is throttled.
    ingest.table().fail_after(3, 1);
    let (listed, counts) = run(&ingest, batch(&[("m1", note.clone())])).await;
    assert_eq!(listed, vec!["m1".to_string()], "the file is retried");
    assert_eq!(counts.get(Metric::CaughtUp), 1);
    assert_eq!(counts.get(Metric::Retried), 1);
    assert_eq!(ingest.table().requests().len(), 1);

    // The queue delivers it again: the first line is a duplicate, the second is applied.
    let (listed, counts) = run(&ingest, batch(&[("m1", note)])).await;
    assert!(listed.is_empty(), "{listed:?}");
    assert_eq!(counts.get(Metric::Duplicate), 1);
    assert_eq!(counts.get(Metric::Applied), 1);
    assert_eq!(counts.get(Metric::CaughtUp), 1);
    let records: Vec<String> = ingest
        .table()
        .requests()
        .into_iter()
        .map(|r| r.event_id)
        .collect();
    assert_eq!(
        records,
        vec![format!("sweep-{first}"), format!("sweep-{second}")]
    );
    assert!(ingest.dead_letters().unwrap().sent().is_empty());
}

#[tokio::test]
async fn a_catch_up_file_stops_before_the_invocations_deadline_and_is_retried() {
    let ingest = ingest(true);
    let key = "sweep/sfbridge-dev-sweep/run-1/part-0";
    ingest.objects().put(
        support::LARGE_BUCKET,
        key,
        sweep::file(&[sweep::line(
            "a0B5g00000SwAAAAAA",
            old(60),
            "2026-12-24",
            "Eve",
        )]),
    );
    let note = sweep::notification(support::LARGE_BUCKET, key, "ObjectCreated:Put");
    // Less than the time a line may need is left.
    let deadline = chrono::Utc::now() + chrono::Duration::seconds(2);
    let (listed, counts) = run_until(&ingest, batch(&[("m1", note.clone())]), Some(deadline)).await;
    assert_eq!(listed, vec!["m1".to_string()]);
    assert_eq!(counts.get(Metric::Retried), 1);
    assert!(ingest.table().is_empty(), "nothing started");
    let later = chrono::Utc::now() + chrono::Duration::seconds(60);
    let (listed, counts) = run_until(&ingest, batch(&[("m1", note)]), Some(later)).await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::CaughtUp), 1);
}

#[tokio::test]
async fn a_catch_up_line_older_than_the_retentions_is_recorded_as_fail_not_applied() {
    let ingest = ingest(true);
    let key = "sweep/sfbridge-dev-sweep/run-1/part-0";
    let record = "a0B5g00000SwOLDAAA";
    // Tombstones live 30 days: a change saved 40 days ago could resurrect a deleted holiday.
    ingest.objects().put(
        support::LARGE_BUCKET,
        key,
        sweep::file(&[sweep::line(record, old(40 * 24 * 60), "2026-12-24", "Eve")]),
    );
    let note = sweep::notification(support::LARGE_BUCKET, key, "ObjectCreated:Put");
    let (listed, counts) = run(&ingest, batch(&[("m1", note)])).await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::Invalid), 1);
    assert_eq!(counts.get(Metric::CaughtUp), 1);
    assert_eq!(counts.get(Metric::Applied), 0);
    let requests = ingest.table().requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, model::Status::Fail);
    assert!(
        requests[0].message.contains("more than 29 days ago"),
        "{}",
        requests[0].message
    );
    assert_eq!(
        ingest
            .table()
            .config("REGION#emea-uk", "HOLIDAY#2026-12-24"),
        None
    );
}

#[tokio::test]
async fn a_record_handled_before_claims_existed_is_a_duplicate_for_the_catch_up_in_either_id_form()
{
    let ingest = ingest(true);
    // Outcomes recorded before claims existed, one under each form of the Id.
    for (stored, swept) in [
        ("a0B5g00000Sw001AAA", "a0B5g00000Sw001AAA"),
        ("a0B5g00000Sw002", "a0B5g00000Sw002AAA"),
    ] {
        let request = model::RequestItem {
            pk: model::request_pk(stored),
            sk: model::request_sk("before-claims"),
            record_id: stored.into(),
            event_id: "before-claims".into(),
            action: None,
            region: None,
            config_type: None,
            config_key: None,
            status: model::Status::Success,
            message: "done".into(),
            processed_at: "2026-11-01T09:00:00.000Z".into(),
            requested_by: None,
            ttl: 1,
        };
        ingest.table().insert_unclaimed_request(request);
        let key = format!("sweep/f/run/{swept}");
        ingest.objects().put(
            support::LARGE_BUCKET,
            &key,
            sweep::file(&[sweep::line(swept, old(60), "2026-12-24", "Eve")]),
        );
        let note = sweep::notification(support::LARGE_BUCKET, &key, "ObjectCreated:Put");
        let (listed, counts) = run(&ingest, batch(&[("m1", note)])).await;
        assert!(listed.is_empty());
        assert_eq!(counts.get(Metric::Duplicate), 1, "{stored}");
        assert_eq!(counts.get(Metric::CaughtUp), 0, "{stored}");
    }
    assert_eq!(ingest.table().requests().len(), 2, "nothing new");
}

#[tokio::test]
async fn s3s_test_message_is_acknowledged_and_an_empty_notification_is_not() {
    let ingest = ingest(true);
    let test = json!({"Service": "Amazon S3", "Event": "s3:TestEvent",
                      "Time": "2026-11-30T09:00:00.000Z", "Bucket": support::LARGE_BUCKET,
                      "RequestId": "R", "HostId": "H"})
    .to_string();
    let empty = json!({"Records": []}).to_string();
    let (listed, counts) = run(&ingest, batch(&[("m1", test), ("m2", empty.clone())])).await;
    assert!(listed.is_empty());
    assert_eq!(counts.get(Metric::Rejected), 1, "the empty one");
    let dead = ingest.dead_letters().unwrap().sent();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].0, empty);
    assert!(ingest.table().is_empty());
}
