//! Helpers shared by the integration tests (`mod common;` in each test file).

// Each test binary uses a different subset of the helpers.
#![allow(dead_code)]

pub mod redis;
pub mod schema;
