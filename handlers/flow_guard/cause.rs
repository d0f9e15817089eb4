//! Why a flow failed, from the text AppFlow gives (event fields and DescribeFlow's last-run
//! message), and what a person should do about it. A cause that needs a person wins over a
//! transient-looking one in the same text; an unrecognised cause goes to a person, because
//! restarting blindly can loop.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    // Transient: a restart can help.
    Throttled,
    ServerError,
    Timeout,
    // A person must act.
    TokenExpired,
    InsufficientAccess,
    MissingObjectOrField,
    AccessDenied,
    DeletedResource,
    Unknown,
}

/// Needles in priority order, person-needing causes first. A needle is a phrase of whole words
/// (lower case; letters, digits and `_` make a word, and CamelCase codes are split into theirs);
/// a word ending in `*` matches any word starting with it (`throttl*`: throttled, throttling).
/// So `kms` matches a KMS error but not `bookmarks`, and an HTTP status counts only where the
/// text says it is one (`HTTP 503`, `Status Code: 500`), never a bare number such as a count.
const PATTERNS: &[(Cause, &[&str])] = &[
    (
        Cause::TokenExpired,
        &[
            "invalid_grant",
            "expired access refresh token",
            "token expired",
            "expired token",
            "refresh token",
            "session expired",
            "invalid_session_id",
            "authentication failure",
        ],
    ),
    (
        Cause::InsufficientAccess,
        &[
            "insufficient_access*",
            "insufficient access",
            "insufficient privileges",
        ],
    ),
    (
        Cause::DeletedResource,
        &[
            "connector profile",
            "event bus",
            "partner event source",
            "resource not found",
            "was deleted",
        ],
    ),
    (
        Cause::MissingObjectOrField,
        &[
            "invalid_field",
            "invalid_type",
            "no such column",
            "is not supported",
            "entity_is_deleted",
            "object not found",
            "field not found",
            "does not exist",
        ],
    ),
    (
        Cause::AccessDenied,
        &["access denied", "not authorized", "kms"],
    ),
    (
        Cause::Throttled,
        &[
            "throttl*",
            "rate exceeded",
            "request_limit_exceeded",
            "request limit exceeded",
            "too many requests",
            "limit exceeded",
            "unable_to_lock_row",
            "http 429",
            "status code 429",
        ],
    ),
    (
        Cause::ServerError,
        &[
            "internal server*",
            "service unavailable",
            "bad gateway",
            "server_unavailable",
            "http 500",
            "http 502",
            "http 503",
            "http 504",
            "status code 500",
            "status code 502",
            "status code 503",
            "status code 504",
        ],
    ),
    (Cause::Timeout, &["timed out", "timeout*", "time out"]),
];

/// The words of a text, lower case. Error codes written in CamelCase are split into their
/// words (`SocketTimeoutException`: socket, timeout, exception; `KMSAccessDenied`: kms, access,
/// denied), so a needle matches them as it matches the same words in prose.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .flat_map(camel_parts)
        .map(str::to_lowercase)
        .collect()
}

/// `word` cut before each capital that starts a new word: after a lower-case letter or digit
/// (`socketTimeout`), or at the end of a run of capitals (`KMSAccess`: `KMS`, `Access`).
fn camel_parts(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary = c.is_uppercase()
            && (prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_lower));
        if boundary {
            parts.push(&word[start..at]);
            start = at;
        }
    }
    if start < word.len() {
        parts.push(&word[start..]);
    }
    parts
}

/// `needle`'s words appear consecutively in `haystack`.
fn contains_phrase(haystack: &[String], needle: &str) -> bool {
    let needle: Vec<&str> = needle.split(' ').collect();
    let word_matches = |word: &str, pattern: &str| match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    };
    haystack
        .windows(needle.len())
        .any(|window| window.iter().zip(&needle).all(|(w, p)| word_matches(w, p)))
}

/// The cause named by the error-bearing texts (callers pass error summaries, deactivation
/// reasons and DescribeFlow's last-run message, not counts or ids).
pub fn classify<'a>(texts: impl IntoIterator<Item = &'a str>) -> Cause {
    // One list per text: a phrase never spans two texts.
    let texts: Vec<Vec<String>> = texts.into_iter().map(words).collect();
    PATTERNS
        .iter()
        .find(|(_, needles)| {
            needles
                .iter()
                .any(|n| texts.iter().any(|t| contains_phrase(t, n)))
        })
        .map(|(cause, _)| *cause)
        .unwrap_or(Cause::Unknown)
}

impl Cause {
    pub fn is_transient(self) -> bool {
        matches!(self, Cause::Throttled | Cause::ServerError | Cause::Timeout)
    }

