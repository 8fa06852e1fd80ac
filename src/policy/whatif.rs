//! What-if: replay a policy over a long history with a load model, and add up what it would have
//! cost and how often it would have left the service overloaded. Pure.
//!
//! **The load model.** When a sample records the replica count observed when it was taken
//! (`replicas`), the policy sees the load spread over the *simulated* count instead:
//! `cpu_percent` (a per-replica average) becomes observed × observed_replicas /
//! simulated_replicas — the HPA's own proportionality assumption. `requests_per_second` is the
//! fleet total (as the HPA policy reads it): the total is unchanged and its per-replica value,
//! total / simulated, follows the same rule. Every other metric is taken as observed unless
//! [`LoadModel::scaled`] names it. Without an observed count the sample is used as recorded (no
//! model). The simulated count is written into the simulated sample's `replicas`, so a policy
//! reading scale events from the history sees the simulated ones.
//!
//! **Intervals.** Sample *i* stands for the interval (t₍ᵢ₋₁₎, tᵢ] it measured, during which the
//! count decided after sample *i − 1* was running; the first sample opens the range. Replica-hours
//! and overloaded minutes add up those intervals.
//!
//! **Overloaded.** An interval is overloaded when the simulated per-replica `cpu_percent` is
//! above the policy's scale-up threshold (the seed's rules) or CPU target (HPA), or, for an HPA
//! with a `requests_per_second` target, the per-replica rate is above it.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::behavior::{ScaleEvent, scale_event};
use super::engine::{self, DecisionRules, Observed, PolicyKind};
use super::replay::Step;
use super::stabilization::Proposal;
use crate::sample::{Metric, Sample, replicas_of, set_replicas};

/// Two opposite scale events this close together are a flap.
pub const FLAP_WINDOW: Duration = Duration::from_secs(10 * 60);

/// History the engine is given besides the samples inside the longest window (beyond what the
/// HPA's behavior periods and windows look at).
const MIN_LOOKBACK: Duration = Duration::from_secs(60 * 60);

/// Which metrics scale with the replica count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadModel {
    /// Per-replica metrics multiplied by observed / simulated replicas (`cpu_percent` always).
    pub scaled: Vec<Metric>,
}

impl Default for LoadModel {
    fn default() -> Self {
        LoadModel::new(&[])
    }
}

impl LoadModel {
    /// `cpu_percent` plus the `extra` metrics (`--scale-metrics`).
    pub fn new(extra: &[Metric]) -> LoadModel {
        let mut scaled = vec![Metric::CpuPercent];
        for &m in extra {
            if !scaled.contains(&m) {
                scaled.push(m);
            }
        }
        LoadModel { scaled }
    }

    /// The sample as it would have read with `simulated` replicas running (see the module).
    pub fn apply(&self, observed: &Sample, simulated: Option<u32>) -> Sample {
        let mut s = observed.clone();
        let (Some(seen), Some(sim)) = (replicas_of(observed), simulated) else {
            return s;
        };
        if seen > 0 && sim > 0 {
            let factor = f64::from(seen) / f64::from(sim);
            for &m in &self.scaled {
                s.set(m, observed.get(m).map(|v| v * factor));
            }
        }
        set_replicas(&mut s, Some(sim));
        s
    }

    /// The model in one sentence, for the text, the JSON and the report.
    pub fn statement(&self) -> String {
        let others: Vec<&str> = self.scaled[1..].iter().map(|m| m.name()).collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (and {}, named by --scale-metrics)", others.join(", "))
        };
        format!(
            "per-replica load follows the replica count: cpu_percent{also} = observed × \
             observed_replicas / simulated_replicas; requests_per_second is the fleet total, \
             so per replica it is total / simulated_replicas; every other metric as observed"
        )
    }
}

/// The load a replica carried over one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Load {
    /// Per-replica CPU, %.
    pub cpu_percent: Option<f64>,
    /// Requests per second per replica (the fleet total over the replica count).
    pub rps_per_replica: Option<f64>,
}

