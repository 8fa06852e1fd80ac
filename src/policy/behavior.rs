//! The HPA's `behavior`, as the Kubernetes controller runs it (`horizontal.go`:
//! `calculateScaleUpLimitWithScalingRules`, `calculateScaleDownLimitWithBehaviors`,
//! `getReplicasChangePerPeriod`). Pure.
//!
//! - Each direction has scaling policies (`Pods` or `Percent`, a value, a `periodSeconds`) and a
//!   `selectPolicy`: `Max` (the default: the policy allowing the largest change wins), `Min` or
//!   `Disabled` (no change that way at all).
//! - A policy's limit is measured from the replica count at the start of its period: the current
//!   count minus what was added in the period plus what was removed (the scale events of the
//!   last `periodSeconds`). Scale-up: `Pods` start + value, `Percent` ceil(start × (1 + v/100));
//!   scale-down: `Pods` start − value, `Percent` trunc(start × (1 − v/100)).
//! - A limit beyond the current count the other way is the current count (no scaling back).
//! - Without `behavior`, the Kubernetes defaults: up max(100 %, 4 pods) per 15 s, no window;
//!   down 100 % per 15 s with a 300 s window.
//!
//! Scale events are read from the history: a change of the optional sample field `replicas`
//! between two timestamped samples is an event at the later sample's time.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::sample::Sample;

/// `Pods` or `Percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyType {
    /// A number of pods per period.
    Pods,
    /// A percentage of the period's starting count per period.
    Percent,
}

/// One scaling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RatePolicy {
    /// `Pods` or `Percent`.
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// Pods, or percent.
    pub value: u32,
    /// The period in seconds.
    pub period_seconds: u32,
}

/// `selectPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Select {
    /// The policy allowing the largest change.
    #[default]
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

impl Select {
    /// The manifest word.
    pub fn as_str(self) -> &'static str {
        match self {
            Select::Max => "Max",
            Select::Min => "Min",
            Select::Disabled => "Disabled",
        }
    }
}

/// One direction's rules (`scaleUp` or `scaleDown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// The stabilization window.
    pub window: Duration,
    /// The policies.
    pub policies: Vec<RatePolicy>,
    /// How the policies combine.
    pub select: Select,
}

/// Both directions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Behavior {
    /// `scaleUp`.
    pub scale_up: Rules,
    /// `scaleDown`.
    pub scale_down: Rules,
}

impl Rules {
    /// The Kubernetes default `scaleUp`: 100 % or 4 pods per 15 s, whichever is more, no window.
    pub fn default_up() -> Rules {
        Rules {
            window: Duration::ZERO,
            policies: vec![
                RatePolicy {
                    kind: PolicyType::Percent,
                    value: 100,
                    period_seconds: 15,
                },
                RatePolicy {
                    kind: PolicyType::Pods,
                    value: 4,
                    period_seconds: 15,
                },
            ],
            select: Select::Max,
        }
    }

    /// The Kubernetes default `scaleDown`: 100 % per 15 s, 300 s window.
    pub fn default_down() -> Rules {
        Rules {
            window: Duration::from_secs(300),
            policies: vec![RatePolicy {
                kind: PolicyType::Percent,
                value: 100,
                period_seconds: 15,
            }],
            select: Select::Max,
        }
    }

    /// A short description, e.g. "Percent 100/15s or Pods 4/15s (Max)".
    pub fn describe(&self) -> String {
        if self.select == Select::Disabled {
            return "Disabled".to_string();
        }
        let each: Vec<String> = self
            .policies
            .iter()
            .map(|p| {
                let unit = if p.kind == PolicyType::Percent {
                    "%"
                } else {
                    " pods"
                };
                format!("{}{unit} per {}s", p.value, p.period_seconds)
            })
            .collect();
        format!("{} ({})", each.join(" or "), self.select.as_str())
    }
}

