//! Helpers shared by the integration-test modules (`use crate::common;`).

pub mod redis;
pub mod schema;
pub mod verdict;
