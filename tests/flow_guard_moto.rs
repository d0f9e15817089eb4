//! `flow-guard` through its real adapters: AppFlow is a fake HTTP endpoint of ours (moto has
//! none), the counters live in DynamoDB in moto, support messages go through SNS in moto and
//! are read back from an SQS subscription.
mod support;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use sfbridge::adapters::appflow::AppFlowFlows;
use sfbridge::adapters::dynamodb::DynamoTable;
use sfbridge::adapters::sns::SnsTopic;
use sfbridge::error::ErrorType;
use sfbridge::flow_guard::{Action, FlowGuard, Request, Settings};
use support::fake_appflow::FakeAppFlow;
use support::moto::MotoWorld;

const EVENTS: &str = "sfbridge-dev-events";
const STATUS: &str = "sfbridge-dev-status";

struct Harness {
    world: MotoWorld,
    appflow: FakeAppFlow,
    queue_url: String,
    guard: FlowGuard<AppFlowFlows, DynamoTable, SnsTopic>,
}

async fn harness(max_reactivations: u32) -> Harness {
    let world = MotoWorld::new().await;
    let appflow = FakeAppFlow::start().await;
    let (topic_arn, queue_url) = world.topic_with_queue().await;
    let appflow_config = aws_sdk_appflow::config::Builder::from(world.sdk())
        .endpoint_url(&appflow.endpoint)
        .build();
    let guard = FlowGuard::new(
        AppFlowFlows::new(aws_sdk_appflow::Client::from_conf(appflow_config)),
        DynamoTable::new(world.dynamodb().clone(), world.table_name()),
        SnsTopic::new(aws_sdk_sns::Client::new(world.sdk()), topic_arn.clone()),
        Settings {
            table: world.table_name().to_string(),
            support_topic_arn: topic_arn,
            managed_flows: vec![EVENTS.into(), STATUS.into()],
            max_reactivations,
        },
    );
    Harness {
        world,
        appflow,
        queue_url,
        guard,
    }
}

fn event(detail_type: &str, detail: Value) -> Request {
    serde_json::from_value(json!({
        "version": "0", "id": "e", "detail-type": detail_type, "source": "aws.appflow",
        "account": "123456789012", "time": "2026-11-27T10:00:00Z", "region": "us-east-1",
        "resources": [], "detail": detail,
    }))
    .expect("any JSON is a request")
}

fn deactivated(flow: &str, reason: &str) -> Request {
    event(
        "AppFlow Event Flow Deactivated",
        json!({"flow-name": flow, "deactivation-reason": reason}),
    )
}

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).expect("time").to_utc()
}

#[tokio::test]
async fn throttled_deactivations_are_restarted_up_to_the_cap_then_support_is_told_once() {
    let h = harness(2).await;
    let t0 = at("2026-11-27T10:05:00Z");
    for n in 0..4 {
        // AppFlow deactivates the flow again each time.
        h.appflow.set(
            EVENTS,
            "Suspended",
            Some("Rate exceeded: too many requests"),
        );
        let report = h
            .guard
            .handle(
                deactivated(EVENTS, "Throttled by Salesforce: REQUEST_LIMIT_EXCEEDED"),
                t0 + Duration::minutes(n * 10),
            )
            .await
            .expect("handled");
        let expected = [
            Action::Started,
            Action::Started,
            Action::Alerted,
            Action::AlertSuppressed,
        ][n as usize];
        assert_eq!(report.outcomes[0].action, expected, "event {n}: {report:?}");
    }
    assert_eq!(h.appflow.count("StartFlow"), 2, "{:?}", h.appflow.calls());
    let messages = h.world.drain(&h.queue_url).await;
    assert_eq!(messages.len(), 1, "one support message after the cap");
    let body = messages[0]["Message"].as_str().unwrap_or_default();
    assert!(body.contains("restarted it 2 times this hour"), "{body}");
    assert_eq!(messages[0]["MessageAttributes"]["flow"]["Value"], EVENTS);

    // The next hour has a fresh allowance.
    h.appflow.set(EVENTS, "Suspended", Some("Rate exceeded"));
    let report = h
        .guard
        .handle(deactivated(EVENTS, "throttled"), at("2026-11-27T11:01:00Z"))
        .await
        .expect("handled");
    assert_eq!(report.outcomes[0].action, Action::Started);
    assert_eq!(h.appflow.count("StartFlow"), 3);
}

