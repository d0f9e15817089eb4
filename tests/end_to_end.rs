//! The whole round trip through the real `bootstrap` binary (a local Runtime API per handler)
//! against the local AWS: the same run as `make demo`, asserted on every outcome.
mod support;

use support::round_trip::{self, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salesforce_change_to_dynamodb_to_salesforce_email_and_connect() {
    let work_dir = std::env::temp_dir().join(support::moto::unique("sfbridge-e2e"));
    let report = round_trip::run(&Options {
        binary: env!("CARGO_BIN_EXE_bootstrap").into(),
        endpoint: support::moto::endpoint(),
        work_dir: work_dir.clone(),
        echo: false,
    })
    .await
    .unwrap_or_else(|e| {
        panic!(
            "round trip failed: {e} (function logs in {})",
            work_dir.display()
        )
    });
    let problems = round_trip::check(&report);
    assert!(
        problems.is_empty(),
        "round trip came out wrong:\n- {}\n\ntrace:\n{}\n(function logs in {})",
        problems.join("\n- "),
        report.trace.join("\n"),
        work_dir.display()
    );
    // Every email carries the attributes subscriptions filter on.
    for email in &report.emails {
        for attribute in ["status", "record_id", "region", "action", "requested_by"] {
            assert!(
                email["MessageAttributes"][attribute]["Value"].is_string(),
                "{attribute} missing: {email}"
            );
        }
    }
    // Nothing had to be redelivered: no record failed.
    assert_eq!(report.redeliveries, 0);
    let _ = std::fs::remove_dir_all(&work_dir);
}

/// The direct path is unchanged: one EventBridge event invoked on the real `bootstrap` answers
/// its outcome, or an error naming why it can never be reported (nothing dead-lettered by
/// ingest itself: the caller has the error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_eventbridge_event_invoked_directly_answers_its_outcome_or_error() {
    use serde_json::json;
    let config = support::moto::sdk_config(&support::moto::endpoint()).await;
    let table = support::moto::unique("sfbridge-direct");
    support::moto::create_table(&aws_sdk_dynamodb::Client::new(&config), &table).await;
    let work_dir = std::env::temp_dir().join(support::moto::unique("sfbridge-direct"));
    std::fs::create_dir_all(&work_dir).expect("work dir");
    let mut ingest = support::runtime::LocalLambda::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_bootstrap")),
        "ingest",
        &support::moto::function_env(
            &support::moto::endpoint(),
            &[
                ("CONFIG_TABLE", table.clone()),
                ("LARGE_EVENT_BUCKET", "unused".into()),
            ],
        ),
        &work_dir.join("ingest.log"),
    )
    .await;
    let detail = support::holiday(
        "a0B5g00000Dir01",
        "direct-1",
        "2026-11-30T09:00:00Z",
        "2026-12-25",
        "Christmas",
    );
    let event = json!({
        "version": "0", "id": "eb-direct-1", "detail-type": "Config_Change__e",
        "source": "aws.partner/appflow/salesforce.com/123456789012/sfbridge-dev-events",
        "time": "2026-11-30T09:00:00Z", "detail": detail,
    });
    let answer = ingest.invoke(&event).await.expect("a normal response");
    assert_eq!(answer["outcome"], "applied", "{answer}");
    assert_eq!(answer["record_id"], "a0B5g00000Dir01");
    let again = ingest.invoke(&event).await.expect("a normal response");
    assert_eq!(again["outcome"], "duplicate", "{again}");

    let mut unreportable = event.clone();
    unreportable["detail"]
        .as_object_mut()
        .unwrap()
        .remove("Record_Id__c");
    let error = ingest.invoke(&unreportable).await.expect_err("an error");
    assert_eq!(error.error_type, "Rejected");
    assert!(error.message.contains("Record_Id__c"), "{}", error.message);
    let _ = std::fs::remove_dir_all(&work_dir);
}
