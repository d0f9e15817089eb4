//! Implementations of `crate::ports`: AWS SDK adapters, and in-memory fakes for tests and
//! benchmarks (the `fakes` feature, which the Lambda binary is built without).

pub mod appflow;
pub mod dynamodb;
#[cfg(any(test, feature = "fakes"))]
pub mod memory;
pub mod s3;
pub mod sdk_errors;
pub mod sns;
pub mod sqs;