impl Load {
    /// The load of `sample` with `replicas` running (the sample already per-replica scaled).
    fn of(sample: &Sample, replicas: Option<u32>) -> Load {
        Load {
            cpu_percent: sample.cpu_percent,
            rps_per_replica: match (sample.requests_per_second, replicas) {
                (Some(total), Some(n)) if n > 0 => Some(total / f64::from(n)),
                _ => None,
            },
        }
    }
}

/// Above which per-replica load an interval counts as overloaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Overload {
    /// Per-replica CPU limit, %.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_percent: Option<f64>,
    /// Per-replica requests/s limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rps_per_replica: Option<f64>,
}

impl Overload {
    /// The limits of a policy: the seed's scale-up CPU threshold, or the HPA's CPU and
    /// requests_per_second targets.
    pub fn of(settings: &DecisionRules) -> Overload {
        match &settings.policy {
            PolicyKind::Threshold(t) => Overload {
                cpu_percent: find(&t.scale_up, Metric::CpuPercent),
                rps_per_replica: None,
            },
            PolicyKind::Hpa(h) => Overload {
                cpu_percent: find(&h.targets, Metric::CpuPercent),
                rps_per_replica: find(&h.targets, Metric::RequestsPerSecond),
            },
        }
    }

    /// `Some(true)` when a known figure is above its limit, `Some(false)` when a limited figure
    /// is known and none is above, `None` when no limited figure is known.
    pub fn check(&self, load: Load) -> Option<bool> {
        let pairs = [
            (load.cpu_percent, self.cpu_percent),
            (load.rps_per_replica, self.rps_per_replica),
        ];
        let mut known = false;
        for (value, limit) in pairs {
            if let (Some(v), Some(l)) = (value, limit) {
                if v > l {
                    return Some(true);
                }
                known = true;
            }
        }
        known.then_some(false)
    }
}

fn find(list: &[(Metric, f64)], metric: Metric) -> Option<f64> {
    list.iter().find(|(m, _)| *m == metric).map(|&(_, v)| v)
}

/// A replica count over time with the load it carried: a policy's simulation or what was
/// observed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Track {
    /// The count running while sample *i* was measured (`None`: unknown).
    pub replicas: Vec<Option<u32>>,
    /// The per-replica load over that interval.
    pub load: Vec<Load>,
    /// Whether that interval was overloaded (`None`: the load is unknown).
    pub overloaded: Vec<Option<bool>>,
    /// The count after the last decision (observed: the last known count).
    pub final_replicas: Option<u32>,
    /// Every change of the count: (when, from, to).
    pub changes: Vec<(Option<Timestamp>, u32, u32)>,
    /// The limits applied.
    pub overload: Overload,
}

impl Track {
    fn push(&mut self, replicas: Option<u32>, load: Load) {
        self.replicas.push(replicas);
        self.load.push(load);
        self.overloaded.push(self.overload.check(load));
    }
}

/// A policy's replay: its decisions and its track.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// One per sample, as `policy::replay` makes them.
    pub steps: Vec<Step>,
    /// The counts and loads.
    pub track: Track,
}

/// Whether every sample has a timestamp and they never go back (then the engine can be given
/// only the recent history, which keeps long replays linear).
fn ordered(history: &[Sample]) -> bool {
    history.iter().all(|s| s.timestamp.is_some())
        && history.windows(2).all(|w| w[0].timestamp <= w[1].timestamp)
}

/// How much of each decision a simulation keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything (the timeline text and the JSON show reasons, conditions, HPA proposals).
    Full,
    /// What the summary and the figures need (action, delta, replicas, window hold): long
    /// replays shown as figures stay small in memory.
    Counts,
}

