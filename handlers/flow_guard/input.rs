//! What invokes `flow-guard`: AppFlow's own events on the default bus, the scheduled health
//! check, and Terraform's activation requests (with the `tf` envelope `aws_lambda_invocation`
//! adds under `lifecycle_scope = "CRUD"`). Any JSON is accepted: an AppFlow event it cannot
//! read is `Malformed` (logged and ignored); a command it cannot carry out is `Invalid` (an
//! error response, so a mistaken invocation from Terraform fails loudly).

use std::collections::BTreeMap;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub const RUN_REPORT: &str = "AppFlow End Flow Run Report";
pub const EVENT_FLOW_DEACTIVATED: &str = "AppFlow Event Flow Deactivated";
pub const SCHEDULED_FLOW_DEACTIVATED: &str = "AppFlow Scheduled Flow Deactivated";
pub const RUN_FAILED: &str = "Execution Failed";

/// The `detail` of an AppFlow event: the fields flow-guard reads. AppFlow sends numbers as
/// strings; every other field (times, ids, error summaries, fields it adds later) lands in
/// `other`, where `evidence` looks for the error-bearing ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AppFlowDetail {
    #[serde(default)]
    pub flow_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub execution_id: Option<String>,
    /// "The number of records that could not be inserted into the destination" (AppFlow User
    /// Guide, "Flow notifications": `num-of-record-failures`).
    #[serde(
        default,
        rename = "num-of-record-failures",
        deserialize_with = "text_or_number"
    )]
    pub num_of_record_failures: Option<String>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl AppFlowDetail {
    pub fn records_failed(&self) -> Option<u64> {
        self.num_of_record_failures.as_deref().and_then(count)
    }

    /// The error-bearing fields AppFlow added (error summaries, deactivation reasons,
    /// messages): what the cause is read from. Counts and ids are left out, so `5004 records`
    /// cannot look like an HTTP 500.
    pub fn evidence(&self) -> Vec<String> {
        const ERROR_BEARING: &[&str] = &[
            "error",
            "reason",
            "message",
            "summary",
            "cause",
            "exception",
        ];
        self.other
            .iter()
            .filter(|(k, _)| {
                let k = k.to_lowercase();
                ERROR_BEARING.iter().any(|e| k.contains(e))
            })
            .filter_map(|(k, v)| match v {
                Value::String(s) if !s.trim().is_empty() => Some(format!("{k}: {}", s.trim())),
                Value::Object(_) | Value::Array(_) => Some(format!("{k}: {v}")),
                _ => None,
            })
            .collect()
    }
}

/// A count as AppFlow sends it (`"42"`) or as a number (`42`): either is read, so a number
/// never makes the whole event unreadable. Anything else is left out.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// AppFlow's counts: `"42"`.
pub fn count(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// An AppFlow event about one flow.
    FlowEvent {
        detail_type: String,
        detail: Box<AppFlowDetail>,
    },
    /// The periodic health check of every managed flow.
    Check,
    /// From Terraform: make the flow Active (idempotent).
    Activate { flow: String },
    /// Deactivate the flow (idempotent); also what an `activate` means when Terraform
    /// destroys the invocation (`tf.action = "delete"`).
    Deactivate { flow: String },
    /// An input it cannot read (an unreadable AppFlow event): logged and ignored.
    Malformed(String),
    /// A command it cannot carry out as asked (an unknown `action`, no `flow_name` where one
    /// is needed): an error response, so a mistaken invocation fails loudly.
    Invalid(String),
}

#[derive(Deserialize)]
struct Command {
    action: String,
    #[serde(default)]
    flow_name: Option<String>,
    #[serde(default)]
    tf: Option<TfLifecycle>,
}

/// What `aws_lambda_invocation` adds with `lifecycle_scope = "CRUD"`.
#[derive(Deserialize)]
struct TfLifecycle {
    action: String,
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Request::from_value(Value::deserialize(d)?))
    }
}

