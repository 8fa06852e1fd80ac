//! The shared history store: one Redis list per service, with a local spool when Redis is down.
//!
//! The list lives under a hash-tagged key, `<prefix>:{<service>}:history`, so that on a cluster
//! it sits in one slot and the append-and-trim script ([`RedisConn::append_trim`]) stays atomic.
//! Each item is one history line (the same JSON as the file store).
//!
//! When a write fails (Redis unreachable, timing out, refusing the password, cluster down) the
//! samples go to a local spool file (a [`FileStore`], 0600, atomic) and a warning says so; the
//! next successful write pushes the spooled samples first, in order, then the new ones (the
//! seed's `l2_fallback_on_error`). The spool is drained under its exclusive lock, so two
//! collectors on one host never push the same spooled sample twice.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result, anyhow, bail};

use super::file::FileStore;
use super::{Loaded, Rejected};
use crate::redact;
use crate::sample::Sample;
use crate::sources::redis::{self, FailureKind, RedisConn, RedisFailure, Timeouts};

/// The default key prefix (the seed's `key_prefix`).
pub const DEFAULT_PREFIX: &str = "rizk-scale";
/// The default service name.
pub const DEFAULT_SERVICE: &str = "default";

/// Whether a `--history` value names Redis rather than a file.
pub fn is_redis_url(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with("redis://") || v.starts_with("rediss://")
}

/// The keys of one service: the history list and the leader lease, in the same hash slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKeys {
    /// `<prefix>:{<service>}:history`.
    pub history: String,
    /// `<prefix>:{<service>}:leader`.
    pub leader: String,
}

impl ServiceKeys {
    /// The keys for `service` under `prefix`, both validated.
    pub fn new(prefix: &str, service: &str) -> Result<ServiceKeys> {
        check_name("service", service)?;
        check_prefix(prefix)?;
        Ok(ServiceKeys {
            history: format!("{prefix}:{{{service}}}:history"),
            leader: format!("{prefix}:{{{service}}}:leader"),
        })
    }
}

/// A service name: 1–100 of `A-Z a-z 0-9 . _ -` (it goes into keys and a spool file name).
pub fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        bail!("{what} '{name}' is not 1 to 100 letters, digits, '.', '_' or '-'");
    }
    Ok(())
}

fn check_prefix(prefix: &str) -> Result<()> {
    // A brace would move the hash tag off the service and split a service over slots.
    let ok = !prefix.is_empty()
        && prefix.len() <= 200
        && prefix
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '{' && c != '}');
    if !ok {
        bail!(
            "key prefix '{prefix}' must be 1 to 200 printable characters without spaces or braces"
        );
    }
    Ok(())
}

/// What a write to the shared history did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedisAppend {
    /// Items in the Redis list afterwards (when the push succeeded).
    pub samples: usize,
    /// Spooled samples pushed before the new ones.
    pub pushed_from_spool: usize,
    /// When Redis could not be written: the samples waiting in the spool, and why.
    pub spooled: Option<Spooled>,
    /// Spool lines that did not parse (moved aside next to the spool).
    pub rejected: Vec<Rejected>,
}

/// Samples kept locally because Redis could not be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spooled {
    /// The spool file.
    pub path: PathBuf,
    /// Samples waiting in it.
    pub waiting: usize,
    /// The (redacted) failure.
    pub cause: String,
}

/// A history kept in a Redis list shared by every instance of a service.
#[derive(Debug, Clone)]
pub struct RedisStore {
    seeds: Vec<String>,
    key: String,
    capacity: usize,
    spool: FileStore,
    timeouts: Timeouts,
    /// The connection, opened on first use and kept for the whole process (clones of the
    /// store share it); dropped after a failure so the next operation reconnects.
    kept: KeptConn,
}

/// The store's one connection (a slot-routed [`RedisConn`] is cheap to clone).
#[derive(Clone, Default)]
struct KeptConn(Arc<Mutex<Option<RedisConn>>>);

