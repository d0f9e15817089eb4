//! `ingest` scenarios through the DynamoDB and S3 adapters against the local moto server.
mod support;

use support::moto::MotoWorld;

scenario_tests! { MotoWorld::new().await;
    add_of_each_config_type,
    delete_leaves_a_tombstone_that_blocks_older_adds,
    same_event_twice_writes_once,
    older_event_after_newer_is_superseded,
    invalid_requests_fail_naming_the_field,
    pointer_payload_from_the_allowed_bucket_is_applied,
    pointer_to_another_bucket_is_rejected,
    event_without_record_id_is_rejected_whole,
    table_unavailable_returns_retryable_and_writes_nothing,
}
