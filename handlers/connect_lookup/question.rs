//! What Amazon Connect asks: the region, and optionally a date and a time. Any JSON is
//! accepted: a contact flow must get an answer, never a parse error.

use std::collections::HashMap;

use aws_lambda_events::connect::ConnectEvent;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::calendar::{normalise_region, parse_date, parse_hhmm, END_OF_DAY};

/// The invocation payload: a `ConnectEvent` when it is one, else whatever parameters can be
/// found at the same places (a chat or task contact, or a hand-made test event, may lack
/// fields `ConnectEvent` requires).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub parameters: HashMap<String, String>,
    pub attributes: HashMap<String, String>,
    /// The contact (call) the question is asked for: on every log line, to find the call.
    pub contact_id: Option<String>,
}

impl From<ConnectEvent> for Input {
    fn from(event: ConnectEvent) -> Self {
        Input {
            parameters: event.details.parameters,
            attributes: event.details.contact_data.attributes,
            contact_id: event.details.contact_data.contact_id,
        }
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if let Ok(event) = ConnectEvent::deserialize(&value) {
            return Ok(event.into());
        }
        let strings = |v: &Value| -> HashMap<String, String> {
            v.as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let details = &value["Details"];
        Ok(Input {
            parameters: strings(&details["Parameters"]),
            attributes: strings(&details["ContactData"]["Attributes"]),
            contact_id: details["ContactData"]["ContactId"]
                .as_str()
                .map(str::to_string),
        })
    }
}

/// A well-formed question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub region: String,
    pub date: Option<NaiveDate>,
    /// Minutes since local midnight.
    pub time: Option<u32>,
}

/// Why a question is malformed: the region (if it was readable) and a message naming the
/// parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadQuestion {
    pub region: String,
    pub message: String,
}

fn given<'a>(map: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    map.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

pub fn read(input: &Input) -> Result<Question, BadQuestion> {
    let raw_region =
        given(&input.parameters, "region").or_else(|| given(&input.attributes, "region"));
    let Some(raw_region) = raw_region else {
        return Err(BadQuestion {
            region: String::new(),
            message: "region is missing: set the Lambda parameter `region` or the contact attribute `region`".into(),
        });
    };
    let Some(region) = normalise_region(raw_region) else {
        return Err(BadQuestion {
            region: String::new(),
            message: format!(
                "region {} is not a region code (1-64 letters, digits and hyphens)",
                crate::text::quote(raw_region, 40)
            ),
        });
    };
    let date = match given(&input.parameters, "date") {
        None => None,
        Some(raw) => match parse_date(raw) {
            Some(d) => Some(d),
            None => {
                return Err(BadQuestion {
                    region,
                    message: format!(
                        "date {} is not a real date as YYYY-MM-DD",
                        crate::text::quote(raw, 40)
                    ),
                })
            }
        },
    };
    let time = match given(&input.parameters, "time") {
        None => None,
        Some(raw) => match parse_hhmm(raw).filter(|m| *m < END_OF_DAY) {
            Some(t) => Some(t),
            None => {
                return Err(BadQuestion {
                    region,
                    message: format!(
                        "time {} is not a 24-hour time as HH:MM",
                        crate::text::quote(raw, 40)
                    ),
                })
            }
        },
    };
    Ok(Question { region, date, time })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Input {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_full_connect_event_and_a_bare_one_both_read() {
        let full = input(include_str!("../../tests/fixtures/connect-event.json"));
        assert_eq!(
            full.parameters.get("region").map(String::as_str),
            Some("apac-nz")
        );
        assert_eq!(
            full.contact_id.as_deref(),
            Some("5ca32fbd-8f92-46af-92a5-6b0f970f0efe")
        );
        let bare = input(r#"{"Details":{"ContactData":{"Attributes":{"region":"EMEA-UK"}}}}"#);
        assert_eq!(bare.contact_id, None);
        let chat =
            input(r#"{"Details":{"ContactData":{"ContactId":"c-1","Attributes":{"region":"x"}}}}"#);
        assert_eq!(chat.contact_id.as_deref(), Some("c-1"));
        let q = read(&bare).unwrap();
        assert_eq!(q.region, "emea-uk");
        assert_eq!((q.date, q.time), (None, None));
        assert_eq!(
            read(&input("[1,2]")).unwrap_err().message.split(':').next(),
            Some("region is missing")
        );
    }

    #[test]
    fn parameters_win_over_attributes_and_bad_ones_are_named() {
        let i = input(
            r#"{"Details":{"Parameters":{"region":"a","date":"2026-12-25","time":"09:30"},
            "ContactData":{"Attributes":{"region":"b"}}}}"#,
        );
        let q = read(&i).unwrap();
        assert_eq!(q.region, "a");
        assert_eq!(q.time, Some(570));
        let bad = read(&input(
            r#"{"Details":{"Parameters":{"region":"a","date":"2026-02-30"}}}"#,
        ))
        .unwrap_err();
        assert_eq!(bad.region, "a");
        assert!(
            bad.message.starts_with("date '2026-02-30'"),
            "{}",
            bad.message
        );
        let bad = read(&input(
            r#"{"Details":{"Parameters":{"region":"a","time":"24:00"}}}"#,
        ))
        .unwrap_err();
        assert!(bad.message.starts_with("time '24:00'"), "{}", bad.message);
        let bad = read(&input(r#"{"Details":{"Parameters":{"region":"no way"}}}"#)).unwrap_err();
        assert!(
            bad.message.starts_with("region 'no way'"),
            "{}",
            bad.message
        );
    }
}
