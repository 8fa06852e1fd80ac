//! The file history store: JSON Lines, 0600, atomic rewrites under an exclusive lock.
//!
//! Writers take an exclusive `flock` on `<file>.lock`, read the current file, set aside lines
//! that do not parse (appended to `<file>.rejected`), append, trim to capacity, write a temp
//! file in the same directory, fsync it, rename it over the history and fsync the directory.
//! Readers need no lock: a rename is atomic, so they see the old or the new file, never a torn one.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Loaded, Rejected, parse_lines, to_lines, trim_to_capacity};
use crate::sample::Sample;

/// A history kept in one JSON Lines file.
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
    capacity: usize,
}

/// What an append did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppendReport {
    /// Samples in the history after the write.
    pub samples: usize,
    /// Lines that did not parse and were moved to the `.rejected` file.
    pub rejected: Vec<Rejected>,
    /// Where they were moved.
    pub rejected_path: Option<PathBuf>,
    /// The history as found held more samples than the capacity (a lowered `--capacity`, a
    /// file written by hand): how many it held. The write kept only the newest `capacity`.
    pub over_capacity: Option<usize>,
}

impl FileStore {
    /// A store at `path` keeping at most `capacity` samples.
    pub fn new(path: impl Into<PathBuf>, capacity: usize) -> FileStore {
        FileStore {
            path: path.into(),
            capacity: capacity.max(1),
        }
    }

    /// The history file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The most samples kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The file rejected lines are moved to.
    pub fn rejected_path(&self) -> PathBuf {
        sibling(&self.path, ".rejected")
    }

    /// Read the history. A missing file is an empty history.
    pub fn load(&self) -> Result<Loaded> {
        match self.read_bytes()? {
            Some(bytes) => Ok(parse_lines(&bytes)),
            None => Ok(Loaded::default()),
        }
    }

    /// Append `new` samples (oldest first), keeping the newest `capacity`.
    pub fn append(&self, new: &[Sample]) -> Result<AppendReport> {
        self.rewrite(|samples| samples.extend_from_slice(new))
    }

    /// Replace the whole history (import, clear), still under the lock and atomically.
    pub fn replace(&self, samples: Vec<Sample>) -> Result<AppendReport> {
        self.rewrite(move |current| *current = samples)
    }

    /// Read, modify and atomically rewrite the history under the exclusive lock.
    pub fn rewrite(&self, change: impl FnOnce(&mut Vec<Sample>)) -> Result<AppendReport> {
        let dir = self.ensure_dir()?;
        let lock = self.lock()?;
        let mut loaded = self.load()?;
        let mut report = AppendReport::default();
        if !loaded.rejected.is_empty() {
            let aside = self.rejected_path();
            self.set_aside(&aside, &loaded.rejected)?;
            report.rejected = std::mem::take(&mut loaded.rejected);
            report.rejected_path = Some(aside);
        }
        let found = loaded.samples.len();
        change(&mut loaded.samples);
        if found > self.capacity {
            report.over_capacity = Some(found);
        }
        trim_to_capacity(&mut loaded.samples, self.capacity);
        self.write_atomically(&dir, to_lines(&loaded.samples)?.as_bytes())?;
        report.samples = loaded.samples.len();
        drop(lock);
        Ok(report)
    }

