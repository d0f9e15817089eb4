//! DynamoDB throttling in front of moto: a loopback proxy (`AWS_ENDPOINT_URL_DYNAMODB`) that
//! answers the next N `TransactWriteItems` calls with `ThrottlingException`, as DynamoDB does
//! under pressure, and forwards everything else to the emulator unchanged. With N at least
//! the SDK's 3 attempts, one `ingest` invocation sees a transient failure and the queue must
//! redeliver.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

pub struct Throttle {
    pub endpoint: String,
    failing: Arc<AtomicU32>,
    pub throttled: Arc<AtomicU32>,
}

impl Throttle {
    /// Starts the proxy in front of `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let failing = Arc::new(AtomicU32::new(0));
        let throttled = Arc::new(AtomicU32::new(0));
        let (f, t) = (failing.clone(), throttled.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (upstream, f, t) = (upstream.clone(), f.clone(), t.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        handle(req, upstream.clone(), f.clone(), t.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Throttle {
            endpoint,
            failing,
            throttled,
        }
    }

    /// The next `calls` transactions are throttled.
    pub fn throttle_next(&self, calls: u32) {
        self.failing.store(calls, Ordering::SeqCst);
    }
}

async fn handle(
    req: Request<Incoming>,
    upstream: String,
    failing: Arc<AtomicU32>,
    throttled: Arc<AtomicU32>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let is_transaction = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.ends_with(".TransactWriteItems"));
    if is_transaction
        && failing
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    {
        throttled.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new(Full::new(Bytes::from_static(
            br#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
        )));
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response.headers_mut().insert(
            "content-type",
            "application/x-amz-json-1.0".parse().expect("header"),
        );
        return Ok(response);
    }
    Ok(forward(req, &upstream).await.unwrap_or_else(|e| {
        let mut response = Response::new(Full::new(Bytes::from(format!("proxy: {e}"))));
        *response.status_mut() = StatusCode::BAD_GATEWAY;
        response
    }))
}

async fn forward(req: Request<Incoming>, upstream: &str) -> Result<Response<Full<Bytes>>, String> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
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
    Ok(Response::from_parts(parts, Full::new(body)))
}
