//! What `monitor` shows: the terminal dashboard, the plain per-tick line, the countdown and
//! the closing summary. Pure: every function returns text; `commands::monitor` writes it.

use std::fmt::Write as _;
use std::time::Duration;

use comfy_table::{Cell, CellAlignment};

use super::sparkline::{self, Scale};
use super::table::{action_word, format_value, new_table};
use super::{Style, paint};
use crate::policy::{Action, CondState, Direction, Recommendation, ReplicaTarget};
use crate::sample::{Metric, Sample};

/// Switch to the alternate screen and hide the cursor (the dashboard's whole-screen mode).
pub const ENTER_SCREEN: &str = "\x1b[?1049h\x1b[?25l";
/// Show the cursor and return to the normal screen.
pub const LEAVE_SCREEN: &str = "\x1b[?25h\x1b[?1049l";
/// Cursor home and clear the screen: each frame is drawn from the top.
pub const REDRAW: &str = "\x1b[H\x1b[2J";
/// Back to the start of the line and clear it: the countdown is redrawn in place.
pub const CLEAR_LINE: &str = "\r\x1b[2K";

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Counts over a run: ticks, failures, actions seen and flaps (changes of action).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Ticks run, failed ones included.
    pub ticks: u64,
    /// Ticks that failed to collect or store.
    pub failed: u64,
    /// How often each action was recommended, in `metrics_page::ACTIONS` order.
    pub actions: [u64; 4],
    /// How often the action differed from the previous good tick's.
    pub flaps: u64,
    /// Good ticks spent following another instance (`--coordinate`).
    pub followed: u64,
    last: Option<Action>,
}

impl Tally {
    /// Count a good tick and its action.
    pub fn record(&mut self, action: Action) {
        self.ticks += 1;
        self.actions[action_index(action)] += 1;
        if self.last.is_some_and(|last| last != action) {
            self.flaps += 1;
        }
        self.last = Some(action);
    }

    /// Count a good tick of a follower (`--coordinate`), which decides nothing.
    pub fn follow(&mut self) {
        self.ticks += 1;
        self.followed += 1;
    }

    /// Count a failed tick.
    pub fn fail(&mut self) {
        self.ticks += 1;
        self.failed += 1;
    }

    /// Whether at least one tick succeeded.
    pub fn any_good(&self) -> bool {
        self.ticks > self.failed
    }
}

fn action_index(action: Action) -> usize {
    match action {
        Action::ScaleUp => 0,
        Action::ScaleDown => 1,
        Action::Maintain => 2,
        Action::Wait => 3,
    }
}

/// "scale_up 3, maintain 8" (actions never seen are left out; "none" when nothing was).
fn actions_seen(tally: &Tally) -> String {
    let seen: Vec<String> = super::metrics_page::ACTIONS
        .iter()
        .zip(tally.actions)
        .filter(|(_, n)| *n > 0)
        .map(|(a, n)| format!("{} {n}", a.as_str()))
        .collect();
    if seen.is_empty() {
        "none".to_string()
    } else {
        seen.join(", ")
    }
}

/// The summary printed on stderr when the loop ends (`why`: "after --count", "on SIGTERM", …).
pub fn summary(tally: &Tally, why: &str) -> String {
    let followed = if tally.followed > 0 {
        format!("; followed another leader: {} ticks", tally.followed)
    } else {
        String::new()
    };
    format!(
        "rizk-scale: monitor stopped {why}: {} ticks ({} failed); actions: {}; flaps: {}{followed}\n",
        tally.ticks,
        tally.failed,
        actions_seen(tally),
        tally.flaps
    )
}

/// `+2`, `0`, `-1`.
fn delta(d: i64) -> String {
    if d == 0 {
        "0".to_string()
    } else {
        format!("{d:+}")
    }
}

