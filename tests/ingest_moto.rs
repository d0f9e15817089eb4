//! `ingest` scenarios through the DynamoDB and S3 adapters against the local moto server.
mod support;

use support::moto::MotoWorld;
use support::World;

ingest_scenarios!(MotoWorld::new().await);

/// DynamoDB commits a transaction but its answer is lost, so the SDK sends it again. The SDK
/// fills in a `ClientRequestToken` once per call and keeps it for its retries, so DynamoDB
/// answers the repeat as it answered the commit: `applied`, not `duplicate`. A redelivery
/// minutes later is a new call with a new token, hence a duplicate, not an
/// `IdempotentParameterMismatchException` (its request item has another `processed_at`).
/// Moto ignores the token; the proxy in front of it keeps DynamoDB's documented rule.
#[tokio::test]
async fn a_commit_whose_answer_was_lost_is_applied_once() {
    use sfbridge::adapters::dynamodb::DynamoTable;
    use sfbridge::adapters::s3::S3Objects;
    use sfbridge::ingest::{Ingest, Outcome};
    use support::throttle::Throttle;

    let world = MotoWorld::new().await;
    let proxy = Throttle::start(&support::moto::endpoint()).await;
    let through_proxy = world
        .sdk()
        .to_builder()
        .endpoint_url(&proxy.endpoint)
        .build();
    let ingest = Ingest::new(
        DynamoTable::new(
            aws_sdk_dynamodb::Client::new(&through_proxy),
            world.table_name(),
        ),
        S3Objects::new(world.s3().clone()),
        world.settings(),
    );
    let record = "a0B5g00000LoStA";
    let event = || {
        support::envelope(
            "eb-lost",
            "2026-11-01T09:00:00Z",
            support::holiday(
                record,
                "ev-lost",
                "2026-11-01T09:00:00Z",
                "2026-12-25",
                "Christmas Day",
            ),
        )
    };
    let now = chrono::Utc::now();

    proxy.lose_next_answers(1);
    let first = ingest.handle(event(), now).await.expect("answered");
    assert_eq!(first.outcome, Outcome::Applied, "{first:?}");
    let tokens = proxy.transaction_tokens();
    assert_eq!(tokens.len(), 2, "sent, answer lost, sent again: {tokens:?}");
    assert!(tokens[0].is_some(), "the transaction carries a token");
    assert_eq!(tokens[0], tokens[1], "the retry repeats the token");
    assert!(tokens[0].as_deref().is_some_and(|t| t.len() <= 36));
    assert_eq!(world.requests(record).await.len(), 1, "committed once");

    // The queue redelivers the message a few minutes later (within the token's 10 minutes).
    let later = now + chrono::Duration::minutes(3);
    let again = ingest.handle(event(), later).await.expect("answered");
    assert_eq!(again.outcome, Outcome::Duplicate, "{again:?}");
    let tokens = proxy.transaction_tokens();
    assert_eq!(tokens.len(), 3, "{tokens:?}");
    assert_ne!(tokens[2], tokens[0], "a new call, a new token");
    assert_eq!(world.requests(record).await.len(), 1);
}

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
