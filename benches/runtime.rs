//! `make bench`, through the Lambda Runtime API: the release `bootstrap`'s start-up until it
//! first asks for work (median of 21 starts per handler), then 1,000 events through a local
//! Runtime API against a fast local AWS stub (not moto): CPU per warm event and peak RSS.
//! Plus the sizes of the zips in dist/ when `make build-zips` has run.

#[path = "../tests/support/mod.rs"]
#[allow(unused_macros, unused_imports)]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::runtime::LocalLambda;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

const STARTS: usize = 21;
const EVENTS: usize = 1_000;
const WARM_UP: usize = 50;

fn bootstrap() -> &'static str {
    env!("CARGO_BIN_EXE_bootstrap")
}

fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "bench".into()),
        ("AWS_SECRET_ACCESS_KEY", "bench".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_LAMBDA_LOG_LEVEL", "WARN".into()),
    ]
}

fn handler_env(handler: &str) -> Vec<(&'static str, String)> {
    match handler {
        "ingest" => vec![
            ("CONFIG_TABLE", "bench".into()),
            ("LARGE_EVENT_BUCKET", "bench-large".into()),
        ],
        "status-csv" => vec![("STATUS_BUCKET", "bench-status".into())],
        "notify" => vec![
            ("CONFIG_TABLE", "bench".into()),
            (
                "STATUS_TOPIC_ARN",
                "arn:aws:sns:us-east-1:123456789012:bench".into(),
            ),
        ],
        "flow-guard" => vec![
            ("CONFIG_TABLE", "bench".into()),
            (
                "SUPPORT_TOPIC_ARN",
                "arn:aws:sns:us-east-1:123456789012:support".into(),
            ),
            ("MANAGED_FLOWS", "a,b".into()),
        ],
        _ => vec![("CONFIG_TABLE", "bench".into())],
    }
}

/// Time from spawning the process to its first request to the Runtime API.
async fn start_up(handler: &str, endpoint: &str) -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let started = Instant::now();
    let mut child = tokio::process::Command::new(bootstrap())
        .env_clear()
        .env("_HANDLER", handler)
        .env("AWS_LAMBDA_RUNTIME_API", &addr)
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .envs(aws_env(endpoint))
        .envs(handler_env(handler))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let (mut stream, _) = listener.accept().await.expect("first poll");
    let mut buf = [0u8; 64];
    let _ = stream.read(&mut buf).await;
    let elapsed = started.elapsed();
    assert!(
        buf.starts_with(b"GET /2018-06-01/runtime/invocation/next"),
        "not a poll: {:?}",
        String::from_utf8_lossy(&buf)
    );
    let _ = child.kill().await;
    elapsed
}

/// (utime + stime) in microseconds and peak RSS in KiB of a process.
fn usage(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    let hz = 100; // USER_HZ on Linux
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    (ticks * 1_000_000 / hz, hwm)
}

fn event(label: &str, i: usize) -> Value {
    match label {
        // The production path: one message from the ingest queue (a quiet queue delivers
        // batches of one), the EventBridge event as its body.
        "ingest (queue)" => json!({"Records": [{
            "messageId": format!("m-{i}"), "receiptHandle": "h", "body": event("ingest", i).to_string(),
            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
            "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:bench-ingest",
            "awsRegion": "us-east-1"
        }]}),
        "ingest" => json!({
            "version": "0", "id": format!("eb-{i}"), "detail-type": "Config_Change__e", "source": "bench",
            "time": "2026-11-01T09:00:00Z", "detail": {
                "Record_Id__c": "a0B5g00000XyZab", "Action__c": "ADD", "Region__c": "emea-uk",
                "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25", "Name__c": "Christmas Day",
                "EventUuid": format!("ev-{i}"), "CreatedDate": "2026-11-01T09:00:00.000+0000"
            }
        }),
        _ => {
            let mut e: Value =
                serde_json::from_str(include_str!("../tests/fixtures/connect-event.json"))
                    .expect("fixture");
            e["Details"]["Parameters"] =
                json!({"region": "emea-uk", "date": "2026-12-25", "time": "10:00"});
            e
        }
    }
}

/// Median of a sorted copy.
fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = support::aws_stub::start().await;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\nmachine: {} cores, load average {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "binary: {} ({} bytes, release, this machine's architecture)",
        bootstrap(),
        std::fs::metadata(bootstrap()).map(|m| m.len()).unwrap_or(0)
    );

    println!(
        "\n{:<16} {:>18} {:>20} {:>14}",
        "handler", "start-up (median)", "CPU per warm event", "peak RSS"
    );
    // (row label, handler): ingest is measured invoked directly and fed by the queue.
    for (label, handler) in [
        ("ingest", "ingest"),
        ("ingest (queue)", "ingest"),
        ("status-csv", "status-csv"),
        ("notify", "notify"),
        ("flow-guard", "flow-guard"),
        ("connect-lookup", "connect-lookup"),
    ] {
        let mut starts = Vec::new();
        for _ in 0..STARTS {
            starts.push(start_up(handler, &endpoint).await);
        }
        let start = median(starts);
        let (cpu, rss) = if matches!(handler, "ingest" | "connect-lookup") {
            let log = std::env::temp_dir().join(format!("sfbridge-bench-{handler}.log"));
            let mut env = aws_env(&endpoint);
            env.extend(handler_env(handler));
            let mut f =
                LocalLambda::start(std::path::Path::new(bootstrap()), handler, &env, &log).await;
            let pid = f.pid().expect("pid");
            for i in 0..WARM_UP {
                f.invoke(&event(label, i))
                    .await
                    .expect("warm-up event handled");
            }
            let (before, _) = usage(pid);
            for i in WARM_UP..WARM_UP + EVENTS {
                f.invoke(&event(label, i)).await.expect("event handled");
            }
            let (after, rss) = usage(pid);
            (
                format!("{:.0} µs", (after - before) as f64 / EVENTS as f64),
                format!("{:.1} MB", rss as f64 / 1024.0),
            )
        } else {
            ("-".to_string(), "-".to_string())
        };
        println!(
            "{label:<16} {:>15.1} ms {cpu:>20} {rss:>14}",
            start.as_secs_f64() * 1000.0
        );
    }

    match std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/dist/manifest.json")) {
        Ok(text) => {
            let entries: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
            if let Some(e) = entries.first() {
                println!(
                    "\nzips (dist/, {}): {} bytes each ({:.2} MB), one binary for all {} handlers",
                    e["architecture"].as_str().unwrap_or("?"),
                    e["size"],
                    e["size"].as_f64().unwrap_or(0.0) / 1e6,
                    entries.len()
                );
            }
        }
        Err(_) => {
            println!("\nzips: run `make build-zips` (ARCH=arm64 by default) to report their sizes")
        }
    }
    println!("(CPU and RSS: {EVENTS} events after {WARM_UP} warm-up events, through the Runtime API, AWS answered by a local stub)");
}
