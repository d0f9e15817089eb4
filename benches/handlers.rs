//! `make bench`: each handler's own work per event, in process, against the in-memory fakes
//! (no AWS, no emulator: moto costs ~10 ms a call and would measure only itself).
//!
//! A small harness instead of criterion: warm up, then the median of several samples of many
//! iterations, printed as one table. Figures depend on the machine; read them as relative.

use std::hint::black_box;
use std::time::Instant;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::{DateTime, Utc};
use serde_json::json;
use sfbridge::adapters::memory::{MemoryObjects, MemoryTable};
use sfbridge::connect_lookup::{Input, Lookup, READ_LIMIT};
use sfbridge::ingest::{Detail, Ingest, Settings};

const SAMPLES: usize = 15;

/// Median nanoseconds per iteration of `f` over `SAMPLES` samples of `iters` iterations.
fn measure(iters: u32, mut f: impl FnMut(u32)) -> f64 {
    for i in 0..iters / 4 {
        f(i);
    }
    let mut samples: Vec<f64> = (0..SAMPLES)
        .map(|s| {
            let start = Instant::now();
            for i in 0..iters {
                f(s as u32 * iters + i);
            }
            start.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[SAMPLES / 2]
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-24T12:00:00Z")
        .expect("time")
        .to_utc()
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut rows: Vec<(&str, f64)> = Vec::new();

    // ingest: parse the EventBridge event, validate, plan and "write" (fake) a HOLIDAY ADD.
    let ingest = Ingest::new(
        MemoryTable::new(),
        MemoryObjects::new(),
        Settings {
            table: "bench".into(),
            large_event_bucket: "large".into(),
            request_ttl_days: 90,
            tombstone_ttl_days: 30,
            dead_letter_queue_url: None,
            sweep_prefix: sfbridge::ingest::DEFAULT_SWEEP_PREFIX.to_string(),
            sweep_grace_minutes: 10,
        },
    );
    let event_json = |i: u32| {
        json!({
            "version": "0", "id": format!("eb-{i}"), "detail-type": "Config_Change__e",
            "source": "aws.partner/appflow", "account": "123456789012",
            "time": "2026-11-01T09:00:00Z", "region": "eu-west-1", "resources": [],
            "detail": {
                "Record_Id__c": "a0B5g00000XyZab", "Action__c": "ADD", "Region__c": "emea-uk",
                "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25",
                "Name__c": "Christmas Day", "Message__c": "We are closed today.",
                "Requested_By__c": "ana@example.com", "EventUuid": format!("ev-{i}"),
                "CreatedDate": "2026-11-01T09:00:00.000+0000"
            }
        })
        .to_string()
    };
    let payloads: Vec<String> = (0..20_000).map(event_json).collect();
    let per_event = measure(1_000, |i| {
        let payload = &payloads[i as usize % payloads.len()];
        let event: EventBridgeEvent<Detail> = serde_json::from_str(payload).expect("parses");
        let _ = black_box(rt.block_on(ingest.handle(event, now())));
    });
    rows.push(("ingest: parse + validate + apply (per event)", per_event));

    // connect-lookup: parse the Connect event and answer from a seeded fake table.
    let table = MemoryTable::new();
    let seed = Ingest::new(
        table,
        MemoryObjects::new(),
        Settings {
            table: "bench".into(),
            large_event_bucket: "large".into(),
            request_ttl_days: 90,
            tombstone_ttl_days: 30,
            dead_letter_queue_url: None,
            sweep_prefix: sfbridge::ingest::DEFAULT_SWEEP_PREFIX.to_string(),
            sweep_grace_minutes: 10,
        },
    );
    for (n, detail) in [
        json!({"Config_Type__c": "TIMEZONE", "Config_Key__c": "default", "Time_Zone__c": "Pacific/Auckland"}),
        json!({"Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25", "Name__c": "Christmas Day"}),
        json!({"Config_Type__c": "HOURS", "Config_Key__c": "FRI", "Open_Time__c": "09:00", "Close_Time__c": "17:00"}),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = json!({"Record_Id__c": "a0B5g00000XyZab", "Action__c": "ADD", "Region__c": "apac-nz", "EventUuid": format!("s{n}")});
        d.as_object_mut().expect("object").extend(detail.as_object().expect("object").clone());
        let event: EventBridgeEvent<Detail> = serde_json::from_value(json!({
            "id": "x", "detail-type": "Config_Change__e", "source": "s", "time": "2026-11-01T09:00:00Z", "detail": d
        }))
        .expect("seed event");
        rt.block_on(seed.handle(event, now())).expect("seeded");
    }
    let lookup = Lookup::new(seed.table());
    let question = include_str!("../tests/fixtures/connect-event.json");
    let per_question = measure(2_000, |_| {
        let input: Input = serde_json::from_str(question).expect("parses");
        let answer = rt
            .block_on(lookup.handle(input, now(), READ_LIMIT))
            .expect("answers");
        black_box(serde_json::to_string(&answer).expect("serializes"));
    });
    rows.push((
        "connect-lookup: parse + answer + serialize (per question)",
        per_question,
    ));

    println!();
    println!(
        "{:<60} {:>12}",
        "handler work (in-memory fakes, median of 15)", "per call"
    );
    for (name, ns) in rows {
        println!("{name:<60} {:>9.1} µs", ns / 1000.0);
    }
}
