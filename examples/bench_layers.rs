//! What a warm event costs layer by layer (`make bench-layers`), to put sfbridge's figures in the
//! side-by-side harness (`../shared/bench/`) against the least this machine allows. One binary,
//! three modes, chosen by `BENCH_LAYER`; the harness runs it as a candidate in place of
//! `bootstrap`:
//!
//! - `floor`: no async runtime, no SDK, no signing: blocking std TCP doing the same three HTTP
//!   exchanges per event (Runtime API next, one DynamoDB JSON call to `AWS_ENDPOINT_URL`,
//!   Runtime API response) and one log line. What the kernel and HTTP/1.1 cost alone.
//! - `runtime`: `lambda_runtime` on the current-thread runtime and subscriber `bootstrap` uses,
//!   answering a constant: the runtime's own share.
//! - `sdk-call`: `runtime` plus one DynamoDB `GetItem` through the SDK configured as the handlers
//!   configure it (`sfbridge::aws::load`): the SDK call's share.
//!
//! The full handlers add their own work, the log line and the metrics to `sdk-call`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

fn main() {
    match std::env::var("BENCH_LAYER").as_deref() {
        Ok("floor") => floor(),
        Ok("runtime") => with_runtime(false),
        Ok("sdk-call") => with_runtime(true),
        other => {
            eprintln!(
                "bench_layers: BENCH_LAYER must be floor, runtime or sdk-call, not {other:?}"
            );
            std::process::exit(2);
        }
    }
}

fn with_runtime(call: bool) {
    use aws_sdk_dynamodb::types::AttributeValue;
    use lambda_runtime::{service_fn, LambdaEvent};
    use serde_json::Value;

    lambda_runtime::tracing::init_default_subscriber();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async {
        let sdk = sfbridge::aws::load(sfbridge::aws::timeouts()).await;
        let client = &aws_sdk_dynamodb::Client::new(&sdk);
        lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
            if call {
                client
                    .get_item()
                    .table_name("bench")
                    .key("pk", AttributeValue::S("REGION#emea-uk".into()))
                    .key("sk", AttributeValue::S("TIMEZONE#default".into()))
                    .send()
                    .await?;
            }
            Ok::<_, lambda_runtime::Error>(serde_json::json!({"status": "OK"}))
        }))
        .await
    });
    if let Err(err) = result {
        eprintln!("bench_layers: {err}");
        std::process::exit(1);
    }
}

/// Reads one HTTP/1.1 response with a Content-Length; answers its
/// `Lambda-Runtime-Aws-Request-Id` header, if any (the body is read and dropped).
fn read_response(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let (mut request_id, mut length) = (None, 0usize);
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("lambda-runtime-aws-request-id") {
            request_id = Some(value.to_string());
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(request_id)
}

fn connect(address: &str) -> std::io::Result<(BufReader<TcpStream>, TcpStream)> {
    let stream = TcpStream::connect(address)?;
    stream.set_nodelay(true)?;
    Ok((BufReader::new(stream.try_clone()?), stream))
}

fn floor() {
    if let Err(err) = floor_loop() {
        eprintln!("bench_layers floor: {err}");
        std::process::exit(1);
    }
}

fn floor_loop() -> std::io::Result<()> {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").unwrap_or_default();
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
    let aws = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let (mut api_in, mut api_out) = connect(&api)?;
    let (mut aws_in, mut aws_out) = connect(&aws)?;
    let body = r#"{"TableName":"bench","Key":{"pk":{"S":"REGION#emea-uk"},"sk":{"S":"TIMEZONE#default"}}}"#;
    let answer = r#"{"status":"OK"}"#;
    let stdout = std::io::stdout();
    loop {
        // One write per request (format first): a formatted write to a socket is a syscall per piece.
        let next =
            format!("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: {api}\r\n\r\n");
        api_out.write_all(next.as_bytes())?;
        let id = read_response(&mut api_in)?.unwrap_or_default();
        let call = format!(
            "POST / HTTP/1.1\r\nHost: {aws}\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: DynamoDB_20120810.GetItem\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        aws_out.write_all(call.as_bytes())?;
        read_response(&mut aws_in)?;
        writeln!(stdout.lock(), "INFO bench_layers: answered {id}")?;
        let response = format!(
            "POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\nHost: {api}\r\n\
             Content-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        api_out.write_all(response.as_bytes())?;
        read_response(&mut api_in)?;
    }
}
