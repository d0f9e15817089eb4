//! The one log line per failure of a queue batch, with its business ids. Its own test binary:
//! tracing caches a log call site's interest process-wide, and a test capturing logs while
//! other tests of the same binary log without a subscriber can see nothing.
mod support;

use serde_json::json;
use support::queue_fakes::*;
use support::with;

#[tokio::test]
async fn each_failure_is_logged_once_with_its_business_ids() {
    let (logs, _guard) = support::logs::capture();
    let ingest = ingest(true);
    ingest.table().fail_next(1);
    let messages = [
        (
            "m1",
            rule_event("eb-1", christmas("a0B5g00000AAAAA", "u1")).to_string(),
        ),
        (
            "m2",
            rule_event(
                "eb-2",
                with(christmas("x", "u2"), json!({"-Record_Id__c": null})),
            )
            .to_string(),
        ),
    ];
    let (listed, _) = run(&ingest, batch(&messages)).await;
    assert_eq!(listed, vec!["m1".to_string()]);
    let text = logs.text();
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("ERROR")).collect();
    assert_eq!(errors.len(), 2, "one line per failed message:\n{text}");
    assert!(
        errors[0].contains("error_type=\"Retryable\"")
            && errors[0].contains("record_id=\"a0B5g00000AAAAA\"")
            && errors[0].contains("event_id=\"u1\"")
            && errors[0].contains("region=\"emea-uk\""),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("error_type=\"Rejected\"")
            && errors[1].contains("event_id=\"eb-2\"")
            && errors[1].contains("dead-letter queue")
            && !errors[1].contains("record_id"),
        "{}",
        errors[1]
    );
}
