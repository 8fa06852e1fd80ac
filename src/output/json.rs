//! JSON views: dedicated `Serialize` structs with a `schema_version`, never coloured.

use serde::Serialize;

use crate::policy::engine::{Decision, HpaDetail, Proposed};
use crate::policy::fleet::{FleetView, InstanceSeen};
use crate::policy::smoothing::Smoothing;
use crate::policy::stabilization::Held;
use crate::policy::{Condition, Recommendation, ReplicaTarget};
use crate::sample::Sample;

/// The version of every `--json` document this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// `recommend --json` (DESIGN.md contract).
#[derive(Debug, Serialize)]
pub struct RecommendView<'a> {
    pub schema_version: u32,
    pub action: &'static str,
    pub replica_delta: i64,
    pub reason: &'a str,
    pub samples: usize,
    pub conditions: Vec<ConditionView<'a>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<ReplicaTarget>,
    /// What the policy wanted before the limits (when the current count is known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Proposed>,
    /// The limits that changed it, in order (present with `proposed`; may be empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_by: Option<Vec<&'static str>>,
    /// `"hpa"` under `--policy hpa` (absent for the seed's rules, the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'static str>,
    /// `--window N`: `"window": N, "statistic": "median"`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub smoothing: Option<Smoothing>,
    /// Set when a stabilization window held the decision back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_by_window: Option<&'a Held>,
    /// `--policy hpa`: `tolerance`, `proposals`, `winner`, `limits`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub hpa: Option<&'a HpaDetail>,
    /// `--fleet`: the instances counted and left out (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet: Option<FleetJson<'a>>,
}

/// A condition, with the statistic its value is when `--window` is on.
#[derive(Debug, Serialize)]
pub struct ConditionView<'a> {
    #[serde(flatten)]
    pub condition: &'a Condition,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<&'static str>,
}

/// The `"fleet"` object of `recommend --fleet --json`.
#[derive(Debug, Serialize)]
pub struct FleetJson<'a> {
    /// Live instances whose newest samples were aggregated.
    pub instances: &'a [InstanceSeen],
    /// Instances not seen within `--max-age`, left out.
    pub stale: &'a [InstanceSeen],
    /// The highest CPU of any counted instance (the aggregate is the mean).
    pub cpu_percent_max: Option<f64>,
    /// The highest memory of any counted instance.
    pub memory_percent_max: Option<f64>,
}

impl<'a> FleetJson<'a> {
    /// The JSON view of a fleet view.
    pub fn new(view: &'a FleetView) -> Self {
        FleetJson {
            instances: &view.counted,
            stale: &view.stale,
            cpu_percent_max: view.cpu_max(),
            memory_percent_max: view.memory_max(),
        }
    }
}

impl<'a> RecommendView<'a> {
    /// The view of a recommendation (and the replica target when known).
    pub fn new(rec: &'a Recommendation, replicas: Option<ReplicaTarget>) -> Self {
        RecommendView {
            schema_version: SCHEMA_VERSION,
            action: rec.action.as_str(),
            replica_delta: rec.replica_delta,
            reason: &rec.reason,
            samples: rec.samples,
            conditions: rec
                .conditions
                .iter()
                .map(|condition| ConditionView {
                    condition,
                    statistic: None,
                })
                .collect(),
            replicas,
            proposed: None,
            limited_by: None,
            policy: None,
            smoothing: None,
            held_by_window: None,
            hpa: None,
            fleet: None,
        }
    }

    /// The view of a full decision: the contract's fields plus the optional additions.
    pub fn of_decision(d: &'a Decision) -> Self {
        let mut view = RecommendView::new(&d.recommendation, d.replicas);
        let statistic = d.smoothing.map(|s| s.statistic.as_str());
        for c in &mut view.conditions {
            c.statistic = statistic;
        }
        view.proposed = d.proposed;
        view.limited_by = limited_by(d);
        view.policy = (d.policy != "threshold").then_some(d.policy);
        view.smoothing = d.smoothing;
        view.held_by_window = d.held.as_ref();
        view.hpa = d.hpa.as_ref();
        view
    }

    /// Add the `"fleet"` object.
    pub fn with_fleet(mut self, fleet: Option<FleetJson<'a>>) -> Self {
        self.fleet = fleet;
        self
    }
}

/// The `"limited_by"` list: present with `proposed` (or when a limit applied), maybe empty.
pub fn limited_by(d: &Decision) -> Option<Vec<&'static str>> {
    (d.proposed.is_some() || !d.limited_by.is_empty())
        .then(|| d.limited_by.iter().map(|l| l.as_str()).collect())
}

/// `collect --json`: the sample written and where.
#[derive(Debug, Serialize)]
pub struct CollectView<'a> {
    pub schema_version: u32,
    pub sample: &'a Sample,
    /// How CPU was measured: `interval` (since this instance's previous sample), `window`
    /// (waited now) or `sysinfo` (a window, without /proc/stat); absent with `--no-host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_basis: Option<&'static str>,
    /// The seconds CPU was measured over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_interval_s: Option<f64>,
    /// What cpu_percent is relative to: `host`, `limit` (the cgroup's quota), `request`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_relative_to: Option<&'static str>,
    /// What memory_percent is relative to: `host`, `limit`, `request`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_relative_to: Option<&'static str>,
    /// Per-endpoint status (empty without `--endpoint`).
    pub targets: &'a [crate::collect::TargetStatus],
    /// Per-query readings with `--prometheus` (absent without).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub prometheus: &'a [crate::sources::prometheus::MetricReading],
    /// Why each metric the sample leaves unknown is unknown (metric → reason; `{}` when none).
    pub unknown: &'a std::collections::BTreeMap<crate::sample::Metric, String>,
    pub history: HistoryView<'a>,
}

