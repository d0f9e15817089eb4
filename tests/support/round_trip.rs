//! The whole round trip on one machine, shared by `make demo` (`examples/demo.rs`, which
//! prints the trace) and the end-to-end test (`tests/end_to_end.rs`, which asserts on it).
//!
//! The handlers run as the real `bootstrap` binary through a local Runtime API. The AWS glue
//! that moto lacks is played here: AppFlow's event flow and the partner-bus rule (the
//! EventBridge envelope, sent to the ingest queue, a real SQS queue in moto with its
//! dead-letter queue), Lambda's SQS poller (batches to `ingest`, `batchItemFailures`
//! redelivered), DynamoDB throttling (a proxy, for one delivery), Lambda's
//! stream poller (batches to `status-csv` and `notify`, honouring batch-item failures), an
//! outage of the event flow and the sweep flow that catches up (records without a status
//! written to the inbound bucket as AppFlow writes JSON; S3's notification to the ingest
//! queue is moto's own),
//! AppFlow's scheduled S3 -> Salesforce flow (incremental, upserting into a local STAND-IN for
//! `Config_Request__c`: a JSON file, not Salesforce), and Amazon Connect (questions to
//! `connect-lookup`).
//!
//! Contract names (environment variables, handler names, CSV columns, Connect keys) are
//! written here literally, from DESIGN.md, on purpose: if the code renames one, this breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use serde_json::{json, Value};

use super::moto::{
    create_bucket, create_table, drain, function_env, notify_queue_of_sweep_files, put_object,
    s3_client, sdk_config, topic_with_queue, unique,
};
use super::queue::{self, IngestQueue};
use super::runtime::LocalLambda;
use super::stream::StreamPoller;
use super::throttle::Throttle;

/// The delivery during which DynamoDB throttles (the queue redelivers it).
pub const THROTTLED: &str = "02-hours-friday.json";

/// The sample events, in delivery order (`examples/events/README.md` explains each).
pub const DELIVERIES: [&str; 10] = [
    "01-holiday-christmas.json",
    "02-hours-friday.json",
    "03-timezone-london.json",
    "04-holiday-boxing-day.json",
    "05-holiday-boxing-day-delete.json",
    "01-holiday-christmas.json",
    "06-hours-friday-newer.json",
    "07-hours-friday-older.json",
    "08-invalid-date.json",
    "09-no-record-id.json",
];

/// Saved in Salesforce while the event flow is down: its event is dropped, the catch-up
/// applies it, and the event, delivered late after all, is a duplicate.
pub const OUTAGE: &str = "10-holiday-new-years-eve-outage.json";
/// When the outage request was saved: older than `SWEEP_GRACE_MINUTES` (10) by the time the
/// sweep runs.
pub const OUTAGE_MINUTES_AGO: i64 = 20;
/// Where the sweep flow writes (`SWEEP_PREFIX`, `<prefix><flow>/<execution id>/<file>`).
pub const SWEEP_PREFIX: &str = "sweep/";

/// The columns AppFlow's scheduled flow maps onto `Config_Request__c` (DESIGN.md).
pub const CSV_COLUMNS: [&str; 5] = [
    "Id",
    "Sync_Status__c",
    "Sync_Message__c",
    "Synced_At__c",
    "Sync_Event_Id__c",
];

/// Connect's questions: (label, parameters).
pub fn questions() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Christmas Day, 10:00",
            json!({"region": "emea-uk", "date": "2026-12-25", "time": "10:00"}),
        ),
        (
            "Boxing Day, 10:00",
            json!({"region": "emea-uk", "date": "2026-12-26", "time": "10:00"}),
        ),
        (
            "a Friday, 19:30",
            json!({"region": "emea-uk", "date": "2027-01-08", "time": "19:30"}),
        ),
        ("now", json!({"region": "emea-uk"})),
        (
            "New Year's Eve, 10:00",
            json!({"region": "emea-uk", "date": "2026-12-31", "time": "10:00"}),
        ),
    ]
}

