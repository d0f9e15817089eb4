//! DynamoDB trouble in front of moto: a loopback proxy (`AWS_ENDPOINT_URL_DYNAMODB`) for
//! `TransactWriteItems` that can
//! - answer the next N calls with `ThrottlingException`, as DynamoDB does under pressure (with
//!   N at least the SDK's 3 attempts, one `ingest` invocation sees a transient failure and the
//!   queue must redeliver);
//! - lose the answer to the next N calls: the transaction reaches moto and commits, then the
//!   connection is dropped, so the SDK sees no answer and sends it again.
//!
//! Every other call is forwarded unchanged. The proxy also does what moto does not:
//! `ClientRequestToken` idempotency as the DynamoDB API reference (TransactWriteItems)
//! documents it. A token seen with a committed transaction gets that first answer again,
//! without a second commit, when the parameters are the same, and
//! `IdempotentParameterMismatchException` when they differ. (Moto 5.2.1 ignores the token.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

pub struct Throttle {
    pub endpoint: String,
    state: Arc<State>,
    pub throttled: Arc<AtomicU32>,
}

#[derive(Default)]
struct State {
    failing: AtomicU32,
    losing: AtomicU32,
    throttled: Arc<AtomicU32>,
    /// The `ClientRequestToken` of every transaction that reached the proxy, in order.
    tokens: Mutex<Vec<Option<String>>>,
    /// Committed transactions by token: the request body and moto's answer.
    committed: Mutex<HashMap<String, (Bytes, Answer)>>,
}

#[derive(Clone)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn response(&self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl Throttle {
    /// Starts the proxy in front of `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Self {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let state = Arc::new(State::default());
        let s = state.clone();
        let addr = super::http::serve(move |req| handle(req, upstream.clone(), s.clone())).await;
        let endpoint = format!("http://{addr}");
        Throttle {
            endpoint,
            throttled: state.throttled.clone(),
            state,
        }
    }

    /// The next `calls` transactions are throttled.
    pub fn throttle_next(&self, calls: u32) {
        self.state.failing.store(calls, Ordering::SeqCst);
    }

    /// The next `calls` transactions are carried out, but their answers never arrive.
    pub fn lose_next_answers(&self, calls: u32) {
        self.state.losing.store(calls, Ordering::SeqCst);
    }

    /// The `ClientRequestToken` of every transaction so far, in order.
    pub fn transaction_tokens(&self) -> Vec<Option<String>> {
        self.state.tokens.lock().expect("tokens").clone()
    }
}

type Answered = Result<Response<Full<Bytes>>, std::io::Error>;

async fn handle(req: Request<Incoming>, upstream: String, state: Arc<State>) -> Answered {
    let is_transaction = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.ends_with(".TransactWriteItems"));
    if !is_transaction {
        let (parts, body) = req.into_parts();
        let body = body.collect().await.map_err(io)?.to_bytes();
        return Ok(answered(forward(parts, body, &upstream).await).response());
    }
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map_err(io)?.to_bytes();
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["ClientRequestToken"].as_str().map(str::to_string));
    state.tokens.lock().expect("tokens").push(token.clone());

    if take_one(&state.failing) {
        state.throttled.fetch_add(1, Ordering::SeqCst);
        return Ok(error(
            "ThrottlingException",
            "Rate of requests exceeds the allowed throughput.",
        ));
    }
    let seen = token
        .as_ref()
        .and_then(|t| state.committed.lock().expect("committed").get(t).cloned());
    let answer = match seen {
        Some((first, answer)) if first == body => answer,
        Some(_) => {
            return Ok(error(
                "IdempotentParameterMismatchException",
                "Request token was used with different parameters.",
            ))
        }
        None => {
            let answer = answered(forward(parts, body.clone(), &upstream).await);
            if let (Some(token), StatusCode::OK) = (token, answer.status) {
                let mut committed = state.committed.lock().expect("committed");
                committed.insert(token, (body, answer.clone()));
            }
            answer
        }
    };
    if take_one(&state.losing) {
        // Committed (or not), but the caller hears nothing: hyper drops the connection.
        return Err(std::io::Error::other("proxy: answer lost on purpose"));
    }
    Ok(answer.response())
}

fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// A DynamoDB error answer (JSON 1.0 protocol, HTTP 400).
fn error(code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"),
        "message": message,
    });
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("header"),
    );
    response
}

fn answered(result: Result<Answer, String>) -> Answer {
    result.unwrap_or_else(|e| Answer {
        status: StatusCode::BAD_GATEWAY,
        headers: HeaderMap::new(),
        body: Bytes::from(format!("proxy: {e}")),
    })
}

async fn forward(
    parts: hyper::http::request::Parts,
    body: Bytes,
    upstream: &str,
) -> Result<Answer, String> {
    let stream = TcpStream::connect(upstream)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let response = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await
        .map_err(|e| e.to_string())?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}