/// Where a sample went.
#[derive(Debug, Serialize)]
pub struct HistoryView<'a> {
    pub path: &'a str,
    pub samples: usize,
}

/// `monitor --json`: one line per good tick.
#[derive(Debug, Serialize)]
pub struct TickView<'a> {
    pub schema_version: u32,
    pub tick: u64,
    pub sample: &'a Sample,
    /// How each `--endpoint` scrape went (absent without endpoints).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub targets: &'a [crate::collect::TargetStatus],
    /// Why each metric the sample leaves unknown is unknown (metric → reason; `{}` when none).
    pub unknown: &'a std::collections::BTreeMap<crate::sample::Metric, String>,
    /// `--coordinate` only: whether this instance leads its service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<bool>,
    /// `--coordinate`, following: the leader's holder id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<&'a str>,
    /// The recommendation (the fleet's, with `fleet`, under `--coordinate`); absent on a
    /// follower, which leaves deciding to the leader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<RecommendView<'a>>,
}

/// `monitor --json`: one line per failed tick.
#[derive(Debug, Serialize)]
pub struct TickErrorView<'a> {
    pub schema_version: u32,
    pub tick: u64,
    pub error: &'a str,
}

/// One line of JSON with a trailing newline (NDJSON). A view that cannot be serialised is an
/// error, never an empty line.
pub fn line<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut text = serde_json::to_string(value)?;
    text.push('\n');
    Ok(text)
}

/// Pretty JSON with a trailing newline (an error, never empty output, if it cannot be built).
pub fn pretty<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_that_cannot_be_serialised_is_an_error_not_an_empty_line() {
        // JSON object keys must be strings: a tuple key cannot be written.
        let bad: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(pretty(&bad).is_err());
        assert!(line(&bad).is_err());
        assert_eq!(line(&[1, 2]).unwrap(), "[1,2]\n");
    }
    use crate::policy::{Action, CondState, Direction};
    use crate::sample::Metric;

    #[test]
    fn recommend_view_matches_the_contract() {
        let rec = Recommendation {
            action: Action::ScaleUp,
            replica_delta: 2,
            reason: "r".into(),
            samples: 57,
            conditions: vec![Condition {
                metric: Metric::CpuPercent,
                direction: Direction::Up,
                value: Some(85.0),
                threshold: 70.0,
                state: CondState::Met,
                unknown_reason: None,
            }],
        };
        let v: serde_json::Value =
            serde_json::from_str(&pretty(&RecommendView::new(&rec, None)).unwrap()).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["action"], "scale_up");
        assert_eq!(v["conditions"][0]["metric"], "cpu_percent");
        assert_eq!(v["conditions"][0]["direction"], "up");
        assert_eq!(v["conditions"][0]["state"], "met");
        assert!(v.get("target_replicas").is_none());
        let t = crate::policy::target_replicas(5, 2, crate::policy::ReplicaBounds::default());
        let v: serde_json::Value =
            serde_json::from_str(&pretty(&RecommendView::new(&rec, Some(t))).unwrap()).unwrap();
        assert_eq!(
            (
                v["current_replicas"].as_u64(),
                v["target_replicas"].as_u64()
            ),
            (Some(5), Some(7))
        );
        assert_eq!(v["clamped"], false);
    }

    #[test]
    fn decisions_carry_proposed_and_limited_by() {
        let s = |cpu: f64| Sample {
            cpu_percent: Some(cpu),
            memory_percent: Some(90.0),
            ..Sample::default()
        };
        let h = vec![s(95.0), s(95.0), s(95.0)];
        let settings = crate::policy::engine::DecisionRules::default();
        let d = crate::policy::engine::decide(&h, &settings, Some(50), jiff::Timestamp::UNIX_EPOCH);
        let v: serde_json::Value =
            serde_json::from_str(&pretty(&RecommendView::of_decision(&d)).unwrap()).unwrap();
        assert_eq!(
            (v["action"].as_str(), v["replica_delta"].as_i64()),
            (Some("maintain"), Some(0))
        );
        assert_eq!(v["proposed"]["action"], "scale_up");
        assert_eq!(v["proposed"]["replica_delta"], 3);
        assert_eq!(v["limited_by"], serde_json::json!(["max_replicas"]));
        // Without a current count: neither.
        let d = crate::policy::engine::decide(&h, &settings, None, jiff::Timestamp::UNIX_EPOCH);
        let v: serde_json::Value =
            serde_json::from_str(&pretty(&RecommendView::of_decision(&d)).unwrap()).unwrap();
        assert!(v.get("proposed").is_none() && v.get("limited_by").is_none());
    }
}
