//! A local Lambda Runtime API (`/2018-06-01/runtime/invocation/next`, `.../response`,
//! `.../error`, `/runtime/init/error`), so the real `bootstrap` binary runs exactly as in
//! Lambda: dispatch by `_HANDLER`, configuration from the environment at start-up, and JSON
//! in and out. One process per handler, one invocation at a time.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, Notify};

/// A failed invocation, as Lambda reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeError {
    pub error_type: String,
    pub message: String,
}

type Reply = Result<Value, InvokeError>;

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<(String, Bytes)>>,
    ready: Notify,
    waiting: Mutex<HashMap<String, oneshot::Sender<Reply>>>,
    init_error: Mutex<Option<String>>,
}

pub struct LocalLambda {
    pub name: String,
    shared: Arc<Shared>,
    child: Child,
    next_id: AtomicU64,
}

impl LocalLambda {
    /// Starts `binary` as the function `name` with `env` (and nothing else from this process
    /// but `PATH`), talking to a Runtime API on a free loopback port.
    pub async fn start(binary: &Path, name: &str, env: &[(&str, String)], log: &Path) -> Self {
        let shared = Arc::new(Shared::default());
        let served = shared.clone();
        let addr = super::http::serve(move |req| route(served.clone(), req)).await;
        let log_file = std::fs::File::create(log).expect("log file");
        let child = Command::new(binary)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("_HANDLER", name)
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", format!("sfbridge-local-{name}"))
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .expect("bootstrap starts");
        Self {
            name: name.to_string(),
            shared,
            child,
            next_id: AtomicU64::new(1),
        }
    }

    /// The process id (for measuring its CPU time and memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// One synchronous invocation, as Lambda's RequestResponse.
    pub async fn invoke(&mut self, payload: &Value) -> Reply {
        let id = format!(
            "{}-{}",
            self.name,
            self.next_id.fetch_add(1, Ordering::SeqCst)
        );
        let (tx, rx) = oneshot::channel();
        self.shared
            .waiting
            .lock()
            .expect("lock")
            .insert(id.clone(), tx);
        self.shared
            .queue
            .lock()
            .expect("lock")
            .push_back((id.clone(), Bytes::from(payload.to_string())));
        self.shared.ready.notify_one();
        let exited = |status: String, init: Option<String>| InvokeError {
            error_type: "Runtime.ExitError".into(),
            message: format!(
                "{} exited ({status}){}",
                self.name,
                init.map(|e| format!(": {e}")).unwrap_or_default()
            ),
        };
        tokio::select! {
            reply = rx => reply.unwrap_or_else(|_| Err(InvokeError { error_type: "Runtime.Unknown".into(), message: "no reply".into() })),
            status = self.child.wait() => {
                let init = self.shared.init_error.lock().expect("lock").clone();
                Err(exited(status.map(|s| s.to_string()).unwrap_or_default(), init))
            }
            _ = tokio::time::sleep(Duration::from_secs(60)) => Err(InvokeError { error_type: "Sandbox.Timedout".into(), message: format!("{} timed out", self.name) }),
        }
    }
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
}

async fn route(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    if path == "/2018-06-01/runtime/invocation/next" {
        let (id, payload) = loop {
            let ready = shared.ready.notified();
            if let Some(next) = shared.queue.lock().expect("lock").pop_front() {
                break next;
            }
            ready.await;
        };
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() + 60_000)
            .unwrap_or_default();
        let mut response = reply(StatusCode::OK, payload);
        let headers = response.headers_mut();
        headers.insert("lambda-runtime-aws-request-id", id.parse().expect("header"));
        headers.insert(
            "lambda-runtime-deadline-ms",
            deadline.to_string().parse().expect("header"),
        );
        headers.insert(
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:sfbridge-local"
                .parse()
                .expect("header"),
        );
        headers.insert(
            "lambda-runtime-trace-id",
            "Root=1-00000000-000000000000000000000000"
                .parse()
                .expect("header"),
        );
        return Ok(response);
    }
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if path == "/2018-06-01/runtime/init/error" {
        *shared.init_error.lock().expect("lock") =
            Some(String::from_utf8_lossy(&body).into_owned());
        return Ok(reply(StatusCode::ACCEPTED, Bytes::new()));
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let ["2018-06-01", "runtime", "invocation", id, kind @ ("response" | "error")] =
        parts.as_slice()
    {
        let outcome = if *kind == "response" {
            serde_json::from_slice(&body).map_err(|e| InvokeError {
                error_type: "Runtime.InvalidResponse".into(),
                message: e.to_string(),
            })
        } else {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            Err(InvokeError {
                error_type: v["errorType"].as_str().unwrap_or("Unknown").to_string(),
                message: v["errorMessage"].as_str().unwrap_or_default().to_string(),
            })
        };
        if let Some(tx) = shared.waiting.lock().expect("lock").remove(*id) {
            let _ = tx.send(outcome);
        }
        return Ok(reply(StatusCode::ACCEPTED, Bytes::new()));
    }
    Ok(reply(StatusCode::NOT_FOUND, Bytes::from_static(b"{}")))
}
