//! Screens as people see them: the real binary in a real pseudo-terminal (tmux), at 80×24 and
//! 132×40, colour on (stdout is a terminal, `NO_COLOR` unset: the tool's own `auto`).
//!
//! For `recommend`, `history show`, `validate`, `config show`, `replay` and the `monitor`
//! dashboard (before and after Ctrl-C) every captured line fits the terminal, every table line
//! of a table has the same display width (escape codes stripped, each character one column)
//! and ends in the table's border, and the screen with colour is the screen without colour
//! once the escape codes are stripped. The 80-column screens are committed under
//! `tests/snapshots/terminal/` and checked; regenerate them (and the README screenshots made
//! from them) with
//!
//! ```sh
//! RIZK_UPDATE_GENERATED=1 cargo test --test integration terminal
//! ```
//!
//! Live timestamps (samples taken during the test) are written as `2026-11-23T18:00:00Z` in the
//! snapshots, the dashboard's countdown as `⠋ next tick in 59.9s`. tmux comes from Debian
//! (`.ci/run` installs it); without it the tests say so and pass.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The env var that rewrites the snapshots instead of checking them (as tests/generated.rs).
const UPDATE: &str = "RIZK_UPDATE_GENERATED";

/// Every wait on the terminal gives up after this.
const WAIT: Duration = Duration::from_secs(60);

/// The two sizes every screen is looked at in.
const SIZES: [(u16, u16); 2] = [(80, 24), (132, 40)];

/// Appended to each command line: prints `[exit N]` (the typed line itself does not contain
/// that text, so waiting for it waits for the command).
const EXIT: &str = "; printf '[%s %d]\\n' exit $?";

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// Tests run in parallel; the README is rewritten by one at a time.
static README: Mutex<()> = Mutex::new(());

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

fn tmux_missing() -> bool {
    !common::tool_present("tmux", "tmux")
}

/// A tmux server of its own (`-L`), one window of `cols`×`rows` running `sh` in a temp dir
/// with a clean environment: the history is `history.jsonl` there. Killed on drop.
struct Term {
    socket: String,
    /// The server's socket file, removed with the server.
    socket_path: Option<PathBuf>,
    dir: tempfile::TempDir,
}

impl Term {
    fn start(cols: u16, rows: u16, extra_env: &[(&str, &str)]) -> Term {
        let dir = tempfile::tempdir().unwrap();
        let socket = format!(
            "rizk-term-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_rizk-scale"));
        let path = format!("{}:/usr/bin:/bin", bin.parent().unwrap().display());
        let mut env = vec![
            format!("HOME={}", dir.path().display()),
            format!("PATH={path}"),
            "TERM=xterm-256color".to_string(),
            "LANG=C.UTF-8".to_string(),
            "PS1=$ ".to_string(),
            "RIZK_SCALE_HISTORY=history.jsonl".to_string(),
            format!("XDG_CONFIG_HOME={}/config", dir.path().display()),
            format!("XDG_STATE_HOME={}/state", dir.path().display()),
        ];
        env.extend(extra_env.iter().map(|(k, v)| format!("{k}={v}")));
        let mut cmd = Command::new("tmux");
        cmd.args(["-u", "-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &cols.to_string(), "-y", &rows.to_string()])
            .args(["-c", dir.path().to_str().unwrap(), "--", "env", "-i"])
            .args(&env)
            .arg("sh");
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "tmux: {}", text(&out.stderr));
        let mut term = Term {
            socket,
            socket_path: None,
            dir,
        };
        let path = text(
            &term
                .tmux(&["display-message", "-p", "#{socket_path}"])
                .stdout,
        );
        term.socket_path = Some(PathBuf::from(path.trim())).filter(|p| p.is_absolute());
        term.tmux(&["set-option", "-g", "history-limit", "5000"]);
        term.wait_for("$", Duration::from_secs(10));
        term
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-u", "-L", &self.socket])
            .args(args)
            .output()
            .unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// What the pane shows, with escape codes (`-e`); `all` includes the scrollback.
    fn capture(&self, all: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-e"];
        if all {
            args.extend(["-S", "-"]);
        }
        text(&self.tmux(&args).stdout)
    }

    /// Wait (bounded) until the visible pane contains `needle`; the pane then.
    fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(false);
            if strip(&screen).contains(needle) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {needle:?}; the screen:\n{}",
                strip(&screen)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Type `line` and Enter.
    fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-l", line]);
        self.tmux(&["send-keys", "Enter"]);
    }

