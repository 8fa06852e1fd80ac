//! `rizk-scale monitor`: every `--interval`, collect → append → recommend → show; optionally
//! export the state over HTTP and run a program when the recommendation changes.
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
//!   (`fleet::coordinator`, ticking every third of `--coordination-interval`); every tick reads
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

use crate::cli::MonitorCmd;
use crate::commands::collect::{self, PromAnswer, PromPlan, TargetStatus};
use crate::exit::Exit;
use crate::exporter::{self, Shared};
use crate::fleet::coordinator::{Coordinator, Plan, Standing};
use crate::fleet::lease;
use crate::history::store::HistoryStore;
use crate::output;
use crate::output::dashboard::{self, Frame, Tally};
use crate::output::json::{self, RecommendView, TickErrorView, TickView};
use crate::policy::engine::{self, Decision, Settings};
use crate::policy::fleet::{self, FleetView};
use crate::policy::{Action, Recommendation, ReplicaBounds, ReplicaTarget};
use crate::sample::Sample;
use crate::settings::App;
use crate::settings::policy::PolicyChoice;
use crate::sources::endpoint::{Scraper, Target, TargetResult};
use crate::sources::host::{self, HostReading, HostSampler};
use crate::sources::{mapping, prometheus};

/// How long the dashboard's spinner waits between redraws.
const SPIN: Duration = Duration::from_millis(100);
/// How long the end of the run waits for a running `--exec-on-change` program.
const HOOK_GRACE: Duration = Duration::from_secs(10);
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

/// What `--exec-on-change` is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The new action.
    pub action: Action,
    /// The new replica delta.
    pub delta: i64,
    /// The replica target, when `--current-replicas` is known.
    pub target: Option<u32>,
    /// The recommendation's reason.
    pub reason: String,
}

impl Change {
    /// The environment the program gets. `RIZK_TARGET_REPLICAS` is empty when unknown.
    pub fn env(&self) -> [(&'static str, String); 4] {
        [
            ("RIZK_ACTION", self.action.as_str().to_string()),
            ("RIZK_REPLICA_DELTA", self.delta.to_string()),
            (
                "RIZK_TARGET_REPLICAS",
                self.target.map(|t| t.to_string()).unwrap_or_default(),
            ),
            ("RIZK_REASON", self.reason.clone()),
        ]
    }
}

/// Whether a new decision is a change worth announcing (the first one always is, so a
/// restarted monitor re-announces the current state).
pub fn is_change(previous: Option<(Action, i64)>, now: (Action, i64)) -> bool {
    previous != Some(now)
}

/// `monitor`.
pub fn run(app: &App, cmd: &MonitorCmd) -> Result<Exit> {
    if cmd.min_replicas > cmd.max_replicas {
        bail!(
            "--min-replicas '{}' is greater than --max-replicas '{}'",
            cmd.min_replicas,
            cmd.max_replicas
        );
    }
    collect::check_sampling(&cmd.sampling)?;
    if let Some(program) = cmd.exec_on_change.as_ref().and_then(|p| p.first())
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async { Monitor::new(app, cmd)?.run().await });
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

struct Monitor<'a> {
    app: &'a App,
    cmd: &'a MonitorCmd,
    mode: Mode,
    /// The policy, windows and bounds, as `recommend` resolves them.
    settings: Settings,
    max_age: Option<std::time::Duration>,
    sampler: Option<HostSampler>,
    scraper: Option<(Scraper, Vec<Target>)>,
    /// `--prometheus`: its own client (no endpoint headers or token) and queries.
    prometheus: Option<(Scraper, PromPlan)>,
    tally: Tally,
    last_decision: Option<(Action, i64)>,
    last_good: Option<Ticked>,
    shared: Option<Shared>,
    coordinator: Option<Coordinator>,
}

