//! The AWS SDK configuration every handler builds once at start-up.
//!
//! Endpoints come only from the SDK's standard variables (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_<SERVICE>`): there is no custom endpoint code.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// Explicit timeouts: the Rust SDK has none by default, and a hung call would otherwise run
/// until the Lambda timeout. The SDK's standard retry (3 attempts) sits inside the operation
/// timeout.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

/// For `connect-lookup`: Amazon Connect waits at most 8 seconds for the whole invocation, and
/// a caller hears the silence; give up well before. These bound one call; the handler bounds
/// the whole read (`connect_lookup::READ_LIMIT`).
pub fn connect_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(500))
        .operation_attempt_timeout(Duration::from_millis(1000))
        .operation_timeout(Duration::from_millis(2500))
        .build()
}

pub async fn load(timeouts: TimeoutConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts)
        .load()
        .await
}

/// S3 client. Local emulators serve buckets by path, not by virtual host, so path-style
/// addressing is used exactly when an endpoint override is configured.
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let overridden = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()));
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(overridden)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}
