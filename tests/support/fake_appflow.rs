//! A small fake of AppFlow's HTTP API (DescribeFlow, StartFlow, StopFlow), because moto has no
//! AppFlow. The real SDK client talks to it (`AWS_ENDPOINT_URL_APPFLOW` in a deployment, an
//! endpoint override here), so the adapter's requests and error mapping are exercised.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct State {
    /// flow -> (status, last run message)
    flows: BTreeMap<String, (String, Option<String>)>,
    calls: Vec<String>,
}

#[derive(Clone)]
pub struct FakeAppFlow {
    state: Arc<Mutex<State>>,
    pub endpoint: String,
}

impl FakeAppFlow {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let served = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = served.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        Self { state, endpoint }
    }

    pub fn set(&self, flow: &str, status: &str, message: Option<&str>) {
        self.state
            .lock()
            .expect("lock")
            .flows
            .insert(flow.into(), (status.into(), message.map(str::to_string)));
    }

    pub fn remove(&self, flow: &str) {
        self.state.lock().expect("lock").flows.remove(flow);
    }

    pub fn status(&self, flow: &str) -> Option<String> {
        self.state
            .lock()
            .expect("lock")
            .flows
            .get(flow)
            .map(|f| f.0.clone())
    }

    /// `"DescribeFlow <flow>"`, `"StartFlow <flow>"`, `"StopFlow <flow>"`, in order.
    pub fn calls(&self) -> Vec<String> {
        self.state.lock().expect("lock").calls.clone()
    }

    pub fn count(&self, call: &str) -> usize {
        self.calls().iter().filter(|c| c.starts_with(call)).count()
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, content_length) = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..pos]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (pos + 4, length);
        }
    };
    while buf.len() < head_end + content_length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let body: Value = serde_json::from_slice(&buf[head_end..]).unwrap_or(Value::Null);
    let flow = body["flowName"].as_str().unwrap_or_default().to_string();

    let (status, error, reply) = {
        let mut s = state.lock().expect("lock");
        let op = match path.as_str() {
            "/describe-flow" => "DescribeFlow",
            "/start-flow" => "StartFlow",
            "/stop-flow" => "StopFlow",
            _ => "Unknown",
        };
        s.calls.push(format!("{op} {flow}"));
        match (op, s.flows.get_mut(&flow)) {
            (_, None) => (
                404,
                Some("ResourceNotFoundException"),
                json!({"message": format!("flow {flow} not found")}),
            ),
            ("DescribeFlow", Some((status, message))) => (
                200,
                None,
                json!({
                    "flowName": flow,
                    "flowArn": format!("arn:aws:appflow:us-east-1:123456789012:flow/{flow}"),
                    "flowStatus": status,
                    "lastRunExecutionDetails": {
                        "mostRecentExecutionMessage": message,
                        "mostRecentExecutionStatus": if message.is_some() { "Error" } else { "Successful" }
                    }
                }),
            ),
            ("StartFlow", Some((status, _))) => {
                *status = "Active".into();
                (
                    200,
                    None,
                    json!({"flowArn": "arn", "flowStatus": "Active", "executionId": "x"}),
                )
            }
            ("StopFlow", Some((status, _))) => {
                *status = "Suspended".into();
                (
                    200,
                    None,
                    json!({"flowArn": "arn", "flowStatus": "Suspended"}),
                )
            }
            _ => (
                400,
                Some("ValidationException"),
                json!({"message": "unknown operation"}),
            ),
        }
    };
    let body = reply.to_string();
    let mut response = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        if status == 200 { "OK" } else { "Error" },
        body.len()
    );
    if let Some(kind) = error {
        response.push_str(&format!("x-amzn-errortype: {kind}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&body);
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
