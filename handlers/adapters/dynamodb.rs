//! `ConfigTable` on DynamoDB: one `TransactWriteItems` per change, conditions doing the
//! idempotency and ordering checks on the server.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

use super::sdk_errors::{cancelled, port_error, Done};
use crate::model::{ConfigItem, MarkerState, NotifyMarker, RecordClaim, RequestItem};
use crate::ports::{
    ApplyOutcome, ClaimOutcome, ConfigReader, ConfigTable, GuardLedger, NotifyLedger, PortError,
    RecordOutcome,
};

/// Only a request item that does not exist yet may be written: this is the idempotency check.
/// The record's claim is written on the same condition: one outcome per record.
const REQUEST_IS_NEW: &str = "attribute_not_exists(pk)";
/// A config item may be replaced only by a strictly later (`event_time`, `event_id`).
/// `event_time` is fixed-width UTC, so string order is time order.
const CONFIG_IS_OLDER: &str = "attribute_not_exists(pk) OR event_time < :t \
     OR (event_time = :t AND event_id < :id)";

#[derive(Clone)]
pub struct DynamoTable {
    client: Client,
    table: String,
}

impl DynamoTable {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn to_item<T: serde::Serialize>(value: &T) -> Result<HashMap<String, AttributeValue>, PortError> {
    serde_dynamo::to_item(value)
        .map_err(|e| PortError::Permanent(format!("cannot encode item: {e}")))
}

fn put(
    table: &str,
    item: HashMap<String, AttributeValue>,
    condition: &str,
) -> Result<Put, PortError> {
    Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition)
        .build()
        .map_err(|e| PortError::Permanent(format!("cannot build put: {e}")))
}

impl ConfigTable for DynamoTable {
    async fn apply_change(
        &self,
        config: &ConfigItem,
        request: &RequestItem,
    ) -> Result<ApplyOutcome, PortError> {
        let [request_put, claim_put] = self.request_and_claim(request)?;
        let config_put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(config)?))
            .condition_expression(CONFIG_IS_OLDER)
            .expression_attribute_values(":t", AttributeValue::S(config.event_time.clone()))
            .expression_attribute_values(":id", AttributeValue::S(config.event_id.clone()))
            .build()
            .map_err(|e| PortError::Permanent(format!("cannot build put: {e}")))?;

        // Order matters: cancellation reasons come back index by index.
        //
        // No ClientRequestToken of ours. The model marks it `idempotencyToken`, so the SDK fills
        // in a random UUID once per call, before its retry loop: a retry after a commit whose
        // answer was lost repeats it, and DynamoDB answers with the commit's result (applied,
        // not a duplicate). A token derived from the event would come back with a redelivery
        // minutes later whose items differ (`processed_at`, `ttl`), which DynamoDB refuses
        // within its 10-minute window (IdempotentParameterMismatchException) instead of
        // reporting the duplicate. `a_commit_whose_answer_was_lost_is_applied_once` in
        // tests/ingest_moto.rs pins both.
        let result = self
            .client
            .transact_write_items()
            .transact_items(request_put)
            .transact_items(claim_put)
            .transact_items(TransactWriteItem::builder().put(config_put).build())
            .send()
            .await;

        match result {
            Ok(_) => Ok(ApplyOutcome::Applied),
            Err(err) => match cancellation_codes(&err) {
                // The event was handled before, or another event of the record was.
                Some(codes) => match codes.as_slice() {
                    ["ConditionalCheckFailed", ..] | [_, "ConditionalCheckFailed", _] => {
                        Ok(ApplyOutcome::Duplicate)
                    }
                    [_, _, "ConditionalCheckFailed"] => Ok(ApplyOutcome::Superseded),
                    _ => Err(cancelled(&codes)),
                },
                None => Err(port_error(&err)),
            },
        }
    }

    async fn record_request(&self, request: &RequestItem) -> Result<RecordOutcome, PortError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(self.request_and_claim(request)?.to_vec()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(RecordOutcome::Recorded),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if codes.contains(&"ConditionalCheckFailed") => {
                    Ok(RecordOutcome::Duplicate)
                }
                Some(codes) => Err(cancelled(&codes)),
                None => Err(port_error(&err)),
            },
        }
    }

    async fn has_requests(&self, record_id: &str) -> Result<bool, PortError> {
        // One key, one item, nothing but the keys: the cheapest question DynamoDB answers.
        let answer = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(crate::model::request_pk(record_id)),
            )
            .projection_expression("pk")
            .limit(1)
            .send()
            .await
            .map_err(|e| port_error(&e))?;
        Ok(answer.count() > 0)
    }
}