/// Replay `settings` over `history` from `start` replicas, the policy seeing each sample through
/// `model` (if any, and where the sample records its observed count). `progress(done, total)`
/// is called every few thousand samples.
pub fn simulate(
    history: &[Sample],
    settings: &DecisionRules,
    start: Option<u32>,
    model: Option<&LoadModel>,
    detail: Detail,
    progress: &mut dyn FnMut(usize, usize),
) -> Simulation {
    let lookback = SignedDuration::try_from(settings.windows.longest().max(MIN_LOOKBACK))
        .unwrap_or(SignedDuration::MAX);
    let tail = settings.smoothing.samples.max(match &settings.policy {
        PolicyKind::Threshold(t) => t.min_samples,
        PolicyKind::Hpa(_) => 1,
    }) + 1;
    let bounded = ordered(history);
    let mut seen: Vec<Sample> = Vec::new();
    let mut steps = Vec::with_capacity(history.len());
    let mut track = Track {
        overload: Overload::of(settings),
        ..Track::default()
    };
    // What the HPA controller remembers, as policy::replay keeps it: each decision's own
    // proposal (the stabilization windows) and each simulated change (the behavior policies).
    let mut events: Vec<ScaleEvent> = Vec::new();
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut current = start;
    let mut lo = 0;
    for (i, observed) in history.iter().enumerate() {
        let sample = match model {
            Some(m) => m.apply(observed, current),
            None => observed.clone(),
        };
        track.push(current, Load::of(&sample, current));
        let now = sample.timestamp.unwrap_or(Timestamp::UNIX_EPOCH);
        seen.push(sample);
        let mut first = 0;
        if bounded {
            let cutoff = now.checked_sub(lookback).unwrap_or(Timestamp::MIN);
            while seen[lo].timestamp.is_some_and(|t| t <= cutoff) {
                lo += 1;
            }
            first = lo.saturating_sub(tail);
            // Nothing before the lookback is looked at again: drop it now and then, so a long
            // replay holds only its lookback.
            if first >= 4096 {
                seen.drain(..first);
                lo -= first;
                first = 0;
            }
            let old_events = events.iter().take_while(|e| e.at <= cutoff).count();
            if old_events >= 1024 {
                events.drain(..old_events);
            }
            let old_proposals = proposals.iter().take_while(|p| p.at <= cutoff).count();
            if old_proposals >= 1024 {
                proposals.drain(..old_proposals);
            }
        }
        let memory = Observed {
            current,
            events: &events,
            earlier: current.map(|_| proposals.as_slice()),
        };
        let mut decision = engine::decide_with(&seen[first..], settings, memory, now);
        decision.recommendation.samples = i + 1;
        if let (Some(at), Some(replicas)) = (observed.timestamp, decision.recommended) {
            proposals.push(Proposal { at, replicas });
        }
        if detail == Detail::Counts {
            decision.recommendation.reason = String::new();
            decision.recommendation.conditions = Vec::new();
            decision.hpa = None;
        }
        if let Some(t) = decision.replicas {
            if let Some(before) = current.filter(|&b| b != t.target_replicas) {
                track
                    .changes
                    .push((observed.timestamp, before, t.target_replicas));
            }
            events.extend(scale_event(
                observed.timestamp,
                t.current_replicas,
                t.target_replicas,
            ));
            current = Some(t.target_replicas);
        }
        steps.push(Step {
            index: i + 1,
            timestamp: observed.timestamp,
            decision,
        });
        if (i + 1) % 4096 == 0 {
            progress(i + 1, history.len());
        }
    }
    progress(history.len(), history.len());
    track.final_replicas = current;
    Simulation { steps, track }
}

/// What was observed: the recorded counts and per-replica loads, against `overload`.
pub fn observed(history: &[Sample], overload: Overload) -> Track {
    let mut track = Track {
        overload,
        ..Track::default()
    };
    let mut last = None;
    for s in history {
        let n = replicas_of(s);
        track.push(n, Load::of(s, n));
        if let Some(n) = n {
            if let Some(before) = last.filter(|&b| b != n) {
                track.changes.push((s.timestamp, before, n));
            }
            last = Some(n);
        }
    }
    track.final_replicas = last;
    track
}

