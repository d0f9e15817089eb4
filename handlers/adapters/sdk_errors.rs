//! One place that decides what an AWS SDK failure means for the caller: worth retrying
//! (transient), not allowed (denied), or neither (permanent). What is worth retrying is what
//! the SDK's own retry classifiers retry, so the list is the SDK's, not a copy kept here.

use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::retry::ProvideErrorKind;

use crate::ports::PortError;

/// Error codes for "this role may not do that" (HTTP 403 says the same).
const DENIED_CODES: &[&str] = &["AccessDeniedException", "AccessDenied"];

/// `TransactWriteItems` cancellation reasons worth retrying. These are not error codes (the
/// error is `TransactionCanceledException`) but the per-item `CancellationReason.Code`s that
/// the DynamoDB API reference lists under TransactWriteItems / `TransactionCanceledException`:
/// `None`, `ConditionalCheckFailed`, `ItemCollectionSizeLimitExceeded`,
/// `TransactionConflict`, `ProvisionedThroughputExceeded`, `ThrottlingError`,
/// `ValidationError`. A conflict with a concurrent transaction and throttling pass; the others
/// will not get better by retrying.
const TRANSIENT_CANCELLATIONS: &[&str] = &[
    "TransactionConflict",
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
];

/// `true` when the failure is transient; the text is the error with its whole cause chain.
pub fn classify<E>(err: &SdkError<E, HttpResponse>) -> (bool, String)
where
    E: ProvideErrorKind + std::error::Error + 'static,
{
    match port_error(err) {
        PortError::Transient(text) => (true, text),
        PortError::Denied(text) | PortError::Permanent(text) => (false, text),
    }
}

/// The failure as a port error: transient, denied or permanent.
pub fn port_error<E>(err: &SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorKind + std::error::Error + 'static,
{
    let text = DisplayErrorContext(err).to_string();
    match err {
        // No answer, or one that could not be read: the SDK retries these too.
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            PortError::Transient(text)
        }
        SdkError::ServiceError(service) => {
            let error = service.err();
            let code = error.code().unwrap_or_default();
            let status = service.raw().status();
            if sdk_retries(error) || status.is_server_error() {
                PortError::Transient(text)
            } else if DENIED_CODES.contains(&code) || status.as_u16() == 403 {
                PortError::Denied(text)
            } else {
                PortError::Permanent(text)
            }
        }
        // The request could not be built: retrying builds the same one.
        _ => PortError::Permanent(text),
    }
}

/// A call whose answer the caller does not need: `Ok(())`, or the failure as a port error.
pub trait Done {
    fn done(self) -> Result<(), PortError>;
}

impl<T, E> Done for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorKind + std::error::Error + 'static,
{
    fn done(self) -> Result<(), PortError> {
        self.map(drop).map_err(|err| port_error(&err))
    }
}

/// What the SDK's standard retry strategy retries, besides 5xx: an error the service model
/// marks `@retryable`, and the AWS throttling and transient error codes
/// (`aws_runtime::retries::classifiers`, the lists its `AwsErrorCodeClassifier` uses).
fn sdk_retries<E: ProvideErrorKind>(error: &E) -> bool {
    error.retryable_error_kind().is_some()
        || error
            .code()
            .is_some_and(|c| THROTTLING_ERRORS.contains(&c) || TRANSIENT_ERRORS.contains(&c))
}

