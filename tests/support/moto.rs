//! The AWS adapters against the local moto server that `make test` starts
//! (`scripts/local-aws.sh`). Every test makes its own uniquely named table and buckets, because
//! moto's state is global.

use std::sync::atomic::{AtomicU32, Ordering};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_lambda_events::eventbridge::EventBridgeEvent;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, Select, StreamSpecification, StreamViewType,
};
use sfbridge::adapters::dynamodb::DynamoTable;
use sfbridge::adapters::s3::S3Objects;
use sfbridge::error::HandlerError;
use sfbridge::ingest::{Detail, Ingest, Response, Settings};
use sfbridge::model::{ConfigItem, RequestItem};

use super::World;

/// The emulator's address, from the standard SDK variable `make test` exports.
pub fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| {
        panic!(
            "integration tests need the local AWS: run `make test`, or \
             `eval \"$(scripts/local-aws.sh start)\"` before `cargo test`"
        )
    })
}

pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .endpoint_url(endpoint)
        .timeout_config(sfbridge::aws::timeouts())
        .load()
        .await
}

pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// The table as DESIGN.md describes it (the Terraform store module is the deployed twin).
pub async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    let attr = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute")
    };
    let key = |n: &str, t: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(n)
            .key_type(t)
            .build()
            .expect("key")
    };
    client
        .create_table()
        .table_name(name)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("sk"))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream spec"),
        )
        .send()
        .await
        .expect("create table in moto");
}

pub async fn create_bucket(client: &aws_sdk_s3::Client, name: &str) {
    client
        .create_bucket()
        .bucket(name)
        .send()
        .await
        .expect("create bucket in moto");
}

/// A function's environment against the local AWS at `endpoint` (test credentials, the region
/// moto serves), followed by the handler's own variables.
pub fn function_env(
    endpoint: &str,
    extra: &[(&'static str, String)],
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    env.extend_from_slice(extra);
    env
}

/// As Terraform configures the inbound bucket: objects created under `prefix` are announced
/// to the ingest queue. moto sends S3's `s3:TestEvent` to the queue at once, as S3 does.
pub async fn notify_queue_of_sweep_files(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    queue_arn: &str,
    prefix: &str,
) {
    use aws_sdk_s3::types::{
        Event, FilterRule, FilterRuleName, NotificationConfiguration,
        NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
    };
    let filter = NotificationConfigurationFilter::builder()
        .key(
            S3KeyFilter::builder()
                .filter_rules(
                    FilterRule::builder()
                        .name(FilterRuleName::Prefix)
                        .value(prefix)
                        .build(),
                )
                .build(),
        )
        .build();
    let queue = QueueConfiguration::builder()
        .id("catch-up-files")
        .queue_arn(queue_arn)
        .events(Event::S3ObjectCreated)
        .filter(filter)
        .build()
        .expect("queue configuration");
    client
        .put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(queue)
                .build(),
        )
        .send()
        .await
        .expect("bucket notification in moto");
}

pub async fn put_object(client: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &str) {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.as_bytes().to_vec().into())
        .send()
        .await
        .expect("put object in moto");
}

pub struct MotoWorld {
    config: SdkConfig,
    dynamodb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    table: String,
    ingest: Ingest<DynamoTable, S3Objects>,
}

impl MotoWorld {
    /// A fresh table plus the large-event bucket and a foreign bucket.
    pub async fn new() -> Self {
        let config = sdk_config(&endpoint()).await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&config);
        let s3 = s3_client(&config);
        let table = unique("sfbridge-test");
        create_table(&dynamodb, &table).await;
        for bucket in [super::LARGE_BUCKET, "someone-elses-bucket"] {
            // Buckets are shared across tests; creating an existing one is harmless in moto.
            let _ = s3.create_bucket().bucket(bucket).send().await;
        }
        let ingest = Ingest::new(
            DynamoTable::new(dynamodb.clone(), table.clone()),
            S3Objects::new(s3.clone()),
            super::settings(&table),
        );
        Self {
            config,
            dynamodb,
            s3,
            table,
            ingest,
        }
    }

    pub fn settings(&self) -> Settings {
        super::settings(&self.table)
    }

    pub fn sdk(&self) -> &SdkConfig {
        &self.config
    }

    pub fn dynamodb(&self) -> &aws_sdk_dynamodb::Client {
        &self.dynamodb
    }

    pub fn s3(&self) -> &aws_sdk_s3::Client {
        &self.s3
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// Creates a topic with an SQS subscription; returns (topic arn, queue url).
    pub async fn topic_with_queue(&self) -> (String, String) {
        topic_with_queue(&self.config).await
    }

    /// Every message on the queue now (SNS envelopes, parsed).
    pub async fn drain(&self, queue_url: &str) -> Vec<serde_json::Value> {
        drain(&self.config, queue_url).await
    }
}