impl<'a> Monitor<'a> {
    fn new(app: &'a App, cmd: &'a MonitorCmd) -> Result<Monitor<'a>> {
        let mode = if cmd.json {
            Mode::Json
        } else if io::stdout().is_terminal() {
            Mode::Dashboard
        } else {
            Mode::Plain
        };
        let max_age = (!cmd.max_age.is_zero()).then_some(cmd.max_age);
        let settings = PolicyChoice {
            args: cmd.policy.clone(),
            bounds: ReplicaBounds {
                min: cmd.min_replicas,
                max: cmd.max_replicas,
            },
            base: app.policy.clone(),
        }
        .resolve(max_age)?;
        if cmd.policy.policy == crate::cli::PolicyArg::Hpa && cmd.current_replicas.is_none() {
            anyhow::bail!(
                "--policy 'hpa' needs --current-replicas N: the HPA's proposals are proportional to the replicas running"
            );
        }
        let sampler = if cmd.sampling.no_host {
            None
        } else {
            Some(HostSampler::new()?)
        };
        // One HTTP client for the whole run: connections to the endpoints are kept alive.
        let scraper = match collect::scrape_plan(&cmd.sampling)? {
            Some((targets, options)) => Some((Scraper::new(options)?, targets)),
            None => None,
        };
        let prometheus = match collect::prometheus_plan(app, &cmd.sampling)? {
            Some(plan) => Some((Scraper::new(plan.options.clone())?, plan)),
            None => None,
        };
        Ok(Monitor {
            app,
            cmd,
            mode,
            prometheus,
            settings,
            max_age,
            sampler,
            scraper,
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
                let listener = exporter::bind(addr).await?;
                let bound = listener.local_addr().unwrap_or(addr);
                if !bound.ip().is_loopback() {
                    self.app.warn(&format!(
                        "--serve '{bound}' is NOT a loopback address: /metrics, /health and /ready \
                         are open to the network, without authentication"
                    ));
                }
                if !self.app.quiet {
                    eprintln!("rizk-scale: serving http://{bound}/metrics, /health and /ready");
                }
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                let server = exporter::spawn(listener, shared.clone(), async move {
                    let _ = rx.await;
                });
                self.shared = Some(shared);
                (Some(tx), Some(server))
            }
            None => (None, None),
        };