impl std::fmt::Debug for KeptConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        write!(f, "KeptConn {{ open: {open} }}")
    }
}

impl RedisStore {
    /// A store on `url` (one URL or comma-separated cluster seeds) under `key`, spooling to
    /// `spool` when Redis cannot be written.
    pub fn new(url: &str, key: String, capacity: usize, spool: PathBuf) -> Result<RedisStore> {
        let seeds: Vec<String> = url
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if let Some(bad) = seeds.iter().find(|s| !is_redis_url(s)) {
            bail!(
                "history '{}' mixes Redis URLs with '{}': give redis:// or rediss:// seeds only",
                redact::url(url),
                redact::url(bad)
            );
        }
        if seeds.is_empty() {
            bail!("history '{}' names no Redis node", redact::url(url));
        }
        let capacity = capacity.max(1);
        Ok(RedisStore {
            seeds,
            key,
            capacity,
            spool: FileStore::new(spool, capacity),
            timeouts: Timeouts::default(),
            kept: KeptConn::default(),
        })
    }

    /// Use other connect/response timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> RedisStore {
        self.timeouts = timeouts;
        self
    }

    /// The seeds, passwords redacted, and the key: `redis://h:p#rizk-scale:{web}:history`.
    pub fn location(&self) -> String {
        let seeds: Vec<String> = self.seeds.iter().map(|s| redact::url(s)).collect();
        format!("{} key {}", seeds.join(","), self.key)
    }

    /// The list's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The seed URLs (with credentials: never print them).
    pub fn seeds(&self) -> &[String] {
        &self.seeds
    }

    /// The local spool file.
    pub fn spool_path(&self) -> &Path {
        self.spool.path()
    }

    /// Read the shared history, oldest first. Items that do not parse are reported (by their
    /// 1-based index in the list), never read as samples. Unreachable Redis is an error.
    pub fn load(&self) -> Result<Loaded> {
        let items = on_runtime(async {
            let mut conn = self.conn().await?;
            self.kept(conn.list(&self.key).await)
        })?
        .with_context(|| format!("reading history '{}'", self.location()))?;
        Ok(parse_items(&items))
    }

    /// Append `new` (oldest first): spooled samples first, then these, atomically trimmed to
    /// capacity. A failure other than a bad URL spools the samples instead and says why.
    pub fn append(&self, new: &[Sample]) -> Result<RedisAppend> {
        if !self.spool_pending() {
            return match on_runtime(self.push(new))? {
                Ok(len) => Ok(RedisAppend {
                    samples: len,
                    ..RedisAppend::default()
                }),
                Err(e) if e.kind == FailureKind::Config => Err(anyhow::Error::new(e))
                    .with_context(|| format!("history '{}'", self.location())),
                Err(e) => Ok(self.spooled(self.spool.append(new)?, e)),
            };
        }
        // Drain under the spool's lock: pending + new go in one atomic append, and the spool
        // is emptied only once Redis has them.
        let mut pushed: Option<Result<(usize, usize), RedisFailure>> = None;
        let report = self.spool.rewrite(|pending| {
            pending.extend_from_slice(new);
            let result = match on_runtime(self.push(pending)) {
                Ok(r) => r,
                Err(e) => Err(RedisFailure {
                    kind: FailureKind::Other,
                    message: e.to_string(),
                }),
            };
            match result {
                Ok(len) => {
                    let from_spool = pending.len() - new.len();
                    pending.clear();
                    pushed = Some(Ok((len, from_spool)));
                }
                Err(e) => pushed = Some(Err(e)),
            }
        })?;
        match pushed {
            Some(Ok((len, from_spool))) => Ok(RedisAppend {
                samples: len,
                pushed_from_spool: from_spool,
                rejected: report.rejected,
                spooled: None,
            }),
            Some(Err(e)) if e.kind == FailureKind::Config => {
                Err(anyhow::Error::new(e)).with_context(|| format!("history '{}'", self.location()))
            }
            Some(Err(e)) => Ok(self.spooled(report, e)),
            None => bail!("spool '{}' was not rewritten", self.spool.path().display()),
        }
    }

    /// What an append that ended in the spool reports.
    fn spooled(
        &self,
        report: crate::history::file::AppendReport,
        cause: RedisFailure,
    ) -> RedisAppend {
        RedisAppend {
            rejected: report.rejected,
            spooled: Some(Spooled {
                path: self.spool.path().to_path_buf(),
                waiting: report.samples,
                cause: cause.message,
            }),
            ..RedisAppend::default()
        }
    }

    /// Samples kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Replace the whole shared history (`history import`, `history clear`): read, change,
    /// delete the list and push the result. Not atomic against a concurrent `collect` on another
    /// host: a sample appended between the read and the delete is lost, so run imports and clears
    /// while collectors are stopped (the README says so).
    pub fn rewrite(&self, change: impl FnOnce(&mut Vec<Sample>)) -> Result<usize> {
        let mut samples = self.load()?.samples;
        change(&mut samples);
        crate::history::trim_to_capacity(&mut samples, self.capacity);
        self.clear()?;
        if samples.is_empty() {
            return Ok(0);
        }
        on_runtime(self.push(&samples))?
            .map_err(anyhow::Error::from)
            .with_context(|| format!("writing history '{}'", self.location()))
    }

    /// Empty the shared history (tests, `history clear`).
    pub fn clear(&self) -> Result<()> {
        on_runtime(async {
            let mut conn = self.conn().await?;
            self.kept(conn.delete(&self.key).await)
        })?
        .with_context(|| format!("clearing history '{}'", self.location()))
    }

    fn spool_pending(&self) -> bool {
        std::fs::metadata(self.spool.path()).is_ok_and(|m| m.len() > 0)
    }

    async fn push(&self, samples: &[Sample]) -> Result<usize, RedisFailure> {
        let lines = samples
            .iter()
            .map(Sample::to_line)
            .collect::<serde_json::Result<Vec<String>>>()
            .map_err(|e| {
                RedisFailure::new(FailureKind::Other, format!("serializing a sample: {e}"))
            })?;
        let mut conn = self.conn().await?;
        let len = self.kept(conn.append_trim(&self.key, &lines, self.capacity).await)?;
        Ok(usize::try_from(len).unwrap_or(usize::MAX))
    }

    /// The kept connection, opened (and its mode probed) on first use.
    async fn conn(&self) -> Result<RedisConn, RedisFailure> {
        if let Some(conn) = self.lock_kept().clone() {
            return Ok(conn);
        }
        let conn = redis::connect(&self.seeds, self.timeouts).await?;
        *self.lock_kept() = Some(conn.clone());
        Ok(conn)
    }

    /// Pass an operation's result through, forgetting the connection when it failed (a dead
    /// server or a failover is met with a fresh connection next time).
    fn kept<T>(&self, result: Result<T, RedisFailure>) -> Result<T, RedisFailure> {
        if result.is_err() {
            *self.lock_kept() = None;
        }
        result
    }

    fn lock_kept(&self) -> std::sync::MutexGuard<'_, Option<RedisConn>> {
        self.kept.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// List items → samples (oldest first) and rejected items. When every sample has a timestamp
