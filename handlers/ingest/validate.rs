//! Validation of a parsed detail against DESIGN.md's field rules, with messages a business
//! user can act on: which field, what is wrong, what is expected.

use chrono::{DateTime, Datelike, Utc};
use serde_json::Value;

use super::event::{kind, names, Detail};
use crate::calendar::{normalise_region, parse_date, parse_hhmm, END_OF_DAY, WEEKDAYS};
use crate::error::HandlerError;
use crate::model::{Action, ConfigType};
use crate::text::quote;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_MESSAGE_CHARS: usize = 1000;
pub const MAX_EVENT_ID_CHARS: usize = 128;
pub const MAX_EMAIL_CHARS: usize = 254;
/// How much of a bad value a message quotes back.
const QUOTE_CHARS: usize = 40;

/// The keys of the request item; without them nothing can be reported to Salesforce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub record_id: String,
    pub event_id: String,
}

impl Identity {
    /// The ids an error about this event is logged with.
    pub fn ids(&self, region: Option<&str>) -> crate::error::Ids {
        crate::error::Ids {
            record_id: Some(self.record_id.clone()),
            event_id: Some(self.event_id.clone()),
            region: region.map(str::to_string),
            flow: None,
            message_id: None,
        }
    }
}

/// A valid change, normalised (region lower-cased, weekday upper-cased, times as instants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: Action,
    pub region: String,
    pub config_type: ConfigType,
    pub config_key: String,
    pub event_time: DateTime<Utc>,
    pub name: Option<String>,
    pub message: Option<String>,
    pub open: Option<String>,
    pub close: Option<String>,
    pub tz: Option<String>,
    pub requested_by: Option<String>,
}

/// An invalid change: every problem found, and whatever was valid (for the request item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid {
    pub problems: Vec<String>,
    pub action: Option<Action>,
    pub region: Option<String>,
    pub config_type: Option<ConfigType>,
    pub config_key: Option<String>,
    pub requested_by: Option<String>,
}

impl Invalid {
    /// A change that is valid in itself but cannot be applied, for `problem`.
    pub fn of(change: &Change, problem: String) -> Self {
        Invalid {
            problems: vec![problem],
            action: Some(change.action),
            region: Some(change.region.clone()),
            config_type: Some(change.config_type),
            config_key: Some(change.config_key.clone()),
            requested_by: change.requested_by.clone(),
        }
    }
}

/// Finds the record id and event id. An unusable record id means the event cannot be reported
/// back, so it is rejected (dead-lettered whole) instead of recorded.
pub fn identify(detail: &Detail, envelope_id: Option<&str>) -> Result<Identity, HandlerError> {
    let record_id = match detail.get(names::RECORD_ID) {
        None => return Err(HandlerError::rejected("Record_Id__c is missing")),
        Some(Value::String(t)) if is_record_id(t.trim()) => t.trim().to_string(),
        Some(Value::String(t)) => {
            return Err(HandlerError::rejected(format!(
                "Record_Id__c {} is not a 15- or 18-character Salesforce record Id",
                quote(t, QUOTE_CHARS)
            )))
        }
        Some(other) => {
            return Err(HandlerError::rejected(format!(
                "Record_Id__c is {}, not text",
                kind(other)
            )))
        }
    };
    let event_id = match detail.get(names::EVENT_UUID) {
        Some(Value::String(t)) if is_event_id(t.trim()) => t.trim().to_string(),
        _ => match envelope_id.map(str::trim).filter(|id| is_event_id(id)) {
            Some(id) => id.to_string(),
            None => {
                return Err(HandlerError::rejected(
                    "the event has neither a usable EventUuid nor an EventBridge id",
                ))
            }
        },
    };
    Ok(Identity {
        record_id,
        event_id,
    })
}

pub(crate) fn is_record_id(s: &str) -> bool {
    matches!(s.len(), 15 | 18) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_event_id(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= MAX_EVENT_ID_CHARS && !s.chars().any(char::is_control)
}

/// Collects problems while reading fields.
struct Check<'a> {
    detail: &'a Detail,
    problems: Vec<String>,
}

