//! `connect-lookup` answers within Connect's patience through the real `bootstrap` (a local
//! Runtime API), even when DynamoDB never answers or keeps handing keys back slowly: `ERROR`
//! within 3 seconds of the invocation (asserted with room, as a contract bound: 3.5 s).
mod support;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::Value;
use support::runtime::LocalLambda;
use tokio::net::TcpListener;

const BOUND: Duration = Duration::from_millis(3500);

/// An endpoint that accepts connections and never says a word.
async fn silent_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    endpoint
}

/// A DynamoDB that is slow and busy: every other request is never answered (the SDK's attempt
/// times out and it retries), the others are answered after 400 ms with every key unprocessed.
/// Each BatchGetItem then takes 1.4-2.4 s and succeeds, handing all the keys back.
async fn busy_endpoint() -> String {
    let requests = Arc::new(AtomicUsize::new(0));
    let addr = support::http::serve(move |req| busy(requests.clone(), req)).await;
    format!("http://{addr}")
}

async fn busy(
    requests: Arc<AtomicUsize>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if requests.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let asked: Value = serde_json::from_slice(&body).unwrap_or_default();
    let table = asked["RequestItems"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_default();
    let reply = serde_json::json!({
        "Responses": {table: []},
        "UnprocessedKeys": asked["RequestItems"],
    });
    let mut response = Response::new(Full::new(Bytes::from(reply.to_string())));
    response.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("header"),
    );
    Ok(response)
}

/// Starts connect-lookup against `endpoint`, asks once, and times the answer.
async fn ask_against(endpoint: String, label: &str) -> (Value, Duration) {
    let work_dir = std::env::temp_dir().join(support::moto::unique(label));
    std::fs::create_dir_all(&work_dir).expect("work dir");
    let mut connect = LocalLambda::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_bootstrap")),
        "connect-lookup",
        &[
            ("AWS_ENDPOINT_URL_DYNAMODB", endpoint),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("CONFIG_TABLE", "sfbridge-config".into()),
        ],
        &work_dir.join("connect-lookup.log"),
    )
    .await;
    let mut event: Value =
        serde_json::from_str(include_str!("fixtures/connect-event.json")).expect("fixture");
    event["Details"]["Parameters"] = serde_json::json!({"region": "emea-uk"});
    let started = Instant::now();
    let answer = connect
        .invoke(&event)
        .await
        .expect("an answer, not an error");
    let elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(&work_dir);
    (answer, elapsed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dynamodb_that_never_answers_is_an_error_within_three_seconds() {
    let (answer, elapsed) = ask_against(silent_endpoint().await, "connect-silent").await;
    assert_eq!(answer["status"], "ERROR", "{answer}");
    assert!(elapsed < BOUND, "answered after {elapsed:?}: {answer}");
    eprintln!("answered {} after {elapsed:?}", answer["message"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dynamodb_that_keeps_handing_keys_back_is_an_error_within_three_seconds() {
    let (answer, elapsed) = ask_against(busy_endpoint().await, "connect-busy").await;
    assert_eq!(answer["status"], "ERROR", "{answer}");
    assert!(elapsed < BOUND, "answered after {elapsed:?}: {answer}");
    // Each call succeeded within the SDK's timeouts: the overall limit ended the read.
    assert_eq!(
        answer["message"], "the configuration was not read in time",
        "{answer}"
    );
}
