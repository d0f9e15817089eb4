//! `connect-lookup` (steps 15-16): answers Amazon Connect's "is this region open now, is today
//! a holiday, what should we play" in the region's own time zone, from one DynamoDB round trip.
//! It never fails the contact flow: bad input, an unknown region and a DynamoDB failure are
//! each a `status` in a normal answer. It is given only a `ConfigReader`, so it cannot write.

pub mod question;

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;

use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use lambda_runtime::{service_fn, LambdaEvent};
use serde::Serialize;
use tracing::{error, info, warn};

use crate::adapters::dynamodb::DynamoTable;
use crate::calendar::{format_hhmm, parse_hhmm, weekday_code, WEEKDAYS};
use crate::config::{ConfigError, Env};
use crate::metrics::{self, ConnectLookup as Metric};
use crate::model::{config_sk, ConfigItem, ConfigType};
use crate::ports::ConfigReader;
pub use question::{BadQuestion, Input, Question};

/// Every answer has exactly these keys, each a string (Connect reads a flat map of strings).
pub const KEYS: [&str; 12] = [
    "status",
    "region",
    "date",
    "localTime",
    "timezone",
    "isHoliday",
    "holidayName",
    "holidayMessage",
    "isOpen",
    "openTime",
    "closeTime",
    "message",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    UnknownRegion,
    InvalidInput,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::UnknownRegion => "UNKNOWN_REGION",
            Status::InvalidInput => "INVALID_INPUT",
            Status::Error => "ERROR",
        }
    }
}

/// The flat answer. Unknowns are empty strings; `message` explains any status but `OK`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Answer(BTreeMap<&'static str, String>);

impl Answer {
    fn new(status: Status, region: &str, message: &str) -> Self {
        let mut map: BTreeMap<&'static str, String> =
            KEYS.iter().map(|k| (*k, String::new())).collect();
        map.insert("status", status.as_str().to_string());
        map.insert("region", region.to_string());
        map.insert("message", message.to_string());
        Answer(map)
    }

    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        debug_assert!(KEYS.contains(&key));
        self.0.insert(key, value.into());
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or_default()
    }

    pub fn status(&self) -> &str {
        self.get("status")
    }

    /// The metric that counts answers with this status.
    fn status_metric(&self) -> Metric {
        match self.status() {
            "OK" => Metric::Ok,
            "UNKNOWN_REGION" => Metric::UnknownRegion,
            "INVALID_INPUT" => Metric::InvalidInput,
            _ => Metric::Error,
        }
    }

    pub fn into_map(self) -> BTreeMap<&'static str, String> {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `CONFIG_TABLE`
    pub table: String,
}

impl Settings {
    pub fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: env.required("CONFIG_TABLE")?,
        })
    }
}

const TIMEZONE_SK: &str = "TIMEZONE#default";

/// The sort keys one question needs. Without a date, the local date is within a day of the
/// UTC date (zones run from UTC-12 to UTC+14), so the holidays of all three are asked for;
/// every weekday's hours are asked for, because "unknown region" means no hours on any day.
pub fn sort_keys(question: &Question, now: DateTime<Utc>) -> Vec<String> {
    let mut keys = vec![TIMEZONE_SK.to_string()];
    keys.extend(WEEKDAYS.iter().map(|d| config_sk(ConfigType::Hours, d)));
    let dates: Vec<NaiveDate> = match question.date {
        Some(date) => vec![date],
        None => {
            let today = now.date_naive();
            [
                today.checked_sub_days(Days::new(1)),
                Some(today),
                today.checked_add_days(Days::new(1)),
            ]
            .into_iter()
            .flatten()
            .collect()
        }
    };
    keys.extend(
        dates
            .iter()
            .map(|d| config_sk(ConfigType::Holiday, &d.format("%Y-%m-%d").to_string())),
    );
    keys
}

pub struct Lookup<R> {
    reader: R,
}