fn plain_value(sample: &Sample, metric: Metric) -> String {
    match sample.get(metric) {
        None => "-".to_string(),
        Some(v) if metric == Metric::ActiveConnections => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// One line per tick when stdout is not a terminal: timestamp, tick, action, delta, target and
/// the key metrics as `key=value` (`-` when unknown).
pub fn plain_line(
    tick: u64,
    sample: &Sample,
    rec: &Recommendation,
    replicas: Option<ReplicaTarget>,
    color: bool,
) -> String {
    let when = sample
        .timestamp
        .map_or_else(|| "-".to_string(), |t| t.to_string());
    let mut line = format!(
        "{when} tick={tick} action={} delta={}",
        action_word(rec.action, color),
        delta(rec.replica_delta)
    );
    if let Some(t) = replicas {
        let _ = write!(line, " target={}", t.target_replicas);
    }
    for (key, metric) in [
        ("cpu", Metric::CpuPercent),
        ("mem", Metric::MemoryPercent),
        ("rps", Metric::RequestsPerSecond),
        ("rt_ms", Metric::ResponseTimeMs),
        ("err", Metric::ErrorRate),
    ] {
        let _ = write!(line, " {key}={}", plain_value(sample, metric));
    }
    let _ = write!(line, " samples={}", rec.samples);
    line.push('\n');
    line
}

/// A follower's line (`monitor --coordinate`, another instance leads): timestamp, tick, the
/// leader's holder id and the key metrics of the sample this instance collected.
pub fn follower_line(tick: u64, sample: &Sample, leader: Option<&str>) -> String {
    let when = sample
        .timestamp
        .map_or_else(|| "-".to_string(), |t| t.to_string());
    let mut line = format!(
        "{when} tick={tick} following leader={}",
        leader.unwrap_or("-")
    );
    for (key, metric) in [
        ("cpu", Metric::CpuPercent),
        ("mem", Metric::MemoryPercent),
        ("rps", Metric::RequestsPerSecond),
        ("rt_ms", Metric::ResponseTimeMs),
        ("err", Metric::ErrorRate),
    ] {
        let _ = write!(line, " {key}={}", plain_value(sample, metric));
    }
    line.push('\n');
    line
}

/// The line a failed tick prints (stderr in plain mode, inside the dashboard on a terminal).
pub fn error_line(tick: u64, error: &str) -> String {
    format!("tick {tick} failed: {error}")
}

/// Everything one dashboard frame shows.
#[derive(Debug)]
pub struct Frame<'a> {
    /// The tick number (1-based).
    pub tick: u64,
    /// Time between ticks.
    pub interval: Duration,
    /// The history after the tick, oldest first (its last sample is the newest).
    pub history: &'a [Sample],
    /// The newest recommendation.
    pub rec: &'a Recommendation,
    /// The replica target, when known.
    pub replicas: Option<ReplicaTarget>,
    /// Counts so far.
    pub tally: &'a Tally,
    /// The last tick's error, when it failed.
    pub error: Option<&'a str>,
}

fn scale_for(metric: Metric) -> Scale {
    if metric.is_percent() {
        Scale::Fixed(0.0, 100.0)
    } else {
        Scale::Auto
    }
}

fn condition_cell(rec: &Recommendation, metric: Metric, dir: Direction, color: bool) -> String {
    let Some(c) = rec
        .conditions
        .iter()
        .find(|c| c.metric == metric && c.direction == dir)
    else {
        return String::new();
    };
    let op = match dir {
        Direction::Up => '>',
        Direction::Down => '<',
    };
    let rule = format!("{op} {}", c.threshold);
    match c.state {
        CondState::Met => paint(&format!("{rule} met"), Style::Bold, color),
        CondState::NotMet => paint(&format!("{rule} no"), Style::Dim, color),
        CondState::Unknown => paint(&format!("{rule} ?"), Style::Warn, color),
    }
}

/// A whole dashboard frame (no cursor control: the caller adds [`REDRAW`]).
pub fn frame(f: &Frame<'_>, color: bool, width: u16) -> String {
    let mut out = String::with_capacity(4096);
    let newest = f.history.last();
    let when = newest
        .and_then(|s| s.timestamp)
        .map_or_else(|| "no timestamp".to_string(), |t| t.to_string());
    let who = newest
        .and_then(|s| s.instance.as_deref())
        .map(|i| format!(" from {i}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} · tick {} · every {} · {} samples · newest {when}{who}",
        paint("rizk-scale monitor", Style::Bold, color),
        f.tick,
        humantime::format_duration(f.interval),
        f.history.len(),
    );
    let target = f.replicas.map_or(String::new(), |t| {
        let clamped = if t.clamped { ", clamped" } else { "" };
        format!(
            " ({} → {} replicas{clamped})",
            t.current_replicas, t.target_replicas
        )
    });
    let _ = writeln!(
        out,
        "Recommendation: {} {}{target}",
        action_word(f.rec.action, color),
        delta(f.rec.replica_delta)
    );
    for line in wrap(&format!("Reason: {}", f.rec.reason), usize::from(width)) {
        let _ = writeln!(out, "{line}");
    }
    let trend_width = usize::from(width.saturating_sub(72)).clamp(10, 60);
    let mut table = new_table(color, Some(width));
    table.set_header(vec!["Metric", "Now", "Trend", "Up if", "Down if"]);
    for metric in Metric::ALL {
        let series: Vec<Option<f64>> = f.history.iter().map(|s| s.get(metric)).collect();
        table.add_row(vec![
            Cell::new(metric.label()),
            Cell::new(format_value(metric, newest.and_then(|s| s.get(metric))))
                .set_alignment(CellAlignment::Right),
            Cell::new(sparkline::newest(&series, trend_width, scale_for(metric))),
            Cell::new(condition_cell(f.rec, metric, Direction::Up, color)),
            Cell::new(condition_cell(f.rec, metric, Direction::Down, color)),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');
    let _ = writeln!(
        out,
        "Seen: {} · flaps {} · failed ticks {}",
        actions_seen(f.tally),
        f.tally.flaps,
        f.tally.failed
    );
    if let Some(e) = f.error {
        let _ = writeln!(out, "{}", paint(&error_line(f.tick, e), Style::Bad, color));
    }
    out
}

/// The countdown under the dashboard: a spinner and the time to the next tick.
pub fn countdown(step: usize, remaining: Duration) -> String {
    let spin = SPINNER[step % SPINNER.len()];
    format!(
        "{spin} next tick in {:.1}s · Ctrl-C to stop",
        remaining.as_secs_f64()
    )
}

/// Word-wrap `text` to `width` characters, continuation lines indented by 8 spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, " ".repeat(8)));
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::threshold::{ThresholdPolicy, recommend};

    fn hot(cpu: f64) -> Sample {
        Sample {
            timestamp: Some("2026-11-23T18:00:00Z".parse().unwrap()),
            cpu_percent: Some(cpu),
            memory_percent: Some(85.0),
            requests_per_second: Some(150.0),
            instance: Some("web-1".into()),
            ..Sample::default()
        }
    }

    fn now() -> jiff::Timestamp {
        "2026-11-23T18:00:01Z".parse().unwrap()
    }

    #[test]
    fn tally_counts_actions_and_flaps() {
        let mut t = Tally::default();
        for a in [
            Action::Wait,
            Action::Wait,
            Action::ScaleUp,
            Action::Maintain,
        ] {
            t.record(a);
        }
        t.fail();
        t.record(Action::Maintain);
        assert_eq!((t.ticks, t.failed, t.flaps), (6, 1, 2));
        assert_eq!(t.actions, [1, 0, 2, 2]);
        assert!(t.any_good());
        assert_eq!(
            summary(&t, "on SIGTERM"),
            "rizk-scale: monitor stopped on SIGTERM: 6 ticks (1 failed); actions: scale_up 1, maintain 2, wait 2; flaps: 2\n"
        );
        let mut bad = Tally::default();
        bad.fail();
        assert!(!bad.any_good());
        assert!(summary(&bad, "after --count").contains("actions: none; flaps: 0"));
    }

    #[test]
    fn plain_line_has_action_delta_target_and_metrics() {
        let h = vec![hot(95.0), hot(95.0), hot(95.0)];
        let rec = recommend(&h, &ThresholdPolicy::default(), now());
        let t = crate::policy::target_replicas(5, rec.replica_delta, Default::default());
        let line = plain_line(3, &h[2], &rec, Some(t), false);
        assert_eq!(
            line,
            "2026-11-23T18:00:00Z tick=3 action=scale_up delta=+3 target=8 cpu=95.0 mem=85.0 rps=150.0 rt_ms=- err=- samples=3\n"
        );
        let wait = recommend(&h[..1], &ThresholdPolicy::default(), now());
        let line = plain_line(1, &h[0], &wait, None, false);
        assert!(line.contains("action=wait delta=0 cpu="), "{line}");
        assert!(plain_line(1, &h[0], &wait, None, true).contains("\x1b[33mwait\x1b[0m"));
    }

    #[test]
    fn frame_shows_recommendation_conditions_and_trends() {
        let h: Vec<Sample> = [20.0, 50.0, 95.0].map(hot).to_vec();
        let rec = recommend(&h, &ThresholdPolicy::default(), now());
        let mut tally = Tally::default();
        tally.record(rec.action);
        let t = crate::policy::target_replicas(5, rec.replica_delta, Default::default());
        let text = frame(
            &Frame {
                tick: 3,
                interval: Duration::from_secs(10),
                history: &h,
                rec: &rec,
                replicas: Some(t),
                tally: &tally,
                error: Some("endpoint down"),
            },
            false,
            100,
        );
        assert!(!text.contains('\x1b'));
        assert!(
            text.contains(
                "tick 3 · every 10s · 3 samples · newest 2026-11-23T18:00:00Z from web-1"
            )
        );
        assert!(
            text.contains("Recommendation: scale_up +3 (5 → 8 replicas)"),
            "{text}"
        );
        assert!(text.contains("High resource usage"), "{text}");
        let cpu = text.lines().find(|l| l.contains("CPU %")).unwrap();
        // 20, 50, 95 on a 0–100 scale.
        assert!(cpu.contains("▂▅█"), "{cpu}");
        assert!(cpu.contains("> 70 met") && cpu.contains("< 30 no"), "{cpu}");
        let rt = text.lines().find(|l| l.contains("Response ms")).unwrap();
        assert!(rt.contains("unknown") && rt.contains("> 1000 ?"), "{rt}");
        assert!(text.contains("Seen: scale_up 1 · flaps 0 · failed ticks 0"));
        assert!(text.contains("tick 3 failed: endpoint down"));
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    }

    #[test]
    fn countdown_spins() {
        assert_eq!(
            countdown(0, Duration::from_millis(7300)),
            "⠋ next tick in 7.3s · Ctrl-C to stop"
        );
        assert!(countdown(11, Duration::ZERO).starts_with('⠙'));
    }
}
