//! The errors a handler returns to Lambda, mapped to a small, stable set of `errorType`s that
//! alarms, dead-letter queues and operators can rely on.

use lambda_runtime::Diagnostic;

/// The `errorType` Lambda records for a failed invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// A transient AWS failure (throttling, 5xx, timeout, network). Nothing was half-applied;
    /// Lambda/EventBridge retry the whole event.
    Retryable,
    /// The event can be neither applied nor reported to Salesforce (no usable record id, a
    /// payload pointer to a foreign bucket, a detail that is not an object). Retrying cannot
    /// help; after Lambda's retries it lands whole in the function's dead-letter queue with
    /// this message as the reason.
    Rejected,
    /// Anything else: a misconfiguration (missing table, access denied) or a bug. The event is
    /// retried and then dead-lettered, so it is never lost.
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
}

impl HandlerError {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn rejected(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Rejected, message)
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