impl Default for Behavior {
    /// The Kubernetes defaults.
    fn default() -> Self {
        Behavior {
            scale_up: Rules::default_up(),
            scale_down: Rules::default_down(),
        }
    }
}

/// A change of the replica count: positive added, negative removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScaleEvent {
    /// When it was observed.
    pub at: Timestamp,
    /// Replicas added (positive) or removed (negative).
    pub change: i64,
}

/// The replica count a sample recorded (its optional `replicas` field), if any.
pub fn observed_replicas(sample: &Sample) -> Option<u32> {
    sample
        .extra
        .get("replicas")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// The scale events in a history: every change of `replicas` between consecutive samples that
/// both record it, at the later sample's timestamp (samples without a timestamp are skipped).
pub fn events_from_history(history: &[Sample]) -> Vec<ScaleEvent> {
    let mut events = Vec::new();
    let mut last: Option<u32> = None;
    for s in history {
        let Some(n) = observed_replicas(s) else {
            continue;
        };
        if let (Some(before), Some(at)) = (last, s.timestamp)
            && before != n
        {
            events.push(ScaleEvent {
                at,
                change: i64::from(n) - i64::from(before),
            });
        }
        last = Some(n);
    }
    events
}

/// Replicas added (`up`) or removed (`!up`) by events after `now − period`, as a positive count.
fn change_in_period(events: &[ScaleEvent], period_seconds: u32, now: Timestamp, up: bool) -> i64 {
    let cutoff = now
        .checked_sub(SignedDuration::from_secs(i64::from(period_seconds)))
        .unwrap_or(Timestamp::MIN);
    events
        .iter()
        .filter(|e| e.at > cutoff && (e.change > 0) == up)
        .map(|e| e.change.abs())
        .sum()
}

fn period_start(current: i64, events: &[ScaleEvent], period: u32, now: Timestamp) -> i64 {
    current - change_in_period(events, period, now, true)
        + change_in_period(events, period, now, false)
}

/// The most replicas the scale-up rules allow from `current` at `now` (before the "never below
/// current" guard), as `calculateScaleUpLimitWithScalingRules`.
pub fn scale_up_limit(current: u32, events: &[ScaleEvent], rules: &Rules, now: Timestamp) -> i64 {
    let current = i64::from(current);
    let each = rules.policies.iter().map(|p| {
        let start = period_start(current, events, p.period_seconds, now);
        match p.kind {
            PolicyType::Pods => start + i64::from(p.value),
            // int32(math.Ceil(float64(start) * (1 + value/100)))
            PolicyType::Percent => {
                (start as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil() as i64
            }
        }
    });
    match rules.select {
        Select::Disabled => current,
        Select::Min => each.min().unwrap_or(i64::from(i32::MAX)),
        Select::Max => each.max().unwrap_or(i64::from(i32::MIN)),
    }
}

/// The fewest replicas the scale-down rules allow from `current` at `now`, as
/// `calculateScaleDownLimitWithBehaviors`.
pub fn scale_down_limit(current: u32, events: &[ScaleEvent], rules: &Rules, now: Timestamp) -> i64 {
    let current = i64::from(current);
    let each = rules.policies.iter().map(|p| {
        let start = period_start(current, events, p.period_seconds, now);
        match p.kind {
            PolicyType::Pods => start - i64::from(p.value),
            // int32(float64(start) * (1 - value/100)): truncation toward zero.
            PolicyType::Percent => (start as f64 * (1.0 - f64::from(p.value) / 100.0)) as i64,
        }
    });
    match rules.select {
        Select::Disabled => current,
        Select::Min => each.max().unwrap_or(i64::from(i32::MIN)),
        Select::Max => each.min().unwrap_or(i64::from(i32::MAX)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn ev(secs: i64, change: i64) -> ScaleEvent {
        ScaleEvent {
            at: at(secs),
            change,
        }
    }

    fn pods(value: u32, period: u32) -> RatePolicy {
        RatePolicy {
            kind: PolicyType::Pods,
            value,
            period_seconds: period,
        }
    }

    fn percent(value: u32, period: u32) -> RatePolicy {
        RatePolicy {
            kind: PolicyType::Percent,
            value,
            period_seconds: period,
        }
    }

    fn rules(policies: Vec<RatePolicy>, select: Select) -> Rules {
        Rules {
            window: Duration::ZERO,
            policies,
            select,
        }
    }

    #[test]
    fn default_scale_up_is_double_or_plus_four() {
        let r = Rules::default_up();
        assert_eq!(scale_up_limit(2, &[], &r, at(0)), 6);
        assert_eq!(scale_up_limit(10, &[], &r, at(0)), 20);
        assert_eq!(
            r.describe(),
            "100% per 15s or 4 pods per 15s (Max)".to_string()
        );
        assert_eq!(scale_down_limit(10, &[], &Rules::default_down(), at(0)), 0);
    }

    #[test]
    fn events_inside_the_period_move_its_start() {
        let r = rules(vec![pods(4, 60)], Select::Max);
        // 3 added 30 s ago: the period started at 7, so at most 11.
        assert_eq!(scale_up_limit(10, &[ev(-30, 3)], &r, at(0)), 11);
        // Exactly 60 s ago is outside (strictly after the cutoff counts).
        assert_eq!(scale_up_limit(10, &[ev(-60, 3)], &r, at(0)), 14);
        // Removals inside the period raise the start.
        assert_eq!(scale_up_limit(10, &[ev(-10, -2)], &r, at(0)), 16);
        let d = rules(vec![percent(50, 60)], Select::Max);
        // Start 10 + 0: 50 % → 5; after 2 removed within the period, the start is 12 → 6.
        assert_eq!(scale_down_limit(10, &[], &d, at(0)), 5);
        assert_eq!(scale_down_limit(10, &[ev(-5, -2)], &d, at(0)), 6);
        // Truncation: 7 × 0.5 = 3.5 → 3.
        assert_eq!(scale_down_limit(7, &[], &d, at(0)), 3);
    }

    #[test]
    fn select_policy_max_min_disabled() {
        let up = vec![percent(100, 15), pods(5, 15)];
        assert_eq!(
            scale_up_limit(3, &[], &rules(up.clone(), Select::Max), at(0)),
            8
        );
        assert_eq!(
            scale_up_limit(3, &[], &rules(up.clone(), Select::Min), at(0)),
            6
        );
        assert_eq!(
            scale_up_limit(3, &[], &rules(up, Select::Disabled), at(0)),
            3
        );
        let down = vec![percent(50, 60), pods(1, 60)];
        assert_eq!(
            scale_down_limit(10, &[], &rules(down.clone(), Select::Max), at(0)),
            5
        );
        assert_eq!(
            scale_down_limit(10, &[], &rules(down, Select::Min), at(0)),
            9
        );
    }

    #[test]
    fn events_come_from_changes_of_recorded_replicas() {
        let s = |secs: Option<i64>, n: Option<u64>| {
            let mut x = Sample {
                timestamp: secs.map(at),
                ..Sample::default()
            };
            if let Some(n) = n {
                x.extra.insert("replicas".into(), n.into());
            }
            x
        };
        let h = vec![
            s(Some(0), Some(3)),
            s(Some(10), None),
            s(Some(20), Some(5)),
            s(Some(30), Some(5)),
            s(Some(40), Some(4)),
            s(None, Some(9)),
            s(Some(60), Some(9)),
        ];
        assert_eq!(observed_replicas(&h[0]), Some(3));
        assert_eq!(observed_replicas(&h[1]), None);
        // 3 → 5 at 20, 5 → 4 at 40, 4 → 9 without a timestamp (skipped), none at 60.
        assert_eq!(events_from_history(&h), vec![ev(20, 2), ev(40, -1)]);
    }
}
