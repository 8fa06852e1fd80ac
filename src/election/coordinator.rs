//! `monitor --coordinate`: the election run as a task beside the monitor's loop.
//!
//! The task ticks the [`Elector`] every third of the lease, whatever the monitor's `--interval`,
//! so a slow or long monitor tick never lets the lease lapse, and a follower notices a dead
//! leader's lease expiring within one election tick. Each result is published on a watch
//! channel as a [`Standing`]; the loop reads it at every tick.
//!
//! A standing is only trusted until its lease would run out, counted from *before* the renewal
//! was sent ([`Standing::is_leading`]): a leader whose task stalls (or whose Redis stops
//! answering) stops acting as leader by itself, before anyone else can take the lease over.
//! A Redis failure drops the connection (it is opened again at the next election tick) and
//! leaves this instance following. On [`Coordinator::stop`] a leader releases the lease, so
//! another instance takes over at its next election tick instead of after a whole lease.

use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use super::lease::{Elector, Role};
use crate::sources::redis::{self, Timeouts};

/// The shortest `--coordination-interval` accepted.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// Where this instance stands after the latest election tick.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// This instance held the lease at the latest tick.
    pub leader: bool,
    /// The lease's holder, when known (this instance's holder id when leading).
    pub holder: Option<String>,
    /// Until when the lease is certainly ours (leaders only).
    pub valid_until: Option<Instant>,
    /// Why the election could not run, when Redis failed.
    pub error: Option<String>,
}

impl Standing {
    /// Whether this instance leads now: it won the latest tick and that lease has not run out.
    pub fn is_leading(&self, now: Instant) -> bool {
        self.leader && self.valid_until.is_some_and(|until| now < until)
    }

    /// A one-line description for stderr.
    pub fn describe(&self, service: &str) -> String {
        match (self.leader, &self.holder, &self.error) {
            (true, _, _) => format!("leading service '{service}'"),
            (false, _, Some(e)) => format!("not leading service '{service}': {e}"),
            (false, Some(h), None) => format!("following '{h}' for service '{service}'"),
            (false, None, None) => format!("following for service '{service}' (no leader yet)"),
        }
    }
}

/// What the election needs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The Redis seeds of the shared history.
    pub seeds: Vec<String>,
    /// The lease key (`ServiceKeys::leader`).
    pub key: String,
    /// This process's holder id (`lease::holder_id`).
    pub holder: String,
    /// The lease's length (`--coordination-interval`).
    pub interval: Duration,
}

/// The running election.
pub struct Coordinator {
    standing: watch::Receiver<Standing>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    holder: String,
}

impl Coordinator {
    /// Start electing. Must be called inside a tokio runtime.
    pub fn spawn(plan: Plan) -> Coordinator {
        let (tx, rx) = watch::channel(Standing::default());
        let (stop_tx, stop_rx) = oneshot::channel();
        let holder = plan.holder.clone();
        let task = tokio::spawn(elect(plan, tx, stop_rx));
        Coordinator {
            standing: rx,
            stop: Some(stop_tx),
            task,
            holder,
        }
    }

    /// This process's holder id.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The latest standing.
    pub fn standing(&self) -> Standing {
        self.standing.borrow().clone()
    }

    /// A receiver that sees every new standing.
    pub fn subscribe(&self) -> watch::Receiver<Standing> {
        self.standing.clone()
    }

    /// Wait (at most `limit`) for the first election tick to finish.
    pub async fn first_result(&mut self, limit: Duration) {
        let _ = tokio::time::timeout(limit, self.standing.changed()).await;
    }

    /// Stop electing; a leader releases its lease. Waits at most `limit`.
    pub async fn stop(mut self, limit: Duration) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(limit, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

async fn elect(plan: Plan, tx: watch::Sender<Standing>, mut stop: oneshot::Receiver<()>) {
    let interval = plan.interval.max(MIN_INTERVAL);
    let tick_every = interval / 3;
    // Each election round must end well inside one tick, or a lease could lapse while waiting.
    let timeouts = Timeouts {
        connect: tick_every.min(Duration::from_secs(1)),
        response: tick_every.min(Duration::from_secs(1)),
    };
    let mut elector: Option<Elector> = None;
    loop {
        let started = Instant::now();
        let round = async {
            if elector.is_none() {
                match redis::connect(&plan.seeds, timeouts).await {
                    Ok(conn) => {
                        elector = Some(Elector::new(
                            conn,
                            plan.key.clone(),
                            plan.holder.clone(),
                            interval,
                        ));
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
            match elector.as_mut() {
                Some(e) => e.tick().await.map_err(|e| e.to_string()),
                None => Err("no connection".to_string()),
            }
        };
        let standing = match tokio::time::timeout(tick_every, round).await {
            Ok(Ok(Role::Leader)) => Standing {
                leader: true,
                holder: Some(plan.holder.clone()),
                valid_until: Some(started + interval),
                error: None,
            },
            Ok(Ok(Role::Follower { holder })) => Standing {
                holder,
                ..Standing::default()
            },
            Ok(Err(e)) => {
                elector = None;
                Standing {
                    error: Some(e),
                    ..Standing::default()
                }
            }
            Err(_) => {
                elector = None;
                Standing {
                    error: Some(format!(
                        "Redis did not answer within {}ms",
                        tick_every.as_millis()
                    )),
                    ..Standing::default()
                }
            }
        };
        tx.send_replace(standing);
        tokio::select! {
            _ = &mut stop => break,
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(started + tick_every)) => {}
        }
    }
    if let Some(mut e) = elector
        && e.is_leader()
    {
        let _ = tokio::time::timeout(Duration::from_secs(1), e.release()).await;
    }
    tx.send_replace(Standing::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leadership_ends_with_the_lease_even_without_a_new_tick() {
        let t0 = Instant::now();
        let s = Standing {
            leader: true,
            holder: Some("me".into()),
            valid_until: Some(t0 + Duration::from_secs(1)),
            error: None,
        };
        assert!(s.is_leading(t0));
        assert!(!s.is_leading(t0 + Duration::from_secs(1)));
        assert!(!Standing::default().is_leading(t0));
    }

    #[test]
    fn standings_describe_themselves() {
        let follower = Standing {
            holder: Some("web-1/7/000000001".into()),
            ..Standing::default()
        };
        assert_eq!(
            follower.describe("web"),
            "following 'web-1/7/000000001' for service 'web'"
        );
        let failed = Standing {
            error: Some("connection refused".into()),
            ..Standing::default()
        };
        assert_eq!(
            failed.describe("web"),
            "not leading service 'web': connection refused"
        );
    }
}