#[tokio::test]
async fn invalid_grant_tells_support_to_reauthorise_and_never_restarts() {
    let h = harness(3).await;
    h.appflow.set(
        STATUS,
        "Errored",
        Some("invalid_grant: expired access/refresh token"),
    );
    let failed_run = event(
        "AppFlow End Flow Run Report",
        json!({"flow-name": STATUS, "status": "Execution Failed", "num-of-record-failures": "0",
               "end-time": "2026-11-27T09:59:59.941Z[UTC]", "error": "Authentication failed"}),
    );
    for _ in 0..3 {
        h.guard
            .handle(failed_run.clone(), at("2026-11-27T10:00:00Z"))
            .await
            .expect("handled");
    }
    assert_eq!(h.appflow.count("StartFlow"), 0, "{:?}", h.appflow.calls());
    let messages = h.world.drain(&h.queue_url).await;
    assert_eq!(messages.len(), 1, "one message for the cause this hour");
    let m = &messages[0];
    assert_eq!(
        m["Subject"],
        format!("sfbridge: AppFlow flow {STATUS} needs attention")
    );
    let body = m["Message"].as_str().unwrap_or_default();
    assert!(
        body.contains("Re-authorise the Salesforce connection"),
        "{body}"
    );
    assert!(body.contains("invalid_grant"), "{body}");
    assert_eq!(m["MessageAttributes"]["cause"]["Value"], "TokenExpired");
}

#[tokio::test]
async fn activate_is_idempotent() {
    let h = harness(3).await;
    h.appflow.set(EVENTS, "Active", None);
    h.appflow.set(STATUS, "Draft", None);
    let activate = |flow: &str| {
        serde_json::from_value::<Request>(json!({"action": "activate", "flow_name": flow, "tf": {"action": "create", "prev_input": null}}))
            .expect("request")
    };
    let now = at("2026-11-27T10:00:00Z");
    let r = h
        .guard
        .handle(activate(EVENTS), now)
        .await
        .expect("activated");
    assert_eq!(r.outcomes[0].action, Action::None);
    assert_eq!(h.appflow.count("StartFlow"), 0);
    let r = h
        .guard
        .handle(activate(STATUS), now)
        .await
        .expect("activated");
    assert_eq!(r.outcomes[0].action, Action::Started);
    assert_eq!(h.appflow.count("StartFlow"), 1);
    assert_eq!(h.appflow.status(STATUS).as_deref(), Some("Active"));
    // Running it again (Terraform re-applies) changes nothing.
    h.guard
        .handle(activate(STATUS), now)
        .await
        .expect("activated");
    assert_eq!(h.appflow.count("StartFlow"), 1);
    // A managed flow that does not exist fails the apply, naming it.
    h.appflow.remove(EVENTS);
    let err = h
        .guard
        .handle(activate(EVENTS), now)
        .await
        .expect_err("fails the apply");
    assert!(
        err.message.contains(EVENTS) && err.message.contains("does not exist"),
        "{err}"
    );
    // An unmanaged flow is refused without calling AppFlow.
    let calls = h.appflow.calls().len();
    let err = h
        .guard
        .handle(activate("other-flow"), now)
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorType::Rejected);
    assert_eq!(h.appflow.calls().len(), calls);
}

#[tokio::test]
async fn unmanaged_and_malformed_events_make_no_appflow_call_and_a_clear_log_line() {
    let h = harness(3).await;
    let (logs, _guard) = support::logs::capture();
    let now = at("2026-11-27T10:00:00Z");
    let r = h
        .guard
        .handle(deactivated("someone-elses-flow", "Rate exceeded"), now)
        .await
        .expect("handled");
    assert_eq!(r.outcomes[0].action, Action::Ignored);
    // An AppFlow event it cannot read: logged and ignored.
    let request: Request = serde_json::from_value(json!({"detail-type": 3})).expect("any JSON");
    let r = h.guard.handle(request, now).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::Ignored);
    // A command it cannot carry out: an error (DESIGN.md), still without an AppFlow call.
    for bad in [
        json!({"hello": "world"}),
        json!({"action": "activate"}),
        json!("text"),
    ] {
        let request: Request = serde_json::from_value(bad.clone()).expect("any JSON");
        let err = h.guard.handle(request, now).await.expect_err("an error");
        assert_eq!(err.kind, ErrorType::Rejected, "{bad}");
    }
    assert!(h.appflow.calls().is_empty(), "{:?}", h.appflow.calls());
    assert!(h.world.drain(&h.queue_url).await.is_empty());
    let text = logs.text();
    assert!(
        text.contains("flow-guard: not a managed flow, ignored; no AppFlow call")
            && text.contains("someone-elses-flow"),
        "{text}"
    );
    assert_eq!(
        text.matches("flow-guard: malformed input ignored; no AppFlow call")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("flow-guard: answered with an error").count(),
        3,
        "each refused command logged once: {text}"
    );
}
