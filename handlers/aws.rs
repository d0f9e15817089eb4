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

/// The system's root certificates, once: the SDK's TLS stack (rustls-native-certs) reads the CA
/// bundle file *and* every file of the CA folder (the same certificates again, one file each:
/// 290 here), about 2.5 ms of a 6 ms start-up. Naming the bundle (`SSL_CERT_FILE`, the standard
/// variable it honours) makes it read that one file. Left alone when either variable is set
/// or no bundle file exists (then the folder is all there is). Call before any thread starts.
pub fn use_the_ca_bundle_file() {
    if std::env::var_os("SSL_CERT_FILE").is_some() || std::env::var_os("SSL_CERT_DIR").is_some() {
        return;
    }
    if let Some(bundle) = openssl_probe::probe().cert_file {
        std::env::set_var("SSL_CERT_FILE", bundle);
    }
}

/// Lambda sets `AWS_REGION` and the execution role's credentials (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) in the environment. Naming those sources keeps
/// aws-config from building its default region and credential chains, whose instance-metadata
/// client builds an HTTPS client at once and reads every system root certificate (about 3 ms of
/// a 6 ms start-up); the service clients load them on their first HTTPS connection instead.
/// Without those variables (a developer's machine), the default chains apply as before.
pub async fn load(timeouts: TimeoutConfig) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts);
    if let Some(region) = std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()) {
        loader = loader.region(aws_config::Region::new(region));
    }
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        loader = loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        );
    }
    loader.load().await
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
