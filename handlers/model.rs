//! The table's item shapes and keys (DESIGN.md "The table"). One table holds config items
//! (`REGION#<region>` / `<TYPE>#<key>`), request items (`REQUEST#<record_id>` /
//! `EVENT#<event_id>`) and each record's claim (`RECORD#<record_id>` / `CLAIM`: one outcome per
//! `Config_Request__c`, whatever event ids reach `ingest` for it), besides the markers and
//! counters of `notify` and `flow-guard`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Action {
    Add,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConfigType {
    Holiday,
    Hours,
    Timezone,
}

impl ConfigType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigType::Holiday => "HOLIDAY",
            ConfigType::Hours => "HOURS",
            ConfigType::Timezone => "TIMEZONE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Success,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "Success",
            Status::Fail => "Fail",
        }
    }
}

/// `notify`'s marker for one outcome's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyMarker {
    pub pk: String,
    pub sk: String,
    pub record_id: String,
    pub event_id: String,
    pub state: MarkerState,
    pub ttl: i64,
}

/// Where a notification stands; stored as `sending` / `sent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerState {
    /// Claimed: a message may be on its way (a retry after a crash may send it again).
    Sending,
    /// Published: never sent again.
    Sent,
}

impl MarkerState {
    /// The stored value, for condition expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerState::Sending => "sending",
            MarkerState::Sent => "sent",
        }
    }
}

impl NotifyMarker {
    pub fn new(record_id: &str, event_id: &str, state: MarkerState, ttl: i64) -> Self {
        Self {
            pk: notify_pk(record_id),
            sk: request_sk(event_id),
            record_id: record_id.to_string(),
            event_id: event_id.to_string(),
            state,
            ttl,
        }
    }

    /// The same marker in another state.
    pub fn with_state(&self, state: MarkerState) -> Self {
        Self {
            state,
            ..self.clone()
        }
    }
}

pub fn region_pk(region: &str) -> String {
    format!("REGION#{region}")
}

pub fn config_sk(config_type: ConfigType, key: &str) -> String {
    format!("{}#{key}", config_type.as_str())
}

pub fn request_pk(record_id: &str) -> String {
    format!("REQUEST#{record_id}")
}

pub fn request_sk(event_id: &str) -> String {
    format!("EVENT#{event_id}")
}

/// `notify`'s dedupe marker for one request outcome (sort key: `request_sk`).
pub fn notify_pk(record_id: &str) -> String {
    format!("NOTIFY#{record_id}")
}

/// `flow-guard`'s counter for one flow and clock hour (`HOUR#<YYYY-MM-DDTHH>`).
pub fn guard_pk(flow: &str) -> String {
    format!("FLOWGUARD#{flow}")
}

pub fn guard_sk(hour: &str) -> String {
    format!("HOUR#{hour}")
}

/// Whether a key is a request item's: the only items the stream handlers act on.
pub fn is_request_key(pk: &str, sk: &str) -> bool {
    pk.starts_with("REQUEST#") && sk.starts_with("EVENT#")
}

/// The partition key of a record's claim. Salesforce writes the same Id in a 15-character
/// (case-sensitive) and an 18-character (case-safe) form; the claim uses the 18-character one,
/// so an event carrying one form and the catch-up the other still meet on one claim.
pub fn claim_pk(record_id: &str) -> String {
    format!("RECORD#{}", salesforce_id_18(record_id))
}

/// The sort key of every claim.
pub const CLAIM_SK: &str = "CLAIM";

/// The 18-character form of a Salesforce Id: the 15-character Id plus three characters that
/// encode which of its letters are upper case (five letters per character). An 18-character
/// Id, or anything else, is returned as given.
pub fn salesforce_id_18(id: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    if id.len() != 15 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return id.to_string();
    }
    let mut out = id.to_string();
    for chunk in id.as_bytes().chunks(5) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | 1 << i);
        out.push(char::from(ALPHABET[bits]));
    }
    out
}

/// A record's claim: written in the same transaction as the record's first request item, only
/// if absent, so a second event for the record (another event id: a republished event, the
/// catch-up) is a duplicate. Its `ttl` is the request item's, so both go together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordClaim {
    pub pk: String,
    pub sk: String,
    pub event_id: String,
    pub ttl: i64,
}

impl RecordClaim {
    /// The claim `request` makes on its record.
    pub fn for_request(request: &RequestItem) -> Self {
        Self {
            pk: claim_pk(&request.record_id),
            sk: CLAIM_SK.to_string(),
            event_id: request.event_id.clone(),
            ttl: request.ttl,
        }
    }
}

/// Event times are stored in one fixed-width UTC form, so comparing the strings (as DynamoDB's
/// condition expressions do) compares the instants: `+02:00` and `Z` forms of one moment are
/// equal.
pub fn canonical_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Timestamps we write ourselves (`processed_at`, `updated_at`).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// DynamoDB TTL wants epoch seconds.
pub fn ttl_after(now: DateTime<Utc>, days: u32) -> i64 {
    now.timestamp() + i64::from(days) * 86_400
}

