//! The status CSV contract (DESIGN.md "Status CSV"): object key, header, quoting and
//! spreadsheet-formula neutralisation.

use chrono::DateTime;

use crate::model::{Action, RequestItem, Status};

/// The columns the scheduled AppFlow flow maps onto `Config_Request__c`.
pub const HEADER: [&str; 5] = [
    "Id",
    "Sync_Status__c",
    "Sync_Message__c",
    "Synced_At__c",
    "Sync_Event_Id__c",
];

/// `<prefix><record_id>-event-<created|deleted|rejected>-<YYYY-MM-DD-HH_MM_SS>.csv`, the time
/// being `processed_at` in UTC, so a replayed stream record rewrites the same object.
pub fn object_key(prefix: &str, request: &RequestItem) -> Result<String, String> {
    let kind = match (request.status, request.action) {
        (Status::Fail, _) => "rejected",
        (Status::Success, Some(Action::Add)) => "created",
        (Status::Success, Some(Action::Delete)) => "deleted",
        (Status::Success, None) => return Err("a Success request item has no action".into()),
    };
    let at = DateTime::parse_from_rfc3339(&request.processed_at)
        .map_err(|e| {
            format!(
                "processed_at {:?} is not RFC 3339: {e}",
                request.processed_at
            )
        })?
        .to_utc();
    Ok(format!(
        "{prefix}{}-event-{kind}-{}.csv",
        request.record_id,
        at.format("%Y-%m-%d-%H_%M_%S")
    ))
}

/// One header row and one data row, UTF-8, quoted as RFC 4180 requires.
pub fn render(request: &RequestItem) -> Result<Vec<u8>, String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let row = [
        request.record_id.as_str(),
        request.status.as_str(),
        request.message.as_str(),
        request.processed_at.as_str(),
        request.event_id.as_str(),
    ];
    writer
        .write_record(HEADER)
        .and_then(|()| writer.write_record(row.iter().map(|cell| neutralise(cell).into_owned())))
        .map_err(|e| format!("cannot write CSV: {e}"))?;
    writer
        .into_inner()
        .map_err(|e| format!("cannot finish CSV: {e}"))
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's advice for
/// CSV injection). Applied to every cell: text in them came, at least in part, from users.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        status: Status,
        action: Option<Action>,
        message: &str,
        event_id: &str,
    ) -> RequestItem {
        RequestItem {
            pk: "REQUEST#a0B5g00000XyZab".into(),
            sk: format!("EVENT#{event_id}"),
            record_id: "a0B5g00000XyZab".into(),
            event_id: event_id.into(),
            action,
            region: Some("emea-uk".into()),
            config_type: None,
            config_key: None,
            status,
            message: message.into(),
            processed_at: "2026-05-19T13:23:51.250+02:00".into(),
            requested_by: None,
            ttl: 0,
        }
    }

    #[test]
    fn keys_name_the_outcome_and_utc_second() {
        let add = request(Status::Success, Some(Action::Add), "ok", "e");
        assert_eq!(
            object_key("status/", &add).unwrap(),
            "status/a0B5g00000XyZab-event-created-2026-05-19-11_23_51.csv"
        );
        let del = request(Status::Success, Some(Action::Delete), "ok", "e");
        assert!(object_key("", &del).unwrap().contains("-event-deleted-"));
        let fail = request(Status::Fail, None, "bad", "e");
        assert!(object_key("p/", &fail)
            .unwrap()
            .starts_with("p/a0B5g00000XyZab-event-rejected-"));
        assert!(object_key("", &request(Status::Success, None, "?", "e")).is_err());
    }

    #[test]
    fn rows_are_quoted_and_formulas_neutralised() {
        let r = request(
            Status::Fail,
            Some(Action::Add),
            "Name__c \"x\", line\nbreak",
            "=HYPERLINK(\"http://evil\")",
        );
        let text = String::from_utf8(render(&r).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap(), HEADER.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "Fail");
        assert_eq!(&rows[0][2], "Name__c \"x\", line\nbreak");
        assert_eq!(&rows[0][4], "'=HYPERLINK(\"http://evil\")");
        assert!(
            text.starts_with("Id,Sync_Status__c,Sync_Message__c,Synced_At__c,Sync_Event_Id__c\r\n")
        );
        assert!(
            text.contains("\"Name__c \"\"x\"\", line\nbreak\""),
            "{text}"
        );
    }

    #[test]
    fn every_formula_lead_is_neutralised() {
        for lead in ["=", "+", "-", "@", "\t", "\r"] {
            assert!(neutralise(&format!("{lead}1+1")).starts_with('\''));
        }
        assert_eq!(neutralise("Holiday \"=1+1\""), "Holiday \"=1+1\"");
        assert_eq!(neutralise(""), "");
    }
}
