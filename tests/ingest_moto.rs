//! `ingest` scenarios through the DynamoDB and S3 adapters against the local moto server.
mod support;

use support::moto::MotoWorld;

ingest_scenarios!(MotoWorld::new().await);

/// The redelivery delay reaches the queue named by the record's `eventSourceARN` (the URL is
/// built from the ARN, as SQS documents it).
#[tokio::test]
async fn a_listed_message_is_held_back_on_its_queue() {
    use sfbridge::adapters::sqs::SqsRedelivery;
    use sfbridge::ports::Redelivery;
    let config = support::moto::sdk_config(&support::moto::endpoint()).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = sqs
        .create_queue()
        .queue_name(support::moto::unique("sfbridge-held"))
        .send()
        .await
        .expect("queue")
        .queue_url()
        .expect("url")
        .to_string();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("attributes")
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .expect("arn")
        .clone();
    sqs.send_message()
        .queue_url(&url)
        .message_body("{}")
        .send()
        .await
        .expect("send");
    let receive = || async {
        sqs.receive_message()
            .queue_url(&url)
            .visibility_timeout(1)
            .send()
            .await
            .expect("receive")
            .messages()
            .to_vec()
    };
    let got = receive().await;
    let receipt = got[0].receipt_handle().expect("receipt");
    SqsRedelivery::new(sqs.clone())
        .delay(&arn, receipt, 600)
        .await
        .expect("delayed");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        receive().await.is_empty(),
        "held for 600 s, not the 1 s it was received with"
    );
}
