//! End-to-end tests of the `rizk-scale` binary against temp directories, one module per command
//! (`util` holds their helpers, also used by `faults`).

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
pub mod util;
mod validate;
mod verbose;
mod version;
