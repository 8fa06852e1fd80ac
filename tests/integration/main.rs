//! The integration tests: one binary (as ripgrep's `tests/tests.rs` and bottom's
//! `tests/integration/main.rs`), one module per area, sharing `common` (Redis servers, the JSON
//! schema checker) and `cli::util` (the binary in a temp HOME) as ordinary modules.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod cli;
mod coherence;
mod common;
mod endpoints;
mod exporter_corpus;
mod exporter_promtool;
mod exposition_cli;
mod faults;
mod fleet_bench;
mod fleet_history;
mod fleet_lease;
mod fleet_monitor;
mod generated;
mod host_cpu;
mod k8s_hpa;
mod layers;
mod mistakes;
mod openmetrics_conformance;
mod partial;
mod prometheus_source;
mod redis_conn;
mod redis_connections;
mod redis_validate;
mod replay_prometheus;
mod sample_values;
mod secrets;
mod settings_agree;
mod settings_env;
mod terminal;
mod unknown_reasons;
mod validate_fixtures;
mod validate_realworld;
