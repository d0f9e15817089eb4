//! The one `bootstrap` binary. Lambda sets `_HANDLER` from the function's `handler` argument;
//! locally, a symlink named after a handler runs it.

// The runtime's service stack around five handlers' futures nests deeper than the default
// limit when rustc computes their layout.
#![recursion_limit = "256"]

use std::process::ExitCode;

use sfbridge::dispatch::{self, Handler};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // Used by the build to name one zip per registered handler.
    if args.get(1).map(String::as_str) == Some("--list-handlers") {
        for name in Handler::names() {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }

    let handler = match dispatch::resolve(
        std::env::var("_HANDLER").ok().as_deref(),
        args.first().map(String::as_str),
    ) {
        Ok(handler) => handler,
        Err(err) => {
            eprintln!("sfbridge: {err}");
            return ExitCode::from(2);
        }
    };

    // Before any thread exists: it sets an environment variable.
    sfbridge::aws::use_the_ca_bundle_file();
    lambda_runtime::tracing::init_default_subscriber();
    // One event at a time: a current-thread runtime costs less CPU per event than a pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!(
                "sfbridge {}: cannot start the async runtime: {err}",
                handler.name()
            );
            return ExitCode::FAILURE;
        }
    };
    // The root span: every line the handler logs carries its name (in Lambda's JSON log
    // format, under "spans", beside the runtime's per-invocation requestId span). The runtime
    // is single-threaded, so the span entered around block_on is current for every poll.
    let root = tracing::info_span!("sfbridge", handler = handler.name());
    match root.in_scope(|| runtime.block_on(run(handler))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(handler = handler.name(), error = %err, "start-up failed");
            eprintln!("sfbridge {}: {err}", handler.name());
            ExitCode::FAILURE
        }
    }
}

async fn run(handler: Handler) -> Result<(), lambda_runtime::Error> {
    match handler {
        Handler::Ingest => sfbridge::ingest::run().await,
        Handler::StatusCsv => sfbridge::status_csv::run().await,
        Handler::Notify => sfbridge::notify::run().await,
        Handler::FlowGuard => sfbridge::flow_guard::run().await,
        Handler::ConnectLookup => sfbridge::connect_lookup::run().await,
    }
}
