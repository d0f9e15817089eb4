//! Picks the handler a process runs. One string names a handler everywhere: this dispatch name,
//! the Terraform `for_each` key, the Lambda function suffix and `dist/<name>.zip`.

use std::fmt;
use std::path::Path;

/// The handlers this binary can run. Only real handlers are registered; the others arrive with
/// their issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    Ingest,
    StatusCsv,
    Notify,
    FlowGuard,
    ConnectLookup,
}

impl Handler {
    pub const ALL: &'static [Handler] = &[
        Handler::Ingest,
        Handler::StatusCsv,
        Handler::Notify,
        Handler::FlowGuard,
        Handler::ConnectLookup,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Handler::Ingest => "ingest",
            Handler::StatusCsv => "status-csv",
            Handler::Notify => "notify",
            Handler::FlowGuard => "flow-guard",
            Handler::ConnectLookup => "connect-lookup",
        }
    }

    pub fn from_name(name: &str) -> Option<Handler> {
        Handler::ALL.iter().copied().find(|h| h.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        Handler::ALL.iter().map(|h| h.name()).collect()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct UnknownHandler {
    pub requested: String,
    pub source: &'static str,
}

impl fmt::Display for UnknownHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown handler {:?} (from {}); valid handlers: {}",
            self.requested,
            self.source,
            Handler::names().join(", ")
        )
    }
}

impl std::error::Error for UnknownHandler {}

/// `_HANDLER` (set by Lambda from the function's `handler` argument) wins; otherwise the
/// basename of argv[0], so a symlink named `ingest` runs `ingest` locally.
pub fn resolve(handler_env: Option<&str>, argv0: Option<&str>) -> Result<Handler, UnknownHandler> {
    let (requested, source) = match handler_env.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => (name.to_string(), "_HANDLER"),
        None => {
            let base = argv0
                .and_then(|a| Path::new(a).file_name())
                .map(|b| b.to_string_lossy().into_owned())
                .unwrap_or_default();
            (base, "argv[0]")
        }
    };
    Handler::from_name(&requested).ok_or(UnknownHandler { requested, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_env_wins_over_argv0() {
        assert_eq!(
            resolve(Some("ingest"), Some("/var/task/bootstrap")),
            Ok(Handler::Ingest)
        );
    }

    #[test]
    fn argv0_basename_is_the_fallback() {
        assert_eq!(resolve(None, Some("/tmp/x/ingest")), Ok(Handler::Ingest));
        assert_eq!(resolve(Some("  "), Some("ingest")), Ok(Handler::Ingest));
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = resolve(Some("nope"), Some("ingest")).unwrap_err();
        assert_eq!(err.source, "_HANDLER");
        let text = err.to_string();
        assert!(text.contains("\"nope\""), "{text}");
        for name in Handler::names() {
            assert!(text.contains(name), "{text}");
        }
        let err = resolve(None, Some("/var/task/bootstrap")).unwrap_err();
        assert_eq!(err.requested, "bootstrap");
        assert_eq!(err.source, "argv[0]");
    }

    #[test]
    fn every_name_round_trips() {
        for h in Handler::ALL {
            assert_eq!(Handler::from_name(h.name()), Some(*h));
        }
    }
}
