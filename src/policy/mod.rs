//! Policies: pure functions from a history (`&[Sample]`) to a [`Recommendation`].
//!
//! Nothing here does I/O; the clock is passed in, so every branch is tested with hand-built data.

pub mod behavior;
pub mod engine;
pub mod fleet;
pub mod hpa;
pub mod replay;
pub mod smoothing;
pub mod stabilization;
pub mod threshold;
pub mod whatif;

use serde::Serialize;

use crate::sample::Metric;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ScaleUp,
    ScaleDown,
    Maintain,
    Wait,
}

impl Action {
    /// The contract word (`scale_up`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ScaleUp => "scale_up",
            Action::ScaleDown => "scale_down",
            Action::Maintain => "maintain",
            Action::Wait => "wait",
        }
    }
}

/// Which way a condition pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

/// Whether a condition holds on the sample evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CondState {
    Met,
    NotMet,
    /// The metric is unknown: never counts for scale-up, blocks scale-down.
    Unknown,
}

/// One threshold comparison, as shown in the table and in `recommend --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The metric compared.
    pub metric: Metric,
    /// `up`: value > threshold; `down`: value < threshold.
    pub direction: Direction,
    /// The value compared (`null` when unknown).
    pub value: Option<f64>,
    /// The threshold it is compared with.
    pub threshold: f64,
    /// The outcome.
    pub state: CondState,
    /// Why the metric is unknown (set when `state` is `unknown`, by the layer that knows the
    /// history: `collect::unknown::for_decision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<String>,
}

/// A policy's decision with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// What to do.
    pub action: Action,
    /// Replicas to add (positive) or remove (negative).
    pub replica_delta: i64,
    /// Why, in one sentence.
    pub reason: String,
    /// How many samples the history held.
    pub samples: usize,
    /// Every condition evaluated, scale-up ones first.
    pub conditions: Vec<Condition>,
}

/// Replica bounds, as in the seed's HPA (3..50).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaBounds {
    /// Never recommend fewer.
    pub min: u32,
    /// Never recommend more.
    pub max: u32,
}

impl Default for ReplicaBounds {
    fn default() -> Self {
        ReplicaBounds { min: 3, max: 50 }
    }
}

/// The replica count a delta leads to from `current`, clamped into `bounds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplicaTarget {
    /// Replicas running now.
    pub current_replicas: u32,
    /// Replicas recommended, within the bounds.
    pub target_replicas: u32,
    /// Whether the bounds changed the target.
    pub clamped: bool,
}

/// Apply `delta` to `current` within `bounds` (assumed `min <= max`).
pub fn target_replicas(current: u32, delta: i64, bounds: ReplicaBounds) -> ReplicaTarget {
    let wanted = i64::from(current).saturating_add(delta);
    let target = wanted.clamp(i64::from(bounds.min), i64::from(bounds.max));
    ReplicaTarget {
        current_replicas: current,
        // `target` lies within two u32 bounds.
        target_replicas: u32::try_from(target).unwrap_or(bounds.max),
        clamped: target != wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_clamped_into_bounds() {
        let b = ReplicaBounds { min: 3, max: 50 };
        assert_eq!(
            target_replicas(5, 2, b),
            ReplicaTarget {
                current_replicas: 5,
                target_replicas: 7,
                clamped: false
            }
        );
        assert_eq!(target_replicas(49, 3, b).target_replicas, 50);
        assert!(target_replicas(49, 3, b).clamped);
        assert_eq!(target_replicas(3, -1, b).target_replicas, 3);
        assert!(target_replicas(3, -1, b).clamped);
        // Below the minimum already and told to maintain: brought up to the minimum.
        assert_eq!(target_replicas(1, 0, b).target_replicas, 3);
        assert!(!target_replicas(10, 0, b).clamped);
    }
}
