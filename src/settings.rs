//! Resolved settings: flags and environment turned into the values commands use.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::config::{self, LoadedConfig};
use crate::history::file::FileStore;
use crate::history::redis::{RedisStore, ServiceKeys, is_redis_url};
use crate::history::store::HistoryStore;

pub mod options;
pub mod policy;
pub mod resolve;

use options::GlobalOptions;

/// What every command needs, resolved once.
#[derive(Debug)]
pub struct App {
    /// The history store (a file, or a Redis list shared by the service's instances).
    pub history: HistoryStore,
    /// The service name (`--service`), which names the Redis keys.
    pub service: String,
    /// The service's Redis keys (history list, leader lease).
    pub keys: ServiceKeys,
    /// Whether stdout gets colour.
    pub color: bool,
    /// Suppress warnings.
    pub quiet: bool,
    /// Width for tables: the terminal's, else `COLUMNS` (none: tables do not wrap).
    pub width: Option<u16>,
    /// The configuration file in effect, if any.
    pub config: Option<LoadedConfig>,
}

impl App {
    /// Open what the resolved global options name (the history store, the Redis keys).
    pub fn new(global: &GlobalOptions, config: Option<LoadedConfig>) -> Result<App> {
        let keys = ServiceKeys::new(&global.key_prefix, &global.service)?;
        let location = global.history.to_string_lossy();
        let history = if is_redis_url(&location) {
            let spool = state_dir(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))?
                .join(format!("spool-{}.jsonl", global.service));
            HistoryStore::Redis(RedisStore::new(
                &location,
                keys.history.clone(),
                global.capacity,
                spool,
            )?)
        } else {
            HistoryStore::File(FileStore::new(global.history.clone(), global.capacity))
        };
        Ok(App {
            history,
            service: global.service.clone(),
            keys,
            color: global.color,
            quiet: global.quiet,
            width: crate::output::terminal_width(),
            config,
        })
    }

    /// Print a warning on stderr unless `--quiet`.
    pub fn warn(&self, message: &str) {
        crate::diag::warn(message);
    }

    /// Warn about history lines that did not parse (file:line and why).
    pub fn warn_rejected(&self, rejected: &[crate::history::Rejected], aside: Option<&Path>) {
        let path = self.history.location();
        self.warn_rejected_in(&path, rejected, aside);
    }

    /// Warn about history lines read with a problem (file:line, the field and what is wrong).
    pub fn warn_flagged(&self, flagged: &[crate::history::Flagged]) {
        let path = self.history.location();
        for r in flagged {
            self.warn(&format!("'{path}:{}': {}", r.line, r.problem));
        }
    }

    /// Warn about lines of `path` (a file, or the Redis list) that did not parse.
    pub fn warn_rejected_in(
        &self,
        path: &str,
        rejected: &[crate::history::Rejected],
        aside: Option<&Path>,
    ) {
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
pub fn load_config(explicit: Option<&Path>) -> Result<Option<LoadedConfig>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match config::discover(explicit, &cwd, xdg, home) {
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
    Ok(state_dir(xdg_state, home)?.join("history.jsonl"))
}

/// `$XDG_STATE_HOME/rizk-scale`, else `~/.local/state/rizk-scale` (history, Redis spools).
pub fn state_dir(xdg_state: Option<OsString>, home: Option<OsString>) -> Result<PathBuf> {
    let base = match (xdg_state.map(PathBuf::from), home.map(PathBuf::from)) {
        (Some(x), _) if x.is_absolute() => x,
        (_, Some(h)) if h.is_absolute() => h.join(".local/state"),
        _ => bail!("no history location: set --history PATH, RIZK_SCALE_HISTORY or HOME"),
    };
    Ok(base.join("rizk-scale"))
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
