//! `ObjectReader` on S3.

use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::Client;

use super::sdk_errors::classify;
use crate::ports::{ObjectError, ObjectReader, ObjectWriter};

#[derive(Clone)]
pub struct S3Objects {
    client: Client,
}

impl S3Objects {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

impl ObjectReader for S3Objects {
    async fn get_bounded(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, ObjectError> {
        let too_large = |size: u64| ObjectError::TooLarge {
            bucket: bucket.to_string(),
            key: key.to_string(),
            size,
            limit: max_bytes,
        };
        let output = match self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(err) => {
                if let Some(GetObjectError::NoSuchKey(_)) = err.as_service_error() {
                    return Err(ObjectError::NotFound {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                    });
                }
                let (transient, text) = classify(&err);
                return Err(if transient {
                    ObjectError::Transient(text)
                } else {
                    ObjectError::Permanent(text)
                });
            }
        };
        // Refuse before reading when the length is known; check again after, in case it was not.
        if let Some(len) = output.content_length().and_then(|l| u64::try_from(l).ok()) {
            if len > max_bytes {
                return Err(too_large(len));
            }
        }
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| ObjectError::Transient(format!("reading s3://{bucket}/{key}: {e}")))?
            .into_bytes();
        if bytes.len() as u64 > max_bytes {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes.to_vec())
    }
}

impl ObjectWriter for S3Objects {
    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectError> {
        // Encryption is the bucket's default (the project's KMS key), set by Terraform.
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .body(body.into())
            .send()
            .await
            .map(|_| ())
            .map_err(|err| match classify(&err) {
                (true, text) => ObjectError::Transient(text),
                (false, text) => ObjectError::Permanent(text),
            })
    }
}