    /// Run `line` in the (fresh) shell and return everything on the terminal from the command
    /// line to the `[exit N]` after it, scrollback included.
    fn run(&self, line: &str) -> String {
        self.type_line(&format!("{line}{EXIT}"));
        self.wait_for("[exit ", WAIT);
        // The prompt after it: the output is complete.
        std::thread::sleep(Duration::from_millis(100));
        let all = self.hide_dir(&self.capture(true));
        let start = all.find("$ ").unwrap_or(0);
        trim_screen(&all[start..])
    }

    /// The temp dir's random name as `X`s (the same width: the layout does not change).
    fn hide_dir(&self, screen: &str) -> String {
        let dir = self.dir.path().display().to_string();
        let keep = dir.rfind(".tmp").map_or(dir.len(), |i| i + 4);
        let hidden = format!("{}{}", &dir[..keep], "X".repeat(dir.len() - keep));
        screen.replace(&dir, &hidden)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Without ANSI escape sequences (CSI and two-byte ones), written here rather than taken from
/// the crate, so the check does not trust the code it checks.
fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// Trailing blank lines (and trailing spaces) removed; one newline at the end.
fn trim_screen(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let end = lines
        .iter()
        .rposition(|l| !strip(l).trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut out = lines[..end].join("\n");
    out.push('\n');
    out
}

/// Columns a line takes: escape codes none, every character one.
fn width(line: &str) -> usize {
    strip(line).chars().count()
}

/// The closing character a table line must end with, by its first.
fn closing(first: char) -> Option<char> {
    match first {
        '┌' => Some('┐'),
        '│' => Some('│'),
        '╞' => Some('╡'),
        '├' => Some('┤'),
        '└' => Some('┘'),
        _ => None,
    }
}

/// Every line fits `cols`; every table (a run of lines starting with a box character) has all
/// its lines of one width, each closed by its border.
fn assert_fits(name: &str, screen: &str, cols: u16) {
    let plain = strip(screen);
    let mut table: Vec<&str> = Vec::new();
    let check_table = |table: &[&str]| {
        let widths: Vec<usize> = table.iter().map(|l| width(l)).collect();
        assert!(
            widths.windows(2).all(|w| w[0] == w[1]),
            "{name} at {cols} columns: table lines of widths {widths:?}:\n{plain}"
        );
    };
    for line in plain.lines() {
        assert!(
            width(line) <= usize::from(cols),
            "{name} at {cols} columns: a line of {} columns: {line:?}\n{plain}",
            width(line)
        );
        let first = line.chars().next();
        match first.and_then(closing) {
            Some(close) => {
                assert!(
                    line.ends_with(close),
                    "{name} at {cols} columns: a table line not closed by '{close}' (wrapped?): {line:?}\n{plain}"
                );
                table.push(line);
            }
            None => {
                check_table(&table);
                table.clear();
            }
        }
    }
    check_table(&table);
}

/// Compare with the committed snapshot, or write it (`RIZK_UPDATE_GENERATED=1`).
fn snapshot(name: &str, screen: &str) {
    let path = repo()
        .join("tests/snapshots/terminal")
        .join(format!("{name}.txt"));
    let plain = strip(screen);
    if std::env::var_os(UPDATE).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &plain).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == plain,
        "{} is stale (regenerate: {UPDATE}=1 cargo test --test integration terminal)\n--- committed\n{committed}\n--- now\n{plain}",
        path.display()
    );
}

/// Timestamps of samples taken during the test, written as one fixed time (same width).
fn fix_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let shape = "dddd-dd-ddTdd:dd:ddZ";
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + shape.len() <= chars.len()
            && shape.chars().zip(&chars[i..]).all(|(p, c)| match p {
                'd' => c.is_ascii_digit(),
                p => p == *c,
            });
        if fits {
            out.push_str("2026-11-23T18:00:00Z");
            i += shape.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn copy_fixture(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// Where a screen's timestamps come from: samples taken during the test (written as one fixed
/// time) or a fixture (kept: they are part of what is checked).
#[derive(Clone, Copy, PartialEq)]
enum Times {
    Live,
    Fixture,
}

/// One static screen (a command that ends), looked at in both sizes: fits, tables aligned, the
/// same as without colour, coloured at all; the 80-column one is the snapshot `name`.
fn static_screen(name: &str, setup: impl Fn(&Term), line: &str, coloured: bool) -> String {
    screen_with_times(name, setup, line, coloured, Times::Fixture)
}

fn screen_with_times(
    name: &str,
    setup: impl Fn(&Term),
    line: &str,
    coloured: bool,
    times: Times,
) -> String {
    let fix = |s: &str| match times {
        Times::Live => fix_times(s),
        Times::Fixture => s.to_string(),
    };
    let mut narrow = String::new();
    for (cols, rows) in SIZES {
        let term = Term::start(cols, rows, &[]);
        setup(&term);
        let screen = term.run(line);
        drop(term);
        let plain_term = Term::start(cols, rows, &[("NO_COLOR", "1")]);
        setup(&plain_term);
        let plain = plain_term.run(line);
        drop(plain_term);
        assert_fits(name, &screen, cols);
        assert!(
            !plain.contains('\x1b'),
            "{name}: escape codes with NO_COLOR=1:\n{plain}"
        );
        if coloured {
            assert!(
                screen.contains("\x1b["),
                "{name}: no colour on a terminal:\n{screen}"
            );
        }
        assert_eq!(
            fix(&strip(&screen)),
            fix(&plain),
            "{name} at {cols} columns: colour changed the layout"
        );
        if cols == 80 {
            narrow = fix(&screen);
            snapshot(&format!("{name}-80x24"), &narrow);
        }
    }
    narrow
}

fn with_history(file: &'static str) -> impl Fn(&Term) {
    move |t: &Term| copy_fixture(&fixtures().join(file), &t.path("history.jsonl"))
}

/// The quick start: three samples, then the decision.
fn quick_start(t: &Term) {
    for rps in ["140", "150", "160"] {
        let out = Command::new(env!("CARGO_BIN_EXE_rizk-scale"))
            .current_dir(t.dir.path())
            .env_clear()
            .env("RIZK_SCALE_HISTORY", "history.jsonl")
            .env("HOME", t.dir.path())
            .args(["collect", "--no-host", "--instance", "web-1"])
            .args([
                "--metric",
                "cpu_percent=84",
                "--metric",
                "memory_percent=82",
            ])
            .args(["--metric", &format!("requests_per_second={rps}")])
            .args([
                "--metric",
                "response_time_ms=212",
                "--metric",
                "error_rate=0.4",
            ])
            .args([
                "--metric",
                "cache_hit_rate=91",
                "--metric",
                "active_connections=37",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

#[test]
fn recommend_screen() {
    if tmux_missing() {
        return;
    }
    let screen = screen_with_times(
        "recommend",
        quick_start,
        "rizk-scale recommend",
        true,
        Times::Live,
    );
    assert!(
        strip(&screen).contains("Recommendation: scale_up +2"),
        "{screen}"
    );
    readme_screen("quick-start", &screen);
}

#[test]
fn history_show_screen() {
    if tmux_missing() {
        return;
    }
    let screen = static_screen(
        "history-show",
        with_history("validate/history/healthy.jsonl"),
        "rizk-scale history show -n 6",
        false,
    );
    let plain = strip(&screen);
    // Fixed-width times, never split; short headings whole.
    assert!(plain.contains("│ 18:09:00 ┆"), "{plain}");
    assert!(plain.contains("┆ Conn │"), "{plain}");
    readme_screen("history-show", &screen);
}

#[test]
fn validate_screen() {
    if tmux_missing() {
        return;
    }
    let setup = |t: &Term| {
        with_history("validate/history/healthy.jsonl")(t);
        std::fs::create_dir(t.path("deploy")).unwrap();
        for f in ["deployment.yaml", "hpa.yaml", "pdb.yaml", "nginx.conf"] {
            copy_fixture(
                &fixtures().join("validate/seed").join(f),
                &t.path(&format!("deploy/{f}")),
            );
        }
    };
    let screen = static_screen(
        "validate",
        setup,
        "rizk-scale validate --manifests deploy --nginx-conf deploy/nginx.conf",
        true,
    );
    assert!(strip(&screen).contains("ready: yes"), "{screen}");
    readme_screen("validate", &screen);
}

#[test]
fn config_show_screen() {
    if tmux_missing() {
        return;
    }
    static_screen(
        "config-show",
        |t: &Term| {
            std::fs::write(
                t.path("rizk-scale.toml"),
                "[history]\ncapacity = 500\n\n[thresholds.scale_up]\ncpu_percent = 75\n",
            )
            .unwrap();
        },
        "rizk-scale config show",
        false,
    );
}

#[test]
fn replay_screen() {
    if tmux_missing() {
        return;
    }
    let single = strip(&static_screen(
        "replay",
        with_history("replay/noisy.jsonl"),
        "rizk-scale replay --current-replicas 5",
        true,
    ));
    let compare = strip(&static_screen(
        "replay-compare",
        with_history("replay/noisy.jsonl"),
        "rizk-scale replay --current-replicas 5 --compare scale-down-window=5m",
        true,
    ));
    for screen in [&single, &compare] {
        // The span is the fixture's, first to last sample.
        assert!(
            screen.contains("(2026-11-23T18:00:00Z → 2026-11-23T18:16:30Z)"),
            "{screen}"
        );
        // The figures at 80 columns: whole headings, the policies as columns.
        assert!(screen.contains("\n│ replica-hours  ┆"), "{screen}");
        assert!(screen.contains("\n│ overloaded %   ┆"), "{screen}");
        assert_words_whole(screen, &["before.", "recorded"]);
    }
    assert_words_whole(&compare, &["scale-down-window=5m"]);
    assert!(
        compare.contains("\nA: threshold\nB: threshold, scale-down-window=5m\nOver 0.3 h."),
        "{compare}"
    );
}

/// Prose and labels wrapped between words: none of the words the old layout split, and each of
/// `words` whole on one line.
fn assert_words_whole(screen: &str, words: &[&str]) {
    for piece in ["polic\n", "repli\n", "bef\n", " o\nf ", "fina\n"] {
        assert!(!screen.contains(piece), "{piece:?} split:\n{screen}");
    }
    for word in words {
        assert!(screen.contains(word), "{word} not whole:\n{screen}");
    }
}

/// Two hours at 10 s (720 samples: past the timeline's 500) whose samples record the replica
/// count (3 to 7 in steps), with one 5-minute CPU spike: the figures-only form, with the load
/// model and what was observed.
fn long_history(t: &Term) {
    let mut lines = String::new();
    for i in 0..720u32 {
        let secs = 18 * 3600 + i * 10;
        let ts = format!(
            "2026-11-23T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        let replicas = 3 + (i / 60) % 5;
        let spike = if (300..330).contains(&i) { 30 } else { 0 };
        let cpu = 50 + (i % 90) / 2 + spike;
        let rps = 200 + i % 120;
        lines.push_str(&format!(
            "{{\"timestamp\":\"{ts}\",\"cpu_percent\":{cpu},\"memory_percent\":60,\"requests_per_second\":{rps},\"response_time_ms\":120,\"error_rate\":0.5,\"replicas\":{replicas}}}\n"
        ));
    }
    std::fs::write(t.path("history.jsonl"), lines).unwrap();
}

#[test]
fn replay_long_history_and_four_policies_show_the_figures_only() {
    if tmux_missing() {
        return;
    }
    let single = strip(&static_screen(
        "replay-long",
        long_history,
        "rizk-scale replay",
        false,
    ));
    let four = strip(&static_screen(
        "replay-compare-4",
        long_history,
        "rizk-scale replay --compare hpa --compare hpa,scale-up-window=3m \
         --compare seed,scale-up-cpu=60",
        false,
    ));
    for screen in [&single, &four] {
        assert!(
            screen.contains(
                "What-if replay of 720 samples (2026-11-23T18:00:00Z → 2026-11-23T19:59:50Z),"
            ),
            "{screen}"
        );
        assert!(
            screen.contains("Load model (720 of 720 samples with an observed replica count)"),
            "{screen}"
        );
        assert!(!screen.contains(" 18:00:10 "), "no timeline: {screen}");
        assert_words_whole(
            screen,
            &["observed_replicas", "simulated_replicas;", "before."],
        );
    }
    // At 80 columns the policies (and what was observed) are the columns.
    for (screen, names) in [
        (&single, &["", "observed", "A"][..]),
        (&four, &["", "observed", "A", "B", "C", "D"][..]),
    ] {
        let header = screen
            .lines()
            .find(|l| l.contains("┆ observed ┆"))
            .unwrap_or_default();
        let cells: Vec<&str> = header.trim_matches('│').split('┆').map(str::trim).collect();
        assert_eq!(cells, names, "{screen}");
    }
    assert!(
        four.contains("D: threshold, scale-up-cpu_percent=60 (--compare"),
        "{four}"
    );
}

/// The dashboard's countdown, written as at its first draw.
fn fix_countdown(s: &str) -> String {
    s.lines()
        .map(|l| {
            if strip(l).contains(" next tick in ") {
                "⠋ next tick in 59.9s · Ctrl-C to stop".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The dashboard with one endpoint down (a closed loopback port) and one that answers with
/// none of the mapped series (a textfile of something else).
const MONITOR: &str = "rizk-scale monitor --interval 60s --no-host --instance web-1 \
     --metric cpu_percent=84 --metric memory_percent=82 --metric requests_per_second=150 \
     --metric response_time_ms=212 --metric error_rate=0.4 \
     --endpoint http://127.0.0.1:1/metrics --endpoint file://$PWD/other.prom";

#[test]
fn monitor_dashboard_screen_and_after_ctrl_c() {
    if tmux_missing() {
        return;
    }
    for (cols, rows) in SIZES {
        let term = Term::start(cols, rows, &[]);
        with_history("validate/history/healthy.jsonl")(&term);
        std::fs::write(
            term.path("other.prom"),
            "# TYPE unrelated_total counter\nunrelated_total 1\n",
        )
        .unwrap();
        term.type_line(&format!("{MONITOR}{EXIT}"));
        let screen = term.wait_for("next tick in", WAIT);
        let screen = trim_screen(&term.hide_dir(&screen));
        assert_fits("monitor dashboard", &screen, cols);
        assert!(
            screen.lines().count() <= usize::from(rows),
            "the dashboard is taller than {rows} rows:\n{}",
            strip(&screen)
        );
        assert!(screen.contains("\x1b["), "no colour:\n{screen}");
        let plain = strip(&screen);
        assert!(
            plain.contains("rizk-scale monitor · tick 1 · every 1m"),
            "{plain}"
        );
        assert!(plain.contains("Recommendation: scale_up +2"), "{plain}");
        // What is wrong is on the screen: the dead endpoint and the one without the series.
        assert!(plain.contains("Endpoints: 0 of 2 up"), "{plain}");
        assert!(plain.contains("✗ http://127.0.0.1:1/metrics: "), "{plain}");
        assert!(plain.contains("∅ file://"), "{plain}");
        // Ctrl-C: the last frame stays on the normal screen, as wide as the terminal allows.
        term.tmux(&["send-keys", "C-c"]);
        term.wait_for("[exit 0]", WAIT);
        let after = trim_screen(&term.hide_dir(&term.capture(false)));
        assert_fits("monitor after Ctrl-C", &after, cols);
        assert!(strip(&after).contains("monitor stopped on SIGINT: 1 tick (0 failed)"));
        if cols == 80 {
            let shown = fix_countdown(&fix_times(&screen));
            snapshot("monitor-80x24", &shown);
            readme_screen("dashboard", &shown);
            let stopped = fix_times(&after);
            let from = stopped.find("$ rizk-scale monitor").unwrap_or(0);
            snapshot("monitor-after-ctrl-c-80x24", &stopped[from..]);
        }
    }
}

/// The README's screenshot `name`: the block between `<!-- screen:NAME -->` and
/// `<!-- /screen -->` is the screen in a text code block; written with `RIZK_UPDATE_GENERATED=1`.
fn readme_screen(name: &str, screen: &str) {
    let _one = README
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let open = format!("<!-- screen:{name} -->\n");
    let close = "<!-- /screen -->";
    let start = readme
        .find(&open)
        .unwrap_or_else(|| panic!("README.md has no {open:?} marker"))
        + open.len();
    let end = start + readme[start..].find(close).unwrap();
    // Without the test's own `[exit N]` plumbing.
    let shown: Vec<&str> = screen
        .lines()
        .filter(|l| !l.starts_with("[exit ") && l.trim() != "$")
        .collect();
    let shown = strip(&shown.join("\n")).replace(EXIT, "");
    let block = format!("```text\n{shown}\n```\n");
    if std::env::var_os(UPDATE).is_some() {
        let updated = format!("{}{block}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == block,
        "README.md's screen '{name}' is stale (regenerate: {UPDATE}=1 cargo test --test integration terminal)\n--- README\n{}\n--- now\n{block}",
        &readme[start..end]
    );
}
