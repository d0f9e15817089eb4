//! `make demo`: the whole round trip on this machine, printed as a trace. Exits 0 only if it
//! came out right. See `tests/support/round_trip.rs` for what is real and what is a stand-in.
#[path = "../tests/support/mod.rs"]
#[allow(unused_macros, unused_imports)]
mod support;

use std::process::ExitCode;

use support::round_trip::{self, Options};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") else {
        eprintln!("demo: AWS_ENDPOINT_URL is not set; run `make demo`, which starts the local AWS");
        return ExitCode::FAILURE;
    };
    // The bootstrap built next to this example (make demo builds it first).
    let binary = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("bootstrap")))
        .filter(|b| b.exists());
    let Some(binary) = binary else {
        eprintln!("demo: no bootstrap binary next to the demo; run `make demo`");
        return ExitCode::FAILURE;
    };
    let work_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".local/demo");
    println!("sfbridge demo: Salesforce change -> DynamoDB -> status back to Salesforce, email, Connect\n");
    let report = match round_trip::run(&Options {
        binary,
        endpoint,
        work_dir: work_dir.clone(),
        echo: true,
    })
    .await
    {
        Ok(report) => report,
        Err(e) => {
            eprintln!(
                "\ndemo: FAILED: {e} (function logs in {})",
                work_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let problems = round_trip::check(&report);
    if problems.is_empty() {
        println!("\ndemo: OK: every change reached DynamoDB, every outcome came back, Connect answers changed.");
        ExitCode::SUCCESS
    } else {
        eprintln!("\ndemo: FAILED:\n- {}", problems.join("\n- "));
        ExitCode::FAILURE
    }
}