    fn read_bytes(&self) -> Result<Option<Vec<u8>>> {
        let shown = self.path.display();
        match fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading history '{shown}'")),
            Ok(meta) if meta.file_type().is_symlink() => {
                bail!(
                    "history '{shown}' is a symbolic link: refusing to follow it (point --history at the real file)"
                )
            }
            Ok(meta) if meta.is_dir() => bail!("history '{shown}' is a directory, not a file"),
            Ok(_) => {}
        }
        fs::read(&self.path)
            .map(Some)
            .with_context(|| format!("reading history '{shown}'"))
    }

    fn ensure_dir(&self) -> Result<PathBuf> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.exists() {
            fs::create_dir_all(&dir)
                .with_context(|| format!("creating history directory '{}'", dir.display()))?;
            // Best effort: the directory holds nothing secret by itself, the files are 0600.
            let _ = fs::set_permissions(&dir, fs::Permissions::from_mode(0o700));
        }
        Ok(dir)
    }

    fn lock(&self) -> Result<File> {
        let path = sibling(&self.path, ".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("opening history lock '{}'", path.display()))?;
        file.lock()
            .with_context(|| format!("locking history '{}'", path.display()))?;
        Ok(file)
    }

    fn set_aside(&self, aside: &Path, rejected: &[Rejected]) -> Result<()> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(aside)
            .with_context(|| format!("opening '{}'", aside.display()))?;
        let mut text = String::new();
        for r in rejected {
            text.push_str(&r.text);
            text.push('\n');
        }
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("writing rejected lines to '{}'", aside.display()))
    }

    fn write_atomically(&self, dir: &Path, bytes: &[u8]) -> Result<()> {
        // One fixed temp name is safe: only the lock holder writes it, and a temp left by a
        // crashed writer is simply truncated by the next one.
        let tmp = sibling_hidden(&self.path, ".tmp");
        let write = || -> std::io::Result<()> {
            // Remove whatever has the temp name, then create it exclusively (O_EXCL): a symlink
            // planted there is replaced, never written through.
            match fs::remove_file(&tmp) {
                Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let mut file = OpenOptions::new()
                .create_new(true)
                .write(true)
                .mode(0o600)
                .open(&tmp)?;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)?;
            File::open(dir)?.sync_all()
        };
        write()
            .inspect_err(|_| {
                // A partial temp file must not keep a full disk full.
                let _ = fs::remove_file(&tmp);
            })
            .with_context(|| format!("writing history '{}'", self.path.display()))
    }
}

/// `dir/name<suffix>`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// `dir/.name<suffix>`.
fn sibling_hidden(path: &Path, suffix: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cpu: f64) -> Sample {
        Sample {
            cpu_percent: Some(cpu),
            ..Sample::default()
        }
    }

    #[test]
    fn missing_file_is_empty_and_append_creates_it_0600() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("sub/history.jsonl"), 100);
        assert_eq!(store.load().unwrap(), Loaded::default());
        let report = store.append(&[sample(1.0)]).unwrap();
        assert_eq!(report.samples, 1);
        let mode = fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(store.load().unwrap().samples, vec![sample(1.0)]);
    }

    #[test]
    fn keeps_the_newest_capacity_samples() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("h.jsonl"), 3);
        for i in 0..5 {
            store.append(&[sample(f64::from(i))]).unwrap();
        }
        let cpus: Vec<f64> = store
            .load()
            .unwrap()
            .samples
            .iter()
            .map(|s| s.cpu_percent.unwrap())
            .collect();
        assert_eq!(cpus, vec![2.0, 3.0, 4.0]);
    }

    #[test]
    fn bad_lines_are_moved_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        fs::write(&path, "{\"cpu_percent\":1}\ngarbage line\n").unwrap();
        let store = FileStore::new(&path, 100);
        let loaded = store.load().unwrap();
        assert_eq!(loaded.rejected[0].line, 2);
        let report = store.append(&[sample(2.0)]).unwrap();
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(
            fs::read_to_string(store.rejected_path()).unwrap(),
            "garbage line\n"
        );
        let after = store.load().unwrap();
        assert!(after.rejected.is_empty());
        assert_eq!(after.samples.len(), 2);
    }

    #[test]
    fn refuses_symlinks_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.jsonl");
        fs::write(&real, "").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let err = FileStore::new(&link, 10).load().unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        let err = FileStore::new(dir.path(), 10)
            .load()
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a directory"), "{err}");
    }

    #[test]
    fn a_symlink_at_the_temp_name_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep\n").unwrap();
        let path = dir.path().join("h.jsonl");
        std::os::unix::fs::symlink(&victim, dir.path().join(".h.jsonl.tmp")).unwrap();
        let store = FileStore::new(&path, 100);
        store.append(&[sample(1.0)]).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep\n");
        assert!(fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(store.load().unwrap().samples, vec![sample(1.0)]);
    }

    #[test]
    fn extra_fields_survive_a_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        fs::write(&path, "{\"cpu_percent\":1,\"raw_counters\":{\"x\":5}}\n").unwrap();
        let store = FileStore::new(&path, 100);
        store.append(&[sample(2.0)]).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.lines()
                .next()
                .unwrap()
                .contains("\"raw_counters\":{\"x\":5}")
        );
    }
}
