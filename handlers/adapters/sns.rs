//! `Topic` on SNS.

use aws_sdk_sns::types::MessageAttributeValue;
use aws_sdk_sns::Client;

use super::sdk_errors::Done;
use crate::ports::{Message, PortError, Topic};

#[derive(Clone)]
pub struct SnsTopic {
    client: Client,
    arn: String,
}

impl SnsTopic {
    pub fn new(client: Client, arn: impl Into<String>) -> Self {
        Self {
            client,
            arn: arn.into(),
        }
    }
}

impl Topic for SnsTopic {
    async fn publish(&self, message: &Message) -> Result<(), PortError> {
        let mut request = self
            .client
            .publish()
            .topic_arn(&self.arn)
            .subject(&message.subject)
            .message(&message.body);
        for (name, value) in &message.attributes {
            let attribute = MessageAttributeValue::builder()
                .data_type("String")
                .string_value(value)
                .build()
                .map_err(|e| PortError::Permanent(format!("attribute {name}: {e}")))?;
            request = request.message_attributes(*name, attribute);
        }
        request.send().await.done()
    }
}