impl DynamoTable {
    /// The request item and its record's claim, each written only if absent (in this order:
    /// cancellation reasons come back index by index).
    fn request_and_claim(
        &self,
        request: &RequestItem,
    ) -> Result<[TransactWriteItem; 2], PortError> {
        let claim = RecordClaim::for_request(request);
        Ok([
            put(&self.table, to_item(request)?, REQUEST_IS_NEW)?,
            put(&self.table, to_item(&claim)?, REQUEST_IS_NEW)?,
        ]
        .map(|p| TransactWriteItem::builder().put(p).build()))
    }
}

/// The per-item codes of a cancelled transaction (`None`, "ConditionalCheckFailed", ...).
fn cancellation_codes<R>(
    err: &aws_sdk_dynamodb::error::SdkError<TransactWriteItemsError, R>,
) -> Option<Vec<&str>> {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(cancel)) => Some(
            cancel
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None"))
                .collect(),
        ),
        _ => None,
    }
}

/// Sends a conditional PutItem: `true` when written, `false` when the condition failed.
async fn conditional_put(
    put: aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder,
) -> Result<bool, PortError> {
    match put.send().await {
        Ok(_) => Ok(true),
        Err(err) => match err.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(_)) => Ok(false),
            _ => Err(port_error(&err)),
        },
    }
}

impl NotifyLedger for DynamoTable {
    async fn claim(&self, marker: &NotifyMarker) -> Result<ClaimOutcome, PortError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(marker)?))
            .condition_expression("attribute_not_exists(pk) OR #state <> :sent")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(
                ":sent",
                AttributeValue::S(MarkerState::Sent.as_str().into()),
            );
        Ok(if conditional_put(put).await? {
            ClaimOutcome::Claimed
        } else {
            ClaimOutcome::AlreadySent
        })
    }

    async fn mark_sent(&self, marker: &NotifyMarker) -> Result<(), PortError> {
        let sent = marker.with_state(MarkerState::Sent);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&sent)?))
            .send()
            .await
            .done()
    }
}

/// BatchGetItem may hand back keys it did not get to (throttling); ask again for those only.
const BATCH_GET_ATTEMPTS: usize = 3;
/// The pause before the second attempt; the third waits twice as long.
const UNPROCESSED_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

impl ConfigReader for DynamoTable {
    async fn get_config(
        &self,
        region: &str,
        sort_keys: &[String],
    ) -> Result<Vec<crate::ports::ReadItem>, PortError> {
        let pk = crate::model::region_pk(region);
        let keys: Vec<HashMap<String, AttributeValue>> = sort_keys
            .iter()
            .map(|sk| {
                HashMap::from([
                    ("pk".to_string(), AttributeValue::S(pk.clone())),
                    ("sk".to_string(), AttributeValue::S(sk.clone())),
                ])
            })
            .collect();
        let (projection, names) = connect_projection();
        // Unprocessed keys come back with the projection, so a retry asks for the same.
        let mut request = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .projection_expression(projection)
                .set_expression_attribute_names(Some(names))
                .build()
                .map_err(|e| PortError::Permanent(format!("cannot build keys: {e}")))?,
        );
        let mut items = Vec::new();
        for attempt in 0..BATCH_GET_ATTEMPTS {
            let Some(keys) = request.take() else { break };
            if attempt > 0 {
                // Keys handed back mean throttling: AWS asks for a backoff before asking again
                // (BatchGetItem API reference). Short, because the caller's whole read is 2.8 s.
                tokio::time::sleep(UNPROCESSED_PAUSE * attempt as u32).await;
            }
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.table, keys)
                .send()
                .await
                .map_err(|err| port_error(&err))?;
            items.extend(
                out.responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                    .into_iter()
                    .map(connect_item),
            );
            request = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
                .filter(|k| !k.keys().is_empty());
        }
        match request {
            None => Ok(items),
            Some(_) => Err(PortError::Transient(
                "BatchGetItem left keys unprocessed".into(),
            )),
        }
    }
}

