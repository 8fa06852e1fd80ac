//! End-to-end tests of the `rizk-scale` binary against temp directories.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod ci_script;
mod collect;
mod config;
mod endpoints;
mod history;
mod history_safety;
mod monitor;
mod recommend;
mod replay;
mod schema;
mod util;
mod validate;
mod verbose;
mod version;
