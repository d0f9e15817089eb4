//! `connect-lookup` (steps 15-16): answers Amazon Connect's "is this region open now, is today
//! a holiday, what should we play" in the region's own time zone, from one DynamoDB round trip.
//! It never fails the contact flow: bad input, an unknown region and a DynamoDB failure are
//! each a `status` in a normal answer. It is given only a `ConfigReader`, so it cannot write.

pub mod question;

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use lambda_runtime::{service_fn, LambdaEvent};
use serde::Serialize;
use tracing::{error, info, info_span, warn, Instrument};

use crate::adapters::dynamodb::DynamoTable;
use crate::calendar::{format_hhmm, parse_hhmm, weekday_code, WEEKDAYS};
use crate::config::{ConfigError, Env};
use crate::metrics::{self, ConnectLookup as Metric};
use crate::model::{config_sk, ConfigType, ConnectItem};
use crate::ports::{ConfigReader, ReadItem, UnreadableItem};
use crate::text::quote;
pub use question::{BadQuestion, Input, Question};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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

    /// The metric that counts answers with this status.
    fn metric(self) -> Metric {
        match self {
            Status::Ok => Metric::Ok,
            Status::UnknownRegion => Metric::UnknownRegion,
            Status::InvalidInput => Metric::InvalidInput,
            Status::Error => Metric::Error,
        }
    }
}

/// Connect's answer: a flat map of strings (all a contact flow can read), always with every
/// key. Unknowns are empty strings; booleans are `"true"`/`"false"`; `message` explains any
/// status but `OK`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub status: Status,
    pub region: String,
    pub date: String,
    pub local_time: String,
    pub timezone: String,
    pub is_holiday: String,
    pub holiday_name: String,
    pub holiday_message: String,
    pub is_open: String,
    pub open_time: String,
    pub close_time: String,
    pub message: String,
}

