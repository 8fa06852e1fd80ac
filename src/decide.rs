//! The decide step shared by `recommend`, `monitor` and `replay`: the policy choice resolved
//! into engine settings, the HPA's need for a replica count checked, and the decision taken over
//! the history or over its fleet view. Commands build one [`Decider`] and ask it; the policy
//! itself (`policy::engine`) stays pure and knows nothing of flags.

use std::time::Duration;

use anyhow::{Result, bail};
use jiff::Timestamp;

use crate::policy::behavior::observed_replicas;
use crate::policy::engine::{self, Decision, DecisionRules};
use crate::policy::fleet::{self, FleetView};
use crate::policy::replay::{self as timeline, Step, Summary};
use crate::policy::whatif::{self, Detail, LoadModel, Simulation};
use crate::sample::Sample;
use crate::settings::options::DecideOptions;
use crate::settings::policy::PolicyChoice;

/// A resolved policy, ready to decide.
#[derive(Debug, Clone)]
pub struct Decider {
    settings: DecisionRules,
    /// `--current-replicas` (replay: the replicas it starts from).
    current: Option<u32>,
    /// The staleness limit (None: never stale).
    max_age: Option<Duration>,
    /// Rounds the fleet view needs per instance (the seed's `min_samples`, at least 1).
    min_samples: usize,
    /// Whether the HPA decides (it needs a replica count).
    hpa: bool,
}

impl Decider {
    /// For a live decision (`recommend`, `monitor`): samples older than `max_age` are stale.
    /// Under the HPA, check [`require_current`](Self::require_current) before deciding.
    pub fn live(options: &DecideOptions) -> Result<Decider> {
        let (choice, current, max_age) =
            (&options.choice, options.current_replicas, options.max_age);
        let settings = choice.resolve(max_age)?;
        Ok(Decider::with(choice, settings, current, max_age))
    }

    /// The HPA's proposals are proportional to the replicas running: it needs
    /// `--current-replicas`, or a newest sample of `history` that recorded `replicas` (pass an
    /// empty history where only the flag can do, as in `monitor`).
    pub fn require_current(&self, history: &[Sample]) -> Result<()> {
        let recorded = history.last().and_then(observed_replicas);
        if self.hpa && self.current.is_none() && recorded.is_none() {
            let or = if history.is_empty() {
                ""
            } else {
                " (or a newest sample with `replicas`)"
            };
            bail!(
                "--policy 'hpa' needs --current-replicas N{or}: the HPA's proposals are proportional to the replicas running"
            );
        }
        Ok(())
    }

    /// For a replay from `start` replicas: each sample is decided at its own time, so nothing
    /// is stale. `compare` names the `--compare` spec in errors.
    pub fn for_replay(
        choice: &PolicyChoice,
        start: Option<u32>,
        compare: Option<&str>,
    ) -> Result<Decider> {
        if choice.is_hpa() && start.is_none() {
            let what = compare.map_or("--policy 'hpa'".to_string(), |c| format!("--compare '{c}'"));
            bail!(
                "{what}: the HPA policy needs --current-replicas N to start from (or samples with `replicas`)"
            );
        }
        let settings = choice.resolve(None)?;
        Ok(Decider::with(choice, settings, start, None))
    }

    fn with(
        choice: &PolicyChoice,
        settings: DecisionRules,
        current: Option<u32>,
        max_age: Option<Duration>,
    ) -> Decider {
        Decider {
            settings,
            current,
            max_age,
            min_samples: choice.base.min_samples.max(1),
            hpa: choice.is_hpa(),
        }
    }

    /// Decide over `history` as it is (one instance's samples, or a single series).
    pub fn decide(&self, history: &[Sample], now: Timestamp) -> Decision {
        engine::decide(history, &self.settings, self.current, now)
    }

    /// Decide for the fleet: over the fleet view of a shared history (one aggregated round per
    /// collection round), saying so when no instance is live.
    pub fn decide_fleet(&self, history: &[Sample], now: Timestamp) -> (Decision, FleetView) {
        let view = fleet::fleet_view(history, now, self.max_age, self.min_samples);
        let mut decision = self.decide(&view.series, now);
        if let Some(reason) = fleet::no_live_instance(&view) {
            decision.recommendation.reason = reason;
        }
        (decision, view)
    }

    /// [`decide_fleet`](Self::decide_fleet) when `fleet`, else [`decide`](Self::decide).
    pub fn decide_as(
        &self,
        history: &[Sample],
        now: Timestamp,
        fleet: bool,
    ) -> (Decision, Option<FleetView>) {
        if fleet {
            let (decision, view) = self.decide_fleet(history, now);
            (decision, Some(view))
        } else {
            (self.decide(history, now), None)
        }
    }

    /// Decide at every sample in turn, carrying the replica count (an offline dry-run).
    pub fn replay(&self, history: &[Sample]) -> (Vec<Step>, Summary) {
        let steps = timeline::replay(history, &self.settings, self.current);
        let summary = timeline::summarize(&steps, self.current);
        (steps, summary)
    }

    /// A what-if replay from the start count: each sample seen through `model` (where it
    /// records its observed replica count), keeping `detail` of each decision.
    pub fn simulate(
        &self,
        history: &[Sample],
        model: Option<&LoadModel>,
        detail: Detail,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Simulation {
        whatif::simulate(
            history,
            &self.settings,
            self.current,
            model,
            detail,
            progress,
        )
    }

    /// The staleness limit in force.
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }
}
