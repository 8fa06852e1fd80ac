//! `rizk-scale monitor`: every `--interval`, collect → append → recommend → show; optionally
//! export the state over HTTP and run a program when the recommendation changes.
//!
//! This file is the loop (start, ticks, waits, the stop); `tick.rs` is one tick, `display.rs`
//! shows and publishes it, `hook.rs` runs `--exec-on-change`, `coordination.rs` follows the
//! leader election.
//!
//! Shape of the loop (one task; the exporter and the change hook run beside it):
//! - A signal while the endpoints are being scraped abandons the tick (nothing written yet).
//!   From the append on, the tick runs to completion on the loop's thread and is never
//!   cancelled, so a signal can never land between the history's temp-file write and its
//!   rename: SIGINT/SIGTERM are held by tokio and honoured as soon as the tick is done.
//! - Ticks start every `--interval` from the previous tick's start; a tick that overruns makes
//!   the next start at once (no burst of catch-up ticks).
//! - One `HostSampler` lives across ticks, so CPU is measured over the interval between ticks
//!   with no extra wait (only intervals under sysinfo's 200 ms minimum wait out the remainder).
//! - A tick that fails is shown, counted (`rizk_scale_collect_errors_total`) and the loop goes on.
//! - The stop is graceful and exits 0 (SIGINT included); it exits 2 only if no tick succeeded.
//! - `--coordinate` (a Redis history only) runs the leader election as a task of its own
//!   (`election::coordinator`, ticking every third of `--coordination-interval`); every tick reads
//!   the standing. The leader decides for the fleet (as `recommend --fleet`, over the shared
//!   history) and runs `--exec-on-change`; a follower collects and appends, and says whom it
//!   follows. The lease is released when the loop ends.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::collect::{self, Collector, Readings, TargetStatus, store};
use crate::decide::Decider;
use crate::diag;
use crate::election::coordinator::{Coordinator, Plan, Standing};
use crate::election::lease;
use crate::exit::Exit;
use crate::history::store::HistoryStore;
use crate::output::dashboard::{self, Frame, Tally};
use crate::output::json::{self, RecommendView, TickErrorView, TickView};
use crate::policy::engine::Decision;
use crate::policy::fleet::FleetView;
use crate::policy::{Action, Recommendation, ReplicaTarget};
use crate::sample::Sample;
use crate::serve::{self, Shared};
use crate::settings::App;
use crate::settings::options::MonitorOptions;
use crate::sources::mapping;

mod coordination;
mod display;
mod hook;
mod tick;

use display::{Screen, write_stdout};
pub use hook::{Change, is_change};
use hook::{hook_loop, wait_for_hook};

/// How long the dashboard's spinner waits between redraws.
const SPIN: Duration = Duration::from_millis(100);
/// How long the end of the run waits for the lease to be released.
const RELEASE_GRACE: Duration = Duration::from_secs(2);

/// How ticks are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A terminal: the dashboard, redrawn in place.
    Dashboard,
    /// Not a terminal: one plain line per tick.
    Plain,
    /// `--json`: one JSON object per tick.
    Json,
}

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Count,
    Signal(&'static str),
    ClosedStdout,
}

impl Stop {
    fn describe(self) -> &'static str {
        match self {
            Stop::Count => "after --count ticks",
            Stop::Signal("SIGINT") => "on SIGINT",
            Stop::Signal(_) => "on SIGTERM",
            Stop::ClosedStdout => "as stdout was closed",
        }
    }
}

/// A good tick's results.
#[derive(Debug)]
struct Ticked {
    sample: Sample,
    targets: Vec<TargetStatus>,
    /// Why each metric the sample leaves unknown is unknown.
    unknown: std::collections::BTreeMap<crate::sample::Metric, String>,
    history: Vec<Sample>,
    /// None on a follower (`--coordinate`), which leaves deciding to the leader.
    decision: Option<Decision>,
    /// `--coordinate`: where this instance stood for this tick.
    standing: Option<Standing>,
    /// `--coordinate`, leading: the fleet the recommendation is for.
    fleet: Option<FleetView>,
}

