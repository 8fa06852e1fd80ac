//! Stabilization windows, with the semantics of the Kubernetes HPA
//! (`horizontal.go`, `stabilizeRecommendationWithBehaviors`).
//!
//! Every sample inside a window has a recommendation — the replica count the policy would have
//! proposed had it decided right after that sample. Then:
//! - a scale-up goes only as far as the *smallest* proposal in the scale-up window;
//! - a scale-down goes only as far as the *largest* proposal in the scale-down window, so it
//!   happens only when every sample in the window recommended scaling down (most conservative).
//!
//! Proposals are absolute replica counts measured from one baseline (`current`), so the seed's
//! relative deltas work too (baseline 0 when the running count is not known). A window of zero is
//! off: only the newest proposal counts, which is the seed's behaviour. Windows are measured on
//! sample timestamps: a sample is inside when its timestamp is after `newest − window` (as the
//! HPA's `timestamp.After(cutoff)`); samples without a timestamp are in no window.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::Direction;

/// The two windows (zero = off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Windows {
    /// How far back a scale-up must be agreed on.
    pub scale_up: Duration,
    /// How far back a scale-down must be agreed on.
    pub scale_down: Duration,
}

impl Windows {
    /// Whether either window is on.
    pub fn is_on(self) -> bool {
        !self.scale_up.is_zero() || !self.scale_down.is_zero()
    }

    /// The longer of the two: how far back proposals are needed.
    pub fn longest(self) -> Duration {
        self.scale_up.max(self.scale_down)
    }
}

/// One earlier sample's proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    /// The sample's timestamp.
    pub at: Timestamp,
    /// The replica count it proposed (same baseline as `current`).
    pub replicas: i64,
}

/// How a window changed the newest proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    /// The move that was held back (`up` or `down`).
    pub direction: Direction,
    /// The window that held it, e.g. "5m".
    pub window: String,
    /// The window in seconds.
    pub window_seconds: u64,
    /// Samples in the window with a recommendation, the newest included.
    pub samples: usize,
    /// How many of them disagreed: for a full hold, did not recommend moving that way at all;
    /// for a partial one, recommended a smaller move than the newest.
    pub disagreeing: usize,
    /// The newest sample's own proposal, relative to the current replicas.
    pub wanted_delta: i64,
    /// What the window allowed, relative to the current replicas.
    pub delta: i64,
}

impl Held {
    /// The explanation, e.g. "scale_down held: 3 of 30 samples in the last 5m did not recommend
    /// scale_down".
    pub fn explain(&self) -> String {
        let word = match self.direction {
            Direction::Up => "scale_up",
            Direction::Down => "scale_down",
        };
        if self.delta == 0 {
            format!(
                "{word} held: {} of {} samples in the last {} did not recommend {word}",
                self.disagreeing, self.samples, self.window
            )
        } else {
            let smaller = match self.direction {
                Direction::Up => "fewer replicas added",
                Direction::Down => "fewer replicas removed",
            };
            format!(
                "{word} limited to {:+} (wanted {:+}): {} of {} samples in the last {} recommended {smaller}",
                self.delta, self.wanted_delta, self.disagreeing, self.samples, self.window
            )
        }
    }
}

/// The outcome: the replica count to move to and what, if anything, a window held back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stabilized {
    /// The replica count after the windows (same baseline as `current`).
    pub replicas: i64,
    /// Set when a window changed the newest proposal.
    pub held: Option<Held>,
}

/// Apply the windows to the `newest` proposal (made at `newest_at`), given the earlier samples'
/// proposals (any order; those outside a window are ignored).
pub fn stabilize(
    current: i64,
    newest: i64,
    newest_at: Option<Timestamp>,
    earlier: &[Proposal],
    windows: Windows,
) -> Stabilized {
    let unchanged = Stabilized {
        replicas: newest,
        held: None,
    };
    let Some(now) = newest_at else {
        return unchanged;
    };
    let inside = |window: Duration| -> Vec<i64> {
        if window.is_zero() {
            return Vec::new();
        }
        let window = jiff::SignedDuration::try_from(window).unwrap_or(jiff::SignedDuration::MAX);
        let cutoff = now.checked_sub(window).unwrap_or(Timestamp::MIN);
        earlier
            .iter()
            .filter(|p| p.at > cutoff)
            .map(|p| p.replicas)
            .collect()
    };
    if newest > current {
        let others = inside(windows.scale_up);
        let smallest = others.iter().copied().fold(newest, i64::min);
        if smallest >= newest {
            return unchanged;
        }
        let replicas = current.max(smallest);
        let disagreeing = if replicas == current {
            others.iter().filter(|&&r| r <= current).count()
        } else {
            others.iter().filter(|&&r| r < newest).count()
        };
        held(
            Direction::Up,
            windows.scale_up,
            current,
            newest,
            replicas,
            others.len(),
            disagreeing,
        )
    } else if newest < current {
        let others = inside(windows.scale_down);
        let largest = others.iter().copied().fold(newest, i64::max);
        if largest <= newest {
            return unchanged;
        }
        let replicas = current.min(largest);
        let disagreeing = if replicas == current {
            others.iter().filter(|&&r| r >= current).count()
        } else {
            others.iter().filter(|&&r| r > newest).count()
        };
        held(
            Direction::Down,
            windows.scale_down,
            current,
            newest,
            replicas,
            others.len(),
            disagreeing,
        )
    } else {
        unchanged
    }
}

