//! The real `bootstrap` binary: dispatch by `_HANDLER` or argv[0], and start-up failures that
//! name what is wrong. Nothing here reaches the Lambda Runtime API: every case fails before.

use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

fn bootstrap() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bootstrap"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().expect("bootstrap runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

#[test]
fn unknown_handler_exits_non_zero_listing_the_valid_names() {
    let (out, stderr) = run(bootstrap().env("_HANDLER", "nope"));
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("unknown handler \"nope\""), "{stderr}");
    assert!(
        stderr.contains("valid handlers: ingest, status-csv, notify, flow-guard, connect-lookup"),
        "{stderr}"
    );
}

#[test]
fn without_handler_env_the_program_name_is_the_handler() {
    // Named `bootstrap` (as in a zip) with no _HANDLER: not a handler name.
    let (out, stderr) = run(&mut bootstrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("\"bootstrap\" (from argv[0])"), "{stderr}");

    // Named `ingest` (a symlink locally): runs ingest, which stops at its first missing variable.
    let (out, stderr) = run(bootstrap().arg0("/tmp/somewhere/ingest"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("sfbridge ingest: missing required environment variable CONFIG_TABLE"),
        "{stderr}"
    );
}

#[test]
fn missing_configuration_fails_at_start_up_naming_the_variable() {
    let (out, stderr) = run(bootstrap()
        .env("_HANDLER", "ingest")
        .env("CONFIG_TABLE", "t"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("missing required environment variable LARGE_EVENT_BUCKET"),
        "{stderr}"
    );

    for (handler, set, missing) in [
        ("status-csv", vec![], "STATUS_BUCKET"),
        ("notify", vec![], "CONFIG_TABLE"),
        ("notify", vec![("CONFIG_TABLE", "t")], "STATUS_TOPIC_ARN"),
        ("connect-lookup", vec![], "CONFIG_TABLE"),
        ("flow-guard", vec![], "MANAGED_FLOWS"),
        ("flow-guard", vec![("MANAGED_FLOWS", "a,b")], "CONFIG_TABLE"),
        (
            "flow-guard",
            vec![("MANAGED_FLOWS", "a"), ("CONFIG_TABLE", "t")],
            "SUPPORT_TOPIC_ARN",
        ),
    ] {
        let mut cmd = bootstrap();
        cmd.env("_HANDLER", handler).envs(set);
        let (out, stderr) = run(&mut cmd);
        assert!(!out.status.success(), "{handler}");
        assert!(
            stderr.contains(&format!(
                "sfbridge {handler}: missing required environment variable {missing}"
            )),
            "{stderr}"
        );
    }

    let (out, stderr) = run(bootstrap()
        .env("_HANDLER", "ingest")
        .env("CONFIG_TABLE", "t")
        .env("LARGE_EVENT_BUCKET", "b")
        .env("REQUEST_RETENTION_DAYS", "ninety"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("REQUEST_RETENTION_DAYS is invalid"),
        "{stderr}"
    );
}

#[test]
fn list_handlers_prints_every_registered_name() {
    let (out, _) = run(bootstrap().arg("--list-handlers"));
    assert!(out.status.success());
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(names, sfbridge::dispatch::Handler::names());
}
