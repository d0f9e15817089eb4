//! `flow-guard` decisions against the in-memory fakes: the health check, Terraform's delete,
//! a support message that could not be sent, successful runs and vanished flows.
mod support;

use chrono::{DateTime, Utc};
use serde_json::json;
use sfbridge::adapters::memory::{MemoryFlows, MemoryTable, MemoryTopic};
use sfbridge::error::ErrorType;
use sfbridge::flow_guard::{Action, FlowGuard, Request, Settings};
use sfbridge::metrics::{self, FlowGuard as Metric};

type Guard = FlowGuard<MemoryFlows, MemoryTable, MemoryTopic>;

fn guard(flows: &[&str]) -> Guard {
    FlowGuard::new(
        MemoryFlows::new(),
        MemoryTable::new(),
        MemoryTopic::new(),
        Settings {
            table: "t".into(),
            support_topic_arn: "arn:aws:sns:us-east-1:123456789012:support".into(),
            managed_flows: flows.iter().map(|f| f.to_string()).collect(),
            max_reactivations: 3,
        },
    )
}

fn request(value: serde_json::Value) -> Request {
    serde_json::from_value(value).expect("any JSON is a request")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
        .expect("time")
        .to_utc()
}

#[tokio::test]
async fn the_health_check_restarts_what_a_retry_fixes_and_reports_the_rest() {
    let g = guard(&["ok", "throttled", "draft"]);
    g.flows().set("ok", "Active", None);
    g.flows()
        .set("throttled", "Suspended", Some("503 Service Unavailable"));
    g.flows().set("draft", "Draft", None);
    let (report, counts) =
        metrics::measure::<Metric, _>(g.handle(request(json!({"action": "check"})), now())).await;
    let report = report.expect("checked");
    assert_eq!(counts.get(Metric::Restarted), 1);
    assert_eq!(counts.get(Metric::Escalated), 1);
    assert_eq!(counts.get(Metric::Ignored), 0);
    let (_, counts) = metrics::measure::<Metric, _>(g.handle(
        request(
            json!({"detail-type": "AppFlow End Flow Run Report", "source": "aws.appflow",
            "detail": {"flow-name": "not-ours", "status": "Execution Failed"}}),
        ),
        now(),
    ))
    .await;
    assert_eq!(counts.get(Metric::Ignored), 1, "an unmanaged flow's event");
    let actions: Vec<Action> = report.outcomes.iter().map(|o| o.action).collect();
    assert_eq!(
        actions,
        vec![Action::None, Action::Started, Action::Alerted]
    );
    assert_eq!(g.flows().status("throttled").as_deref(), Some("Active"));
    let published = g.topic().published();
    assert_eq!(published.len(), 1);
    assert!(
        published[0]
            .body
            .contains("The AppFlow flow draft is Draft."),
        "{}",
        published[0].body
    );
    assert_eq!(published[0].attributes["cause"], "Unknown");
}

#[tokio::test]
async fn terraform_delete_deactivates_and_deactivate_is_idempotent() {
    let g = guard(&["f"]);
    g.flows().set("f", "Active", None);
    let delete = request(
        json!({"action": "activate", "flow_name": "f", "tf": {"action": "delete", "prev_input": {}}}),
    );
    let r = g.handle(delete.clone(), now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::Stopped);
    let r = g.handle(delete, now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::None);
    assert_eq!(
        g.flows()
            .calls()
            .iter()
            .filter(|c| c.starts_with("stop"))
            .count(),
        1
    );
}

#[tokio::test]
async fn a_support_message_that_fails_to_send_is_sent_on_the_retry() {
    let g = guard(&["f"]);
    g.flows().set(
        "f",
        "Errored",
        Some("INSUFFICIENT_ACCESS: insufficient access rights"),
    );
    let failed = request(
        json!({"detail-type": "AppFlow Scheduled Flow Deactivated", "source": "aws.appflow", "detail": {"flow-name": "f"}}),
    );
    g.topic().set_unavailable(true);
    let err = g
        .handle(failed.clone(), now())
        .await
        .expect_err("retried by Lambda");
    assert_eq!(err.kind, ErrorType::Retryable);
    g.topic().set_unavailable(false);
    let r = g.handle(failed.clone(), now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::Alerted);
    let r = g.handle(failed, now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::AlertSuppressed);
    assert_eq!(g.topic().published().len(), 1);
    assert!(g.topic().published()[0].body.contains("permission set"));
}

#[tokio::test]
async fn successful_runs_cost_no_call_and_a_vanished_flow_is_reported() {
    let g = guard(&["f"]);
    let ok_run = request(
        json!({"detail-type": "AppFlow End Flow Run Report", "source": "aws.appflow",
        "detail": {"flow-name": "f", "status": "Execution Successful", "num-of-records-processed": "12"}}),
    );
    let r = g.handle(ok_run, now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::None);
    assert!(g.flows().calls().is_empty());

    let gone = request(
        json!({"detail-type": "AppFlow Event Flow Deactivated", "source": "aws.appflow",
        "detail": {"flow-name": "f", "deactivation-reason": "Rate exceeded"}}),
    );
    let r = g.handle(gone, now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::Alerted);
    assert_eq!(
        g.topic().published()[0].attributes["cause"],
        "DeletedResource"
    );
    assert!(g.flows().calls().iter().all(|c| !c.starts_with("start")));
}

