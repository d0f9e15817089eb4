//! The `detail` of a `Config_Change__e` event, parsed leniently: every known field is kept as
//! whatever JSON value arrived, so a wrong type becomes a validation failure naming that field
//! instead of a parse error that loses the whole event, and a detail that is not an object at
//! all is still a `Detail` (`not_an_object`). Validation happens in `validate`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Field API names, as Salesforce publishes them (DESIGN.md "The Salesforce event").
pub mod names {
    pub const RECORD_ID: &str = "Record_Id__c";
    pub const ACTION: &str = "Action__c";
    pub const REGION: &str = "Region__c";
    pub const CONFIG_TYPE: &str = "Config_Type__c";
    pub const CONFIG_KEY: &str = "Config_Key__c";
    pub const NAME: &str = "Name__c";
    pub const MESSAGE: &str = "Message__c";
    pub const OPEN_TIME: &str = "Open_Time__c";
    pub const CLOSE_TIME: &str = "Close_Time__c";
    pub const TIME_ZONE: &str = "Time_Zone__c";
    pub const REQUESTED_BY: &str = "Requested_By__c";
    pub const EVENT_UUID: &str = "EventUuid";
    pub const CREATED_DATE: &str = "CreatedDate";

    /// Fields whose presence makes a detail a change request rather than a payload pointer.
    pub const BUSINESS: &[&str] = &[RECORD_ID, ACTION, REGION, CONFIG_TYPE, CONFIG_KEY];

    /// The custom fields of `Config_Change__e`: exactly those in `salesforce/` (a test fails
    /// when the two drift). `EventUuid` and `CreatedDate` are standard platform-event fields.
    pub const CUSTOM: &[&str] = &[
        RECORD_ID,
        ACTION,
        REGION,
        CONFIG_TYPE,
        CONFIG_KEY,
        NAME,
        MESSAGE,
        OPEN_TIME,
        CLOSE_TIME,
        TIME_ZONE,
        REQUESTED_BY,
    ];
}

/// The event detail. Known fields are `None` when absent and hold whatever JSON value arrived
/// otherwise (`null` included, which `validate` tells apart from absent); every other field is
/// kept in `rest`, because AppFlow's payload pointer may arrive under any field name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct Detail {
    /// `None` when the detail was a JSON object; otherwise what it was instead.
    #[serde(skip)]
    pub not_an_object: Option<&'static str>,
    #[serde(flatten)]
    pub fields: Fields,
}

/// The fields of a detail that is a JSON object. The names are `names`' (a test checks that
/// each one lands in its field).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fields {
    #[serde(rename = "Record_Id__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<Value>,
    #[serde(rename = "Action__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Value>,
    #[serde(rename = "Region__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Value>,
    #[serde(rename = "Config_Type__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_type: Option<Value>,
    #[serde(rename = "Config_Key__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_key: Option<Value>,
    #[serde(rename = "Name__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Value>,
    #[serde(rename = "Message__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Value>,
    #[serde(rename = "Open_Time__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_time: Option<Value>,
    #[serde(rename = "Close_Time__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_time: Option<Value>,
    #[serde(rename = "Time_Zone__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Value>,
    #[serde(rename = "Requested_By__c", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<Value>,
    #[serde(rename = "EventUuid", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_uuid: Option<Value>,
    #[serde(rename = "CreatedDate", default, deserialize_with = "present")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date: Option<Value>,
    /// Every other field, of any type.
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// A field that is there, whatever its value: `null` is `Some(Value::Null)`, not `None`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A JSON value's type, for a message ("is a number; expected ...").
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "text",
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Detail {
    /// A known field by its API name (`names`); `None` when absent or not a known name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let f = &self.fields;
        match name {
            names::RECORD_ID => f.record_id.as_ref(),
            names::ACTION => f.action.as_ref(),
            names::REGION => f.region.as_ref(),
            names::CONFIG_TYPE => f.config_type.as_ref(),
            names::CONFIG_KEY => f.config_key.as_ref(),
            names::NAME => f.name.as_ref(),
            names::MESSAGE => f.message.as_ref(),
            names::OPEN_TIME => f.open_time.as_ref(),
            names::CLOSE_TIME => f.close_time.as_ref(),
            names::TIME_ZONE => f.time_zone.as_ref(),
            names::REQUESTED_BY => f.requested_by.as_ref(),
            names::EVENT_UUID => f.event_uuid.as_ref(),
            names::CREATED_DATE => f.created_date.as_ref(),
            _ => None,
        }
    }

    pub fn has_business_fields(&self) -> bool {
        names::BUSINESS.iter().any(|n| self.get(n).is_some())
    }

    /// The text values of the fields that are not known ones (where a pointer may be).
    pub fn other_text(&self) -> impl Iterator<Item = &str> {
        self.fields.rest.values().filter_map(Value::as_str)
    }
}

/// Any JSON is a detail: an object's fields are read (none of them can fail to parse, every
/// field taking any value); anything else is only described.
impl TryFrom<Value> for Detail {
    type Error = serde_json::Error;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Ok(match value {
            Value::Object(_) => Detail {
                not_an_object: None,
                fields: serde_json::from_value(value)?,
            },
            other => Detail {
                not_an_object: Some(kind(&other)),
                fields: Fields::default(),
            },
        })
    }
}

/// Convenience for building a detail in tests and tools.
impl std::str::FromStr for Detail {
    type Err = serde_json::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_types_of_known_fields_and_text_of_unknown_ones() {
        let d: Detail = r#"{"Record_Id__c":"a0B5g00000XyZab","Action__c":["ADD"],
            "Name__c":null,"Message__c":12,"Extra":"s3://b/k","Nested":{"x":1}}"#
            .parse()
            .unwrap();
        assert_eq!(d.not_an_object, None);
        assert_eq!(d.get(names::RECORD_ID), Some(&json!("a0B5g00000XyZab")));
        assert_eq!(d.get(names::ACTION).map(kind), Some("a list"));
        assert_eq!(d.get(names::NAME), Some(&Value::Null));
        assert_eq!(d.get(names::MESSAGE).map(kind), Some("a number"));
        assert_eq!(d.get(names::REGION), None);
        assert_eq!(d.other_text().collect::<Vec<_>>(), ["s3://b/k"]);
        assert!(d.has_business_fields());
    }

    #[test]
    fn any_json_is_a_detail() {
        for (json, kind) in [
            ("[1,2]", "a list"),
            ("\"x\"", "text"),
            ("null", "null"),
            ("3", "a number"),
        ] {
            let d: Detail = json.parse().unwrap();
            assert_eq!(d.not_an_object, Some(kind), "{json}");
        }
    }

    #[test]
    fn every_known_name_has_its_field() {
        let known = names::CUSTOM
            .iter()
            .chain(&[names::EVENT_UUID, names::CREATED_DATE]);
        for name in known {
            let d: Detail = serde_json::from_value(json!({ *name: "x" })).unwrap();
            assert_eq!(d.get(name), Some(&json!("x")), "{name}");
            assert!(d.fields.rest.is_empty(), "{name} landed in rest");
        }
    }

    #[test]
    fn a_repeated_field_keeps_its_last_value() {
        let d: Detail = r#"{"Region__c":"a","Region__c":"b"}"#.parse().unwrap();
        assert_eq!(d.get(names::REGION), Some(&json!("b")));
    }

    #[test]
    fn serializes_as_it_arrived() {
        let value =
            json!({"Record_Id__c": "r", "Name__c": null, "Message__c": 12, "s3Url": "s3://b/k"});
        let d: Detail = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap(), value);
    }
}
