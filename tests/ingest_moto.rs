//! `ingest` scenarios through the DynamoDB and S3 adapters against the local moto server.
mod support;

use support::moto::MotoWorld;

ingest_scenarios!(MotoWorld::new().await);
