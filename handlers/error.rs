//! The errors a handler returns to Lambda, mapped to a small, stable set of `errorType`s that
//! alarms, dead-letter queues and operators can rely on.

use lambda_runtime::Diagnostic;

use crate::ports::PortError;

/// The `errorType` Lambda records for a failed invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// A transient AWS failure (throttling, 5xx, timeout, network). Nothing was half-applied;
    /// the event is retried (the ingest queue redelivers it; a direct caller retries).
    Retryable,
    /// The event can be neither applied nor reported to Salesforce (no usable record id, a
    /// payload pointer to a foreign bucket, a detail that is not an object). Retrying cannot
    /// help: from the ingest queue it goes whole to the dead-letter queue with this message as
    /// its `reason`; a direct caller gets it as the error.
    Rejected,
    /// Anything else: a misconfiguration (missing table, access denied) or a bug. Retried like
    /// `Retryable` and, if it persists, dead-lettered by the queue: never lost.
    Internal,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Retryable => "Retryable",
            ErrorType::Rejected => "Rejected",
            ErrorType::Internal => "Internal",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct HandlerError {
    pub kind: ErrorType,
    pub message: String,
    /// The business ids known where it failed, for the one log line an operator searches by
    /// (boxed: errors are rare, results are everywhere).
    pub ids: Box<Ids>,
}

/// Business ids an error is about; any of them may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    pub record_id: Option<String>,
    pub event_id: Option<String>,
    pub region: Option<String>,
    pub flow: Option<String>,
    /// The SQS message it arrived in: matches the `batchItemFailures` entry and the message
    /// on the dead-letter queue.
    pub message_id: Option<String>,
}

impl HandlerError {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            ids: Box::default(),
        }
    }

    pub fn rejected(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Rejected, message)
    }

    /// Says what was being done: `"StartFlow f: transient failure: ..."`.
    pub fn context(mut self, what: impl std::fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// Fills in the ids not already known.
    pub fn about(mut self, ids: &Ids) -> Self {
        let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        };
        fill(&mut self.ids.record_id, &ids.record_id);
        fill(&mut self.ids.event_id, &ids.event_id);
        fill(&mut self.ids.region, &ids.region);
        fill(&mut self.ids.flow, &ids.flow);
        fill(&mut self.ids.message_id, &ids.message_id);
        self
    }

    /// The one log line for an error (the runtime does not log what a handler answers).
    pub fn log(&self, what: &'static str) {
        // Unknown ids are left out of the line (an absent Option records nothing).
        tracing::error!(
            error_type = self.kind.as_str(),
            record_id = self.ids.record_id.as_deref(),
            event_id = self.ids.event_id.as_deref(),
            region = self.ids.region.as_deref(),
            flow = self.ids.flow.as_deref(),
            message_id = self.ids.message_id.as_deref(),
            error = %self.message,
            "{what}"
        );
    }
}

/// The one mapping of a failed table, topic or queue call to an `errorType`: transient is
/// `Retryable`; denied and permanent (missing table, invalid request) are `Internal`, a
/// misconfiguration or a bug. The message is the port error's, kind included.
impl From<PortError> for HandlerError {
    fn from(e: PortError) -> Self {
        let kind = if e.is_transient() {
            ErrorType::Retryable
        } else {
            ErrorType::Internal
        };
        Self::new(kind, e.to_string())
    }
}

impl From<HandlerError> for Diagnostic {
    fn from(err: HandlerError) -> Self {
        Diagnostic {
            error_type: err.kind.as_str().to_string(),
            error_message: err.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_error_is_retryable_only_when_transient() {
        let cases = [
            (
                PortError::Transient("throttled".into()),
                ErrorType::Retryable,
            ),
            (PortError::Denied("no".into()), ErrorType::Internal),
            (PortError::Permanent("no table".into()), ErrorType::Internal),
        ];
        for (port, kind) in cases {
            let text = port.to_string();
            let err = HandlerError::from(port);
            assert_eq!(err.kind, kind, "{text}");
            assert_eq!(err.message, text);
        }
    }

    #[test]
    fn context_goes_first() {
        let err =
            HandlerError::from(PortError::Denied("not allowed".into())).context("StartFlow f");
        assert_eq!(err.message, "StartFlow f: access denied: not allowed");
    }
}
