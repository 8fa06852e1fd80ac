//! Resolved settings: flags and environment turned into the values commands use.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::GlobalArgs;
use crate::config::{self, LoadedConfig};
use crate::history::file::FileStore;
use crate::output;
use crate::policy::threshold::ThresholdPolicy;

/// What every command needs, resolved once.
#[derive(Debug)]
pub struct App {
    /// The history store.
    pub history: FileStore,
    /// Whether stdout gets colour.
    pub color: bool,
    /// Suppress warnings.
    pub quiet: bool,
    /// Width for tables when stdout is a terminal.
    pub width: Option<u16>,
    /// The configuration file in effect, if any.
    pub config: Option<LoadedConfig>,
    /// The seed policy with the configuration's thresholds.
    pub policy: ThresholdPolicy,
}

impl App {
    /// Resolve the global options.
    pub fn from_args(global: &GlobalArgs, config: Option<LoadedConfig>) -> Result<App> {
        let path = match &global.history {
            Some(p) if p.as_os_str().is_empty() => bail!("history path '' is empty"),
            Some(p) => p.clone(),
            None => {
                default_history_path(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))?
            }
        };
        Ok(App {
            history: FileStore::new(path, global.capacity),
            color: output::color_enabled(global.color),
            quiet: global.quiet,
            width: terminal_width(),
            policy: crate::layers::threshold_policy(config.as_ref()),
            config,
        })
    }

    /// Print a warning on stderr unless `--quiet`.
    pub fn warn(&self, message: &str) {
        output::warn(self.quiet, message);
    }

    /// Warn about history lines that did not parse (file:line and why).
    pub fn warn_rejected(&self, rejected: &[crate::history::Rejected], aside: Option<&Path>) {
        let path = self.history.path().display();
        for r in rejected {
            match aside {
                Some(a) => self.warn(&format!(
                    "'{path}:{}': unparseable history line moved to '{}': {}",
                    r.line,
                    a.display(),
                    r.error
                )),
                None => self.warn(&format!(
                    "'{path}:{}': skipped unparseable history line: {}",
                    r.line, r.error
                )),
            }
        }
    }
}

/// The configuration file in effect: `--config`/`RIZK_SCALE_CONFIG` (must exist), else the
/// first of `./rizk-scale.toml` and `$XDG_CONFIG_HOME/rizk-scale/config.toml` that exists.
pub fn load_config(global: &GlobalArgs) -> Result<Option<LoadedConfig>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match config::discover(global.config.as_deref(), &cwd, xdg, home) {
        Some(path) => config::load(&path).map(Some),
        None => Ok(None),
    }
}

/// `$XDG_STATE_HOME/rizk-scale/history.jsonl`, else `~/.local/state/rizk-scale/history.jsonl`.
/// A relative `XDG_STATE_HOME` is ignored, as the XDG spec says.
pub fn default_history_path(
    xdg_state: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf> {
    let base = match (xdg_state.map(PathBuf::from), home.map(PathBuf::from)) {
        (Some(x), _) if x.is_absolute() => x,
        (_, Some(h)) if h.is_absolute() => h.join(".local/state"),
        _ => bail!("no history location: set --history PATH, RIZK_SCALE_HISTORY or HOME"),
    };
    Ok(base.join("rizk-scale").join("history.jsonl"))
}

/// The terminal's width when stdout is one (tables wrap to it), else none.
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or(Some(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_location_follows_xdg_then_home() {
        let p = default_history_path(Some("/x/state".into()), Some("/home/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/x/state/rizk-scale/history.jsonl"));
        let p = default_history_path(Some("relative".into()), Some("/home/u".into())).unwrap();
        assert_eq!(
            p,
            PathBuf::from("/home/u/.local/state/rizk-scale/history.jsonl")
        );
        assert!(
            default_history_path(None, None)
                .unwrap_err()
                .to_string()
                .contains("--history")
        );
    }
}
