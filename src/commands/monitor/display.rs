//! How ticks are shown and published: the dashboard, plain lines, NDJSON, the exporter's
//! snapshot and the alternate screen.

use super::*;

impl Monitor<'_> {
    /// Count, publish, announce and display a tick's outcome.
    pub(super) fn show(
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
                unknown: &t.unknown,
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
            })?),
            (Mode::Json, _, Some(e)) => {
                eprintln!("rizk-scale: error: {}", dashboard::error_line(n, &e));
                write_stdout(&json::line(&TickErrorView {
                    schema_version: json::SCHEMA_VERSION,
                    tick: n,
                    error: &e,
                })?)
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
    pub(super) fn frame(&self, error: Option<&str>) -> Option<String> {
        let t = self.last_good.as_ref()?;
        let rec = t.rec()?;
        // What each endpoint did on the last good tick (URLs and errors already redacted).
        let targets: Vec<dashboard::TargetLine> = t
            .targets
            .iter()
            .map(|s| dashboard::TargetLine {
                url: s.url.clone(),
                state: match (&s.error, s.no_series) {
                    (Some(e), _) => dashboard::TargetState::Down(e.clone()),
                    (None, true) => dashboard::TargetState::NoSeries,
                    (None, false) => dashboard::TargetState::Up,
                },
            })
            .collect();
        Some(dashboard::frame(
            &Frame {
                tick: self.tally.ticks,
                interval: self.cmd.interval,
                history: &t.history,
                rec,
                replicas: t.replicas(),
                tally: &self.tally,
                error,
                targets: &targets,
            },
            self.app.color,
            self.app.width.unwrap_or(crate::output::DEFAULT_WIDTH),
        ))
    }

    /// Copy the state the exporter shows.
    pub(super) fn publish(&self, shared: &Shared) {
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
            p.snapshot.targets = t
                .targets
                .iter()
                .map(|s| crate::output::metrics_page::TargetState {
                    target: s.url.clone(),
                    up: s.ok,
                    scrape_seconds: s.duration_ms as f64 / 1000.0,
                })
                .collect();
        }
    }
}

/// The plain line of a good tick: the recommendation (with `leader=yes instances=N` when
/// leading a fleet), or whom a follower follows.
pub(super) fn tick_line(n: u64, t: &Ticked, color: bool) -> String {
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
pub(super) fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The dashboard's alternate screen, left again on drop (also when unwinding from a panic).
pub(super) struct Screen;

impl Screen {
    pub(super) fn enter() -> Screen {
        let _ = write_stdout(dashboard::ENTER_SCREEN);
        Screen
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = write_stdout(dashboard::LEAVE_SCREEN);
    }
}