/// A cancelled transaction that is neither a duplicate nor superseded: transient when any
/// item's reason is (`TRANSIENT_CANCELLATIONS`), else permanent. `codes` are the reasons in
/// item order, `None` for an item without error.
pub fn cancelled(codes: &[&str]) -> PortError {
    let text = format!("transaction cancelled: {}", codes.join(", "));
    if codes.iter().any(|c| TRANSIENT_CANCELLATIONS.contains(c)) {
        PortError::Transient(text)
    } else {
        PortError::Permanent(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::put_item::PutItemError;
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::error::ReplicatedWriteConflictException;
    use aws_sdk_sqs::operation::send_message::SendMessageError;
    use aws_smithy_types::body::SdkBody;

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(status.try_into().expect("status code"), SdkBody::empty())
    }

    fn meta(code: &str) -> ErrorMetadata {
        ErrorMetadata::builder()
            .code(code)
            .message("from the test")
            .build()
    }

    /// A DynamoDB service error with this code and HTTP status, as the SDK hands it back.
    fn dynamodb(code: &str, status: u16) -> PortError {
        port_error(&SdkError::service_error(
            TransactWriteItemsError::generic(meta(code)),
            response(status),
        ))
    }

    fn kind(e: &PortError) -> &'static str {
        match e {
            PortError::Transient(_) => "transient",
            PortError::Denied(_) => "denied",
            PortError::Permanent(_) => "permanent",
        }
    }

    #[test]
    fn throttling_and_server_errors_are_transient() {
        for (code, status) in [
            ("ThrottlingException", 400),
            ("ProvisionedThroughputExceededException", 400),
            ("RequestLimitExceeded", 400),
            ("TransactionInProgressException", 400),
            ("RequestTimeoutException", 400),
            // In the SDK's throttling list, not in the one this module used to keep.
            ("RequestThrottledException", 400),
            ("PriorRequestNotComplete", 400),
            ("InternalServerError", 500),
            ("ServiceUnavailable", 503),
            ("", 500),
        ] {
            assert_eq!(
                kind(&dynamodb(code, status)),
                "transient",
                "{code} {status}"
            );
        }
    }

    #[test]
    fn an_error_the_model_marks_retryable_is_transient() {
        // `@retryable` in the DynamoDB model: the SDK says so through `retryable_error_kind`.
        let conflict = PutItemError::ReplicatedWriteConflictException(
            ReplicatedWriteConflictException::builder()
                .message("write conflict with a replica")
                .meta(meta("ReplicatedWriteConflictException"))
                .build(),
        );
        let err = port_error(&SdkError::service_error(conflict, response(400)));
        assert_eq!(kind(&err), "transient", "{err}");
    }

    #[test]
    fn sqs_throttling_is_transient() {
        // SQS's own code (the dead-letter queue and ChangeMessageVisibility ports).
        let err = port_error(&SdkError::service_error(
            SendMessageError::generic(meta("RequestThrottled")),
            response(400),
        ));
        assert_eq!(kind(&err), "transient", "{err}");
    }

    #[test]
    fn access_denied_is_denied() {
        assert_eq!(kind(&dynamodb("AccessDeniedException", 400)), "denied");
        assert_eq!(kind(&dynamodb("AccessDenied", 403)), "denied");
        assert_eq!(kind(&dynamodb("", 403)), "denied");
    }

    #[test]
    fn anything_else_is_permanent() {
        for (code, status) in [
            ("ValidationException", 400),
            ("ResourceNotFoundException", 400),
            ("IdempotentParameterMismatchException", 400),
            ("", 404),
        ] {
            assert_eq!(
                kind(&dynamodb(code, status)),
                "permanent",
                "{code} {status}"
            );
        }
    }

    #[test]
    fn no_answer_is_transient_and_a_request_not_built_is_permanent() {
        let timeout: SdkError<TransactWriteItemsError, HttpResponse> =
            SdkError::timeout_error("attempt timed out");
        assert_eq!(kind(&port_error(&timeout)), "transient");
        let unbuilt: SdkError<TransactWriteItemsError, HttpResponse> =
            SdkError::construction_failure("missing table name");
        assert_eq!(kind(&port_error(&unbuilt)), "permanent");
    }

    #[test]
    fn the_text_keeps_the_cause() {
        let text = dynamodb("ValidationException", 400).to_string();
        assert!(text.contains("ValidationException"), "{text}");
        assert!(text.contains("from the test"), "{text}");
    }

    #[test]
    fn a_transaction_cancelled_by_a_conflict_or_throttling_is_transient() {
        for codes in [
            ["None", "TransactionConflict"],
            ["ThrottlingError", "None"],
            ["None", "ProvisionedThroughputExceeded"],
        ] {
            assert_eq!(kind(&cancelled(&codes)), "transient", "{codes:?}");
        }
        let invalid = cancelled(&["ValidationError", "None"]);
        assert_eq!(kind(&invalid), "permanent");
        assert!(
            invalid.to_string().contains("ValidationError, None"),
            "{invalid}"
        );
        assert_eq!(
            kind(&cancelled(&["ItemCollectionSizeLimitExceeded", "None"])),
            "permanent"
        );
    }
}
