//! Implementations of `crate::ports`: AWS SDK adapters and in-memory fakes for tests.

pub mod appflow;
pub mod dynamodb;
pub mod memory;
pub mod s3;
pub mod sdk_errors;
pub mod sns;
pub mod sqs;