/// Terraform activates right after it created flow-guard's role policy: AppFlow answers
/// AccessDenied until IAM has propagated it. The activation waits that out (no sleep in
/// Terraform) and succeeds; a denial that lasts is still an error naming the call.
#[tokio::test(start_paused = true)]
async fn activation_waits_out_iam_propagation_but_not_forever() {
    let g = guard(&["f"]);
    g.flows().set("f", "Draft", None);
    g.flows().deny_next(3);
    let activate = request(json!({"action": "activate", "flow_name": "f"}));
    let r = g.handle(activate, now()).await.expect("activated");
    assert_eq!(r.outcomes[0].action, Action::Started);
    assert_eq!(g.flows().status("f").as_deref(), Some("Active"));

    g.flows().set("f", "Draft", None);
    g.flows().deny_next(1_000);
    let started = tokio::time::Instant::now();
    let activate = request(json!({"action": "activate", "flow_name": "f"}));
    let err = g.handle(activate, now()).await.expect_err("still denied");
    assert!(err.message.contains("DescribeFlow f"), "{}", err.message);
    assert!(err.message.contains("access denied"), "{}", err.message);
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(5) && waited <= std::time::Duration::from_secs(20),
        "{waited:?}"
    );

    // One deadline for the whole activation: a StartFlow denied after a slow DescribeFlow gets
    // no patience of its own (the function's timeout is 30 s).
    g.flows().set("f", "Draft", None);
    g.flows().deny_next(4); // DescribeFlow succeeds after 0.5 + 1 + 2 + 4 s of pauses
    g.flows().deny_starts(1_000);
    let started = tokio::time::Instant::now();
    let activate = request(json!({"action": "activate", "flow_name": "f"}));
    let err = g
        .handle(activate, now())
        .await
        .expect_err("StartFlow denied");
    assert!(err.message.contains("StartFlow f"), "{}", err.message);
    assert!(
        started.elapsed() <= std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// What the activation resource sends on a flow change: an in-place update (tf.action
/// "update") whose input carries the flow's revision and prerequisites. It activates; it
/// never deactivates first.
#[tokio::test]
async fn an_updated_activation_activates_without_stopping() {
    let g = guard(&["f"]);
    g.flows().set("f", "Active", None);
    let update = request(json!({
        "action": "activate", "flow_name": "f", "revision": "r2", "after": ["bus", "rule"],
        "tf": {"action": "update", "prev_input": {"action": "activate", "flow_name": "f", "revision": "r1"}}
    }));
    let r = g.handle(update, now()).await.expect("handled");
    assert_eq!(r.outcomes[0].action, Action::None);
    assert!(
        g.flows().calls().iter().all(|c| !c.starts_with("stop")),
        "{:?}",
        g.flows().calls()
    );
}

#[tokio::test]
async fn what_a_failing_check_did_before_it_failed_is_counted() {
    let g = guard(&["throttled", "draft"]);
    g.flows()
        .set("throttled", "Suspended", Some("503 Service Unavailable"));
    g.flows().set("draft", "Draft", None);
    g.topic().set_unavailable(true);
    let (report, counts) =
        metrics::measure::<Metric, _>(g.handle(request(json!({"action": "check"})), now())).await;
    let error = report.expect_err("the support message could not be sent");
    assert_eq!(error.ids.flow.as_deref(), Some("draft"));
    assert_eq!(
        counts.get(Metric::Restarted),
        1,
        "the first flow was restarted"
    );
    assert_eq!(counts.get(Metric::Escalated), 0, "nothing reached support");
}

#[tokio::test]
async fn a_check_repairs_every_flow_and_names_those_it_could_not_check() {
    // Issue 15: the first flow cannot be described; the second is still repaired.
    let g = guard(&["undescribable", "throttled"]);
    g.flows().set("undescribable", "Active", None);
    g.flows()
        .set("throttled", "Suspended", Some("503 Service Unavailable"));
    g.flows().deny_next(1); // the first DescribeFlow: the first flow's
    let (report, counts) =
        metrics::measure::<Metric, _>(g.handle(request(json!({"action": "check"})), now())).await;
    let error = report.expect_err("one flow could not be checked");
    assert!(
        error.message.contains("undescribable") && !error.message.contains("throttled"),
        "{}",
        error.message
    );
    assert_eq!(error.ids.flow.as_deref(), Some("undescribable"));
    assert_eq!(g.flows().status("throttled").as_deref(), Some("Active"));
    assert_eq!(counts.get(Metric::Restarted), 1);
}

#[tokio::test]
async fn an_unhealthy_flow_is_described_once_per_check() {
    let g = guard(&["draft"]);
    g.flows().set("draft", "Draft", None);
    g.handle(request(json!({"action": "check"})), now())
        .await
        .expect("checked");
    let describes = g
        .flows()
        .calls()
        .iter()
        .filter(|c| c.starts_with("describe "))
        .count();
    assert_eq!(describes, 1, "{:?}", g.flows().calls());
}

#[tokio::test]
async fn a_command_it_cannot_carry_out_is_an_error_not_a_quiet_ignore() {
    let g = guard(&["f"]);
    for bad in [
        json!({"action": "activate"}),
        json!({"action": "explode", "flow_name": "f"}),
    ] {
        let error = g
            .handle(request(bad.clone()), now())
            .await
            .expect_err("an error response");
        assert_eq!(error.kind, ErrorType::Rejected, "{bad}");
    }
    assert!(g.flows().calls().is_empty(), "no AppFlow call");
}