impl Request {
    pub fn from_value(value: Value) -> Request {
        if value.get("detail-type").is_some() {
            return match serde_json::from_value::<EventBridgeEvent<AppFlowDetail>>(value) {
                Ok(event) => Request::FlowEvent {
                    detail_type: event.detail_type,
                    detail: Box::new(event.detail),
                },
                Err(e) => Request::Malformed(format!("not an AppFlow event: {e}")),
            };
        }
        if value.get("action").is_none() {
            return Request::Invalid(
                "neither an EventBridge event nor an {\"action\": ...} request".into(),
            );
        }
        let command: Command = match serde_json::from_value(value) {
            Ok(c) => c,
            Err(e) => return Request::Invalid(format!("bad request: {e}")),
        };
        let deleting = command.tf.as_ref().is_some_and(|tf| tf.action == "delete");
        let flow = command
            .flow_name
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty());
        match (command.action.as_str(), flow) {
            ("check", _) => Request::Check,
            ("activate", Some(flow)) if deleting => Request::Deactivate { flow },
            ("activate", Some(flow)) => Request::Activate { flow },
            ("deactivate", Some(flow)) => Request::Deactivate { flow },
            ("activate" | "deactivate", None) => {
                Request::Invalid(format!("{:?} needs a flow_name", command.action))
            }
            (other, _) => Request::Invalid(format!(
                "unknown action {other:?}; expected check, activate or deactivate"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_failed_run_report_parses_with_string_counts_and_bracketed_zone() {
        let r = Request::from_value(json!({
            "version": "0", "id": "1", "detail-type": RUN_REPORT, "source": "aws.appflow",
            "account": "123456789012", "time": "2026-11-27T10:00:00Z", "region": "eu-west-1",
            "resources": [], "detail": {
                "flow-name": "sfbridge-dev-status", "status": RUN_FAILED,
                "num-of-record-failures": "3", "end-time": "2026-11-27T09:59:59.941Z[UTC]",
                "error": "Request limit exceeded", "num-of-records-processed": "0"
            }
        }));
        let Request::FlowEvent {
            detail_type,
            detail,
        } = r
        else {
            panic!("{r:?}")
        };
        assert_eq!(detail_type, RUN_REPORT);
        assert_eq!(detail.flow_name.as_deref(), Some("sfbridge-dev-status"));
        assert_eq!(detail.records_failed(), Some(3));
        assert_eq!(detail.evidence(), vec!["error: Request limit exceeded"]);
    }

    #[test]
    fn only_error_bearing_fields_are_evidence() {
        let r = Request::from_value(json!({
            "detail-type": RUN_REPORT, "source": "aws.appflow", "detail": {
                "flow-name": "f", "status": RUN_FAILED,
                "data-processed": "5004", "connector-type": "KMS-less",
                "deactivation-reason": "Flow deactivated", "error-message": "HTTP 503"
            }
        }));
        let Request::FlowEvent { detail, .. } = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            detail.evidence(),
            vec![
                "deactivation-reason: Flow deactivated",
                "error-message: HTTP 503"
            ]
        );
    }

    #[test]
    fn commands_and_the_terraform_envelope() {
        assert_eq!(
            Request::from_value(json!({"action": "check"})),
            Request::Check
        );
        assert_eq!(
            Request::from_value(
                json!({"action": "activate", "flow_name": "f", "tf": {"action": "create", "prev_input": null}})
            ),
            Request::Activate { flow: "f".into() }
        );
        assert_eq!(
            Request::from_value(
                json!({"action": "activate", "flow_name": "f", "tf": {"action": "delete"}})
            ),
            Request::Deactivate { flow: "f".into() }
        );
        assert_eq!(
            Request::from_value(json!({"action": "deactivate", "flow_name": " f "})),
            Request::Deactivate { flow: "f".into() }
        );
        // Commands it cannot carry out are errors (Invalid); an unreadable AppFlow event is
        // logged and ignored (Malformed).
        for bad in [
            json!({"action": "activate"}),
            json!({"action": "explode"}),
            json!([1]),
        ] {
            assert!(
                matches!(Request::from_value(bad.clone()), Request::Invalid(_)),
                "{bad}"
            );
        }
        assert!(matches!(
            Request::from_value(json!({"detail-type": 5})),
            Request::Malformed(_)
        ));
    }

    #[test]
    fn counts_sent_as_numbers_keep_the_event_readable() {
        let r = Request::from_value(json!({
            "detail-type": RUN_REPORT, "source": "aws.appflow", "detail": {
                "flow-name": "f", "status": RUN_FAILED,
                "num-of-record-failures": 3, "num-of-records-processed": 0
            }
        }));
        let Request::FlowEvent { detail, .. } = r else {
            panic!("{r:?}")
        };
        assert_eq!(detail.records_failed(), Some(3));
    }

    #[test]
    fn counts_are_lenient_but_exact() {
        assert_eq!(count(" 7 "), Some(7));
        assert_eq!(count("seven"), None);
    }
}
