//! End-to-end tests of the `rizk-scale` binary against temp directories.

// Helpers outside #[test] functions are test code too (clippy.toml only covers #[test]).
#![allow(clippy::unwrap_used)]

mod collect;
mod history;
mod history_safety;
mod recommend;
mod schema;
mod util;
mod version;