/// they are put in time order (stable): a spool pushed late must not pose as the newest.
pub fn parse_items(items: &[String]) -> Loaded {
    let mut loaded = Loaded::default();
    for (index, item) in items.iter().enumerate() {
        match Sample::from_line(item.trim()) {
            Ok(sample) => {
                loaded.flag(index + 1, item, &sample);
                loaded.samples.push(sample);
            }
            Err(error) => loaded.rejected.push(Rejected {
                line: index + 1,
                text: item.clone(),
                error,
            }),
        }
    }
    if loaded.samples.iter().all(|s| s.timestamp.is_some()) {
        loaded.samples.sort_by_key(|s| s.timestamp);
    }
    loaded
}

/// Run a future of the store's on the process's one runtime (built by `rizk_scale::run`), from
/// the synchronous store API: the calling thread blocks in place, so the kept connection's
/// driver task keeps running on the runtime's workers between operations.
fn on_runtime<F: std::future::Future>(future: F) -> Result<F::Output> {
    let handle = tokio::runtime::Handle::try_current()
        .map_err(|_| anyhow!("the Redis history needs the process's tokio runtime"))?;
    if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        bail!("the Redis history needs a multi-threaded tokio runtime");
    }
    Ok(tokio::task::block_in_place(|| handle.block_on(future)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_one_hash_tag() {
        let k = ServiceKeys::new("rizk-scale", "web").unwrap();
        assert_eq!(k.history, "rizk-scale:{web}:history");
        assert_eq!(k.leader, "rizk-scale:{web}:leader");
        assert!(ServiceKeys::new("p{x}", "web").is_err());
        assert!(ServiceKeys::new("p", "we b").is_err());
        assert!(ServiceKeys::new("p", "").is_err());
        assert!(ServiceKeys::new("p", "a/../b").is_err());
    }

    #[test]
    fn url_detection_and_seed_validation() {
        assert!(is_redis_url("redis://127.0.0.1:6379"));
        assert!(is_redis_url("rediss://h:1/0"));
        assert!(!is_redis_url("/var/lib/h.jsonl"));
        let err = RedisStore::new(
            "redis://:pw@h:1,/tmp/x",
            "k".into(),
            10,
            PathBuf::from("/tmp/s"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/tmp/x") && !err.contains("pw"), "{err}");
        let s = RedisStore::new(
            "redis://:hunter2@127.0.0.1:1, redis://127.0.0.1:2",
            "k".into(),
            10,
            PathBuf::from("/tmp/s"),
        )
        .unwrap();
        assert_eq!(s.seeds().len(), 2);
        assert!(!s.location().contains("hunter2"), "{}", s.location());
        assert!(s.location().ends_with("key k"));
    }

    #[test]
    fn items_parse_report_and_sort_by_time() {
        let items = vec![
            r#"{"timestamp":"2026-01-01T00:00:02Z","cpu_percent":2,"instance":"a"}"#.to_string(),
            "torn {".to_string(),
            r#"{"timestamp":"2026-01-01T00:00:01Z","cpu_percent":1,"instance":"b"}"#.to_string(),
        ];
        let loaded = parse_items(&items);
        assert_eq!(loaded.rejected.len(), 1);
        assert_eq!(loaded.rejected[0].line, 2);
        let cpus: Vec<f64> = loaded
            .samples
            .iter()
            .map(|s| s.cpu_percent.unwrap())
            .collect();
        assert_eq!(cpus, vec![1.0, 2.0]);
        // Without timestamps the list order stands.
        let loaded = parse_items(&[
            r#"{"cpu_percent":2}"#.to_string(),
            r#"{"timestamp":"2026-01-01T00:00:01Z","cpu_percent":1}"#.to_string(),
        ]);
        assert_eq!(loaded.samples[0].cpu_percent, Some(2.0));
    }

    // The store runs on the process's one (multi-threaded) runtime, as under `rizk_scale::run`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn unreachable_redis_spools_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let store = RedisStore::new(
            &format!("redis://:sekrit@127.0.0.1:{port}"),
            "rizk-scale:{t}:history".into(),
            10,
            dir.path().join("spool-t.jsonl"),
        )
        .unwrap();
        for cpu in [1.0, 2.0] {
            let s = Sample {
                cpu_percent: Some(cpu),
                ..Sample::default()
            };
            let r = store.append(&[s]).unwrap();
            let spooled = r.spooled.unwrap();
            assert_eq!(spooled.waiting, cpu as usize);
            assert!(!spooled.cause.contains("sekrit"), "{}", spooled.cause);
        }
        let kept = FileStore::new(store.spool_path(), 10).load().unwrap();
        assert_eq!(kept.samples.len(), 2);
        assert_eq!(kept.samples[1].cpu_percent, Some(2.0));
        assert!(store.load().is_err(), "reading needs Redis");
    }
}
