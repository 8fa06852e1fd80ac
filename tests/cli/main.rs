//! End-to-end tests of the `rizk-scale` binary against temp directories.

// Helpers outside #[test] functions panic on purpose: a panic is a test failure.
#![allow(clippy::unwrap_used)]

mod collect;
mod history_safety;
mod monitor;
mod recommend;
mod util;
