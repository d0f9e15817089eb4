//! One place that decides whether an AWS SDK failure is worth retrying.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

use crate::ports::PortError;

/// Error codes AWS services use for throttling and server-side trouble.
const TRANSIENT_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "TooManyRequestsException",
    "SlowDown",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalServerError",
    "InternalError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

/// Error codes for "this role may not do that" (HTTP 403 says the same).
const DENIED_CODES: &[&str] = &["AccessDeniedException", "AccessDenied"];

/// `true` when the failure is transient; the text is the error with its whole cause chain.
pub fn classify<E>(err: &SdkError<E, HttpResponse>) -> (bool, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match port_error(err) {
        PortError::Transient(text) => (true, text),
        PortError::Denied(text) | PortError::Permanent(text) => (false, text),
    }
}

/// The failure as a port error: transient, denied or permanent.
pub fn port_error<E>(err: &SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = DisplayErrorContext(err).to_string();
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            PortError::Transient(text)
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            let status = service.raw().status();
            if TRANSIENT_CODES.contains(&code) || status.is_server_error() {
                PortError::Transient(text)
            } else if DENIED_CODES.contains(&code) || status.as_u16() == 403 {
                PortError::Denied(text)
            } else {
                PortError::Permanent(text)
            }
        }
        _ => PortError::Permanent(text),
    }
}
