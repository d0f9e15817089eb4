//! `ingest` scenarios against the in-memory fakes (fast, no emulator).
mod support;

use support::MemoryWorld;

ingest_scenarios!(MemoryWorld::new());
