//! `flow-guard` (steps 12-14): keeps the two AppFlow flows Active. On a failed run or a
//! deactivation of a managed flow it asks AppFlow why; a transient cause gets a restart
//! (StartFlow), at most `MAX_REACTIVATIONS` per flow per clock hour; anything else, or the cap,
//! gets one message per flow, cause and hour to the support topic saying what to do.
//! Terraform calls it to activate the flows, because the provider cannot.

pub mod cause;
pub mod input;

use chrono::{DateTime, Duration, Utc};
use lambda_runtime::{service_fn, LambdaEvent};
use serde::Serialize;
use tracing::{info, warn};

use crate::adapters::appflow::AppFlowFlows;
use crate::adapters::dynamodb::DynamoTable;
use crate::adapters::sns::SnsTopic;
use crate::config::{ConfigError, Env};
use crate::error::{ErrorType, HandlerError, Ids};
use crate::metrics::{self, FlowGuard as Metric};
use crate::ports::{FlowState, Flows, GuardLedger, Message, PortError, Topic};
use crate::text::truncate;
use cause::Cause;
pub use input::Request;

/// How long one activation (DescribeFlow and StartFlow together) waits out AccessDenied answers,
/// and the first pause between tries (doubling). Terraform activates the flows right after it
/// creates flow-guard's role policy, and IAM takes seconds to propagate a new policy; the
/// function's timeout is 30 s.
const IAM_PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);
const IAM_FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

/// Counters and alert claims outlive their hour by a day, then expire.
const LEDGER_TTL: Duration = Duration::days(2);
const ALERT_ON_CAP: &str = "reactivation-cap";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `CONFIG_TABLE`: where the counters live.
    pub table: String,
    /// `SUPPORT_TOPIC_ARN`
    pub support_topic_arn: String,
    /// `MANAGED_FLOWS`: comma-separated flow names; others are ignored.
    pub managed_flows: Vec<String>,
    /// `MAX_REACTIVATIONS` (default 3): restarts per flow per hour.
    pub max_reactivations: u32,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        let managed_flows: Vec<String> = env
            .required("MANAGED_FLOWS")?
            .split(',')
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        if managed_flows.is_empty() {
            return Err(ConfigError::Invalid {
                name: "MANAGED_FLOWS",
                reason: "expected comma-separated flow names".into(),
            });
        }
        Ok(Self {
            table: env.required("CONFIG_TABLE")?,
            support_topic_arn: env.required("SUPPORT_TOPIC_ARN")?,
            managed_flows,
            max_reactivations: env.positive("MAX_REACTIVATIONS", 3)?,
        })
    }
}

/// What was done about one flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing needed (already Active, already stopped, a successful run).
    None,
    Started,
    Stopped,
    /// A support message was sent.
    Alerted,
    /// A support message for this flow and cause was already sent this hour.
    AlertSuppressed,
    /// Not for flow-guard: an unmanaged flow or an input it does not understand.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowOutcome {
    pub flow: Option<String>,
    pub action: Action,
    pub detail: String,
}

/// The response: one outcome per flow considered (Terraform shows it as the invocation
/// result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub outcomes: Vec<FlowOutcome>,
}

pub struct FlowGuard<F, L, T> {
    flows: F,
    ledger: L,
    topic: T,
    settings: Settings,
}

/// What was done for one flow, counted as it is done: a `check` that fails on a later flow
/// still counts the restarts and escalations before it.
fn outcome(flow: Option<&str>, action: Action, detail: impl Into<String>) -> FlowOutcome {
    match action {
        Action::Started => metrics::count(Metric::Restarted),
        Action::Alerted => metrics::count(Metric::Escalated),
        Action::Ignored => metrics::count(Metric::Ignored),
        Action::None | Action::Stopped | Action::AlertSuppressed => {}
    }
    FlowOutcome {
        flow: flow.map(str::to_string),
        action,
        detail: detail.into(),
    }
}

/// The answer to a `check` some flows failed: every one named, retryable only if all were.
fn could_not_check(failed: Vec<(String, HandlerError)>) -> HandlerError {
    let kind = if failed.iter().all(|(_, e)| e.kind == ErrorType::Retryable) {
        ErrorType::Retryable
    } else {
        ErrorType::Internal
    };
    let names: Vec<&str> = failed.iter().map(|(f, _)| f.as_str()).collect();
    let reasons: Vec<String> = failed
        .iter()
        .map(|(f, e)| format!("{f}: {}", e.message))
        .collect();
    HandlerError::new(
        kind,
        format!(
            "could not check {} ({})",
            names.join(", "),
            reasons.join("; ")
        ),
    )
    .about(&Ids {
        flow: Some(names.join(",")),
        ..Ids::default()
    })
}

