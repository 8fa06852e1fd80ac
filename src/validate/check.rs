//! The result of one readiness check: stable id, category, status, evidence and a hint.

use serde::Serialize;

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Verified against the real system.
    Pass,
    /// Works, but not as the guide recommends.
    Warn,
    /// Not ready: scaling would be unsafe.
    Fail,
    /// Only a person can vouch for this (and nobody has attested it).
    Manual,
    /// The source this check needs was not given.
    Skip,
}

impl Status {
    /// The lowercase word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Manual => "manual",
            Status::Skip => "skip",
        }
    }
}

/// One checklist item's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Stable id, e.g. `infrastructure.redis_ha`.
    pub id: String,
    /// The seed's group: infrastructure, configuration, performance, reliability.
    pub category: String,
    /// The outcome.
    pub status: Status,
    /// The evidence, e.g. "master 127.0.0.1:7002 has 0 replicas".
    pub message: String,
    /// A one-line remediation hint (empty when passing).
    pub hint: String,
}

impl Check {
    /// A result for `id` (`category.name`); the category is the part before the first dot.
    pub fn new(
        id: &str,
        status: Status,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Check {
        let category = id.split('.').next().unwrap_or(id).to_string();
        Check {
            id: id.to_string(),
            category,
            status,
            message: message.into(),
            hint: hint.into(),
        }
    }
}
