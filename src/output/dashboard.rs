//! What `monitor` shows: the terminal dashboard, the plain per-tick line, the countdown and
//! the closing summary. Pure: every function returns text; `commands::monitor` writes it.

use std::fmt::Write as _;
use std::time::Duration;

use comfy_table::{Cell, CellAlignment};

use super::sparkline;
use super::table::{action_word, format_value, new_table, state_style, styled};
use super::{Style, paint, truncate, wrap};
use crate::policy::{Action, CondState, Direction, Recommendation, ReplicaTarget};
use crate::sample::{Metric, Sample};
use crate::text;

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
        format!(
            "; followed another leader: {}",
            text::count(tally.followed, "tick", "ticks")
        )
    } else {
        String::new()
    };
    format!(
        "rizk-scale: monitor stopped {why}: {} ({} failed); actions: {}; flaps: {}{followed}\n",
        text::count(tally.ticks, "tick", "ticks"),
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
        .map_or_else(|| "-".to_string(), text::timestamp);
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
        .map_or_else(|| "-".to_string(), text::timestamp);
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

/// How one endpoint answered the last tick, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetState {
    /// Scraped, and at least one of the mapped series was on the page.
    Up,
    /// Answered, but with none of the series the mapping asks for.
    NoSeries,
    /// Not scraped: why (redacted).
    Down(String),
}

/// One endpoint of the last tick (its URL already redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLine {
    /// The endpoint, userinfo and secrets redacted.
    pub url: String,
    /// How it answered.
    pub state: TargetState,
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
    /// The endpoints of the last good tick (empty without `--endpoint`).
    pub targets: &'a [TargetLine],
}

/// What an endpoint that answered with none of the mapped series is said to have done.
const NO_SERIES: &str = "answered, but with none of the mapped series";

/// Endpoint lines listed one by one; more are counted ("… and 3 more").
const TARGET_LINES: usize = 3;

/// Table borders and padding of the five dashboard columns: `│ a ┆ b ┆ c ┆ d ┆ e │`.
const TABLE_FRAME: usize = 16;

/// One metric's row of the dashboard table, before the trend is drawn.
struct Row {
    metric: Metric,
    now: String,
    up: Option<(String, Style)>,
    down: Option<(String, Style)>,
}

/// A condition's cell text and style (none when the policy has no such condition).
fn condition_cell(rec: &Recommendation, metric: Metric, dir: Direction) -> Option<(String, Style)> {
    let c = rec
        .conditions
        .iter()
        .find(|c| c.metric == metric && c.direction == dir)?;
    let op = match dir {
        Direction::Up => '>',
        Direction::Down => '<',
    };
    let word = match c.state {
        CondState::Met => "met",
        CondState::NotMet => "no",
        CondState::Unknown => "?",
    };
    Some((format!("{op} {} {word}", c.threshold), state_style(c.state)))
}

/// The endpoint lines: a count, then each endpoint that is not up (and the up ones while
/// there is room), at most [`TARGET_LINES`].
fn target_lines(targets: &[TargetLine], color: bool, width: usize) -> Vec<String> {
    if targets.is_empty() {
        return Vec::new();
    }
    let up = targets
        .iter()
        .filter(|t| t.state == TargetState::Up)
        .count();
    let head = format!("Endpoints: {up} of {} up", targets.len());
    let mut lines = vec![paint(
        &head,
        if up == targets.len() {
            Style::Good
        } else {
            Style::Bad
        },
        color,
    )];
    // The ones that need looking at first, then the healthy ones.
    let mut ordered: Vec<&TargetLine> = targets
        .iter()
        .filter(|t| t.state != TargetState::Up)
        .collect();
    ordered.extend(targets.iter().filter(|t| t.state == TargetState::Up));
    if targets.len() == 1 && up == 1 {
        ordered.clear();
    }
    let listed = if ordered.len() > TARGET_LINES {
        TARGET_LINES - 1
    } else {
        ordered.len()
    };
    for t in &ordered[..listed] {
        let (mark, what, style) = match &t.state {
            TargetState::Up => ("✓", "up".to_string(), Style::Good),
            TargetState::NoSeries => ("∅", NO_SERIES.to_string(), Style::Warn),
            TargetState::Down(why) => ("✗", why.clone(), Style::Bad),
        };
        let mut line = format!("  {mark} {}: {what}", t.url);
        // Too long: the root cause (the error's last part) says more than its first words.
        if line.chars().count() > width
            && let Some((_, cause)) = what.rsplit_once(": ")
        {
            line = format!("  {mark} {}: {cause}", t.url);
        }
        let line = truncate(&line, width);
        lines.push(paint(&line, style, color));
    }
    if ordered.len() > listed {
        lines.push(format!("  … and {} more", ordered.len() - listed));
    }
    lines
}

