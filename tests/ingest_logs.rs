//! The one log line per failure of a queue batch, with its business ids, and the catch-up's
//! lines per file and line. Its own test binary:
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

/// A catch-up file: the line that could not be read names its file, line number and reason;
/// the caught-up line names its record; the file ends with one summary line.
#[tokio::test]
async fn catch_up_lines_are_logged_with_their_file_and_line() {
    let (logs, _guard) = support::logs::capture();
    let ingest = ingest(true);
    let key = "sweep/sfbridge-dev-sweep/run-1/part-0";
    let old = now() - chrono::Duration::hours(1);
    let good = support::sweep::line("a0B5g00000SwAAAAAA", old, "2026-12-24", "Eve");
    ingest.objects().put(
        support::LARGE_BUCKET,
        key,
        support::sweep::file(&[good, "{\"Id\": 7}".to_string()]),
    );
    let note = support::sweep::notification(support::LARGE_BUCKET, key, "ObjectCreated:Put");
    let (listed, _) = run(&ingest, batch(&[("m1", note)])).await;
    assert!(listed.is_empty());
    let text = logs.text();
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 2, "{text}");
    assert!(
        warnings[0].contains("caught up")
            && warnings[0].contains("record_id=a0B5g00000SwAAAAAA")
            && warnings[0].contains("line=1")
            && warnings[0].contains(key),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("cannot be read")
            && warnings[1].contains("line=2")
            && warnings[1].contains("Id is a number")
            && warnings[1].contains(key),
        "{}",
        warnings[1]
    );
    assert!(
        text.lines().any(|l| l.contains("catch-up file read")
            && l.contains("caught_up=1")
            && l.contains("skipped=1")),
        "{text}"
    );
}