impl<R: ConfigReader> Lookup<R> {
    pub fn new(reader: R) -> Self {
        Self { reader }
    }

    pub async fn handle(&self, input: Input, now: DateTime<Utc>) -> Result<Answer, Infallible> {
        let question = match question::read(&input) {
            Ok(q) => q,
            Err(BadQuestion { region, message }) => {
                warn!(%region, reason = %message, "connect-lookup: invalid input");
                metrics::count(Metric::InvalidInput);
                return Ok(Answer::new(Status::InvalidInput, &region, &message));
            }
        };
        let keys = sort_keys(&question, now);
        let items = match self.reader.get_config(&question.region, &keys).await {
            Ok(items) => items,
            Err(e) => {
                error!(region = %question.region, error = %e, "connect-lookup: configuration could not be read");
                metrics::count(Metric::Error);
                return Ok(Answer::new(
                    Status::Error,
                    &question.region,
                    "the configuration could not be read",
                ));
            }
        };
        let answer = answer(&question, items, now);
        metrics::count(answer.status_metric());
        info!(region = %question.region, status = answer.status(), date = answer.get("date"), is_open = answer.get("isOpen"), "connect-lookup: answered");
        Ok(answer)
    }
}

/// The answer from the items read; pure, so it is tested and measured without a table.
pub fn answer(question: &Question, items: Vec<ConfigItem>, now: DateTime<Utc>) -> Answer {
    // Tombstones do not exist for Connect.
    let live: HashMap<String, ConfigItem> = items
        .into_iter()
        .filter(|i| !i.is_tombstone())
        .map(|i| (i.sk.clone(), i))
        .collect();
    let zone_item = live.get(TIMEZONE_SK);
    let has_hours = WEEKDAYS
        .iter()
        .any(|d| live.contains_key(&config_sk(ConfigType::Hours, d)));
    if zone_item.is_none() && !has_hours {
        return Answer::new(
            Status::UnknownRegion,
            &question.region,
            "the region has neither a time zone nor opening hours",
        );
    }

    let zone: Tz = match zone_item.and_then(|i| i.tz.as_deref()) {
        None => Tz::UTC,
        Some(name) => name.parse().unwrap_or_else(|_| {
            warn!(region = %question.region, zone = name, "connect-lookup: stored time zone is unknown; using UTC");
            metrics::count(Metric::ItemSkipped);
            Tz::UTC
        }),
    };
    let local = now.with_timezone(&zone);
    let date = question.date.unwrap_or_else(|| local.date_naive());
    let minute = question
        .time
        .unwrap_or_else(|| local.hour() * 60 + local.minute());

    let mut a = Answer::new(Status::Ok, &question.region, "");
    a.set("date", date.format("%Y-%m-%d").to_string());
    a.set("localTime", format_hhmm(minute));
    a.set("timezone", zone.name());

    let holiday = live.get(&config_sk(
        ConfigType::Holiday,
        &date.format("%Y-%m-%d").to_string(),
    ));
    a.set("isHoliday", bool_text(holiday.is_some()));
    if let Some(h) = holiday {
        a.set("holidayName", h.name.clone().unwrap_or_default());
        a.set("holidayMessage", h.message.clone().unwrap_or_default());
    }

    let hours = live
        .get(&config_sk(ConfigType::Hours, weekday_code(date)))
        .and_then(|h| {
            let hours = parse_hhmm(h.open.as_deref()?).zip(parse_hhmm(h.close.as_deref()?));
            if hours.is_none() {
                warn!(region = %question.region, sk = %h.sk, "connect-lookup: stored opening hours cannot be read; treated as absent (closed)");
                metrics::count(Metric::ItemSkipped);
            }
            hours
        });
    let open_now = match hours {
        Some((open, close)) => {
            a.set("openTime", format_hhmm(open));
            a.set("closeTime", format_hhmm(close));
            holiday.is_none() && open <= minute && minute < close
        }
        None => false,
    };
    a.set("isOpen", bool_text(open_now));
    a
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The Lambda entry point.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let settings = Settings::from_env(&Env::process())?;
    let sdk = crate::aws::load(crate::aws::connect_timeouts()).await;
    let handler = Lookup::new(DynamoTable::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        settings.table,
    ));
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Input>| async move {
        metrics::emitting::<Metric, _>(handler.handle(event.payload, Utc::now())).await
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::region_pk;

    fn item(sk: &str) -> ConfigItem {
        ConfigItem {
            pk: region_pk("r"),
            sk: sk.to_string(),
            name: None,
            message: None,
            open: None,
            close: None,
            tz: None,
            record_id: "a0B5g00000XyZab".into(),
            event_id: "e".into(),
            event_time: "2026-01-01T00:00:00.000000000Z".into(),
            requested_by: None,
            updated_at: "2026-01-01T00:00:00.000Z".into(),
            deleted: None,
            ttl: None,
        }
    }

    fn hours(day: &str, open: &str, close: &str) -> ConfigItem {
        let mut i = item(&format!("HOURS#{day}"));
        i.open = Some(open.into());
        i.close = Some(close.into());
        i
    }

    fn q(date: Option<&str>, time: Option<&str>) -> Question {
        Question {
            region: "r".into(),
            date: date.and_then(crate::calendar::parse_date),
            time: time.and_then(crate::calendar::parse_hhmm),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-24T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn keys_cover_every_possible_local_date_in_one_request() {
        let keys = sort_keys(&q(None, None), now());
        assert_eq!(keys.len(), 11);
        assert_eq!(keys[0], "TIMEZONE#default");
        assert!(keys.contains(&"HOURS#SUN".to_string()));
        for d in ["2026-12-23", "2026-12-24", "2026-12-25"] {
            assert!(keys.contains(&format!("HOLIDAY#{d}")), "{d}");
        }
        let keys = sort_keys(&q(Some("2027-01-01"), None), now());
        assert_eq!(keys.len(), 9);
        assert!(keys.contains(&"HOLIDAY#2027-01-01".to_string()));
    }

    #[test]
    fn tombstones_are_invisible_and_close_is_exclusive() {
        let mut gone = item("HOLIDAY#2026-12-25");
        gone.deleted = Some(true);
        gone.name = Some("Gone".into());
        let items = vec![hours("FRI", "09:00", "17:00"), gone];
        let a = answer(&q(Some("2026-12-25"), Some("16:59")), items.clone(), now());
        assert_eq!((a.get("isHoliday"), a.get("isOpen")), ("false", "true"));
        let a = answer(&q(Some("2026-12-25"), Some("17:00")), items, now());
        assert_eq!(a.get("isOpen"), "false");
    }

    #[tokio::test]
    async fn unreadable_items_are_treated_as_absent_and_counted() {
        let mut zone = item(TIMEZONE_SK);
        zone.tz = Some("Mars/Olympus_Mons".into());
        let mut hours = item("HOURS#FRI");
        hours.open = Some("nine".into());
        hours.close = Some("17:00".into());
        let q = Question {
            region: "r".into(),
            date: NaiveDate::from_ymd_opt(2027, 1, 8),
            time: Some(10 * 60),
        };
        let now = Utc::now();
        let (a, counts) =
            crate::metrics::measure::<Metric, _>(async { answer(&q, vec![zone, hours], now) })
                .await;
        assert_eq!(a.status(), "OK");
        assert_eq!(a.get("timezone"), "UTC");
        assert_eq!(a.get("isOpen"), "false", "unreadable hours: closed");
        assert_eq!(counts.get(Metric::ItemSkipped), 2);
    }

    #[test]
    fn only_tombstones_mean_an_unknown_region() {
        let mut h = hours("MON", "09:00", "17:00");
        h.deleted = Some(true);
        let a = answer(&q(None, None), vec![h], now());
        assert_eq!(a.status(), "UNKNOWN_REGION");
        assert_eq!(a.into_map().len(), KEYS.len());
    }
}
