//! The `detail` of a `Config_Change__e` event, parsed leniently: every known field is kept as
//! whatever JSON type arrived, so a wrong type becomes a validation failure naming that field
//! instead of a parse error that loses the whole event. Validation happens in `validate`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

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

/// One field's value as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text(String),
    Null,
    /// Any other JSON type, described for a message ("a number", "a list", ...).
    Other(&'static str),
}

impl Field {
    pub fn kind(&self) -> &'static str {
        match self {
            Field::Text(_) => "text",
            Field::Null => "null",
            Field::Other(kind) => kind,
        }
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Field, E> {
        Ok(Field::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Field, E> {
        Ok(Field::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Field, E> {
        Ok(Field::Null)
    }
    fn visit_none<E>(self) -> Result<Field, E> {
        Ok(Field::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Field, E> {
        Ok(Field::Other("true/false"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Field, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Field, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Field, E> {
        Ok(Field::Other("a number"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other("an object"))
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

/// Unknown text fields kept for payload-pointer detection; more than this many are ignored.
const MAX_OTHER_TEXT: usize = 32;

/// The event detail. Fields absent from the JSON are absent here; unknown fields are ignored,
/// except that the first few unknown *text* fields are kept, because AppFlow's payload pointer
/// may arrive under any field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// `None` when the detail was a JSON object; otherwise what it was instead.
    pub not_an_object: Option<&'static str>,
    pub fields: BTreeMap<&'static str, Field>,
    pub other_text: BTreeMap<String, String>,
}

impl Detail {
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.get(name)
    }

    pub fn has_business_fields(&self) -> bool {
        names::BUSINESS.iter().any(|n| self.fields.contains_key(n))
    }
}

struct DetailVisitor;

impl<'de> Visitor<'de> for DetailVisitor {
    type Value = Detail;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the event detail")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Detail, A::Error> {
        let mut detail = Detail::default();
        while let Some(key) = map.next_key::<String>()? {
            let value: Field = map.next_value()?;
            let known = names::CUSTOM
                .iter()
                .chain([names::EVENT_UUID, names::CREATED_DATE].iter())
                .find(|k| **k == key);
            if let Some(known) = known {
                detail.fields.insert(known, value);
            } else if let Field::Text(text) = value {
                if detail.other_text.len() < MAX_OTHER_TEXT {
                    detail.other_text.insert(key, text);
                }
            }
        }
        Ok(detail)
    }

    fn visit_str<E>(self, _: &str) -> Result<Detail, E> {
        Ok(not_an_object("text"))
    }
    fn visit_unit<E>(self) -> Result<Detail, E> {
        Ok(not_an_object("null"))
    }
    fn visit_none<E>(self) -> Result<Detail, E> {
        Ok(not_an_object("null"))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Detail, D::Error> {
        d.deserialize_any(DetailVisitor)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Detail, E> {
        Ok(not_an_object("true/false"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Detail, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Detail, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Detail, E> {
        Ok(not_an_object("a number"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Detail, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(not_an_object("a list"))
    }
}

fn not_an_object(kind: &'static str) -> Detail {
    Detail {
        not_an_object: Some(kind),
        ..Detail::default()
    }
}

impl<'de> Deserialize<'de> for Detail {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Detail, D::Error> {
        d.deserialize_any(DetailVisitor)
    }
}

/// Needed only because the envelope type requires it; values of other JSON types are written
/// back as null. Nothing in sfbridge serializes a detail.
impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len() + self.other_text.len()))?;
        for (k, v) in &self.fields {
            match v {
                Field::Text(t) => map.serialize_entry(k, t)?,
                _ => map.serialize_entry(k, &())?,
            }
        }
        for (k, v) in &self.other_text {
            map.serialize_entry(k, v)?;
        }
        map.end()
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

    #[test]
    fn keeps_types_of_known_fields_and_text_of_unknown_ones() {
        let d: Detail = r#"{"Record_Id__c":"a0B5g00000XyZab","Action__c":["ADD"],
            "Name__c":null,"Message__c":12,"Extra":"s3://b/k","Nested":{"x":1}}"#
            .parse()
            .unwrap();
        assert_eq!(d.not_an_object, None);
        assert_eq!(
            d.get(names::RECORD_ID),
            Some(&Field::Text("a0B5g00000XyZab".into()))
        );
        assert_eq!(d.get(names::ACTION), Some(&Field::Other("a list")));
        assert_eq!(d.get(names::NAME), Some(&Field::Null));
        assert_eq!(d.get(names::MESSAGE), Some(&Field::Other("a number")));
        assert_eq!(
            d.other_text.get("Extra").map(String::as_str),
            Some("s3://b/k")
        );
        assert!(!d.other_text.contains_key("Nested"));
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
}
