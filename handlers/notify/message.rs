//! The notification a business user reads: a short subject naming the record and the status,
//! a plain-text body, and the attributes DESIGN.md lists for subscription filters.

use std::collections::BTreeMap;

use crate::model::{ConfigType, RequestItem, Status};
use crate::ports::Message;
use crate::text::truncate;

/// SNS allows subjects under 100 characters.
pub const MAX_SUBJECT_CHARS: usize = 99;

pub fn render(request: &RequestItem) -> Message {
    let outcome = match request.status {
        Status::Success => "applied",
        Status::Fail => "not applied",
    };
    let subject = truncate(
        &format!(
            "Config request {}: {} ({outcome})",
            request.record_id,
            request.status.as_str()
        ),
        MAX_SUBJECT_CHARS,
    );

    let mut body = format!(
        "Your contact-centre configuration request {} was {outcome}.\n\n{}\n\n",
        request.record_id, request.message
    );
    let what = describe(request);
    if !what.is_empty() {
        body.push_str(&format!("Request:      {what}\n"));
    }
    body.push_str(&format!(
        "Status:       {}\nProcessed at: {} (UTC)\nSalesforce event: {}\n\n",
        request.status.as_str(),
        request.processed_at,
        request.event_id
    ));
    body.push_str(
        "The Salesforce record shows the same status within minutes.\n\
         You receive this email because you subscribed to sfbridge status notifications.\n",
    );

    // SNS refuses empty attribute values: unknown ones are left out.
    let mut attributes = BTreeMap::new();
    attributes.insert("status", request.status.as_str().to_string());
    attributes.insert("record_id", request.record_id.clone());
    if let Some(region) = request.region.as_ref().filter(|r| !r.is_empty()) {
        attributes.insert("region", region.clone());
    }
    if let Some(action) = request.action {
        attributes.insert("action", action.as_str().to_string());
    }
    if let Some(by) = request.requested_by.as_ref().filter(|b| !b.is_empty()) {
        attributes.insert("requested_by", by.clone());
    }
    Message {
        subject,
        body,
        attributes,
    }
}

/// "ADD HOLIDAY 2026-12-25 for region emea-uk", as far as it is known.
fn describe(r: &RequestItem) -> String {
    let mut parts = Vec::new();
    if let Some(action) = r.action {
        parts.push(action.as_str().to_string());
    }
    if let Some(t) = r.config_type {
        parts.push(match t {
            ConfigType::Holiday => "HOLIDAY".to_string(),
            ConfigType::Hours => "HOURS".to_string(),
            ConfigType::Timezone => "TIMEZONE".to_string(),
        });
    }
    if let Some(key) = &r.config_key {
        parts.push(key.clone());
    }
    if let Some(region) = &r.region {
        parts.push(format!("for region {region}"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;

    fn request(status: Status) -> RequestItem {
        RequestItem {
            pk: "REQUEST#a0B5g00000XyZabCDE".into(),
            sk: "EVENT#e-1".into(),
            record_id: "a0B5g00000XyZabCDE".into(),
            event_id: "e-1".into(),
            action: Some(Action::Delete),
            region: Some("emea-uk".into()),
            config_type: Some(ConfigType::Holiday),
            config_key: Some("2026-12-25".into()),
            status,
            message: "Holiday on 2026-12-25 removed for region emea-uk.".into(),
            processed_at: "2026-11-27T10:00:00.000Z".into(),
            requested_by: Some("ana@example.com".into()),
            ttl: 0,
        }
    }

    #[test]
    fn subject_names_record_and_status() {
        let m = render(&request(Status::Success));
        assert_eq!(
            m.subject,
            "Config request a0B5g00000XyZabCDE: Success (applied)"
        );
        assert!(m.subject.chars().count() < 100);
        let m = render(&request(Status::Fail));
        assert_eq!(
            m.subject,
            "Config request a0B5g00000XyZabCDE: Fail (not applied)"
        );
    }

    #[test]
    fn body_explains_in_plain_text() {
        let m = render(&request(Status::Success));
        assert!(m.body.starts_with(
            "Your contact-centre configuration request a0B5g00000XyZabCDE was applied."
        ));
        assert!(m
            .body
            .contains("Holiday on 2026-12-25 removed for region emea-uk."));
        assert!(m
            .body
            .contains("Request:      DELETE HOLIDAY 2026-12-25 for region emea-uk"));
    }

    #[test]
    fn attributes_carry_what_is_known() {
        let m = render(&request(Status::Fail));
        let got: Vec<(&str, &str)> = m.attributes.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("action", "DELETE"),
                ("record_id", "a0B5g00000XyZabCDE"),
                ("region", "emea-uk"),
                ("requested_by", "ana@example.com"),
                ("status", "Fail"),
            ]
        );
        let mut unknown = request(Status::Fail);
        unknown.region = None;
        unknown.action = None;
        unknown.requested_by = None;
        let keys: Vec<&str> = render(&unknown).attributes.keys().copied().collect();
        assert_eq!(keys, vec!["record_id", "status"]);
    }
}