pub struct Options {
    /// The `bootstrap` binary to run.
    pub binary: PathBuf,
    /// The emulator (`AWS_ENDPOINT_URL`).
    pub endpoint: String,
    /// Where logs and the Salesforce stand-in go.
    pub work_dir: PathBuf,
    /// Print the trace as it happens.
    pub echo: bool,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Per delivery: the file and, per invocation of `ingest` it took, what was counted.
    pub ingest: Vec<(String, Vec<String>)>,
    /// The ingest dead-letter queue at the end: (body, `reason`).
    pub dead_letters: Vec<(String, Option<String>)>,
    /// The catch-up file: its key, and per line (record id, whether it was caught up).
    pub sweep_key: String,
    pub sweep_lines: Vec<String>,
    /// Transactions the throttling proxy refused.
    pub throttled: u32,
    /// What the functions counted (their EMF records): handler -> metric -> sum.
    pub metrics: BTreeMap<String, BTreeMap<String, u64>>,
    /// EMF records or log lines that break the contract (names, namespace, root span).
    pub telemetry_problems: Vec<String>,
    /// The Salesforce stand-in: Id -> field -> value.
    pub records: BTreeMap<String, BTreeMap<String, String>>,
    /// Status emails as SNS delivered them.
    pub emails: Vec<Value>,
    /// Connect's answers before and after the changes, by label.
    pub before: Vec<(String, Value)>,
    pub after: Vec<(String, Value)>,
    /// Stream batch deliveries that reported failures (and were redelivered).
    pub redeliveries: usize,
    pub trace: Vec<String>,
    pub elapsed: Duration,
}

struct Tracer {
    lines: Vec<String>,
    echo: bool,
}

impl Tracer {
    fn line(&mut self, text: impl Into<String>) {
        let text = text.into();
        if self.echo {
            println!("{text}");
        }
        self.lines.push(text);
    }
}

struct Names {
    table: String,
    large_bucket: String,
    status_bucket: String,
    topic_arn: String,
    queue_url: String,
}

async fn provision(config: &SdkConfig) -> Names {
    let dynamodb = aws_sdk_dynamodb::Client::new(config);
    let s3 = s3_client(config);
    let names = Names {
        table: unique("sfbridge-demo-config"),
        large_bucket: unique("sfbridge-demo-large-events"),
        status_bucket: unique("sfbridge-demo-status"),
        topic_arn: String::new(),
        queue_url: String::new(),
    };
    create_table(&dynamodb, &names.table).await;
    create_bucket(&s3, &names.large_bucket).await;
    create_bucket(&s3, &names.status_bucket).await;
    let (topic_arn, queue_url) = topic_with_queue(config).await;
    Names {
        topic_arn,
        queue_url,
        ..names
    }
}

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/events")
}