    pub fn label(self) -> &'static str {
        match self {
            Cause::Throttled => "throttled by Salesforce or AWS",
            Cause::ServerError => "a server error at Salesforce or AWS",
            Cause::Timeout => "a timeout",
            Cause::TokenExpired => "the Salesforce token expired or was revoked (invalid_grant)",
            Cause::InsufficientAccess => "the integration user lacks access in Salesforce",
            Cause::MissingObjectOrField => "a Salesforce object or field is missing",
            Cause::AccessDenied => "AWS access denied (bucket, KMS key or event bus policy)",
            Cause::DeletedResource => "a connector profile, event bus or partner source is gone",
            Cause::Unknown => "not recognised",
        }
    }

    /// What the person reading the support email should do.
    pub fn advice(self) -> &'static str {
        match self {
            Cause::Throttled | Cause::ServerError | Cause::Timeout => {
                "This usually passes. If it keeps happening, check Salesforce API limits and the AWS Health Dashboard, then run flow-guard with {\"action\":\"activate\",\"flow_name\":\"<flow>\"}."
            }
            Cause::TokenExpired => {
                "Re-authorise the Salesforce connection: check the connected app is still pre-authorised for the integration user, put the current consumer key and secret into the Secrets Manager secret, update the AppFlow connector profile (terraform apply), then activate the flow."
            }
            Cause::InsufficientAccess => {
                "Give the integration user the sfbridge integration permission set (read Config_Change__e, edit the Sync_* fields of Config_Request__c), then activate the flow."
            }
            Cause::MissingObjectOrField => {
                "Deploy the sfbridge Salesforce package so Config_Request__c, Config_Change__e and their fields exist and are visible to the integration user, then activate the flow."
            }
            Cause::AccessDenied => {
                "Check the bucket, KMS key and event bus policies that let AppFlow read and write (terraform plan shows drift), then activate the flow."
            }
            Cause::DeletedResource => {
                "Recreate the missing connector profile, partner event bus or source with terraform apply, then activate the flow."
            }
            Cause::Unknown => {
                "Open the flow's run history in the AppFlow console to find the error, fix it, then activate the flow."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_from_real_looking_messages() {
        let cases = [
            (
                "error: invalid_grant: expired access/refresh token",
                Cause::TokenExpired,
            ),
            (
                "INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights",
                Cause::InsufficientAccess,
            ),
            (
                "INVALID_FIELD: No such column 'Sync_Status__c' on entity",
                Cause::MissingObjectOrField,
            ),
            (
                "Access Denied (Service: Amazon S3; Status Code: 403)",
                Cause::AccessDenied,
            ),
            (
                "The partner event source aws.partner/appflow/x does not exist",
                Cause::DeletedResource,
            ),
            (
                "ConnectorProfile sfbridge-dev was deleted",
                Cause::DeletedResource,
            ),
            (
                "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded",
                Cause::Throttled,
            ),
            ("Rate exceeded", Cause::Throttled),
            (
                "Salesforce returned 503 Service Unavailable",
                Cause::ServerError,
            ),
            ("Read timed out", Cause::Timeout),
            ("java.net.SocketTimeoutException: Read", Cause::Timeout),
            ("GatewayTimeoutException", Cause::Timeout),
            ("RequestThrottledException: slow down", Cause::Throttled),
            ("TooManyRequestsException", Cause::Throttled),
            (
                "InternalServerException (Status Code: 500)",
                Cause::ServerError,
            ),
            (
                "ResourceNotFoundException: no such flow",
                Cause::DeletedResource,
            ),
            ("KMSAccessDeniedException", Cause::AccessDenied),
            ("AccessDeniedException", Cause::AccessDenied),
            ("Something odd happened", Cause::Unknown),
        ];
        for (text, cause) in cases {
            assert_eq!(classify([text]), cause, "{text}");
        }
    }

    #[test]
    fn numbers_and_words_that_merely_contain_a_needle_are_not_causes() {
        for text in [
            "data-processed: 5004",
            "Processed 1500 records",
            "Saved to bookmarks",
            "kmsx-like tokens",
            "Mistimeout-free",           // "mistimeout" is not "timeout"
            "error: 503 records failed", // a count, not an HTTP status
            "429 rows were rejected",
        ] {
            assert_eq!(classify([text]), Cause::Unknown, "{text}");
        }
        assert_eq!(classify(["HTTP 503 from Salesforce"]), Cause::ServerError);
        assert_eq!(
            classify(["KMS key is disabled"]),
            Cause::AccessDenied,
            "the whole word still counts"
        );
    }

    #[test]
    fn camel_case_codes_split_into_words() {
        assert_eq!(
            words("SocketTimeoutException KMSAccessDenied invalid_grant HTTP503"),
            [
                "socket",
                "timeout",
                "exception",
                "kms",
                "access",
                "denied",
                "invalid_grant",
                "http503",
            ]
        );
    }

    #[test]
    fn a_person_wins_over_a_retry() {
        assert_eq!(
            classify(["Rate exceeded", "then invalid_grant"]),
            Cause::TokenExpired
        );
        assert!(Cause::Throttled.is_transient());
        assert!(!Cause::Unknown.is_transient());
        assert!(Cause::TokenExpired.advice().contains("Re-authorise"));
    }
}
