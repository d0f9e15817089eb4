//! `Flows` on AppFlow.

use aws_sdk_appflow::operation::describe_flow::DescribeFlowError;
use aws_sdk_appflow::types::{ExecutionDetails, ExecutionStatus};
use aws_sdk_appflow::Client;

use super::sdk_errors::{port_error, Done};
use crate::ports::{FlowState, FlowStatus, Flows, PortError};

#[derive(Clone)]
pub struct AppFlowFlows {
    client: Client,
}

impl AppFlowFlows {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

/// The last run's message, only when that run failed: a successful run's message ("Successfully
/// ran ...") is no evidence of why the flow is down.
fn last_run_error(details: Option<&ExecutionDetails>) -> Option<String> {
    let details = details?;
    match details.most_recent_execution_status() {
        Some(ExecutionStatus::Error) => details.most_recent_execution_message().map(str::to_string),
        _ => None,
    }
}

impl Flows for AppFlowFlows {
    async fn describe(&self, flow: &str) -> Result<Option<FlowState>, PortError> {
        match self.client.describe_flow().flow_name(flow).send().await {
            Ok(out) => {
                Ok(Some(FlowState {
                    // DescribeFlow always names a status; a missing one reads as not Active.
                    status: out
                        .flow_status()
                        .cloned()
                        .unwrap_or_else(|| FlowStatus::from("")),
                    last_run_error: last_run_error(out.last_run_execution_details()),
                }))
            }
            Err(err) => match err.as_service_error() {
                Some(DescribeFlowError::ResourceNotFoundException(_)) => Ok(None),
                _ => Err(port_error(&err)),
            },
        }
    }

    async fn start(&self, flow: &str) -> Result<(), PortError> {
        self.client.start_flow().flow_name(flow).send().await.done()
    }

    async fn stop(&self, flow: &str) -> Result<(), PortError> {
        self.client.stop_flow().flow_name(flow).send().await.done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(status: ExecutionStatus, message: &str) -> ExecutionDetails {
        ExecutionDetails::builder()
            .most_recent_execution_status(status)
            .most_recent_execution_message(message)
            .build()
    }

    #[test]
    fn only_a_failed_last_run_gives_evidence() {
        let failed = details(ExecutionStatus::Error, "Request limit exceeded");
        assert_eq!(
            last_run_error(Some(&failed)).as_deref(),
            Some("Request limit exceeded")
        );
        for status in [ExecutionStatus::Successful, ExecutionStatus::Inprogress] {
            let ran = details(status, "Successfully ran the flow: 503 records");
            assert_eq!(last_run_error(Some(&ran)), None);
        }
        assert_eq!(last_run_error(None), None);
    }
}
