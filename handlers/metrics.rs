//! CloudWatch embedded metric format (EMF): what each invocation counted, as one JSON line on
//! stdout, which CloudWatch Logs turns into metrics (namespace `sfbridge`, dimension
//! `Handler`, unit `Count`). No API call and no permission beyond the function's own logs.
//!
//! The names are generated from `modules/monitoring/metrics.csv` (see `build.rs`), the same
//! list Terraform builds the alarms and the dashboard from: a name the handlers emit and an
//! alarm watches cannot drift apart.
//!
//! Counting is per invocation: the entry point runs the handler's future inside [`measure`],
//! and code anywhere below it calls [`count`]. Outside a measured future (unit tests of the
//! logic) counting does nothing.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::future::Future;
use std::io::Write as _;

include!(concat!(env!("OUT_DIR"), "/metric_names.rs"));

pub const NAMESPACE: &str = "sfbridge";
pub const DIMENSION: &str = "Handler";

/// One handler's metric names (generated).
pub trait MetricSet: Copy + 'static {
    const HANDLER: &'static str;
    const NAMES: &'static [&'static str];
    fn index(self) -> usize;

    fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }
}

/// What one invocation counted, for one handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    handler: &'static str,
    names: &'static [&'static str],
    values: [u32; MAX_PER_HANDLER],
}

impl Counts {
    pub fn new<M: MetricSet>() -> Self {
        Counts {
            handler: M::HANDLER,
            names: M::NAMES,
            values: [0; MAX_PER_HANDLER],
        }
    }

    pub fn add<M: MetricSet>(&mut self, metric: M, n: u32) {
        // A metric of another handler has no place in this record.
        if M::HANDLER == self.handler {
            self.values[metric.index()] = self.values[metric.index()].saturating_add(n);
        }
    }

    pub fn get<M: MetricSet>(&self, metric: M) -> u32 {
        if M::HANDLER == self.handler {
            self.values[metric.index()]
        } else {
            0
        }
    }

    /// The non-zero counts, by name.
    pub fn non_zero(&self) -> impl Iterator<Item = (&'static str, u32)> + '_ {
        self.names
            .iter()
            .zip(self.values)
            .filter(|(_, v)| *v > 0)
            .map(|(n, v)| (*n, v))
    }

    /// The EMF record (one line, no newline), or `None` when nothing was counted: readers sum,
    /// so a zero may be left out.
    pub fn to_emf(&self, timestamp_ms: i64) -> Option<String> {
        if self.values.iter().all(|v| *v == 0) {
            return None;
        }
        // Names and the handler are generated identifiers (letters, digits, `-`): nothing to
        // escape, so the line is written directly instead of through a JSON serialiser.
        let mut line = String::with_capacity(256);
        let _ = write!(
            line,
            r#"{{"_aws":{{"Timestamp":{timestamp_ms},"CloudWatchMetrics":[{{"Namespace":"{NAMESPACE}","Dimensions":[["{DIMENSION}"]],"Metrics":["#
        );
        for (i, (name, _)) in self.non_zero().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(line, r#"{comma}{{"Name":"{name}","Unit":"Count"}}"#);
        }
        let _ = write!(line, r#"]}}]}},"{DIMENSION}":"{}""#, self.handler);
        for (name, value) in self.non_zero() {
            let _ = write!(line, r#","{name}":{value}"#);
        }
        line.push('}');
        Some(line)
    }
}

tokio::task_local! {
    static CURRENT: RefCell<Counts>;
}

/// Counts `n` of `metric` in the invocation being measured.
pub fn add<M: MetricSet>(metric: M, n: u32) {
    let _ = CURRENT.try_with(|counts| counts.borrow_mut().add(metric, n));
}

/// Counts one `metric` in the invocation being measured.
pub fn count<M: MetricSet>(metric: M) {
    add(metric, 1);
}

/// Runs one invocation, returning its output and what it counted.
pub async fn measure<M: MetricSet, F: Future>(invocation: F) -> (F::Output, Counts) {
    CURRENT
        .scope(RefCell::new(Counts::new::<M>()), async move {
            let output = invocation.await;
            (output, CURRENT.with(|counts| counts.borrow().clone()))
        })
        .await
}

/// Runs one invocation and writes what it counted to stdout as an EMF record.
pub async fn emitting<M: MetricSet, F: Future>(invocation: F) -> F::Output {
    let (output, counts) = measure::<M, F>(invocation).await;
    if let Some(mut line) = counts.to_emf(chrono::Utc::now().timestamp_millis()) {
        // One write of a whole line, so it never interleaves with a log line.
        line.push('\n');
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_names_only_what_was_counted() {
        let mut counts = Counts::new::<Ingest>();
        counts.add(Ingest::Applied, 2);
        counts.add(Ingest::Rejected, 1);
        // Another handler's metric is not this record's.
        counts.add(Notify::Sent, 5);
        let line = counts.to_emf(1_700_000_000_123).expect("a record");
        let record: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(
            record,
            serde_json::json!({
                "_aws": {
                    "Timestamp": 1_700_000_000_123_i64,
                    "CloudWatchMetrics": [{
                        "Namespace": "sfbridge",
                        "Dimensions": [["Handler"]],
                        "Metrics": [
                            {"Name": "Applied", "Unit": "Count"},
                            {"Name": "Rejected", "Unit": "Count"}
                        ]
                    }]
                },
                "Handler": "ingest",
                "Applied": 2,
                "Rejected": 1
            })
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn nothing_counted_writes_nothing() {
        assert_eq!(Counts::new::<ConnectLookup>().to_emf(0), None);
    }

    #[tokio::test]
    async fn counts_belong_to_the_measured_invocation() {
        count(FlowGuard::Restarted); // outside: ignored
        let ((), counts) = measure::<FlowGuard, _>(async {
            count(FlowGuard::Restarted);
            tokio::task::yield_now().await;
            add(FlowGuard::Ignored, 3);
        })
        .await;
        assert_eq!(counts.get(FlowGuard::Restarted), 1);
        assert_eq!(counts.get(FlowGuard::Ignored), 3);
        assert_eq!(counts.get(FlowGuard::Escalated), 0);
    }

    /// The generated names are the list's, read here independently of build.rs.
    #[test]
    fn generated_names_are_the_lists() {
        let text = include_str!("../modules/monitoring/metrics.csv");
        let mut from_file: Vec<(String, String)> = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.split(',');
                (cols.next().unwrap().into(), cols.next().unwrap().into())
            })
            .collect();
        let mut generated: Vec<(String, String)> = ALL
            .iter()
            .flat_map(|(h, names)| names.iter().map(|n| (h.to_string(), n.to_string())))
            .collect();
        from_file.sort();
        generated.sort();
        assert_eq!(generated, from_file);
        for handler in crate::dispatch::Handler::names() {
            assert!(
                ALL.iter().any(|(h, _)| *h == handler),
                "{handler} has no metrics in metrics.csv"
            );
        }
    }
}