fn short(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

pub async fn run(opts: &Options) -> Result<Report, String> {
    let started = Instant::now();
    let mut t = Tracer {
        lines: Vec::new(),
        echo: opts.echo,
    };
    std::fs::create_dir_all(&opts.work_dir).map_err(|e| format!("work dir: {e}"))?;
    let config = sdk_config(&opts.endpoint).await;
    let names = provision(&config).await;
    t.line(format!(
        "== local AWS at {}: table {}, buckets {} and {}, status topic with an email queue",
        opts.endpoint, names.table, names.large_bucket, names.status_bucket
    ));

    // The functions, each the real bootstrap with the environment Terraform gives it.
    let aws_env = |extra: Vec<(&'static str, String)>| function_env(&opts.endpoint, &extra);
    let log = |name: &str| opts.work_dir.join(format!("{name}.log"));
    let queue = IngestQueue::create(&config).await;
    let s3 = s3_client(&config);
    notify_queue_of_sweep_files(&s3, &names.large_bucket, &queue.arn, SWEEP_PREFIX).await;
    let throttle = Throttle::start(&opts.endpoint).await;
    let mut ingest = LocalLambda::start(
        &opts.binary,
        "ingest",
        &aws_env(vec![
            ("CONFIG_TABLE", names.table.clone()),
            ("LARGE_EVENT_BUCKET", names.large_bucket.clone()),
            ("DEAD_LETTER_QUEUE_URL", queue.dead_letter_url.clone()),
            // DynamoDB through the proxy that can throttle it.
            ("AWS_ENDPOINT_URL_DYNAMODB", throttle.endpoint.clone()),
        ]),
        &log("ingest"),
    )
    .await;
    let mut status_csv = LocalLambda::start(
        &opts.binary,
        "status-csv",
        &aws_env(vec![
            ("STATUS_BUCKET", names.status_bucket.clone()),
            ("STATUS_PREFIX", "status/".to_string()),
        ]),
        &log("status-csv"),
    )
    .await;
    let mut notify = LocalLambda::start(
        &opts.binary,
        "notify",
        &aws_env(vec![
            ("CONFIG_TABLE", names.table.clone()),
            ("STATUS_TOPIC_ARN", names.topic_arn.clone()),
        ]),
        &log("notify"),
    )
    .await;
    let mut connect = LocalLambda::start(
        &opts.binary,
        "connect-lookup",
        &aws_env(vec![("CONFIG_TABLE", names.table.clone())]),
        &log("connect-lookup"),
    )
    .await;
    t.line(format!(
        "== functions: ingest, status-csv, notify, connect-lookup ({}; logs in {})",
        opts.binary.display(),
        opts.work_dir.display()
    ));

    let mut report = Report::default();
    t.line(format!(
        "== inbound bucket: objects under {SWEEP_PREFIX} are announced to the ingest queue (S3 sends its s3:TestEvent first)"
    ));
    let before = queue::emf_records(&log("ingest")).len();
    while let Some(poll) = queue.poll(&mut ingest).await? {
        t.line(format!(
            "  {} message(s): ingest acknowledged them, counted {:?}",
            poll.messages,
            queue::totals(&queue::emf_records(&log("ingest"))[before..])
        ));
    }

    t.line("== Amazon Connect, before any change");
    report.before = ask(&mut connect, &mut t).await?;

    t.line("== Salesforce -> AppFlow -> EventBridge -> rule -> ingest queue (SQS) -> ingest (batch-item failures)");
    // The Salesforce stand-in's records as saved (Id -> fields), for the catch-up.
    let saved_at = chrono::Utc::now();
    let mut saved: BTreeMap<String, Value> = BTreeMap::new();
    for (n, file) in DELIVERIES.iter().enumerate() {
        let detail = read_event(file)?;
        if let Some(record) = super::sweep::saved_record(&detail, saved_at) {
            saved.insert(
                record["Id"].as_str().unwrap_or_default().to_string(),
                record,
            );
        }
        queue
            .send(&envelope(&format!("demo-eventbridge-{n}"), &detail).to_string())
            .await;
        if *file == THROTTLED {
            // More than the SDK's 3 attempts: this invocation fails the message.
            throttle.throttle_next(3);
            t.line("  (DynamoDB throttles the next 3 transactions)");
        }
        let outcomes = poll_once_each(&queue, &mut ingest, &log("ingest"), &mut t, file).await?;
        report.ingest.push((file.to_string(), outcomes));
    }
    report.throttled = throttle.throttled.load(std::sync::atomic::Ordering::SeqCst);
    report.dead_letters = queue.dead_letters().await;
    for (body, reason) in &report.dead_letters {
        let id = serde_json::from_str::<Value>(body)
            .map(|v| short(&v["id"]))
            .unwrap_or_default();
        t.line(format!(
            "  dead-letter queue: {id}, reason: {}",
            reason.as_deref().unwrap_or("(none)")
        ));
    }

    t.line(format!(
        "== outage: the event flow is down; {OUTAGE} is saved in Salesforce {OUTAGE_MINUTES_AGO} minutes ago and its event is lost"
    ));
    let lost = read_event(OUTAGE)?;
    let outage_saved = chrono::Utc::now() - chrono::Duration::minutes(OUTAGE_MINUTES_AGO);
    if let Some(record) = super::sweep::saved_record(&lost, outage_saved) {
        saved.insert(
            record["Id"].as_str().unwrap_or_default().to_string(),
            record,
        );
    }

    t.line("== catch-up: the sweep flow copies every record without a status to the inbound bucket (JSON lines, as AppFlow writes); S3 notifies the ingest queue");
    // No record has a status yet: the scheduled upsert below has not run.
    let lines: Vec<String> = saved.values().map(Value::to_string).collect();
    report.sweep_key = format!(
        "{SWEEP_PREFIX}sfbridge-demo-sweep/{}/part-00000",
        unique("run")
    );
    put_object(
        &s3,
        &names.large_bucket,
        &report.sweep_key,
        &(lines.join("\n") + "\n"),
    )
    .await;
    t.line(format!(
        "  s3://{}/{}: {} records without a status",
        names.large_bucket,
        report.sweep_key,
        lines.len()
    ));
    let logged_before = log_lines(&log("ingest")).len();
    let outcomes =
        poll_once_each(&queue, &mut ingest, &log("ingest"), &mut t, "sweep file").await?;
    report.ingest.push(("sweep file".to_string(), outcomes));
    report.sweep_lines = caught_up_lines(&log_lines(&log("ingest"))[logged_before..]);
    for line in &report.sweep_lines {
        t.line(format!("    {line}"));
    }

    t.line(format!(
        "== the event flow is back: {OUTAGE}'s event arrives late, after the catch-up"
    ));
    queue
        .send(&envelope("demo-eventbridge-late", &lost).to_string())
        .await;
    let outcomes = poll_once_each(&queue, &mut ingest, &log("ingest"), &mut t, OUTAGE).await?;
    report.ingest.push((format!("{OUTAGE} (late)"), outcomes));

    t.line("== DynamoDB stream -> status-csv and notify (Lambda's poller, batch-item failures honoured)");
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let mut poller = StreamPoller::new(&config, &dynamodb, &names.table).await;
    // notify writes its markers to the table: poll until the stream is quiet.
    for _ in 0..5 {
        let batch = poller.next_batch().await;
        if batch.records.is_empty() {
            break;
        }
        t.line(format!("  batch of {} stream records", batch.records.len()));
        for function in [&mut status_csv, &mut notify] {
            report.redeliveries += deliver(function, batch.clone(), &mut t).await?;
        }
    }

    t.line("== AppFlow scheduled flow: status CSVs -> Config_Request__c (local stand-in, not Salesforce)");
    report.records = upsert_status(&config, &names.status_bucket, &opts.work_dir, &mut t).await?;
    for (id, fields) in &report.records {
        t.line(format!(
            "  {id}  {:<7}  {}",
            fields
                .get("Sync_Status__c")
                .map(String::as_str)
                .unwrap_or(""),
            fields
                .get("Sync_Message__c")
                .map(String::as_str)
                .unwrap_or("")
        ));
    }

    t.line("== status emails (SNS -> the subscribed queue)");
    report.emails = drain(&config, &names.queue_url).await;
    for m in &report.emails {
        let to = m["MessageAttributes"]["requested_by"]["Value"]
            .as_str()
            .unwrap_or("-");
        t.line(format!("  to {to:<16} {}", short(&m["Subject"])));
    }

    t.line("== Amazon Connect, after the changes");
    report.after = ask(&mut connect, &mut t).await?;

    t.line("== metrics (the EMF records in the function logs, summed as CloudWatch would)");
    for name in ["ingest", "status-csv", "notify", "connect-lookup"] {
        let records = queue::emf_records(&log(name));
        report
            .telemetry_problems
            .extend(queue::emf_problems(name, &records));
        report
            .telemetry_problems
            .extend(root_span_problems(name, &log(name)));
        let totals = queue::totals(&records);
        t.line(format!(
            "  {name:<15} {}",
            totals
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
        report.metrics.insert(name.to_string(), totals);
    }

    report.elapsed = started.elapsed();
    t.line(format!(
        "== round trip took {:.1} s",
        report.elapsed.as_secs_f64()
    ));
    report.trace = t.lines;
    Ok(report)
}

fn read_event(file: &str) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(events_dir().join(file)).map_err(|e| format!("{file}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))
}

/// The EventBridge envelope AppFlow's partner source puts around a detail.
fn envelope(id: &str, detail: &Value) -> Value {
    json!({
        "version": "0",
        "id": id,
        "detail-type": "Config_Change__e",
        "source": "aws.partner/appflow/salesforce.com/123456789012/sfbridge-demo-events",
        "account": "123456789012",
        "time": chrono::Utc::now().to_rfc3339(),
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    })
}

/// Lambda's SQS poller until the message is gone: per invocation, what `ingest` counted.
async fn poll_once_each(
    queue: &IngestQueue,
    ingest: &mut LocalLambda,
    log: &Path,
    t: &mut Tracer,
    label: &str,
) -> Result<Vec<String>, String> {
    let mut outcomes = Vec::new();
    for _ in 0..queue::MAX_RECEIVES {
        let before = queue::emf_records(log).len();
        let Some(poll) = queue.poll(ingest).await? else {
            break;
        };
        let counted = queue::totals(&queue::emf_records(log)[before..])
            .iter()
            .map(|(metric, n)| {
                if *n == 1 {
                    metric.clone()
                } else {
                    format!("{metric}x{n}")
                }
            })
            .collect::<Vec<_>>()
            .join("+");
        t.line(format!(
            "  {label:<36} receive #{} -> {counted:<10} {}",
            poll.receives.join(","),
            if poll.listed.is_empty() {
                "deleted from the queue".to_string()
            } else {
                format!(
                    "listed in batchItemFailures ({} of {}): redelivered",
                    poll.listed.len(),
                    poll.messages
                )
            }
        ));
        outcomes.push(counted);
        if poll.listed.is_empty() {
            break;
        }
    }
    Ok(outcomes)
}

/// A function's JSON log lines so far.
fn log_lines(log: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect()
}

/// What `ingest` logged about each catch-up line: "<record id>: <verdict>".
fn caught_up_lines(logged: &[Value]) -> Vec<String> {
    logged
        .iter()
        .filter_map(|l| {
            let message = l["fields"]["message"].as_str()?;
            let verdict = if message.contains("caught up") {
                format!("caught up ({})", short(&l["fields"]["outcome"]))
            } else if message.contains("left for the event path") {
                "left for the event path (younger than the grace period)".to_string()
            } else if message.contains("already handled") {
                "duplicate".to_string()
            } else {
                return None;
            };
            Some(format!("{}: {verdict}", short(&l["fields"]["record_id"])))
        })
        .collect()
}

/// Delivers a batch as Lambda does with `ReportBatchItemFailures`: on failures, again from the
/// first failed record, a few times. Returns how many redeliveries were needed.
async fn deliver(
    function: &mut LocalLambda,
    mut batch: aws_lambda_events::dynamodb::Event,
    t: &mut Tracer,
) -> Result<usize, String> {
    for attempt in 0..3 {
        let payload = serde_json::to_value(&batch).map_err(|e| e.to_string())?;
        let response = function
            .invoke(&payload)
            .await
            .map_err(|e| format!("{}: {} {}", function.name, e.error_type, e.message))?;
        let failed: Vec<String> = response["batchItemFailures"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["itemIdentifier"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        t.line(format!(
            "    {:<10} {} records, {} failed",
            function.name,
            batch.records.len(),
            failed.len()
        ));
        let Some(first) = failed.first() else {
            return Ok(attempt);
        };
        let from = batch
            .records
            .iter()
            .position(|r| r.change.sequence_number.as_deref() == Some(first))
            .ok_or_else(|| {
                format!(
                    "{} reported an unknown sequence number {first}",
                    function.name
                )
            })?;
        batch.records.drain(..from);
    }
    Err(format!("{} kept failing the same records", function.name))
}

/// Every JSON log line carries the handler's root span (Lambda's JSON log format).
fn root_span_problems(name: &str, log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("level").is_some())
        .collect();
    let mut problems: Vec<String> = lines
        .iter()
        .filter(|l| {
            !l["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| s["name"] == "sfbridge" && s["handler"] == name)
        })
        .map(|l| format!("{name}: log line without the handler's root span: {l}"))
        .collect();
    if lines.is_empty() {
        problems.push(format!("{name}: no JSON log lines in {}", log.display()));
    }
    problems
}

async fn ask(connect: &mut LocalLambda, t: &mut Tracer) -> Result<Vec<(String, Value)>, String> {
    let mut answers = Vec::new();
    for (label, parameters) in questions() {
        let mut event: Value = serde_json::from_str(include_str!("../fixtures/connect-event.json"))
            .map_err(|e| e.to_string())?;
        event["Details"]["Parameters"] = parameters;
        let answer = connect
            .invoke(&event)
            .await
            .map_err(|e| format!("connect-lookup: {} {}", e.error_type, e.message))?;
        t.line(format!(
            "  {label:<22} status={} open={} holiday={} {} hours={}-{} tz={}",
            short(&answer["status"]),
            short(&answer["isOpen"]),
            short(&answer["isHoliday"]),
            short(&answer["holidayName"]),
            short(&answer["openTime"]),
            short(&answer["closeTime"]),
            short(&answer["timezone"])
        ));
        answers.push((label.to_string(), answer));
    }
    Ok(answers)
}

/// AppFlow's scheduled flow, incremental: every CSV not read before, oldest first, upserted by
/// `Id` onto the stand-in, which is saved as `Config_Request__c.json` in the work dir.
async fn upsert_status(
    config: &SdkConfig,
    bucket: &str,
    work_dir: &Path,
    t: &mut Tracer,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let s3 = s3_client(config);
    let listed = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix("status/")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let mut objects: Vec<(String, String)> = listed
        .contents()
        .iter()
        .filter_map(|o| Some((o.last_modified()?.to_string(), o.key()?.to_string())))
        .collect();
    objects.sort();
    let mut seen = BTreeSet::new();
    let mut records: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (_, key) in objects {
        if !seen.insert(key.clone()) {
            continue;
        }
        let body = s3
            .get_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let bytes = body
            .body
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .into_bytes();
        let mut reader = csv::Reader::from_reader(bytes.as_ref());
        let header = reader.headers().map_err(|e| format!("{key}: {e}"))?.clone();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("{key}: no column {name} in {header:?}"))
        };
        let index: Vec<usize> = CSV_COLUMNS
            .iter()
            .map(|c| column(c))
            .collect::<Result<_, _>>()?;
        for row in reader.records() {
            let row = row.map_err(|e| format!("{key}: {e}"))?;
            let fields: BTreeMap<String, String> = CSV_COLUMNS
                .iter()
                .zip(&index)
                .map(|(name, i)| {
                    (
                        name.to_string(),
                        row.get(*i).unwrap_or_default().to_string(),
                    )
                })
                .collect();
            records.insert(fields["Id"].clone(), fields);
        }
        t.line(format!("  read {key}"));
    }
    let path = work_dir.join("Config_Request__c.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&records).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    t.line(format!("  stand-in saved to {}", path.display()));
    Ok(records)
}

/// What a correct round trip produced; every difference is a problem.
pub fn check(report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let outcomes: Vec<String> = report
        .ingest
        .iter()
        .map(|(_, invocations)| invocations.join(" then "))
        .collect();
    let expected = [
        "Applied",
        "Retried then Applied",
        "Applied",
        "Applied",
        "Applied",
        "Duplicate",
        "Applied",
        "Superseded",
        "Invalid",
        "Rejected",
        // The catch-up applies the lost request; its late event is then a duplicate.
        "Applied+CaughtUp",
        "Duplicate",
    ];
    expect(
        outcomes == expected,
        format!("ingest outcomes {outcomes:?}, expected {expected:?}"),
    );
    expect(
        report.throttled == 3,
        format!("{} transactions throttled, expected 3", report.throttled),
    );
    let unreportable = serde_json::to_string(&"demo-eventbridge-9").unwrap_or_default();
    expect(
        report.dead_letters.len() == 1
            && report.dead_letters[0].0.contains(&unreportable)
            && report.dead_letters[0]
                .1
                .as_deref()
                .is_some_and(|r| r.contains("Record_Id__c")),
        format!(
            "dead-letter queue holds {:?}, expected the event without Record_Id__c with its reason",
            report.dead_letters
        ),
    );
    expect(
        report.telemetry_problems.is_empty(),
        format!("telemetry: {:?}", report.telemetry_problems),
    );
    let counted = |handler: &str, metric: &str| {
        report
            .metrics
            .get(handler)
            .and_then(|m| m.get(metric))
            .copied()
            .unwrap_or(0)
    };
    for (handler, metric, n) in [
        ("ingest", "Applied", 7),
        ("ingest", "Duplicate", 2),
        ("ingest", "CaughtUp", 1),
        ("ingest", "SweepLineSkipped", 0),
        ("ingest", "Superseded", 1),
        ("ingest", "Invalid", 1),
        ("ingest", "Rejected", 1),
        ("ingest", "Retried", 1),
        ("status-csv", "CsvWritten", 9),
        ("notify", "Sent", 9),
        ("connect-lookup", "UnknownRegion", questions().len() as u64),
        ("connect-lookup", "Ok", questions().len() as u64),
    ] {
        expect(
            counted(handler, metric) == n,
            format!(
                "{handler} counted {metric}={}, expected {n}",
                counted(handler, metric)
            ),
        );
    }

    let status = |id: &str| {
        report
            .records
            .get(id)
            .and_then(|r| r.get("Sync_Status__c"))
            .cloned()
            .unwrap_or_default()
    };
    let message = |id: &str| {
        report
            .records
            .get(id)
            .and_then(|r| r.get("Sync_Message__c"))
            .cloned()
            .unwrap_or_default()
    };
    expect(
        report.records.len() == 9,
        format!(
            "{} Salesforce records updated, expected 9",
            report.records.len()
        ),
    );
    let lost = "a0B5g00000Dm010";
    expect(
        status(lost) == "Success" && message(lost).contains("New Year's Eve"),
        format!(
            "the request lost in the outage shows {:?} {:?}, expected Success",
            status(lost),
            message(lost)
        ),
    );
    let caught: Vec<&String> = report
        .sweep_lines
        .iter()
        .filter(|l| l.contains("caught up"))
        .collect();
    let left = report
        .sweep_lines
        .iter()
        .filter(|l| l.contains("left for the event path"))
        .count();
    expect(
        caught.len() == 1 && caught[0].starts_with(lost) && left == 8,
        format!(
            "catch-up lines {:?}: expected {lost} caught up and the 8 records saved just now left for the event path",
            report.sweep_lines
        ),
    );
    for n in 1..=6 {
        let id = format!("a0B5g00000Dm00{n}");
        expect(
            status(&id) == "Success",
            format!("{id} shows {:?}, expected Success", status(&id)),
        );
    }
    expect(
        status("a0B5g00000Dm007") == "Fail" && message("a0B5g00000Dm007").contains("superseded"),
        format!(
            "a0B5g00000Dm007: {:?} {:?}",
            status("a0B5g00000Dm007"),
            message("a0B5g00000Dm007")
        ),
    );
    expect(
        status("a0B5g00000Dm008") == "Fail" && message("a0B5g00000Dm008").contains("Config_Key__c"),
        format!(
            "a0B5g00000Dm008: {:?} {:?}",
            status("a0B5g00000Dm008"),
            message("a0B5g00000Dm008")
        ),
    );

    expect(
        report.emails.len() == 9,
        format!(
            "{} emails, expected 9 (one per request, none for the duplicates)",
            report.emails.len()
        ),
    );

    let answer = |answers: &[(String, Value)], label: &str, key: &str| {
        answers
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, a)| short(&a[key]))
            .unwrap_or_default()
    };
    for (label, _) in questions() {
        expect(
            answer(&report.before, label, "status") == "UNKNOWN_REGION",
            format!(
                "before, {label}: status {}",
                answer(&report.before, label, "status")
            ),
        );
        expect(
            answer(&report.after, label, "status") == "OK",
            format!(
                "after, {label}: status {}",
                answer(&report.after, label, "status")
            ),
        );
    }
    let after = &report.after;
    expect(
        answer(after, "Christmas Day, 10:00", "isHoliday") == "true"
            && answer(after, "Christmas Day, 10:00", "isOpen") == "false",
        "Christmas is not reported as a closed holiday".into(),
    );
    expect(
        answer(after, "Christmas Day, 10:00", "holidayName") == "Christmas Day",
        "Christmas has no name".into(),
    );
    expect(
        answer(after, "Boxing Day, 10:00", "isHoliday") == "false",
        "the deleted Boxing Day is still a holiday".into(),
    );
    expect(
        answer(after, "a Friday, 19:30", "isOpen") == "true"
            && answer(after, "a Friday, 19:30", "closeTime") == "20:00",
        "Friday does not have the newer 08:00-20:00 hours".into(),
    );
    expect(
        answer(after, "now", "timezone") == "Europe/London",
        "the time zone is not Europe/London".into(),
    );
    expect(
        answer(after, "New Year's Eve, 10:00", "isHoliday") == "true"
            && answer(after, "New Year's Eve, 10:00", "holidayName") == "New Year's Eve",
        "New Year's Eve (lost in the outage, caught up) is not a holiday".into(),
    );
    problems
}