impl Ticked {
    /// The recommendation, when this tick decided.
    fn rec(&self) -> Option<&Recommendation> {
        self.decision.as_ref().map(|d| &d.recommendation)
    }

    /// Current and target replicas, when `--current-replicas` is known.
    fn replicas(&self) -> Option<ReplicaTarget> {
        self.decision.as_ref().and_then(|d| d.replicas)
    }
}

/// How a tick ended.
enum Tick {
    /// It ran (and succeeded or failed).
    Done(Box<Result<Ticked>>),
    /// A signal arrived while scraping: nothing was written.
    Abandoned(&'static str),
}

/// `monitor`.
pub async fn run(app: &App, cmd: &MonitorOptions) -> Result<Exit> {
    let bounds = cmd.decide.choice.bounds;
    if bounds.min > bounds.max {
        bail!(
            "--min-replicas '{}' is greater than --max-replicas '{}'",
            bounds.min,
            bounds.max
        );
    }
    collect::check_sampling(&cmd.sampling)?;
    if let Some(program) = &cmd.exec_on_change
        && program.is_empty()
    {
        bail!("--exec-on-change program '' is empty");
    }
    if cmd.coordinate && !app.history.is_shared() {
        bail!(
            "--coordinate needs a shared history '{}': give --history redis://HOST:PORT (the lease lives beside it)",
            app.history.location()
        );
    }
    Monitor::new(app, cmd)?.run().await
}

struct Monitor<'a> {
    app: &'a App,
    cmd: &'a MonitorOptions,
    mode: Mode,
    /// The policy, windows and bounds, as `recommend` resolves them.
    decider: Decider,
    /// The host sampler, scraper and Prometheus plan, kept across ticks.
    collector: Collector,
    tally: Tally,
    last_decision: Option<(Action, i64)>,
    last_good: Option<Ticked>,
    shared: Option<Shared>,
    coordinator: Option<Coordinator>,
}