/// What a track adds up to over the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Hours from the first sample to the last.
    pub hours: f64,
    /// Σ replicas × interval, over the intervals with a known count (`null` when none is).
    pub replica_hours: Option<f64>,
    /// replica_hours / the hours with a known count.
    pub mean_replicas: Option<f64>,
    /// Minutes overloaded (see the module).
    pub overloaded_minutes: f64,
    /// overloaded_minutes / the minutes whose load is known (`null` when none is).
    pub overloaded_share: Option<f64>,
    /// Minutes whose load is known (the share's denominator).
    pub known_load_minutes: f64,
    /// Changes of the replica count.
    pub scale_events: usize,
    /// Of which up.
    pub scale_ups: usize,
    /// Of which down.
    pub scale_downs: usize,
    /// Scale events opposite to the one before.
    pub reversals: usize,
    /// Reversals within FLAP_WINDOW (10 minutes) of the event before.
    pub flaps: usize,
    /// The smallest count.
    pub min_replicas: Option<u32>,
    /// The largest count.
    pub max_replicas: Option<u32>,
    /// The count at the end.
    pub final_replicas: Option<u32>,
}

/// Add up `track` over the samples' timestamps (the same history it was made from).
pub fn figures(history: &[Sample], track: &Track) -> Figures {
    let mut f = Figures {
        hours: 0.0,
        replica_hours: None,
        mean_replicas: None,
        overloaded_minutes: 0.0,
        overloaded_share: None,
        known_load_minutes: 0.0,
        scale_events: track.changes.len(),
        scale_ups: track.changes.iter().filter(|c| c.2 > c.1).count(),
        scale_downs: track.changes.iter().filter(|c| c.2 < c.1).count(),
        reversals: 0,
        flaps: 0,
        min_replicas: None,
        max_replicas: None,
        final_replicas: track.final_replicas,
    };
    // Whole milliseconds, so that sums over thousands of intervals stay exact.
    let (mut range_ms, mut replica_ms, mut counted_ms) = (0i128, 0i128, 0i128);
    let (mut known_ms, mut over_ms) = (0i128, 0i128);
    let n = history
        .len()
        .min(track.replicas.len())
        .min(track.overloaded.len());
    for i in 1..n {
        let (Some(a), Some(b)) = (history[i - 1].timestamp, history[i].timestamp) else {
            continue;
        };
        let dt = i128::from(b.as_millisecond() - a.as_millisecond());
        if dt <= 0 {
            continue;
        }
        range_ms += dt;
        if let Some(r) = track.replicas[i] {
            replica_ms += i128::from(r) * dt;
            counted_ms += dt;
        }
        if let Some(over) = track.overloaded[i] {
            known_ms += dt;
            if over {
                over_ms += dt;
            }
        }
    }
    let minutes = |ms: i128| ms as f64 / 60_000.0;
    f.hours = minutes(range_ms) / 60.0;
    f.known_load_minutes = minutes(known_ms);
    f.overloaded_minutes = minutes(over_ms);
    if counted_ms > 0 {
        f.replica_hours = Some(minutes(replica_ms) / 60.0);
        f.mean_replicas = Some(replica_ms as f64 / counted_ms as f64);
    }
    if known_ms > 0 {
        f.overloaded_share = Some(over_ms as f64 / known_ms as f64);
    }
    let counts = track.replicas.iter().flatten().chain(&track.final_replicas);
    f.min_replicas = counts.clone().min().copied();
    f.max_replicas = counts.max().copied();
    let flap = SignedDuration::try_from(FLAP_WINDOW).unwrap_or(SignedDuration::MAX);
    for w in track.changes.windows(2) {
        let (before, now) = (&w[0], &w[1]);
        if (before.2 > before.1) != (now.2 > now.1) {
            f.reversals += 1;
            if let (Some(a), Some(b)) = (before.0, now.0)
                && b.duration_since(a) <= flap
            {
                f.flaps += 1;
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::hpa::HpaPolicy;
    use crate::policy::replay::replay;
    use crate::policy::stabilization::Windows;

    const STEP: i64 = 30;

    fn at(i: usize) -> Option<Timestamp> {
        Timestamp::from_second(1_800_000_000 + STEP * i as i64).ok()
    }

    /// `n` samples at 30 s with cpu from `cpu(i)` on `replicas(i)` observed replicas and a fleet
    /// total of 50 requests/s per observed replica.
    fn history(
        n: usize,
        cpu: impl Fn(usize) -> f64,
        replicas: impl Fn(usize) -> u32,
    ) -> Vec<Sample> {
        (0..n)
            .map(|i| {
                let mut s = Sample {
                    timestamp: at(i),
                    cpu_percent: Some(cpu(i)),
                    memory_percent: Some(50.0),
                    requests_per_second: Some(50.0 * f64::from(replicas(i))),
                    response_time_ms: Some(300.0),
                    error_rate: Some(0.5),
                    ..Sample::default()
                };
                set_replicas(&mut s, Some(replicas(i)));
                s
            })
            .collect()
    }

    fn hpa(cpu: f64) -> DecisionRules {
        DecisionRules {
            policy: PolicyKind::Hpa(HpaPolicy {
                targets: vec![(Metric::CpuPercent, cpu)],
                ..HpaPolicy::default()
            }),
            ..DecisionRules::default()
        }
    }

    fn none(_: usize, _: usize) {}

    #[test]
    fn the_model_spreads_cpu_over_the_simulated_count_only() {
        let mut s = history(1, |_| 60.0, |_| 4)[0].clone();
        s.active_connections = Some(40.0);
        let m = LoadModel::new(&[Metric::ActiveConnections]);
        let sim = m.apply(&s, Some(8));
        assert_eq!(sim.cpu_percent, Some(30.0));
        assert_eq!(sim.active_connections, Some(20.0));
        assert_eq!(sim.requests_per_second, s.requests_per_second, "the total");
        assert_eq!(sim.memory_percent, s.memory_percent);
        assert_eq!(replicas_of(&sim), Some(8));
        // Without an observed count: as recorded.
        let mut bare = s.clone();
        set_replicas(&mut bare, None);
        assert_eq!(m.apply(&bare, Some(8)), bare);
        assert!(m.statement().contains("active_connections"));
    }

    #[test]
    fn the_load_invariant_holds_at_every_step() {
        // A day of a sine-ish load on observed 4..8 replicas, HPA on cpu 60 from 5.
        let h = history(
            2880,
            |i| 30.0 + (i % 200) as f64 / 4.0,
            |i| 4 + (i / 500) as u32 % 5,
        );
        let sim = simulate(
            &h,
            &hpa(60.0),
            Some(5),
            Some(&LoadModel::default()),
            Detail::Full,
            &mut none,
        );
        for (i, s) in h.iter().enumerate() {
            let n = sim.track.replicas[i].unwrap();
            let seen = f64::from(replicas_of(s).unwrap());
            let load = sim.track.load[i];
            let cpu = s.cpu_percent.unwrap();
            assert!(
                (load.cpu_percent.unwrap() * f64::from(n) - cpu * seen).abs() < 1e-9,
                "step {i}"
            );
            let rps = s.requests_per_second.unwrap() / seen;
            assert!((load.rps_per_replica.unwrap() * f64::from(n) - rps * seen).abs() < 1e-9);
        }
        assert!(
            sim.track.changes.len() > 2,
            "the HPA moved: {:?}",
            sim.track.changes.len()
        );
    }

    #[test]
    fn a_policy_that_never_scales_costs_replicas_times_hours() {
        // Everything between the seed's up and down thresholds: maintain throughout.
        let h = history(241, |_| 50.0, |_| 6);
        let sim = simulate(
            &h,
            &DecisionRules::default(),
            Some(7),
            Some(&LoadModel::default()),
            Detail::Full,
            &mut none,
        );
        let f = figures(&h, &sim.track);
        assert_eq!(f.hours, 2.0);
        assert_eq!(f.replica_hours, Some(14.0));
        assert_eq!(
            (f.scale_events, f.min_replicas, f.max_replicas),
            (0, Some(7), Some(7))
        );
        let o = figures(&h, &observed(&h, Overload::of(&DecisionRules::default())));
        assert_eq!(o.replica_hours, Some(12.0));
        assert_eq!(o.final_replicas, Some(6));
    }

    #[test]
    fn a_spike_overloads_a_slow_policy_and_not_a_fast_one() {
        // 10 replicas at 66 % cpu (within the HPA's tolerance of 70), then 20 minutes at 95 %
        // from sample 60 on.
        let h = history(
            200,
            |i| if (60..100).contains(&i) { 95.0 } else { 66.0 },
            |_| 10,
        );
        let model = LoadModel::default();
        let fast = simulate(
            &h,
            &hpa(70.0),
            Some(10),
            Some(&model),
            Detail::Counts,
            &mut none,
        );
        let mut slow_settings = hpa(70.0);
        slow_settings.windows = Windows {
            scale_up: Duration::from_secs(30 * 60),
            scale_down: Duration::ZERO,
        };
        let slow = simulate(
            &h,
            &slow_settings,
            Some(10),
            Some(&model),
            Detail::Counts,
            &mut none,
        );
        let (f, s) = (figures(&h, &fast.track), figures(&h, &slow.track));
        // The fast one is overloaded for the first interval of the spike only (it reacts after
        // seeing it); the slow one all 20 minutes.
        assert_eq!(f.overloaded_minutes, 0.5, "{f:?}");
        assert_eq!(s.overloaded_minutes, 20.0, "{s:?}");
        assert!(s.overloaded_share > f.overloaded_share);
        assert_eq!(f.max_replicas, Some(14));
        assert_eq!(s.max_replicas, Some(10));
    }

    #[test]
    fn without_a_model_it_is_the_plain_replay() {
        // Long enough that the simulation drops samples behind its lookback (every 4096).
        let h = history(9000, |i| if i % 7 < 3 { 85.0 } else { 20.0 }, |_| 5);
        let mut settings = DecisionRules::default();
        settings.windows.scale_down = Duration::from_secs(120);
        let plain = replay(&h, &settings, Some(5));
        let sim = simulate(&h, &settings, Some(5), None, Detail::Full, &mut none);
        assert_eq!(sim.steps, plain, "bounded history, same decisions");
    }

    #[test]
    fn reversals_and_flaps_come_from_the_changes() {
        let track = Track {
            replicas: vec![Some(3); 4],
            overloaded: vec![None; 4],
            changes: vec![
                (at(0), 3, 5),
                (at(10), 5, 4),  // reversal after 5 min: a flap
                (at(100), 4, 3), // same direction
                (at(200), 3, 6), // reversal after 50 min: not a flap
            ],
            final_replicas: Some(6),
            ..Track::default()
        };
        let h = history(4, |_| 50.0, |_| 3);
        let f = figures(&h, &track);
        assert_eq!((f.scale_events, f.scale_ups, f.scale_downs), (4, 2, 2));
        assert_eq!((f.reversals, f.flaps), (2, 1));
        assert_eq!((f.min_replicas, f.max_replicas), (Some(3), Some(6)));
    }

    #[test]
    fn overload_needs_a_known_limited_figure() {
        let o = Overload {
            cpu_percent: Some(70.0),
            rps_per_replica: Some(100.0),
        };
        let l = |c, r| Load {
            cpu_percent: c,
            rps_per_replica: r,
        };
        assert_eq!(o.check(l(Some(71.0), None)), Some(true));
        assert_eq!(o.check(l(Some(70.0), Some(100.0))), Some(false));
        assert_eq!(o.check(l(None, Some(101.0))), Some(true));
        assert_eq!(o.check(l(None, None)), None);
        assert_eq!(Overload::default().check(l(Some(99.0), None)), None);
    }
}
