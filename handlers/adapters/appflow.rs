//! `Flows` on AppFlow.

use aws_sdk_appflow::operation::describe_flow::DescribeFlowError;
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

impl Flows for AppFlowFlows {
    async fn describe(&self, flow: &str) -> Result<Option<FlowState>, PortError> {
        match self.client.describe_flow().flow_name(flow).send().await {
            Ok(out) => {
                let last = out.last_run_execution_details();
                Ok(Some(FlowState {
                    // DescribeFlow always names a status; a missing one reads as not Active.
                    status: out
                        .flow_status()
                        .cloned()
                        .unwrap_or_else(|| FlowStatus::from("")),
                    last_run_message: last
                        .and_then(|l| l.most_recent_execution_message())
                        .map(str::to_string),
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