/// Calls `call` again while it is denied, until `deadline`: only for Terraform's activation,
/// which runs seconds after the role policy that allows it was created. A denial that outlasts
/// the deadline is returned (and fails the apply, naming the call).
async fn through_iam_propagation<T, Fut>(
    what: &str,
    flow: &str,
    deadline: tokio::time::Instant,
    mut call: impl FnMut() -> Fut,
) -> Result<T, PortError>
where
    Fut: std::future::Future<Output = Result<T, PortError>>,
{
    let mut pause = IAM_FIRST_PAUSE;
    loop {
        match call().await {
            Err(PortError::Denied(reason)) if tokio::time::Instant::now() + pause <= deadline => {
                warn!(
                    flow,
                    call = what,
                    %reason,
                    retry_in_ms = pause.as_millis() as u64,
                    "flow-guard: access denied; IAM may still be propagating the new role policy"
                );
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            other => return other,
        }
    }
}

impl<F: Flows, L: GuardLedger, T: Topic> FlowGuard<F, L, T> {
    pub fn new(flows: F, ledger: L, topic: T, settings: Settings) -> Self {
        Self {
            flows,
            ledger,
            topic,
            settings,
        }
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn flows(&self) -> &F {
        &self.flows
    }

    /// For tests: the fake behind the port.
    #[cfg(any(test, feature = "fakes"))]
    pub fn topic(&self) -> &T {
        &self.topic
    }

    fn is_managed(&self, flow: &str) -> bool {
        self.settings.managed_flows.iter().any(|f| f == flow)
    }

    /// One invocation. An error (the first flow it could not handle) is logged once, with
    /// the flow, and answered.
    pub async fn handle(
        &self,
        request: Request,
        now: DateTime<Utc>,
    ) -> Result<Report, HandlerError> {
        self.handle_request(request, now)
            .await
            .inspect_err(|e| e.log("flow-guard: answered with an error"))
    }

    async fn handle_request(
        &self,
        request: Request,
        now: DateTime<Utc>,
    ) -> Result<Report, HandlerError> {
        let about = |flow: &str| {
            let ids = Ids {
                flow: Some(flow.to_string()),
                ..Ids::default()
            };
            move |e: HandlerError| e.about(&ids)
        };
        let outcomes = match request {
            Request::Invalid(reason) => {
                return Err(HandlerError::rejected(format!(
                    "flow-guard cannot carry this out: {reason}"
                )));
            }
            Request::Malformed(reason) => {
                warn!(%reason, "flow-guard: malformed input ignored; no AppFlow call");
                vec![outcome(None, Action::Ignored, reason)]
            }
            Request::FlowEvent {
                detail_type,
                detail,
            } => {
                let flow = detail.flow_name.clone().unwrap_or_default();
                vec![self
                    .on_event(&detail_type, &detail, now)
                    .await
                    .map_err(about(&flow))?]
            }
            Request::Check => {
                // Every managed flow is looked at, even after one fails; then the failures
                // are the answer (each repaired flow is already counted and logged).
                let mut outcomes = Vec::new();
                let mut failed: Vec<(String, HandlerError)> = Vec::new();
                for flow in &self.settings.managed_flows {
                    match self.check(flow, now).await {
                        Ok(o) => outcomes.push(o),
                        Err(e) => failed.push((flow.clone(), e)),
                    }
                }
                if !failed.is_empty() {
                    return Err(could_not_check(failed));
                }
                outcomes
            }
            Request::Activate { flow } => vec![self.activate(&flow).await.map_err(about(&flow))?],
            Request::Deactivate { flow } => {
                vec![self.deactivate(&flow).await.map_err(about(&flow))?]
            }
        };
        Ok(Report { outcomes })
    }

    async fn on_event(
        &self,
        detail_type: &str,
        detail: &input::AppFlowDetail,
        now: DateTime<Utc>,
    ) -> Result<FlowOutcome, HandlerError> {
        let Some(flow) = detail.flow_name.as_deref() else {
            warn!(
                detail_type,
                "flow-guard: AppFlow event without flow-name ignored; no AppFlow call"
            );
            return Ok(outcome(None, Action::Ignored, "event has no flow-name"));
        };
        if !self.is_managed(flow) {
            info!(
                flow,
                detail_type, "flow-guard: not a managed flow, ignored; no AppFlow call"
            );
            return Ok(outcome(Some(flow), Action::Ignored, "not in MANAGED_FLOWS"));
        }
        match detail_type {
            input::RUN_REPORT if detail.status.as_deref() != Some(input::RUN_FAILED) => {
                Ok(outcome(Some(flow), Action::None, "the run did not fail"))
            }
            input::RUN_REPORT
            | input::EVENT_FLOW_DEACTIVATED
            | input::SCHEDULED_FLOW_DEACTIVATED => {
                info!(
                    flow,
                    detail_type,
                    execution_id = detail.execution_id.as_deref().unwrap_or(""),
                    records_failed = detail.records_failed(),
                    "flow-guard: flow in trouble"
                );
                let mut evidence = detail.evidence();
                if let Some(status) = &detail.status {
                    evidence.push(format!("status: {status}"));
                }
                let state = self.describe(flow).await?;
                self.repair(flow, evidence, state, now).await
            }
            other => {
                info!(
                    flow,
                    detail_type = other,
                    "flow-guard: event type not handled, ignored"
                );
                Ok(outcome(
                    Some(flow),
                    Action::Ignored,
                    format!("{other} is not handled"),
                ))
            }
        }
    }

    async fn check(&self, flow: &str, now: DateTime<Utc>) -> Result<FlowOutcome, HandlerError> {
        let state = self.describe(flow).await?;
        match state {
            Some(s) if s.is_active() => Ok(outcome(Some(flow), Action::None, "Active")),
            _ => {
                let evidence = state
                    .as_ref()
                    .map(|s| vec![format!("health check: flow is {}", s.status)])
                    .unwrap_or_default();
                self.repair(flow, evidence, state, now).await
            }
        }
    }

    async fn describe(&self, flow: &str) -> Result<Option<FlowState>, HandlerError> {
        self.flows
            .describe(flow)
            .await
            .map_err(|e| HandlerError::from(e).context(format!("DescribeFlow {flow}")))
    }

    /// Decides between a restart and a person.
    /// `state` is what DescribeFlow just said (the caller asked once).
    async fn repair(
        &self,
        flow: &str,
        mut evidence: Vec<String>,
        state: Option<FlowState>,
        now: DateTime<Utc>,
    ) -> Result<FlowOutcome, HandlerError> {
        let Some(state) = state else {
            evidence.push("DescribeFlow: the flow does not exist".into());
            return self
                .alert(
                    flow,
                    "missing",
                    Cause::DeletedResource,
                    &evidence,
                    None,
                    now,
                )
                .await;
        };
        if let Some(message) = &state.last_run_error {
            evidence.push(format!("last run: {message}"));
        }
        let cause = cause::classify(evidence.iter().map(String::as_str));
        if !cause.is_transient() {
            return self
                .alert(flow, state.status.as_str(), cause, &evidence, None, now)
                .await;
        }
        if state.is_active() {
            info!(flow, cause = ?cause, "flow-guard: transient failure, flow still Active; no restart needed");
            return Ok(outcome(
                Some(flow),
                Action::None,
                format!("Active; {}", cause.label()),
            ));
        }
        let hour = now.format("%Y-%m-%dT%H").to_string();
        let ttl = (now + LEDGER_TTL).timestamp();
        let allowed = self
            .ledger
            .count_reactivation(flow, &hour, self.settings.max_reactivations, ttl)
            .await
            .map_err(|e| HandlerError::from(e).context("counting the reactivation"))?;
        if !allowed {
            warn!(flow, cause = ?cause, max = self.settings.max_reactivations, "flow-guard: reactivation cap reached; no StartFlow");
            return self
                .alert(
                    flow,
                    state.status.as_str(),
                    cause,
                    &evidence,
                    Some(ALERT_ON_CAP),
                    now,
                )
                .await;
        }
        self.flows
            .start(flow)
            .await
            .map_err(|e| HandlerError::from(e).context(format!("StartFlow {flow}")))?;
        info!(flow, cause = ?cause, was = %state.status, "flow-guard: restarted");
        Ok(outcome(
            Some(flow),
            Action::Started,
            format!("was {}; {}", state.status, cause.label()),
        ))
    }

    /// One support message per flow, cause and hour.
    async fn alert(
        &self,
        flow: &str,
        status: &str,
        cause: Cause,
        evidence: &[String],
        kind: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<FlowOutcome, HandlerError> {
        let cause_key = format!("{cause:?}");
        let kind = kind.unwrap_or(&cause_key);
        let hour = now.format("%Y-%m-%dT%H").to_string();
        let ttl = (now + LEDGER_TTL).timestamp();
        let first = self
            .ledger
            .claim_alert(flow, &hour, kind, ttl)
            .await
            .map_err(|e| HandlerError::from(e).context("claiming the alert"))?;
        if !first {
            info!(flow, cause = ?cause, kind, "flow-guard: support already told this hour");
            return Ok(outcome(Some(flow), Action::AlertSuppressed, cause.label()));
        }
        let message = support_message(
            flow,
            status,
            cause,
            evidence,
            kind == ALERT_ON_CAP,
            self.settings.max_reactivations,
        );
        if let Err(e) = self.topic.publish(&message).await {
            if let Err(release) = self.ledger.release_alert(flow, &hour, kind).await {
                warn!(flow, error = %release, "flow-guard: could not release the alert claim");
            }
            return Err(HandlerError::from(e).context("publishing the support message"));
        }
        warn!(flow, status, cause = ?cause, kind, "flow-guard: support told");
        Ok(outcome(Some(flow), Action::Alerted, cause.label()))
    }

    async fn activate(&self, flow: &str) -> Result<FlowOutcome, HandlerError> {
        self.require_managed(flow)?;
        let deadline = tokio::time::Instant::now() + IAM_PATIENCE;
        let state =
            through_iam_propagation("DescribeFlow", flow, deadline, || self.flows.describe(flow))
                .await
                .map_err(|e| HandlerError::from(e).context(format!("DescribeFlow {flow}")))?;
        match state {
            None => Err(HandlerError::new(
                ErrorType::Internal,
                format!("flow {flow} does not exist"),
            )),
            Some(s) if s.is_active() => {
                info!(flow, "flow-guard: activate: already Active");
                Ok(outcome(Some(flow), Action::None, "already Active"))
            }
            Some(s) => {
                through_iam_propagation("StartFlow", flow, deadline, || self.flows.start(flow))
                    .await
                    .map_err(|e| HandlerError::from(e).context(format!("StartFlow {flow}")))?;
                info!(flow, was = %s.status, "flow-guard: activated");
                Ok(outcome(
                    Some(flow),
                    Action::Started,
                    format!("was {}", s.status),
                ))
            }
        }
    }

    async fn deactivate(&self, flow: &str) -> Result<FlowOutcome, HandlerError> {
        self.require_managed(flow)?;
        match self.describe(flow).await? {
            Some(s) if s.is_active() => {
                self.flows
                    .stop(flow)
                    .await
                    .map_err(|e| HandlerError::from(e).context(format!("StopFlow {flow}")))?;
                info!(flow, "flow-guard: deactivated");
                Ok(outcome(Some(flow), Action::Stopped, "was Active"))
            }
            Some(s) => Ok(outcome(
                Some(flow),
                Action::None,
                format!("already {}", s.status),
            )),
            None => Ok(outcome(Some(flow), Action::None, "does not exist")),
        }
    }

    /// Terraform naming a flow flow-guard does not manage is a deployment mistake: fail the
    /// apply loudly rather than act on it.
    fn require_managed(&self, flow: &str) -> Result<(), HandlerError> {
        if self.is_managed(flow) {
            Ok(())
        } else {
            Err(HandlerError::rejected(format!(
                "flow {flow:?} is not in MANAGED_FLOWS ({})",
                self.settings.managed_flows.join(", ")
            )))
        }
    }
}

/// SNS subjects must be under 100 characters.
const MAX_SUBJECT_CHARS: usize = 99;
const MAX_EVIDENCE_CHARS: usize = 500;

pub fn support_message(
    flow: &str,
    status: &str,
    cause: Cause,
    evidence: &[String],
    cap_reached: bool,
    max: u32,
) -> Message {
    let subject = truncate(
        &format!("sfbridge: AppFlow flow {flow} needs attention"),
        MAX_SUBJECT_CHARS,
    );
    let mut body = format!("The AppFlow flow {flow} is {status}.\n\n");
    if cap_reached {
        body.push_str(&format!(
            "flow-guard restarted it {max} times this hour and has stopped restarting it, so it cannot loop.\n\n"
        ));
    } else {
        body.push_str("flow-guard did not restart it: a restart would not help.\n\n");
    }
    body.push_str(&format!(
        "Cause: {}\n\nWhat to do: {}\n",
        cause.label(),
        cause.advice()
    ));
    if !evidence.is_empty() {
        body.push_str("\nWhat AppFlow reported:\n");
        for line in evidence {
            body.push_str(&format!("- {}\n", truncate(line, MAX_EVIDENCE_CHARS)));
        }
    }
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert("flow", flow.to_string());
    attributes.insert("cause", format!("{cause:?}"));
    attributes.insert(
        "status",
        if status.is_empty() {
            "unknown".into()
        } else {
            status.to_string()
        },
    );
    Message {
        subject,
        body,
        attributes,
    }
}

/// The Lambda entry point.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let settings = Settings::from_env(&Env::process())?;
    let sdk = crate::aws::load(crate::aws::timeouts()).await;
    let handler = FlowGuard::new(
        AppFlowFlows::new(aws_sdk_appflow::Client::new(&sdk)),
        DynamoTable::new(aws_sdk_dynamodb::Client::new(&sdk), settings.table.clone()),
        SnsTopic::new(
            aws_sdk_sns::Client::new(&sdk),
            settings.support_topic_arn.clone(),
        ),
        settings,
    );
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Request>| async move {
        metrics::emitting::<Metric, _>(handler.handle(event.payload, Utc::now())).await
    }))
    .await
}