impl<'a> Check<'a> {
    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    /// Trimmed, non-empty text of a required field, or a problem naming it.
    fn required(&mut self, name: &str, expected: &str) -> Option<&'a str> {
        match self.detail.get(name) {
            Some(Value::String(t)) if !t.trim().is_empty() => Some(t.trim()),
            None | Some(Value::String(_)) => {
                self.problem(format!("{name} is missing; expected {expected}."));
                None
            }
            Some(other) => {
                self.problem(format!("{name} is {}; expected {expected}.", kind(other)));
                None
            }
        }
    }

    /// Trimmed text of an optional field; absent, blank and `null` all mean "not given".
    fn optional(&mut self, name: &str, expected: &str) -> Option<&'a str> {
        match self.detail.get(name) {
            Some(Value::String(t)) if !t.trim().is_empty() => Some(t.trim()),
            None | Some(Value::String(_)) | Some(Value::Null) => None,
            Some(other) => {
                self.problem(format!("{name} is {}; expected {expected}.", kind(other)));
                None
            }
        }
    }

    fn bad_value(&mut self, name: &str, value: &str, what: &str, expected: &str) {
        self.problem(format!(
            "{name} {} {what}; expected {expected}.",
            quote(value, QUOTE_CHARS)
        ));
    }

    fn max_chars(&mut self, name: &str, value: &str, max: usize) -> bool {
        let count = value.chars().count();
        if count > max {
            self.problem(format!(
                "{name} is {count} characters long; at most {max} are allowed."
            ));
            false
        } else {
            true
        }
    }
}

const EXPECT_ACTION: &str = "ADD or DELETE";
const EXPECT_REGION: &str = "a region code of 1-64 letters, digits and hyphens, e.g. emea-uk";
const EXPECT_TYPE: &str = "HOLIDAY, HOURS or TIMEZONE";
const EXPECT_DATE: &str = "a real date as YYYY-MM-DD, e.g. 2026-12-25";
const EXPECT_WEEKDAY: &str = "a weekday: MON, TUE, WED, THU, FRI, SAT or SUN";
const EXPECT_TZ_KEY: &str = "default";
const EXPECT_NAME: &str = "the holiday's name, at most 200 characters";
const EXPECT_MESSAGE: &str = "the prompt text, at most 1000 characters";
const EXPECT_TIME: &str = "a 24-hour time as HH:MM, e.g. 09:00";
const EXPECT_ZONE: &str = "an IANA time zone name, e.g. Europe/London";
const EXPECT_EMAIL: &str = "an email address";
const EXPECT_INSTANT: &str = "an RFC 3339 timestamp, e.g. 2026-05-19T11:23:51.000Z";
const EXPECT_EVENT_ID: &str = "an id of at most 128 characters";

