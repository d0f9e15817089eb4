//! The Salesforce source in `salesforce/` and the handlers agree on every name: the platform
//! event's fields are exactly the ones ingest reads, the publishing flow fills every one, and
//! the request object has every column of the status CSV that AppFlow upserts onto it.

use std::collections::BTreeSet;
use std::path::Path;

use sfbridge::ingest::event::names;
use sfbridge::status_csv::csv_file::HEADER;

const OBJECTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/salesforce/force-app/main/default/objects"
);

fn field_files(object: &str) -> BTreeSet<String> {
    let dir = Path::new(OBJECTS).join(object).join("fields");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .map(|f| {
            f.strip_suffix(".field-meta.xml")
                .unwrap_or_else(|| panic!("unexpected file {f}"))
                .to_string()
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn platform_event_fields_are_exactly_what_ingest_reads() {
    assert_eq!(field_files("Config_Change__e"), set(names::CUSTOM));
}

#[test]
fn every_field_file_names_itself() {
    for object in ["Config_Change__e", "Config_Request__c"] {
        for field in field_files(object) {
            let path = Path::new(OBJECTS)
                .join(object)
                .join("fields")
                .join(format!("{field}.field-meta.xml"));
            let text = std::fs::read_to_string(&path).expect("readable");
            assert!(
                text.contains(&format!("<fullName>{field}</fullName>")),
                "{} names another field",
                path.display()
            );
        }
    }
}

#[test]
fn the_flow_publishes_every_event_field() {
    let flow = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/salesforce/force-app/main/default/flows/Config_Request_Publish_Change.flow-meta.xml"
    ))
    .expect("flow");
    let assigned: BTreeSet<String> = flow
        .split("<field>")
        .skip(1)
        .filter_map(|s| s.split("</field>").next())
        .map(str::to_string)
        .collect();
    assert_eq!(assigned, set(names::CUSTOM));
    assert!(
        flow.contains("<object>Config_Change__e</object>")
            && flow.contains("<recordTriggerType>Create</recordTriggerType>")
    );
}

#[test]
fn the_request_object_has_every_status_column_and_request_field() {
    let fields = field_files("Config_Request__c");
    // The CSV's Id column is the record's standard Id.
    assert_eq!(HEADER[0], "Id");
    for column in &HEADER[1..] {
        assert!(
            fields.contains(*column),
            "Config_Request__c has no {column}"
        );
    }
    // Every event field but the record id comes from a field of the request.
    for field in names::CUSTOM.iter().filter(|f| **f != names::RECORD_ID) {
        assert!(fields.contains(*field), "Config_Request__c has no {field}");
    }
}

#[test]
fn the_platform_event_publishes_after_commit() {
    let object = std::fs::read_to_string(
        Path::new(OBJECTS).join("Config_Change__e/Config_Change__e.object-meta.xml"),
    )
    .expect("object");
    assert!(object.contains("<publishBehavior>PublishAfterCommit</publishBehavior>"));
}