impl<'a> Monitor<'a> {
    fn new(app: &'a App, cmd: &'a MonitorOptions) -> Result<Monitor<'a>> {
        let mode = if cmd.json {
            Mode::Json
        } else if io::stdout().is_terminal() {
            Mode::Dashboard
        } else {
            Mode::Plain
        };
        let decider = Decider::live(&cmd.decide)?;
        // Monitor records its own samples: only the flag can give the HPA its count.
        decider.require_current(&[])?;
        // One collector for the whole run: CPU is measured between ticks and HTTP connections
        // to the endpoints are kept alive.
        let collector = Collector::new(&cmd.sampling)?.allowing_partial();
        Ok(Monitor {
            app,
            cmd,
            mode,
            decider,
            collector,
            tally: Tally::default(),
            last_decision: None,
            last_good: None,
            shared: None,
            coordinator: None,
        })
    }

    async fn run(mut self) -> Result<Exit> {
        // Signals first: from here on SIGINT/SIGTERM are held until the loop can act on them.
        let mut sigint = signal(SignalKind::interrupt()).context("handling SIGINT")?;
        let mut sigterm = signal(SignalKind::terminate()).context("handling SIGTERM")?;

        let (stop_server, server) = match self.cmd.serve {
            Some(addr) => {
                let shared = Shared::new(self.cmd.interval);
                shared.lock().snapshot.history_samples = self.app.history.load()?.samples.len();
                let listener = serve::bind(addr).await?;
                let bound = listener.local_addr().unwrap_or(addr);
                if !bound.ip().is_loopback() {
                    self.app.warn(&format!(
                        "--serve '{bound}' is NOT a loopback address: /metrics, /health and /ready \
                         are open to the network, without authentication"
                    ));
                }
                diag::note(&format!(
                    "serving http://{bound}/metrics, /health and /ready"
                ));
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                let server = serve::spawn(listener, shared.clone(), async move {
                    let _ = rx.await;
                });
                self.shared = Some(shared);
                (Some(tx), Some(server))
            }
            None => (None, None),
        };

        let (hook_tx, hook) = match self.cmd.exec_on_change.clone() {
            Some(program) => {
                let (tx, rx) = watch::channel(None);
                let task = tokio::spawn(hook_loop(program, rx));
                (Some(tx), Some(task))
            }
            None => (None, None),
        };

        let watcher = self.start_coordination().await;

        let screen = (self.mode == Mode::Dashboard).then(Screen::enter);
        let stop = self
            .ticks(&mut sigint, &mut sigterm, hook_tx.as_ref())
            .await;
        // Release the lease first: another instance can lead while this one winds down.
        if let Some(c) = self.coordinator.take() {
            c.stop(RELEASE_GRACE).await;
        }
        if let Some(w) = watcher {
            w.abort();
        }
        drop(screen);
        if self.mode == Mode::Dashboard
            && let Some(frame) = self.frame(None)
        {
            // The alternate screen is gone: leave the last frame on the normal screen.
            let _ = write_stdout(&frame);
        }

        // Stop the change hook (it finishes a running program and the latest change first).
        drop(hook_tx);
        if let Some(task) = hook {
            wait_for_hook(task, &mut sigint, &mut sigterm).await;
        }
        if let (Some(tx), Some(server)) = (stop_server, server) {
            let _ = tx.send(());
            let _ = tokio::time::timeout(Duration::from_secs(1), server).await;
        }

        let stop = stop?;
        eprint!("{}", dashboard::summary(&self.tally, stop.describe()));
        if self.tally.ticks > 0 && !self.tally.any_good() {
            bail!("no tick succeeded ({} failed)", self.tally.failed);
        }
        Ok(Exit::Success)
    }
    /// Tick until `--count`, a signal or a closed stdout.
    async fn ticks(
        &mut self,
        sigint: &mut Signal,
        sigterm: &mut Signal,
        hook: Option<&watch::Sender<Option<Change>>>,
    ) -> Result<Stop> {
        let mut n: u64 = 0;
        loop {
            n += 1;
            let started = Instant::now();
            let outcome = match self.tick(sigint, sigterm).await {
                Tick::Done(outcome) => *outcome,
                Tick::Abandoned(signal) => return Ok(Stop::Signal(signal)),
            };
            if let Err(e) = self.show(n, outcome, hook) {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return Ok(Stop::ClosedStdout);
                }
                return Err(e).context("writing to stdout");
            }
            if self.cmd.count.is_some_and(|count| n >= count) {
                return Ok(Stop::Count);
            }
            let next = started + self.cmd.interval;
            if let Some(stop) = self.wait(next, sigint, sigterm).await {
                return Ok(stop);
            }
        }
    }

    /// Wait until `deadline` (drawing the countdown on a terminal); a signal cuts it short, and
    /// so does stdout's reader going away (`monitor | head -1` ends at once, without another
    /// sample).
    async fn wait(
        &self,
        deadline: Instant,
        sigint: &mut Signal,
        sigterm: &mut Signal,
    ) -> Option<Stop> {
        let deadline = tokio::time::Instant::from_std(deadline);
        let spin = self.mode == Mode::Dashboard;
        let mut step = 0;
        let closed = crate::output::pipe::stdout_closed();
        tokio::pin!(closed);
        loop {
            if spin {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let _ = write_stdout(&format!(
                    "{}{}",
                    dashboard::CLEAR_LINE,
                    dashboard::countdown(step, left)
                ));
            }
            tokio::select! {
                biased;
                _ = sigint.recv() => return Some(Stop::Signal("SIGINT")),
                _ = sigterm.recv() => return Some(Stop::Signal("SIGTERM")),
                () = &mut closed => return Some(Stop::ClosedStdout),
                () = tokio::time::sleep_until(deadline) => return None,
                () = tokio::time::sleep(SPIN), if spin => step += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_read_well() {
        assert_eq!(Stop::Signal("SIGINT").describe(), "on SIGINT");
        assert_eq!(Stop::Signal("SIGTERM").describe(), "on SIGTERM");
        assert_eq!(Stop::Count.describe(), "after --count ticks");
    }
}