fn held(
    direction: Direction,
    window: Duration,
    current: i64,
    newest: i64,
    replicas: i64,
    others: usize,
    disagreeing: usize,
) -> Stabilized {
    Stabilized {
        replicas,
        held: Some(Held {
            direction,
            window: humantime::format_duration(window).to_string(),
            window_seconds: window.as_secs(),
            samples: others + 1,
            disagreeing,
            wanted_delta: newest - current,
            delta: replicas - current,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn props(list: &[(i64, i64)]) -> Vec<Proposal> {
        list.iter()
            .map(|&(s, r)| Proposal {
                at: at(s),
                replicas: r,
            })
            .collect()
    }

    const DOWN_5M: Windows = Windows {
        scale_up: Duration::ZERO,
        scale_down: Duration::from_secs(300),
    };

    #[test]
    fn off_windows_pass_the_newest_through() {
        let earlier = props(&[(0, 9), (10, 1)]);
        for newest in [3, 5, 7] {
            let s = stabilize(5, newest, Some(at(20)), &earlier, Windows::default());
            assert_eq!((s.replicas, s.held), (newest, None));
        }
    }

    #[test]
    fn scale_down_needs_every_sample_in_the_window() {
        // Current 5; the newest says 4; one sample 100 s ago said 5: held.
        let earlier = props(&[(200, 4), (300, 5), (350, 4)]);
        let s = stabilize(5, 4, Some(at(400)), &earlier, DOWN_5M);
        assert_eq!(s.replicas, 5);
        let h = s.held.unwrap();
        assert_eq!(
            (h.direction, h.samples, h.disagreeing),
            (Direction::Down, 4, 1)
        );
        assert_eq!((h.wanted_delta, h.delta), (-1, 0));
        assert_eq!(
            h.explain(),
            "scale_down held: 1 of 4 samples in the last 5m did not recommend scale_down"
        );
        // The dissenting sample is exactly 300 s old: outside (after the cutoff, strictly).
        let s = stabilize(5, 4, Some(at(600)), &earlier, DOWN_5M);
        assert_eq!((s.replicas, s.held), (4, None));
    }

    #[test]
    fn scale_down_goes_only_as_far_as_the_largest_proposal() {
        let earlier = props(&[(0, 7), (10, 8), (20, 6)]);
        let s = stabilize(10, 5, Some(at(30)), &earlier, DOWN_5M);
        assert_eq!(s.replicas, 8);
        let h = s.held.unwrap();
        assert_eq!((h.wanted_delta, h.delta, h.disagreeing), (-5, -2, 3));
        assert_eq!(
            h.explain(),
            "scale_down limited to -2 (wanted -5): 3 of 4 samples in the last 5m recommended fewer replicas removed"
        );
    }

    #[test]
    fn scale_up_takes_the_smallest_proposal() {
        let up = Windows {
            scale_up: Duration::from_secs(60),
            scale_down: Duration::ZERO,
        };
        // Seed-style deltas on baseline 0: +3 now, +1 and +2 within the minute, 0 long ago.
        let earlier = props(&[(0, 0), (100, 1), (130, 2)]);
        let s = stabilize(0, 3, Some(at(150)), &earlier, up);
        assert_eq!(s.replicas, 1);
        assert_eq!(s.held.unwrap().disagreeing, 2);
        // A maintain within the minute holds the scale-up entirely.
        let earlier = props(&[(100, 1), (130, 0)]);
        let s = stabilize(0, 3, Some(at(150)), &earlier, up);
        assert_eq!(s.replicas, 0);
        assert_eq!(
            s.held.unwrap().explain(),
            "scale_up held: 1 of 3 samples in the last 1m did not recommend scale_up"
        );
        // The scale-down window does not touch scale-ups, nor the scale-up window scale-downs.
        let s = stabilize(0, 3, Some(at(150)), &earlier, DOWN_5M);
        assert_eq!(s.replicas, 3);
        let s = stabilize(0, -1, Some(at(150)), &props(&[(140, 0)]), up);
        assert_eq!(s.replicas, -1);
    }

    #[test]
    fn without_a_timestamp_no_window_applies() {
        let s = stabilize(5, 4, None, &props(&[(0, 5)]), DOWN_5M);
        assert_eq!((s.replicas, s.held), (4, None));
    }
}