/// Validates everything but the identity. `envelope_time` is EventBridge's `time`, used when
/// `CreatedDate` is absent.
pub fn validate(detail: &Detail, envelope_time: Option<DateTime<Utc>>) -> Result<Change, Invalid> {
    let mut c = Check {
        detail,
        problems: Vec::new(),
    };

    let action = c.required(names::ACTION, EXPECT_ACTION).and_then(|raw| {
        match raw.to_ascii_uppercase().as_str() {
            "ADD" => Some(Action::Add),
            "DELETE" => Some(Action::Delete),
            _ => {
                c.bad_value(names::ACTION, raw, "is not a known action", EXPECT_ACTION);
                None
            }
        }
    });

    let region = c.required(names::REGION, EXPECT_REGION).and_then(|raw| {
        let region = normalise_region(raw);
        if region.is_none() {
            c.bad_value(
                names::REGION,
                raw,
                "is not a valid region code",
                EXPECT_REGION,
            );
        }
        region
    });

    let config_type = c.required(names::CONFIG_TYPE, EXPECT_TYPE).and_then(|raw| {
        match raw.to_ascii_uppercase().as_str() {
            "HOLIDAY" => Some(ConfigType::Holiday),
            "HOURS" => Some(ConfigType::Hours),
            "TIMEZONE" => Some(ConfigType::Timezone),
            _ => {
                c.bad_value(names::CONFIG_TYPE, raw, "is not a known type", EXPECT_TYPE);
                None
            }
        }
    });

    let expected_key = match config_type {
        Some(ConfigType::Holiday) => EXPECT_DATE,
        Some(ConfigType::Hours) => EXPECT_WEEKDAY,
        Some(ConfigType::Timezone) => EXPECT_TZ_KEY,
        None => "a key that fits Config_Type__c",
    };
    let raw_key = c.required(names::CONFIG_KEY, expected_key);
    let config_key = match (config_type, raw_key) {
        (Some(ConfigType::Holiday), Some(raw)) => {
            if parse_date(raw).is_some() {
                Some(raw.to_string())
            } else {
                c.bad_value(names::CONFIG_KEY, raw, "is not a real date", EXPECT_DATE);
                None
            }
        }
        (Some(ConfigType::Hours), Some(raw)) => {
            let day = raw.to_ascii_uppercase();
            if WEEKDAYS.contains(&day.as_str()) {
                Some(day)
            } else {
                c.bad_value(names::CONFIG_KEY, raw, "is not a weekday", EXPECT_WEEKDAY);
                None
            }
        }
        (Some(ConfigType::Timezone), Some(raw)) => {
            if raw.eq_ignore_ascii_case("default") {
                Some("default".to_string())
            } else {
                c.bad_value(
                    names::CONFIG_KEY,
                    raw,
                    "is not a time zone key",
                    EXPECT_TZ_KEY,
                );
                None
            }
        }
        _ => None,
    };

    let event_time = event_time(&mut c, envelope_time);
    if let Some(Value::String(t)) = detail.get(names::EVENT_UUID) {
        if !is_event_id(t.trim()) {
            c.bad_value(names::EVENT_UUID, t, "is not usable", EXPECT_EVENT_ID);
        }
    } else if let Some(other) = detail.get(names::EVENT_UUID) {
        c.problem(format!(
            "{} is {}; expected {EXPECT_EVENT_ID}.",
            names::EVENT_UUID,
            kind(other)
        ));
    }

    let requested_by = c
        .optional(names::REQUESTED_BY, EXPECT_EMAIL)
        .and_then(|raw| {
            if is_email(raw) {
                Some(raw.to_string())
            } else {
                c.bad_value(
                    names::REQUESTED_BY,
                    raw,
                    "is not an email address",
                    EXPECT_EMAIL,
                );
                None
            }
        });

    // Values only matter for an ADD; a DELETE ignores them.
    let mut values = Values::default();
    if action == Some(Action::Add) {
        values.message = c
            .optional(names::MESSAGE, EXPECT_MESSAGE)
            .filter(|m| c.max_chars(names::MESSAGE, m, MAX_MESSAGE_CHARS))
            .map(str::to_string);
        match config_type {
            Some(ConfigType::Holiday) => {
                values.name = c
                    .required(names::NAME, EXPECT_NAME)
                    .filter(|n| c.max_chars(names::NAME, n, MAX_NAME_CHARS))
                    .map(str::to_string);
            }
            Some(ConfigType::Hours) => hours(&mut c, &mut values),
            Some(ConfigType::Timezone) => {
                values.tz = c.required(names::TIME_ZONE, EXPECT_ZONE).and_then(|raw| {
                    if raw.parse::<chrono_tz::Tz>().is_ok() {
                        Some(raw.to_string())
                    } else {
                        c.bad_value(
                            names::TIME_ZONE,
                            raw,
                            "is not a known time zone",
                            EXPECT_ZONE,
                        );
                        None
                    }
                });
            }
            None => {}
        }
    }

    match (action, region, config_type, config_key, event_time) {
        (Some(action), Some(region), Some(config_type), Some(config_key), Some(event_time))
            if c.problems.is_empty() =>
        {
            Ok(Change {
                action,
                region,
                config_type,
                config_key,
                event_time,
                name: values.name,
                message: values.message,
                open: values.open,
                close: values.close,
                tz: values.tz,
                requested_by,
            })
        }
        (action, region, config_type, config_key, _) => Err(Invalid {
            problems: c.problems,
            action,
            region,
            config_type,
            config_key,
            requested_by,
        }),
    }
}

#[derive(Default)]
struct Values {
    name: Option<String>,
    message: Option<String>,
    open: Option<String>,
    close: Option<String>,
    tz: Option<String>,
}

fn hours(c: &mut Check<'_>, values: &mut Values) {
    let open = c.required(names::OPEN_TIME, EXPECT_TIME).and_then(|raw| {
        let parsed = parse_hhmm(raw).filter(|m| *m < END_OF_DAY);
        if parsed.is_none() {
            c.bad_value(names::OPEN_TIME, raw, "is not a time of day", EXPECT_TIME);
        }
        parsed.map(|m| (raw, m))
    });
    // 24:00 is accepted as a closing time: open until midnight.
    let close = c.required(names::CLOSE_TIME, EXPECT_TIME).and_then(|raw| {
        let parsed = parse_hhmm(raw);
        if parsed.is_none() {
            c.bad_value(names::CLOSE_TIME, raw, "is not a time of day", EXPECT_TIME);
        }
        parsed.map(|m| (raw, m))
    });
    if let (Some((open_raw, open_min)), Some((close_raw, close_min))) = (open, close) {
        if open_min < close_min {
            values.open = Some(open_raw.to_string());
            values.close = Some(close_raw.to_string());
        } else {
            c.problem(format!(
                "{} {} is not before {} {}; expected the opening time to be earlier than the closing time.",
                names::OPEN_TIME,
                quote(open_raw, QUOTE_CHARS),
                names::CLOSE_TIME,
                quote(close_raw, QUOTE_CHARS)
            ));
        }
    }
}

