//! sfbridge: carries contact-centre configuration changes from Salesforce into DynamoDB and
//! reports the outcome back. One crate, one multicall `bootstrap` binary; see `DESIGN.md`.
//!
//! Layout: `dispatch` picks a handler by name, `config` reads each handler's environment once,
//! `model` holds the table's item shapes and keys, `ports` the narrow traits the handlers work
//! against, `adapters` their AWS implementations (and, with the `fakes` feature, in-memory ones
//! for tests and benchmarks), and one module per handler.

pub mod adapters;
pub mod aws;
pub mod calendar;
pub mod config;
pub mod connect_lookup;
pub mod dispatch;
pub mod error;
pub mod flow_guard;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod notify;
pub mod ports;
pub mod status_csv;
pub mod stream;
pub mod text;
