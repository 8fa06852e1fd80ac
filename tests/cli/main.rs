//! End-to-end tests of the `rizk-scale` binary against temp directories.

// Helpers outside #[test] functions unwrap too: this whole crate is test code.
#![allow(clippy::unwrap_used)]

mod collect;
mod history_safety;
mod monitor;
mod recommend;
mod util;