/// Sends a conditional UpdateItem: `true` when applied, `false` when the condition failed.
async fn conditional_update(update: UpdateItemFluentBuilder) -> Result<bool, PortError> {
    match update.send().await {
        Ok(_) => Ok(true),
        Err(err) => match err.as_service_error() {
            Some(UpdateItemError::ConditionalCheckFailedException(_)) => Ok(false),
            _ => Err(port_error(&err)),
        },
    }
}

/// Connect's attributes only (`ConnectItem::ATTRIBUTES`), each through a placeholder: `name`,
/// `open` and `close` are DynamoDB reserved words.
fn connect_projection() -> (String, HashMap<String, String>) {
    let names: Vec<(String, String)> = crate::model::ConnectItem::ATTRIBUTES
        .iter()
        .enumerate()
        .map(|(i, name)| (format!("#a{i}"), name.to_string()))
        .collect();
    let projection = names
        .iter()
        .map(|(placeholder, _)| placeholder.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    (projection, names.into_iter().collect())
}

/// One projected item, read on its own: an attribute of the wrong type makes this item, and
/// only this one, unreadable. A `NULL` is as good as absent.
fn connect_item(mut item: HashMap<String, AttributeValue>) -> crate::ports::ReadItem {
    let sk = match item.remove("sk") {
        Some(AttributeValue::S(sk)) => sk,
        _ => String::new(),
    };
    read_connect_item(&sk, item).map_err(|reason| crate::ports::UnreadableItem { sk, reason })
}

fn read_connect_item(
    sk: &str,
    mut item: HashMap<String, AttributeValue>,
) -> Result<crate::model::ConnectItem, String> {
    let mut take = |name: &str| item.remove(name).filter(|v| !v.is_null());
    let mut string = |name: &str| match take(name) {
        None => Ok(None),
        Some(AttributeValue::S(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{name}` is {}, not a string", type_name(&other))),
    };
    let (name, message) = (string("name")?, string("message")?);
    let (open, close, tz) = (string("open")?, string("close")?, string("tz")?);
    let deleted = match take("deleted") {
        None => None,
        Some(AttributeValue::Bool(b)) => Some(b),
        Some(other) => return Err(format!("`deleted` is {}, not a boolean", type_name(&other))),
    };
    Ok(crate::model::ConnectItem {
        sk: sk.to_string(),
        name,
        message,
        open,
        close,
        tz,
        deleted,
    })
}

fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "a string",
        AttributeValue::N(_) => "a number",
        AttributeValue::Bool(_) => "a boolean",
        AttributeValue::Null(_) => "null",
        AttributeValue::B(_) => "binary",
        AttributeValue::L(_) => "a list",
        AttributeValue::M(_) => "a map",
        AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => "a set",
        _ => "of an unknown type",
    }
}

/// An UpdateItem of flow-guard's counter item for one flow and clock hour.
fn guard_update(client: &Client, table: &str, flow: &str, hour: &str) -> UpdateItemFluentBuilder {
    client
        .update_item()
        .table_name(table)
        .key("pk", AttributeValue::S(crate::model::guard_pk(flow)))
        .key("sk", AttributeValue::S(crate::model::guard_sk(hour)))
}

impl GuardLedger for DynamoTable {
    async fn count_reactivation(
        &self,
        flow: &str,
        hour: &str,
        max: u32,
        ttl: i64,
    ) -> Result<bool, PortError> {
        let update = guard_update(&self.client, &self.table, flow, hour)
            .update_expression("SET #n = if_not_exists(#n, :zero) + :one, #ttl = :ttl")
            .condition_expression("attribute_not_exists(#n) OR #n < :max")
            .expression_attribute_names("#n", "reactivations")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":max", AttributeValue::N(max.to_string()))
            .expression_attribute_values(":ttl", AttributeValue::N(ttl.to_string()));
        conditional_update(update).await
    }

    async fn claim_alert(
        &self,
        flow: &str,
        hour: &str,
        kind: &str,
        ttl: i64,
    ) -> Result<bool, PortError> {
        let update = guard_update(&self.client, &self.table, flow, hour)
            .update_expression("ADD #alerts :kind SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(#alerts) OR NOT contains(#alerts, :k)")
            .expression_attribute_names("#alerts", "alerts")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":kind", AttributeValue::Ss(vec![kind.to_string()]))
            .expression_attribute_values(":k", AttributeValue::S(kind.to_string()))
            .expression_attribute_values(":ttl", AttributeValue::N(ttl.to_string()));
        conditional_update(update).await
    }

    async fn release_alert(&self, flow: &str, hour: &str, kind: &str) -> Result<(), PortError> {
        guard_update(&self.client, &self.table, flow, hour)
            .update_expression("DELETE #alerts :kind")
            .expression_attribute_names("#alerts", "alerts")
            .expression_attribute_values(":kind", AttributeValue::Ss(vec![kind.to_string()]))
            .send()
            .await
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConnectItem;
    use crate::ports::UnreadableItem;

    fn item(attributes: &[(&str, AttributeValue)]) -> HashMap<String, AttributeValue> {
        attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn s(value: &str) -> AttributeValue {
        AttributeValue::S(value.into())
    }

    #[test]
    fn the_projection_names_every_attribute_connect_reads_through_a_placeholder() {
        let (projection, names) = connect_projection();
        assert_eq!(projection, "#a0, #a1, #a2, #a3, #a4, #a5, #a6");
        let mut projected: Vec<&str> = projection.split(", ").map(|p| names[p].as_str()).collect();
        projected.sort_unstable();
        let mut expected = ConnectItem::ATTRIBUTES.to_vec();
        expected.sort_unstable();
        assert_eq!(projected, expected);
    }

    /// What the projection returns decodes whole, without any bookkeeping attribute.
    #[test]
    fn an_item_without_bookkeeping_reads() {
        let read = connect_item(item(&[
            ("sk", s("HOURS#MON")),
            ("name", s("n")),
            ("message", s("m")),
            ("open", s("09:00")),
            ("close", s("17:00")),
            ("tz", s("Europe/London")),
            ("deleted", AttributeValue::Bool(false)),
        ]));
        assert_eq!(
            read,
            Ok(ConnectItem {
                sk: "HOURS#MON".into(),
                name: Some("n".into()),
                message: Some("m".into()),
                open: Some("09:00".into()),
                close: Some("17:00".into()),
                tz: Some("Europe/London".into()),
                deleted: Some(false),
            })
        );
        let read = connect_item(item(&[
            ("sk", s("TIMEZONE#default")),
            ("tz", s("UTC")),
            ("name", AttributeValue::Null(true)),
        ]));
        assert_eq!(
            read.map(|i| (i.tz, i.name, i.deleted)),
            Ok((Some("UTC".into()), None, None)),
            "absent and NULL are None"
        );
    }

    #[test]
    fn an_attribute_of_the_wrong_type_makes_that_item_unreadable() {
        let unreadable = |sk: &str, reason: &str| {
            Err(UnreadableItem {
                sk: sk.into(),
                reason: reason.into(),
            })
        };
        assert_eq!(
            connect_item(item(&[
                ("sk", s("HOURS#FRI")),
                ("open", AttributeValue::N("9".into())),
                ("close", s("17:00")),
            ])),
            unreadable("HOURS#FRI", "`open` is a number, not a string")
        );
        assert_eq!(
            connect_item(item(&[
                ("sk", s("HOLIDAY#2026-12-25")),
                ("deleted", s("true")),
            ])),
            unreadable("HOLIDAY#2026-12-25", "`deleted` is a string, not a boolean")
        );
        assert_eq!(
            connect_item(item(&[
                ("sk", s("HOLIDAY#2026-12-25")),
                ("name", AttributeValue::Ss(vec!["a".into()])),
            ])),
            unreadable("HOLIDAY#2026-12-25", "`name` is a set, not a string")
        );
    }
}