impl Answer {
    fn new(status: Status, region: &str, message: &str) -> Self {
        Answer {
            status,
            region: region.to_string(),
            date: String::new(),
            local_time: String::new(),
            timezone: String::new(),
            is_holiday: String::new(),
            holiday_name: String::new(),
            holiday_message: String::new(),
            is_open: String::new(),
            open_time: String::new(),
            close_time: String::new(),
            message: message.to_string(),
        }
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

/// How long the whole read (every BatchGetItem call) may take. Connect waits at most 8 seconds
/// for the whole invocation, and a caller hears the silence; the SDK's own timeouts bound one
/// call, not the calls for unprocessed keys after it. DESIGN promises the answer within 3 s of
/// the invocation: 200 ms of that are kept for building and posting the answer.
pub const READ_LIMIT: Duration = Duration::from_millis(2_800);

/// Kept back from the invocation's deadline for answering after a read that gave up.
const DEADLINE_MARGIN: Duration = Duration::from_millis(250);

/// The time the read may take: `READ_LIMIT`, or less when the invocation's deadline
/// (milliseconds since the epoch, as in Lambda's `Context::deadline`) is nearer.
pub fn read_limit(deadline_ms: u64, now: DateTime<Utc>) -> Duration {
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    READ_LIMIT.min(left.saturating_sub(DEADLINE_MARGIN))
}

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

    /// Answers `input` at `now`, giving the configuration read at most `limit` (`read_limit`).
    pub async fn handle(
        &self,
        input: Input,
        now: DateTime<Utc>,
        limit: Duration,
    ) -> Result<Answer, Infallible> {
        // Every line below names the call it answers.
        let span = info_span!(
            "contact",
            contact_id = input.contact_id.as_deref().unwrap_or("")
        );
        self.answer_for(input, now, limit).instrument(span).await
    }

    async fn answer_for(
        &self,
        input: Input,
        now: DateTime<Utc>,
        limit: Duration,
    ) -> Result<Answer, Infallible> {
        let question = match question::read(&input) {
            Ok(q) => q,
            Err(BadQuestion { region, message }) => {
                warn!(%region, reason = %message, "connect-lookup: invalid input");
                metrics::count(Metric::InvalidInput);
                return Ok(Answer::new(Status::InvalidInput, &region, &message));
            }
        };
        let keys = sort_keys(&question, now);
        let read = self.reader.get_config(&question.region, &keys);
        let items = match tokio::time::timeout(limit, read).await {
            Ok(Ok(items)) => items,
            Err(_) => {
                error!(region = %question.region, limit_ms = limit.as_millis(), "connect-lookup: configuration was not read in time");
                metrics::count(Metric::Error);
                return Ok(Answer::new(
                    Status::Error,
                    &question.region,
                    "the configuration was not read in time",
                ));
            }
            Ok(Err(e)) => {
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
        metrics::count(answer.status.metric());
        info!(region = %question.region, status = answer.status.as_str(), date = %answer.date, is_open = %answer.is_open, "connect-lookup: answered");
        Ok(answer)
    }
}

/// The region's configuration as Connect uses it: the items that could be read.
#[derive(Debug, Default)]
struct Stored {
    zone: Option<Tz>,
    /// Opening and closing minute, by sort key (`HOURS#MON`).
    hours: HashMap<String, (u32, u32)>,
    /// Name and message, by sort key (`HOLIDAY#2026-12-25`).
    holidays: HashMap<String, (String, String)>,
}

impl Stored {
    /// Every item that can be read; any other is absent, logged and counted. Tombstones do not
    /// exist for Connect.
    fn read(region: &str, items: Vec<ReadItem>) -> Self {
        let mut stored = Stored::default();
        for item in items {
            let added = item.and_then(|item| {
                let sk = item.sk.clone();
                stored
                    .add(item)
                    .map_err(|reason| UnreadableItem { sk, reason })
            });
            if let Err(UnreadableItem { sk, reason }) = added {
                warn!(%region, %sk, %reason, "connect-lookup: stored item cannot be read; treated as absent");
                metrics::count(Metric::ItemSkipped);
            }
        }
        stored
    }

    /// Adds one item, or says why it cannot be used (the rules ingest writes by).
    fn add(&mut self, item: ConnectItem) -> Result<(), String> {
        if item.is_tombstone() {
            return Ok(());
        }
        let kind = item.sk.split_once('#').map_or("", |(kind, _)| kind);
        if kind == ConfigType::Timezone.as_str() {
            let name = item.tz.ok_or("it has no `tz`")?;
            let zone = name
                .parse()
                .map_err(|_| format!("`tz` {} is not an IANA time zone", quote(&name, 40)))?;
            self.zone = Some(zone);
        } else if kind == ConfigType::Hours.as_str() {
            let open = time_of_day("open", item.open.as_deref())?;
            let close = time_of_day("close", item.close.as_deref())?;
            if open >= close {
                return Err(format!(
                    "`open` {} is not before `close` {}",
                    format_hhmm(open),
                    format_hhmm(close)
                ));
            }
            self.hours.insert(item.sk, (open, close));
        } else if kind == ConfigType::Holiday.as_str() {
            self.holidays.insert(
                item.sk,
                (
                    item.name.unwrap_or_default(),
                    item.message.unwrap_or_default(),
                ),
            );
        }
        Ok(())
    }
}

/// `HH:MM` from `00:00` to `24:00`.
fn time_of_day(name: &str, value: Option<&str>) -> Result<u32, String> {
    let raw = value.ok_or_else(|| format!("it has no `{name}`"))?;
    parse_hhmm(raw).ok_or_else(|| format!("`{name}` {} is not a time as HH:MM", quote(raw, 40)))
}

/// The answer from the items read; pure but for logging and counting the items it cannot
/// use, so it is tested and measured without a table.
pub fn answer(question: &Question, items: Vec<ReadItem>, now: DateTime<Utc>) -> Answer {
    let stored = Stored::read(&question.region, items);
    if stored.zone.is_none() && stored.hours.is_empty() {
        return Answer::new(
            Status::UnknownRegion,
            &question.region,
            "the region has neither a time zone nor opening hours",
        );
    }

    let zone = stored.zone.unwrap_or(Tz::UTC);
    let local = now.with_timezone(&zone);
    let date = question.date.unwrap_or_else(|| local.date_naive());
    let minute = question
        .time
        .unwrap_or_else(|| local.hour() * 60 + local.minute());

    let day = date.format("%Y-%m-%d").to_string();
    let holiday = stored.holidays.get(&config_sk(ConfigType::Holiday, &day));
    let hours = stored
        .hours
        .get(&config_sk(ConfigType::Hours, weekday_code(date)))
        .copied();
    let open_now =
        holiday.is_none() && hours.is_some_and(|(open, close)| open <= minute && minute < close);
    let (holiday_name, holiday_message) = holiday.cloned().unwrap_or_default();
    Answer {
        status: Status::Ok,
        region: question.region.clone(),
        date: day,
        local_time: format_hhmm(minute),
        timezone: zone.name().to_string(),
        is_holiday: holiday.is_some().to_string(),
        holiday_name,
        holiday_message,
        is_open: open_now.to_string(),
        open_time: hours.map(|(open, _)| format_hhmm(open)).unwrap_or_default(),
        close_time: hours
            .map(|(_, close)| format_hhmm(close))
            .unwrap_or_default(),
        message: String::new(),
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
        let now = Utc::now();
        let limit = read_limit(event.context.deadline, now);
        metrics::emitting::<Metric, _>(handler.handle(event.payload, now, limit)).await
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::END_OF_DAY;

    fn item(sk: &str) -> ConnectItem {
        ConnectItem {
            sk: sk.to_string(),
            ..ConnectItem::default()
        }
    }

    fn zone(name: &str) -> ConnectItem {
        ConnectItem {
            tz: Some(name.into()),
            ..item(TIMEZONE_SK)
        }
    }

    fn hours(day: &str, open: &str, close: &str) -> ConnectItem {
        ConnectItem {
            open: Some(open.into()),
            close: Some(close.into()),
            ..item(&format!("HOURS#{day}"))
        }
    }

    fn read(items: Vec<ConnectItem>) -> Vec<ReadItem> {
        items.into_iter().map(Ok).collect()
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
        let gone = ConnectItem {
            deleted: Some(true),
            name: Some("Gone".into()),
            ..item("HOLIDAY#2026-12-25")
        };
        let items = vec![hours("FRI", "09:00", "17:00"), gone];
        let a = answer(
            &q(Some("2026-12-25"), Some("16:59")),
            read(items.clone()),
            now(),
        );
        assert_eq!(
            (a.is_holiday.as_str(), a.is_open.as_str()),
            ("false", "true")
        );
        let a = answer(&q(Some("2026-12-25"), Some("17:00")), read(items), now());
        assert_eq!(a.is_open.as_str(), "false");
    }

    #[tokio::test]
    async fn unreadable_items_are_treated_as_absent_and_counted() {
        let items = vec![
            Ok(zone("Mars/Olympus_Mons")),
            Ok(hours("FRI", "nine", "17:00")),
            Ok(hours("MON", "09:00", "17:00")),
            // As the adapter reports an attribute of the wrong type.
            Err(UnreadableItem {
                sk: "HOLIDAY#2027-01-08".into(),
                reason: "`name` is a number, not a string".into(),
            }),
        ];
        let q = Question {
            region: "r".into(),
            date: NaiveDate::from_ymd_opt(2027, 1, 8),
            time: Some(10 * 60),
        };
        let now = Utc::now();
        let (a, counts) =
            crate::metrics::measure::<Metric, _>(async { answer(&q, items, now) }).await;
        assert_eq!(a.status.as_str(), "OK");
        assert_eq!(a.timezone.as_str(), "UTC");
        assert_eq!(a.is_holiday.as_str(), "false");
        assert_eq!(a.is_open.as_str(), "false", "unreadable hours: closed");
        assert_eq!(counts.get(Metric::ItemSkipped), 3);

        // With nothing readable left, the region is unknown.
        let items = read(vec![
            zone("Mars/Olympus_Mons"),
            hours("FRI", "nine", "17:00"),
        ]);
        let (a, counts) =
            crate::metrics::measure::<Metric, _>(async { answer(&q, items, now) }).await;
        assert_eq!(a.status.as_str(), "UNKNOWN_REGION");
        assert_eq!(counts.get(Metric::ItemSkipped), 2);
    }

    /// Every unreadable item is absent and counted once, whichever day is asked about.
    #[tokio::test]
    async fn an_unreadable_item_is_counted_even_on_a_day_that_does_not_need_it() {
        let items = vec![
            zone("Europe/London"),
            hours("FRI", "25:99", "17:00"),
            hours("MON", "09:00", "17:00"),
        ];
        // 2027-01-04 is a Monday.
        let (a, counts) = crate::metrics::measure::<Metric, _>(async {
            answer(&q(Some("2027-01-04"), Some("10:00")), read(items), now())
        })
        .await;
        assert_eq!((a.status.as_str(), a.is_open.as_str()), ("OK", "true"));
        assert_eq!(counts.get(Metric::ItemSkipped), 1);
    }

    /// An item is usable only as ingest would have written it; the reason names the attribute.
    #[test]
    fn items_are_read_by_the_rules_ingest_writes_by() {
        let reason = |item: ConnectItem| Stored::default().add(item).unwrap_err();
        assert_eq!(
            reason(hours("MON", "25:99", "17:00")),
            "`open` '25:99' is not a time as HH:MM"
        );
        assert_eq!(
            reason(hours("MON", "17:00", "09:00")),
            "`open` 17:00 is not before `close` 09:00"
        );
        assert_eq!(
            reason(ConnectItem {
                close: None,
                ..hours("MON", "09:00", "")
            }),
            "it has no `close`"
        );
        assert_eq!(reason(item(TIMEZONE_SK)), "it has no `tz`");
        assert_eq!(
            reason(zone("Mars/Olympus")),
            "`tz` 'Mars/Olympus' is not an IANA time zone"
        );

        let mut stored = Stored::default();
        for usable in [
            hours("MON", "00:00", "24:00"),
            zone("Pacific/Auckland"),
            item("HOLIDAY#2026-12-25"),
            // A tombstone needs nothing.
            ConnectItem {
                deleted: Some(true),
                ..item("HOURS#TUE")
            },
        ] {
            assert_eq!(stored.add(usable), Ok(()));
        }
        assert_eq!(stored.hours.get("HOURS#MON"), Some(&(0, END_OF_DAY)));
        assert_eq!(stored.hours.len(), 1);
        assert_eq!(stored.zone, Some(Tz::Pacific__Auckland));
        assert_eq!(
            stored.holidays.get("HOLIDAY#2026-12-25"),
            Some(&(String::new(), String::new()))
        );
    }

    #[test]
    fn the_read_gets_three_seconds_or_less_when_the_deadline_is_nearer() {
        let ms =
            |d: Duration| u64::try_from(now().timestamp_millis()).unwrap() + d.as_millis() as u64;
        let at = |secs: u64| ms(Duration::from_secs(secs));
        assert_eq!(read_limit(at(900), now()), READ_LIMIT);
        assert_eq!(
            read_limit(at(3), now()),
            Duration::from_secs(3) - DEADLINE_MARGIN
        );
        assert_eq!(
            read_limit(ms(Duration::from_millis(1000)), now()),
            Duration::from_millis(750)
        );
        assert_eq!(read_limit(at(0), now()), Duration::ZERO);
        assert_eq!(read_limit(0, now()), Duration::ZERO, "deadline passed");
    }

    /// A reader that never answers, as DynamoDB behind a black hole.
    struct Silent;

    impl ConfigReader for Silent {
        async fn get_config(
            &self,
            _region: &str,
            _sort_keys: &[String],
        ) -> Result<Vec<ReadItem>, crate::ports::PortError> {
            std::future::pending().await
        }
    }

    /// With a deadline one second away, the read gives up at 750 ms and the answer is ERROR.
    #[tokio::test(start_paused = true)]
    async fn a_read_that_does_not_finish_in_time_is_an_error() {
        let deadline = u64::try_from(now().timestamp_millis()).unwrap() + 1000;
        let input: Input = serde_json::from_value(serde_json::json!(
            {"Details": {"Parameters": {"region": "emea-uk"}}}
        ))
        .unwrap();
        let started = tokio::time::Instant::now();
        let (a, counts) = crate::metrics::measure::<Metric, _>(Lookup::new(Silent).handle(
            input,
            now(),
            read_limit(deadline, now()),
        ))
        .await;
        let a = a.unwrap();
        assert_eq!(started.elapsed(), Duration::from_millis(750));
        assert_eq!(
            (a.status.as_str(), a.region.as_str(), a.message.as_str()),
            ("ERROR", "emea-uk", "the configuration was not read in time")
        );
        assert_eq!(counts.get(Metric::Error), 1);
    }

    #[test]
    fn only_tombstones_mean_an_unknown_region() {
        let h = ConnectItem {
            deleted: Some(true),
            ..hours("MON", "09:00", "17:00")
        };
        let a = answer(&q(None, None), read(vec![h]), now());
        assert_eq!(a.status, Status::UnknownRegion);
    }

    /// Connect's contract: a flat object of exactly these keys, every value a string.
    #[test]
    fn an_answer_is_a_flat_map_of_strings_with_every_key() {
        let items = read(vec![zone("Europe/London"), hours("THU", "09:00", "17:00")]);
        let a = answer(&q(None, None), items, now());
        let json = serde_json::to_value(&a).unwrap();
        let map = json.as_object().unwrap();
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "closeTime",
                "date",
                "holidayMessage",
                "holidayName",
                "isHoliday",
                "isOpen",
                "localTime",
                "message",
                "openTime",
                "region",
                "status",
                "timezone"
            ]
        );
        assert!(map.values().all(|v| v.is_string()), "{json}");
        assert_eq!(json["status"], "OK");
        assert_eq!(json["localTime"], "12:00");
        assert_eq!(json["isOpen"], "true");
    }
}