        let (hook_tx, hook) = match &self.cmd.exec_on_change {
            Some(program) => {
                let (tx, rx) = watch::channel(None);
                let task = tokio::spawn(hook_loop(program.clone(), rx, self.app.quiet));
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

    /// `--coordinate`: start the election, wait for its first result (so the first tick knows
    /// its role) and follow its standing: role changes on stderr, `rizk_scale_leader` at once.
    async fn start_coordination(&mut self) -> Option<JoinHandle<()>> {
        if !self.cmd.coordinate {
            return None;
        }
        let HistoryStore::Redis(store) = &self.app.history else {
            return None;
        };
        let instance = self
            .cmd
            .sampling
            .instance
            .clone()
            .or_else(host::hostname)
            .unwrap_or_else(|| "rizk-scale".to_string());
        let mut coordinator = Coordinator::spawn(Plan {
            seeds: store.seeds().to_vec(),
            key: self.app.keys.leader.clone(),
            holder: lease::holder_id(&instance),
            interval: self.cmd.coordination_interval,
        });
        coordinator
            .first_result(self.cmd.coordination_interval)
            .await;
        let mut rx = coordinator.subscribe();
        let shared = self.shared.clone();
        let service = self.app.service.clone();
        let quiet = self.app.quiet;
        if !quiet {
            eprintln!(
                "rizk-scale: coordinating service '{service}' as '{}' (lease {})",
                coordinator.holder(),
                humantime::format_duration(self.cmd.coordination_interval)
            );
        }
        let watcher = tokio::spawn(async move {
            let mut shown: Option<(bool, Option<String>, bool)> = None;
            loop {
                let standing = rx.borrow_and_update().clone();
                let key = (
                    standing.leader,
                    standing.holder.clone(),
                    standing.error.is_some(),
                );
                if shown.as_ref() != Some(&key) {
                    if standing.error.is_some() {
                        output::warn(quiet, &standing.describe(&service));
                    } else if !quiet {
                        eprintln!("rizk-scale: {}", standing.describe(&service));
                    }
                    shown = Some(key);
                }
                if let Some(shared) = &shared {
                    let mut p = shared.lock();
                    p.snapshot.leader = Some(standing.leader);
                    if !standing.leader {
                        // Only the leader publishes a recommendation.
                        p.snapshot.decision = None;
                        p.snapshot.target_replicas = None;
                    }
                }
                if rx.changed().await.is_err() {
                    break;
                }
            }
        });
        self.coordinator = Some(coordinator);
        Some(watcher)
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
            if let Some(signal) = self.wait(next, sigint, sigterm).await {
                return Ok(Stop::Signal(signal));
            }
        }
    }

    /// One tick: sample (host, endpoints), append, reload, decide. A signal during the scrape
    /// abandons the tick (nothing is written); from the append on it runs to completion.
    async fn tick(&mut self, sigint: &mut Signal, sigterm: &mut Signal) -> Tick {
        let host = self.sampler.as_mut().map(HostSampler::read);
        let (scraped, prom) = if self.scraper.is_none() && self.prometheus.is_none() {
            (None, None)
        } else {
            let scrape = async {
                match &self.scraper {
                    Some((scraper, targets)) => Some(scraper.scrape_all(targets).await),
                    None => None,
                }
            };
            let query = async {
                match &self.prometheus {
                    Some((scraper, plan)) => Some((
                        plan.base.clone(),
                        prometheus::query_all(scraper, &plan.base, &plan.queries).await,
                    )),
                    None => None,
                }
            };
            tokio::select! {
                biased;
                _ = sigint.recv() => return Tick::Abandoned("SIGINT"),
                _ = sigterm.recv() => return Tick::Abandoned("SIGTERM"),
                both = async { tokio::join!(scrape, query) } => both,
            }
        };
        Tick::Done(Box::new(self.finish_tick(host, scraped, prom)))
    }

    /// The blocking rest of a tick: never cancelled, so a history write is never torn.
    fn finish_tick(
        &mut self,
        host: Option<HostReading>,
        scraped: Option<Vec<TargetResult>>,
        prom: Option<(String, PromAnswer)>,
    ) -> Result<Ticked> {
        let mut collected = collect::assemble(self.app, &self.cmd.sampling, host, scraped, prom)?;
        collect::store_collected(self.app, &mut collected)?;
        let mut sample = collected.sample;
        // Raw counters are bookkeeping for the next rates, not part of what a tick shows.
        sample.extra.remove(mapping::RAW_FIELD);
        let loaded = self.app.history.load()?;
        let now = collect::now_ms();
        let standing = self.coordinator.as_ref().map(Coordinator::standing);
        let current = self.cmd.current_replicas;
        let (decision, fleet) = match &standing {
            None => (
                Some(engine::decide(
                    &loaded.samples,
                    &self.settings,
                    current,
                    now,
                )),
                None,
            ),
            Some(s) if s.is_leading(Instant::now()) => {
                let (decision, view) = self.fleet_decision(&loaded.samples, now);
                (Some(decision), Some(view))
            }
            Some(_) => (None, None),
        };
        Ok(Ticked {
            sample,
            targets: collected.targets,
            history: loaded.samples,
            decision,
            standing,
            fleet,
        })
    }

    /// The leader's decision: the seed's rules over the fleet view of the shared history, as
    /// `recommend --fleet` decides.
    fn fleet_decision(&self, history: &[Sample], now: jiff::Timestamp) -> (Decision, FleetView) {
        let view = fleet::fleet_view(
            history,
            now,
            self.max_age,
            self.app.policy.min_samples.max(1),
        );
        let mut decision =
            engine::decide(&view.series, &self.settings, self.cmd.current_replicas, now);
        if let Some(reason) = fleet::no_live_instance(&view) {
            decision.recommendation.reason = reason;
        }
        (decision, view)
    }

    /// Count, publish, announce and display a tick's outcome.
    fn show(
        &mut self,
        n: u64,
        outcome: Result<Ticked>,
        hook: Option<&watch::Sender<Option<Change>>>,
    ) -> io::Result<()> {
        let error = match outcome {
            Ok(t) => {
                if let Some(rec) = t.rec() {
                    self.tally.record(rec.action);
                    let decision = (rec.action, rec.replica_delta);
                    if let Some(tx) = hook
                        && is_change(self.last_decision, decision)
                    {
                        tx.send_replace(Some(Change {
                            action: rec.action,
                            delta: rec.replica_delta,
                            target: t.replicas().map(|r| r.target_replicas),
                            reason: rec.reason.clone(),
                        }));
                    }
                    self.last_decision = Some(decision);
                } else {
                    // A follower: on becoming leader again, the first decision is announced.
                    self.tally.follow();
                    self.last_decision = None;
                }
                self.last_good = Some(t);
                None
            }
            Err(e) => {
                self.tally.fail();
                Some(format!("{e:#}"))
            }
        };
        if let Some(shared) = &self.shared {
            self.publish(shared);
        }
        match (self.mode, &self.last_good, error) {
            (Mode::Json, Some(t), None) => write_stdout(&json::line(&TickView {
                schema_version: json::SCHEMA_VERSION,
                tick: n,
                sample: &t.sample,
                targets: &t.targets,
                leader: t.standing.as_ref().map(|s| t.rec().is_some() && s.leader),
                following: t
                    .standing
                    .as_ref()
                    .filter(|_| t.rec().is_none())
                    .and_then(|s| s.holder.as_deref()),
                recommendation: t.decision.as_ref().map(|d| {
                    RecommendView::of_decision(d)
                        .with_fleet(t.fleet.as_ref().map(json::FleetJson::new))
                }),
            })),
            (Mode::Json, _, Some(e)) => {
                eprintln!("rizk-scale: error: {}", dashboard::error_line(n, &e));
                write_stdout(&json::line(&TickErrorView {
                    schema_version: json::SCHEMA_VERSION,
                    tick: n,
                    error: &e,
                }))
            }
            (Mode::Plain, Some(t), None) => write_stdout(&tick_line(n, t, self.app.color)),
            (Mode::Plain, _, Some(e)) => {
                eprintln!("rizk-scale: error: {}", dashboard::error_line(n, &e));
                Ok(())
            }
            (Mode::Dashboard, last, e) => {
                let text = match (self.frame(e.as_deref()), last) {
                    (Some(frame), _) => frame,
                    // A follower has no recommendation to draw: its line says whom it follows.
                    (None, Some(t)) if t.rec().is_none() && e.is_none() => {
                        tick_line(n, t, self.app.color)
                    }
                    (None, _) => {
                        format!("{}\n", dashboard::error_line(n, e.as_deref().unwrap_or("")))
                    }
                };
                write_stdout(&format!("{}{text}", dashboard::REDRAW))
            }
            // A good tick always sets `last_good`.
            (_, None, None) => Ok(()),
        }
    }

    /// The dashboard for the last good tick (with `error` when the latest one failed).
    fn frame(&self, error: Option<&str>) -> Option<String> {
        let t = self.last_good.as_ref()?;
        let rec = t.rec()?;
        Some(dashboard::frame(
            &Frame {
                tick: self.tally.ticks,
                interval: self.cmd.interval,
                history: &t.history,
                rec,
                replicas: t.replicas(),
                tally: &self.tally,
                error,
                targets: &[],
            },
            self.app.color,
            self.app.width.unwrap_or(100),
        ))
    }

    /// Copy the state the exporter shows.
    fn publish(&self, shared: &Shared) {
        let mut p = shared.lock();
        p.last_tick = Instant::now();
        p.snapshot.ticks = self.tally.ticks;
        p.snapshot.collect_errors = self.tally.failed;
        p.snapshot.last_tick_seconds = Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
        );
        if let Some(t) = &self.last_good {
            p.snapshot.decision = t.rec().map(|r| (r.action, r.replica_delta));
            p.snapshot.target_replicas = t.replicas().map(|r| r.target_replicas);

            p.snapshot.history_samples = t.history.len();
            p.snapshot.sample = Some(t.sample.clone());
        }
    }

