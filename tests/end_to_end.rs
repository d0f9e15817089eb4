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