fn event_time(c: &mut Check<'_>, envelope_time: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match c.detail.get(names::CREATED_DATE) {
        None | Some(Value::Null) => {
            if envelope_time.is_none() {
                c.problem(format!(
                    "{} is missing and the event has no time; expected {EXPECT_INSTANT}.",
                    names::CREATED_DATE
                ));
            }
            envelope_time
        }
        Some(Value::String(raw)) => {
            let parsed = parse_instant(raw.trim());
            if parsed.is_none() {
                c.bad_value(
                    names::CREATED_DATE,
                    raw,
                    "is not a timestamp",
                    EXPECT_INSTANT,
                );
            }
            parsed
        }
        Some(other) => {
            c.problem(format!(
                "{} is {}; expected {EXPECT_INSTANT}.",
                names::CREATED_DATE,
                kind(other)
            ));
            None
        }
    }
}

/// RFC 3339, and Salesforce's `+0000` offset form. Years outside 1970-9999 are refused: the
/// stored form must stay fixed-width for string order to be time order.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.to_utc())
        .filter(|t| (1970..=9999).contains(&t.year()))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    s.chars().count() <= MAX_EMAIL_CHARS
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(json: &str) -> Detail {
        json.parse().unwrap()
    }

    fn t0() -> Option<DateTime<Utc>> {
        parse_instant("2026-11-01T10:00:00Z")
    }

    fn problems(json: &str) -> Vec<String> {
        validate(&detail(json), t0()).unwrap_err().problems
    }

    #[test]
    fn a_holiday_add_is_normalised() {
        let change = validate(
            &detail(
                r#"{"Action__c":"add","Region__c":"  EMEA-UK ","Config_Type__c":"holiday",
                "Config_Key__c":"2026-12-25","Name__c":" Christmas Day ","Message__c":"",
                "Requested_By__c":"ana@example.com","CreatedDate":"2026-11-01T11:00:00.000+0100"}"#,
            ),
            None,
        )
        .unwrap();
        assert_eq!(change.action, Action::Add);
        assert_eq!(change.region, "emea-uk");
        assert_eq!(change.config_type, ConfigType::Holiday);
        assert_eq!(change.name.as_deref(), Some("Christmas Day"));
        assert_eq!(change.message, None);
        assert_eq!(change.event_time, t0().unwrap());
        assert_eq!(change.requested_by.as_deref(), Some("ana@example.com"));
    }

    #[test]
    fn hours_and_timezone_adds() {
        let hours = validate(
            &detail(
                r#"{"Action__c":"ADD","Region__c":"us-east","Config_Type__c":"HOURS",
                "Config_Key__c":"mon","Open_Time__c":"09:00","Close_Time__c":"24:00"}"#,
            ),
            t0(),
        )
        .unwrap();
        assert_eq!(hours.config_key, "MON");
        assert_eq!(hours.close.as_deref(), Some("24:00"));
        let tz = validate(
            &detail(
                r#"{"Action__c":"ADD","Region__c":"apac-nz","Config_Type__c":"TIMEZONE",
                "Config_Key__c":"Default","Time_Zone__c":"Pacific/Auckland"}"#,
            ),
            t0(),
        )
        .unwrap();
        assert_eq!(tz.config_key, "default");
        assert_eq!(tz.tz.as_deref(), Some("Pacific/Auckland"));
    }

    #[test]
    fn delete_needs_no_values() {
        let change = validate(
            &detail(
                r#"{"Action__c":"delete","Region__c":"x","Config_Type__c":"HOLIDAY",
                "Config_Key__c":"2026-12-25","Name__c":["ignored"]}"#,
            ),
            t0(),
        )
        .unwrap();
        assert_eq!(change.action, Action::Delete);
        assert_eq!(change.name, None);
    }

    #[test]
    fn every_problem_names_its_field() {
        let p = problems(
            r#"{"Action__c":"MODIFY","Region__c":"emea uk!","Config_Type__c":"HOLIDAY",
            "Config_Key__c":"2026-02-30"}"#,
        );
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(
            p[0].starts_with("Action__c 'MODIFY' is not a known action"),
            "{p:?}"
        );
        assert!(p[1].starts_with("Region__c 'emea uk!'"), "{p:?}");
        assert!(
            p[2].starts_with("Config_Key__c '2026-02-30' is not a real date"),
            "{p:?}"
        );
    }

    #[test]
    fn missing_and_wrongly_typed_fields() {
        let p = problems(r#"{"Action__c":null,"Region__c":["emea"],"Config_Type__c":"HOURS"}"#);
        assert!(
            p.iter().any(|m| m.starts_with("Action__c is null")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.starts_with("Region__c is a list")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("Config_Key__c is missing; expected a weekday")),
            "{p:?}"
        );
    }

    #[test]
    fn lengths_count_characters() {
        let ok = "é".repeat(200);
        let long = "é".repeat(201);
        let base = r#""Action__c":"ADD","Region__c":"r","Config_Type__c":"HOLIDAY","Config_Key__c":"2026-12-25""#;
        assert!(validate(&detail(&format!(r#"{{{base},"Name__c":"{ok}"}}"#)), t0()).is_ok());
        let p = problems(&format!(r#"{{{base},"Name__c":"{long}"}}"#));
        assert_eq!(
            p,
            vec!["Name__c is 201 characters long; at most 200 are allowed."]
        );
        let p = problems(&format!(
            r#"{{{base},"Name__c":"n","Message__c":"{}"}}"#,
            "m".repeat(1001)
        ));
        assert_eq!(
            p,
            vec!["Message__c is 1001 characters long; at most 1000 are allowed."]
        );
    }

    #[test]
    fn hours_must_be_well_formed_and_ordered() {
        let base =
            r#""Action__c":"ADD","Region__c":"r","Config_Type__c":"HOURS","Config_Key__c":"TUE""#;
        let p = problems(&format!(
            r#"{{{base},"Open_Time__c":"9:00","Close_Time__c":"17:60"}}"#
        ));
        assert_eq!(p.len(), 2, "{p:?}");
        let p = problems(&format!(
            r#"{{{base},"Open_Time__c":"17:00","Close_Time__c":"09:00"}}"#
        ));
        assert!(p[0].contains("is not before"), "{p:?}");
        let p = problems(&format!(
            r#"{{{base},"Open_Time__c":"24:00","Close_Time__c":"24:00"}}"#
        ));
        assert!(p[0].starts_with("Open_Time__c '24:00'"), "{p:?}");
    }

    #[test]
    fn timezone_must_be_iana_and_key_default() {
        let p = problems(
            r#"{"Action__c":"ADD","Region__c":"r","Config_Type__c":"TIMEZONE",
            "Config_Key__c":"main","Time_Zone__c":"Mars/Olympus"}"#,
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[1].starts_with("Time_Zone__c 'Mars/Olympus' is not a known time zone"));
    }

    #[test]
    fn event_time_falls_back_and_rejects_garbage() {
        let base = r#""Action__c":"DELETE","Region__c":"r","Config_Type__c":"HOURS","Config_Key__c":"SUN""#;
        assert!(validate(&detail(&format!("{{{base}}}")), None).is_err());
        for far in ["+10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
            let p = problems(&format!(r#"{{{base},"CreatedDate":"{far}"}}"#));
            assert!(p[0].starts_with("CreatedDate"), "{p:?}");
        }
        let p = problems(&format!(r#"{{{base},"CreatedDate":"yesterday"}}"#));
        assert!(
            p[0].starts_with("CreatedDate 'yesterday' is not a timestamp"),
            "{p:?}"
        );
        let p = problems(&format!(r#"{{{base},"Requested_By__c":"not an email"}}"#));
        assert!(p[0].starts_with("Requested_By__c"), "{p:?}");
    }

    #[test]
    fn identity_needs_a_usable_record_id() {
        let ok = identify(
            &detail(r#"{"Record_Id__c":" a0B5g00000XyZabCDE "}"#),
            Some("eb-1"),
        )
        .unwrap();
        assert_eq!(ok.record_id, "a0B5g00000XyZabCDE");
        assert_eq!(ok.event_id, "eb-1");
        let with_uuid = identify(
            &detail(r#"{"Record_Id__c":"a0B5g00000XyZab","EventUuid":"uuid-1"}"#),
            Some("eb-1"),
        )
        .unwrap();
        assert_eq!(with_uuid.event_id, "uuid-1");
        for bad in [
            r#"{}"#,
            r#"{"Record_Id__c":"short"}"#,
            r#"{"Record_Id__c":123456789012345}"#,
            r#"{"Record_Id__c":"a0B5g00000XyZa!"}"#,
        ] {
            let err = identify(&detail(bad), Some("eb-1")).unwrap_err();
            assert!(err.message.contains("Record_Id__c"), "{bad}: {err}");
        }
    }
}
