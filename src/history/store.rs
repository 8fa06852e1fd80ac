//! The history store the commands use: a local file or a shared Redis list, behind one face.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Loaded;
use super::Rejected;
use super::file::FileStore;
use super::redis::{RedisStore, Spooled};
use crate::sample::Sample;

/// Where the rolling history lives.
#[derive(Debug, Clone)]
pub enum HistoryStore {
    /// A JSON Lines file (`--history PATH`).
    File(FileStore),
    /// A Redis list shared by a service's instances (`--history redis://…`).
    Redis(RedisStore),
}

/// What an append did, whatever the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Appended {
    /// Samples in the history after the write (0 when the sample was spooled).
    pub samples: usize,
    /// Lines that did not parse and were moved aside.
    pub rejected: Vec<Rejected>,
    /// Where they were moved.
    pub rejected_path: Option<PathBuf>,
    /// Redis could not be written: the samples wait in a local spool.
    pub spooled: Option<Spooled>,
    /// Spooled samples pushed to Redis by this write.
    pub pushed_from_spool: usize,
    /// The file history held this many samples, more than its capacity, before this write
    /// trimmed it (see [`super::file::AppendReport::over_capacity`]).
    pub over_capacity: Option<usize>,
}

impl HistoryStore {
    /// For messages: the file path, or the Redis seeds (passwords redacted) and key.
    pub fn location(&self) -> String {
        match self {
            HistoryStore::File(f) => f.path().display().to_string(),
            HistoryStore::Redis(r) => r.location(),
        }
    }

    /// The file store, when the history is a file.
    pub fn as_file(&self) -> Option<&FileStore> {
        match self {
            HistoryStore::File(f) => Some(f),
            HistoryStore::Redis(_) => None,
        }
    }

    /// Whether the history is shared through Redis.
    pub fn is_shared(&self) -> bool {
        matches!(self, HistoryStore::Redis(_))
    }

    /// Read the history, oldest first.
    pub fn load(&self) -> Result<Loaded> {
        let start = std::time::Instant::now();
        let loaded = match self {
            HistoryStore::File(f) => f.load(),
            HistoryStore::Redis(r) => r.load(),
        }?;
        crate::diag_debug!(
            "history: read {} samples ({} unparseable) in {} ms",
            loaded.samples.len(),
            loaded.rejected.len(),
            start.elapsed().as_millis()
        );
        Ok(loaded)
    }

    /// Append samples (oldest first), keeping the newest `capacity`.
    pub fn append(&self, new: &[Sample]) -> Result<Appended> {
        match self {
            HistoryStore::File(f) => {
                let r = f.append(new)?;
                Ok(Appended {
                    samples: r.samples,
                    rejected: r.rejected,
                    rejected_path: r.rejected_path,
                    over_capacity: r.over_capacity,
                    ..Appended::default()
                })
            }
            HistoryStore::Redis(r) => {
                let a = r.append(new)?;
                let rejected_path = (!a.rejected.is_empty()).then(|| {
                    let mut name = r.spool_path().as_os_str().to_os_string();
                    name.push(".rejected");
                    PathBuf::from(name)
                });
                Ok(Appended {
                    samples: a.samples,
                    rejected: a.rejected,
                    rejected_path,
                    spooled: a.spooled,
                    pushed_from_spool: a.pushed_from_spool,
                    over_capacity: None,
                })
            }
        }
    }

    /// Samples kept.
    pub fn capacity(&self) -> usize {
        match self {
            HistoryStore::File(f) => f.capacity(),
            HistoryStore::Redis(r) => r.capacity(),
        }
    }

    /// Whether there is anything stored yet (a Redis list is assumed to exist).
    pub fn exists(&self) -> bool {
        match self {
            HistoryStore::File(f) => f.path().exists(),
            HistoryStore::Redis(_) => true,
        }
    }

    /// Read, change and rewrite the whole history (import, clear), under the file's lock or as
    /// a replacement of the Redis list.
    pub fn rewrite(&self, change: impl FnOnce(&mut Vec<Sample>)) -> Result<Appended> {
        match self {
            HistoryStore::File(f) => {
                let r = f.rewrite(change)?;
                Ok(Appended {
                    samples: r.samples,
                    rejected: r.rejected,
                    rejected_path: r.rejected_path,
                    ..Appended::default()
                })
            }
            HistoryStore::Redis(r) => Ok(Appended {
                samples: r.rewrite(change)?,
                ..Appended::default()
            }),
        }
    }

    /// The file rejected lines are reported against: the history file, or the spool.
    pub fn rejected_source(&self) -> &Path {
        match self {
            HistoryStore::File(f) => f.path(),
            HistoryStore::Redis(r) => r.spool_path(),
        }
    }
}