/// A config item, or (with `deleted` and `ttl`) the tombstone a DELETE leaves so that a late,
/// older ADD cannot resurrect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigItem {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    pub record_id: String,
    pub event_id: String,
    /// `canonical_time` of the Salesforce event; with `event_id` it orders changes.
    pub event_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// What `connect-lookup` reads of a config item: only the attributes it needs, so an item
/// written by hand without the bookkeeping (`record_id`, `event_time`, ...) still reads. Values
/// are as stored; `connect-lookup` decides whether they make sense.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectItem {
    pub sk: String,
    pub name: Option<String>,
    pub message: Option<String>,
    pub open: Option<String>,
    pub close: Option<String>,
    pub tz: Option<String>,
    pub deleted: Option<bool>,
}

impl ConnectItem {
    /// The attributes read, key first: what the adapter's projection asks the table for.
    pub const ATTRIBUTES: [&'static str; 7] =
        ["sk", "name", "message", "open", "close", "tz", "deleted"];

    pub fn is_tombstone(&self) -> bool {
        self.deleted == Some(true)
    }
}

impl From<&ConfigItem> for ConnectItem {
    fn from(item: &ConfigItem) -> Self {
        ConnectItem {
            sk: item.sk.clone(),
            name: item.name.clone(),
            message: item.message.clone(),
            open: item.open.clone(),
            close: item.close.clone(),
            tz: item.tz.clone(),
            deleted: item.deleted,
        }
    }
}

/// The outcome of one Salesforce request, read by `status-csv` and `notify` from the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestItem {
    pub pk: String,
    pub sk: String,
    pub record_id: String,
    pub event_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_type: Option<ConfigType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_key: Option<String>,
    pub status: Status,
    /// Human-readable: what happened, or which field is wrong and why.
    pub message: String,
    pub processed_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    pub ttl: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use std::collections::HashMap;

    #[test]
    fn a_marker_state_is_stored_as_the_condition_expression_compares_it() {
        for state in [MarkerState::Sending, MarkerState::Sent] {
            let marker = NotifyMarker::new("a0B5g00000Rec01", "ev-1", state, 1);
            let stored: HashMap<String, serde_dynamo::AttributeValue> =
                serde_dynamo::to_item(&marker).unwrap();
            assert_eq!(
                stored["state"],
                serde_dynamo::AttributeValue::S(state.as_str().to_string())
            );
            let back: NotifyMarker = serde_dynamo::from_item(stored).unwrap();
            assert_eq!(back.state, state);
        }
        assert_eq!(MarkerState::Sending.as_str(), "sending");
        assert_eq!(MarkerState::Sent.as_str(), "sent");
    }

    #[test]
    fn keys_follow_the_design() {
        assert_eq!(region_pk("emea-uk"), "REGION#emea-uk");
        assert_eq!(
            config_sk(ConfigType::Holiday, "2026-12-25"),
            "HOLIDAY#2026-12-25"
        );
        assert_eq!(config_sk(ConfigType::Hours, "MON"), "HOURS#MON");
        assert_eq!(
            config_sk(ConfigType::Timezone, "default"),
            "TIMEZONE#default"
        );
        assert_eq!(request_pk("a0B5g00000XyZab"), "REQUEST#a0B5g00000XyZab");
        assert_eq!(request_sk("e-1"), "EVENT#e-1");
        assert!(is_request_key("REQUEST#a0B5g00000XyZab", "EVENT#e-1"));
        assert!(!is_request_key("REQUEST#a0B5g00000XyZab", "CLAIM"));
        assert!(!is_request_key("RECORD#a0B5g00000XyZabCDE", "CLAIM"));
        assert!(!is_request_key("NOTIFY#a0B5g00000XyZab", "EVENT#e-1"));
    }

    #[test]
    fn canonical_times_compare_as_instants() {
        let a = DateTime::parse_from_rfc3339("2026-05-19T13:23:51+02:00").unwrap();
        let b = DateTime::parse_from_rfc3339("2026-05-19T11:23:51Z").unwrap();
        let later = DateTime::parse_from_rfc3339("2026-05-19T11:23:51.001Z").unwrap();
        let (a, b, later) = (
            canonical_time(a.to_utc()),
            canonical_time(b.to_utc()),
            canonical_time(later.to_utc()),
        );
        assert_eq!(a, b);
        assert!(b < later);
        assert_eq!(a, "2026-05-19T11:23:51.000000000Z");
    }

    #[test]
    fn a_15_character_id_claims_as_its_18_character_form() {
        // Salesforce's documented example pair.
        assert_eq!(salesforce_id_18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        assert_eq!(claim_pk("001A0000006Vm9r"), claim_pk("001A0000006Vm9rIAC"));
        assert_eq!(claim_pk("001A0000006Vm9rIAC"), "RECORD#001A0000006Vm9rIAC");
        // Ids differing only in case are different records, and stay apart.
        assert_ne!(claim_pk("001a0000006Vm9r"), claim_pk("001A0000006Vm9r"));
    }

    #[test]
    fn ttl_is_epoch_seconds() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(ttl_after(now, 90), 1_700_000_000 + 90 * 86_400);
    }
}