    /// Wait until `deadline` (drawing the countdown on a terminal); a signal cuts it short.
    async fn wait(
        &self,
        deadline: Instant,
        sigint: &mut Signal,
        sigterm: &mut Signal,
    ) -> Option<&'static str> {
        let deadline = tokio::time::Instant::from_std(deadline);
        let spin = self.mode == Mode::Dashboard;
        let mut step = 0;
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
                _ = sigint.recv() => return Some("SIGINT"),
                _ = sigterm.recv() => return Some("SIGTERM"),
                () = tokio::time::sleep_until(deadline) => return None,
                () = tokio::time::sleep(SPIN), if spin => step += 1,
            }
        }
    }
}

/// The plain line of a good tick: the recommendation (with `leader=yes instances=N` when
/// leading a fleet), or whom a follower follows.
fn tick_line(n: u64, t: &Ticked, color: bool) -> String {
    let Some(rec) = t.rec() else {
        let leader = t.standing.as_ref().and_then(|s| s.holder.as_deref());
        return dashboard::follower_line(n, &t.sample, leader);
    };
    let mut line = dashboard::plain_line(n, &t.sample, rec, t.replicas(), color);
    if let Some(view) = &t.fleet {
        line.pop();
        line.push_str(&format!(
            " leader=yes instances={} stale={}\n",
            view.counted.len(),
            view.stale.len()
        ));
    }
    line
}

/// Write to stdout, flushing; unlike `output::emit`, a closed pipe is returned (it ends the loop).
fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The dashboard's alternate screen, left again on drop (also when unwinding from a panic).
struct Screen;

impl Screen {
    fn enter() -> Screen {
        let _ = write_stdout(dashboard::ENTER_SCREEN);
        Screen
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = write_stdout(dashboard::LEAVE_SCREEN);
    }
}