/// A whole dashboard frame (no cursor control: the caller adds [`REDRAW`]). Every line fits
/// `width` columns: long lines wrap (the reason) or are cut with `…` (endpoints, errors).
pub fn frame(f: &Frame<'_>, color: bool, width: u16) -> String {
    let cols = usize::from(width);
    let mut out = String::with_capacity(4096);
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let newest = f.history.last();
    let when = newest
        .and_then(|s| s.timestamp)
        .map_or_else(|| "no timestamp".to_string(), text::timestamp);
    let who = newest
        .and_then(|s| s.instance.as_deref())
        .map(|i| format!(" from {i}"))
        .unwrap_or_default();
    let title = "rizk-scale monitor";
    let head = truncate(
        &format!(
            "{title} · tick {} · every {} · {}",
            f.tick,
            text::duration(f.interval),
            text::count(f.history.len() as u64, "sample", "samples"),
        ),
        cols,
    );
    line(&head.replacen(title, &paint(title, Style::Bold, color), 1));
    line(&truncate(&format!("Newest: {when}{who}"), cols));
    let target = f.replicas.map_or(String::new(), |t| {
        let clamped = if t.clamped { ", clamped" } else { "" };
        format!(
            " ({} → {} replicas{clamped})",
            t.current_replicas, t.target_replicas
        )
    });
    // The delta only when there is one ("maintain", not "maintain 0").
    let moves = match f.rec.replica_delta {
        0 => String::new(),
        d => format!(" {}", delta(d)),
    };
    let decision = format!("{}{moves}{target}", f.rec.action.as_str());
    let decision = truncate(&format!("Recommendation: {decision}"), cols);
    line(&decision.replacen(f.rec.action.as_str(), &action_word(f.rec.action, color), 1));
    for l in wrap(&format!("Reason: {}", f.rec.reason), cols, 2) {
        line(&l);
    }

    // The cells first: the trend column gets whatever the others leave.
    let rows: Vec<Row> = Metric::ALL
        .iter()
        .map(|&metric| Row {
            metric,
            now: format_value(metric, newest.and_then(|s| s.get(metric))),
            up: condition_cell(f.rec, metric, Direction::Up),
            down: condition_cell(f.rec, metric, Direction::Down),
        })
        .collect();
    let taken: usize = [
        (
            "Metric",
            &(|r: &Row| r.metric.label().chars().count()) as &dyn Fn(&Row) -> usize,
        ),
        ("Now", &|r: &Row| r.now.chars().count()),
        ("Up if", &|r: &Row| {
            r.up.as_ref().map_or(0, |c| c.0.chars().count())
        }),
        ("Down if", &|r: &Row| {
            r.down.as_ref().map_or(0, |c| c.0.chars().count())
        }),
    ]
    .iter()
    .map(|(title, get)| rows.iter().map(get).max().unwrap_or(0).max(title.len()))
    .sum();
    let trend_width = cols.saturating_sub(taken + TABLE_FRAME).clamp(5, 200);
    let mut table = new_table(color, Some(width));
    table.set_header(vec!["Metric", "Now", "Trend", "Up if", "Down if"]);
    let cell = |c: &Option<(String, Style)>| match c {
        Some((text, style)) => styled(text, *style, color),
        None => Cell::new(""),
    };
    for r in &rows {
        let series: Vec<Option<f64>> = f.history.iter().map(|s| s.get(r.metric)).collect();
        table.add_row(vec![
            Cell::new(r.metric.label()),
            Cell::new(&r.now).set_alignment(CellAlignment::Right),
            Cell::new(sparkline::newest(
                &series,
                trend_width,
                sparkline::scale_for(r.metric),
            )),
            cell(&r.up),
            cell(&r.down),
        ]);
    }
    line(&table.to_string());
    let shown = f.history.len().min(trend_width);
    for l in wrap(
        &format!(
            "Trend: newest {}; {}",
            text::count(shown as u64, "sample", "samples"),
            sparkline::SCALE_NOTE
        ),
        cols,
        2,
    ) {
        line(&paint(&l, Style::Dim, color));
    }
    let failed = format!("{} failed", f.tally.failed);
    let ticks = truncate(
        &format!(
            "Ticks: {} ({failed}) · seen {} · flaps {}",
            f.tally.ticks,
            actions_seen(f.tally),
            f.tally.flaps
        ),
        cols,
    );
    let failed_style = if f.tally.failed > 0 {
        Style::Bad
    } else {
        Style::Dim
    };
    line(&ticks.replacen(&failed, &paint(&failed, failed_style, color), 1));
    for l in target_lines(f.targets, color, cols) {
        line(&l);
    }
    if let Some(e) = f.error {
        line(&paint(
            &truncate(&error_line(f.tick, e), cols),
            Style::Bad,
            color,
        ));
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

    fn frame_text(h: &[Sample], targets: &[TargetLine], color: bool, width: u16) -> String {
        let rec = recommend(h, &ThresholdPolicy::default(), now());
        let mut tally = Tally::default();
        tally.record(rec.action);
        tally.fail();
        let t = crate::policy::target_replicas(5, rec.replica_delta, Default::default());
        frame(
            &Frame {
                tick: 3,
                interval: Duration::from_secs(10),
                history: h,
                rec: &rec,
                replicas: Some(t),
                tally: &tally,
                error: Some("endpoint down"),
                targets,
            },
            color,
            width,
        )
    }

    #[test]
    fn frame_shows_recommendation_conditions_and_trends() {
        let h: Vec<Sample> = [20.0, 50.0, 95.0].map(hot).to_vec();
        let text = frame_text(&h, &[], false, 100);
        assert!(!text.contains('\x1b'));
        assert!(text.starts_with("rizk-scale monitor · tick 3 · every 10s · 3 samples\n"));
        assert!(text.contains("Newest: 2026-11-23T18:00:00Z from web-1\n"));
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
        assert!(text.contains("Trend: newest 3 samples; % on 0–100, others from their min"));
        assert!(text.contains("Ticks: 2 (1 failed) · seen scale_up 1 · flaps 0"));
        assert!(text.contains("tick 3 failed: endpoint down"));
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    }

    #[test]
    fn frame_lists_endpoints_that_are_down_or_empty_first() {
        let h: Vec<Sample> = [20.0, 50.0, 95.0].map(hot).to_vec();
        let t = |url: &str, state| TargetLine {
            url: url.to_string(),
            state,
        };
        let targets = [
            t("http://127.0.0.1:1/metrics", TargetState::Up),
            t(
                "http://[redacted]@127.0.0.1:2/metrics",
                TargetState::Down("connection refused".into()),
            ),
            t("http://127.0.0.1:3/metrics", TargetState::NoSeries),
        ];
        let text = frame_text(&h, &targets, false, 80);
        let at = text.find("Endpoints: 1 of 3 up\n").unwrap();
        let rest = &text[at..];
        let down = rest
            .find("  ✗ http://[redacted]@127.0.0.1:2/metrics: connection refused")
            .unwrap();
        let empty = rest
            .find("  ∅ http://127.0.0.1:3/metrics: answered, but with none of the mapped series")
            .unwrap();
        let up = rest.find("  ✓ http://127.0.0.1:1/metrics: up").unwrap();
        assert!(down < up && empty < up, "{text}");
        // A single healthy endpoint is one line.
        let one = frame_text(&h, &targets[..1], false, 80);
        assert!(
            one.contains("Endpoints: 1 of 1 up\n") && !one.contains('✓'),
            "{one}"
        );
        // Many: four lines, then a count.
        let many: Vec<TargetLine> = (0..9)
            .map(|i| {
                t(
                    &format!("http://127.0.0.1:{i}/"),
                    TargetState::Down("timed out".into()),
                )
            })
            .collect();
        let text = frame_text(&h, &many, false, 80);
        assert_eq!(text.matches("  ✗ ").count(), 2, "{text}");
        assert!(text.contains("  … and 7 more\n"), "{text}");
    }

    #[test]
    fn frame_fits_80_by_24_and_uses_the_room_when_wider() {
        let h: Vec<Sample> = (0..100).map(|i| hot(f64::from(i))).collect();
        let targets = [TargetLine {
            url: "http://127.0.0.1:9/metrics".into(),
            state: TargetState::Down("error sending request: connection refused".into()),
        }];
        for color in [false, true] {
            let text = frame_text(&h, &targets, color, 80);
            // The frame, plus the countdown line under it.
            assert!(text.lines().count() < 24, "{text}");
            let widths: Vec<usize> = text.lines().map(crate::output::display_width).collect();
            assert!(widths.iter().all(|&w| w <= 80), "{widths:?}\n{text}");
            let table: Vec<usize> = text
                .lines()
                .filter(|l| l.contains('│') || l.contains('┌') || l.contains('└'))
                .map(crate::output::display_width)
                .collect();
            assert!(table.windows(2).all(|w| w[0] == w[1]), "{table:?}\n{text}");
            assert_eq!(table[0], 80, "{text}");
        }
        let narrow = frame_text(&h, &targets, false, 80);
        let wide = frame_text(&h, &targets, false, 132);
        let spark = |t: &str| {
            t.lines()
                .find(|l| l.contains("CPU %"))
                .map(|l| l.chars().filter(|c| ('▁'..='█').contains(c)).count())
                .unwrap()
        };
        assert!(spark(&wide) >= spark(&narrow) + 50, "{wide}");
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