impl World for MotoWorld {
    type Table = DynamoTable;
    type Objects = S3Objects;

    fn ingest(&self) -> &Ingest<DynamoTable, S3Objects> {
        &self.ingest
    }

    async fn put_object(&self, bucket: &str, key: &str, body: &str) {
        put_object(&self.s3, bucket, key, body).await;
    }

    async fn requests(&self, record_id: &str) -> Vec<RequestItem> {
        let out = self
            .dynamodb
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(sfbridge::model::request_pk(record_id)),
            )
            .consistent_read(true)
            .send()
            .await
            .expect("query moto");
        serde_dynamo::from_items(out.items().to_vec()).expect("request items decode")
    }

    async fn config(&self, pk: &str, sk: &str) -> Option<ConfigItem> {
        let out = self
            .dynamodb
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk.into()))
            .key("sk", AttributeValue::S(sk.into()))
            .consistent_read(true)
            .send()
            .await
            .expect("get item from moto");
        out.item
            .map(|item| serde_dynamo::from_item(item).expect("config item decodes"))
    }

    async fn item_count(&self) -> usize {
        let out = self
            .dynamodb
            .scan()
            .table_name(&self.table)
            .select(Select::Count)
            .send()
            .await
            .expect("scan moto");
        out.count() as usize
    }

    async fn handle_with_table_down(
        &self,
        event: EventBridgeEvent<Detail>,
    ) -> Result<Response, HandlerError> {
        // Same table name, but DynamoDB "unavailable": nothing listens on this port.
        let dead = self
            .config
            .to_builder()
            .endpoint_url("http://127.0.0.1:9")
            .build();
        let down = Ingest::new(
            DynamoTable::new(aws_sdk_dynamodb::Client::new(&dead), self.table.clone()),
            S3Objects::new(self.s3.clone()),
            self.settings(),
        );
        down.handle(event, chrono::Utc::now()).await
    }
}

/// Creates a topic with an SQS subscription; returns (topic arn, queue url).
pub async fn topic_with_queue(config: &SdkConfig) -> (String, String) {
    let sns = aws_sdk_sns::Client::new(config);
    let sqs = aws_sdk_sqs::Client::new(config);
    let topic = sns
        .create_topic()
        .name(unique("status"))
        .send()
        .await
        .expect("topic");
    let topic_arn = topic.topic_arn().expect("arn").to_string();
    let queue = sqs
        .create_queue()
        .queue_name(unique("mail"))
        .send()
        .await
        .expect("queue");
    let queue_url = queue.queue_url().expect("url").to_string();
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes");
    let queue_arn = attrs
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .expect("queue arn")
        .clone();
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .expect("subscribe");
    (topic_arn, queue_url)
}

/// Every message on the queue now (SNS envelopes, parsed).
pub async fn drain(config: &SdkConfig, queue_url: &str) -> Vec<serde_json::Value> {
    let sqs = aws_sdk_sqs::Client::new(config);
    let mut out = Vec::new();
    loop {
        let got = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        let messages = got.messages();
        if messages.is_empty() {
            return out;
        }
        for m in messages {
            out.push(serde_json::from_str(m.body().expect("body")).expect("SNS envelope"));
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(m.receipt_handle().expect("handle"))
                .send()
                .await
                .expect("delete");
        }
    }
}