/// Run the program for each change, one at a time. Changes arriving while it runs are
/// coalesced: only the latest is delivered next (and not at all if it is what the program was
/// last told). Ends once the loop drops the sender, after delivering the last change.
async fn hook_loop(program: Vec<OsString>, mut rx: watch::Receiver<Option<Change>>, quiet: bool) {
    let mut delivered: Option<(Action, i64)> = None;
    while rx.changed().await.is_ok() {
        let Some(change) = rx.borrow_and_update().clone() else {
            continue;
        };
        if delivered == Some((change.action, change.delta)) {
            continue;
        }
        delivered = Some((change.action, change.delta));
        if let Err(message) = run_hook(&program, &change).await {
            output::warn(quiet, &message);
        }
    }
}

/// Run the program once to completion. Its stdout goes to our stderr (stdout is for ticks).
async fn run_hook(program: &[OsString], change: &Change) -> Result<(), String> {
    let Some((exe, args)) = program.split_first() else {
        return Ok(());
    };
    let shown = exe.to_string_lossy();
    let stdout = io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_or_else(|_| Stdio::null(), Stdio::from);
    let status = tokio::process::Command::new(exe)
        .args(args)
        .envs(change.env())
        .stdin(Stdio::null())
        .stdout(stdout)
        .status()
        .await
        .map_err(|e| format!("--exec-on-change '{shown}' could not run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "--exec-on-change '{shown}' failed ({status}) for action {} {:+}",
            change.action.as_str(),
            change.delta
        ))
    }
}

/// Wait for the hook task to deliver the last change; give up after [`HOOK_GRACE`] or on a
/// second signal.
async fn wait_for_hook(mut task: JoinHandle<()>, sigint: &mut Signal, sigterm: &mut Signal) {
    tokio::select! {
        _ = &mut task => return,
        _ = tokio::time::sleep(HOOK_GRACE) => {}
        _ = sigint.recv() => {}
        _ = sigterm.recv() => {}
    }
    eprintln!("rizk-scale: warning: --exec-on-change program still running; not waiting for it");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_action_or_delta_and_the_first_counts() {
        assert!(is_change(None, (Action::Wait, 0)));
        assert!(!is_change(Some((Action::Wait, 0)), (Action::Wait, 0)));
        assert!(is_change(Some((Action::ScaleUp, 1)), (Action::ScaleUp, 2)));
        assert!(is_change(Some((Action::Maintain, 0)), (Action::Wait, 0)));
    }

    #[test]
    fn change_environment() {
        let c = Change {
            action: Action::ScaleDown,
            delta: -1,
            target: None,
            reason: "Low resource usage".into(),
        };
        let env = c.env();
        assert_eq!(env[0], ("RIZK_ACTION", "scale_down".to_string()));
        assert_eq!(env[1], ("RIZK_REPLICA_DELTA", "-1".to_string()));
        assert_eq!(env[2], ("RIZK_TARGET_REPLICAS", String::new()));
        assert_eq!(env[3], ("RIZK_REASON", "Low resource usage".to_string()));
    }

    fn change(action: Action, delta: i64) -> Option<Change> {
        Some(Change {
            action,
            delta,
            target: None,
            reason: "r".into(),
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_hook_never_overlaps_itself_and_coalesces_to_the_latest_change() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let script = format!(
            "mkdir '{d}/running' || echo OVERLAP >> '{d}/log'; sleep 0.3; \
             echo \"$RIZK_ACTION $RIZK_REPLICA_DELTA\" >> '{d}/log'; rmdir '{d}/running'"
        );
        let program = vec!["sh".into(), "-c".into(), script.into()];
        let (tx, rx) = watch::channel(None);
        let task = tokio::spawn(hook_loop(program, rx, true));
        tx.send_replace(change(Action::ScaleUp, 1));
        tokio::time::sleep(Duration::from_millis(100)).await;
        // While the first run sleeps: three changes, of which only the latest is delivered.
        tx.send_replace(change(Action::Maintain, 0));
        tx.send_replace(change(Action::ScaleUp, 2));
        tx.send_replace(change(Action::ScaleUp, 3));
        drop(tx);
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap();
        let log = std::fs::read_to_string(dir.path().join("log")).unwrap();
        assert_eq!(log, "scale_up 1\nscale_up 3\n");
    }

    #[test]
    fn stop_reasons_read_well() {
        assert_eq!(Stop::Signal("SIGINT").describe(), "on SIGINT");
        assert_eq!(Stop::Signal("SIGTERM").describe(), "on SIGTERM");
        assert_eq!(Stop::Count.describe(), "after --count ticks");
    }
}
