//! Appending a collected sample to the history (file or Redis), with its raw counters merged
//! in and every spool, push and rejected line said once on the diagnostics path.

use anyhow::{Context, Result};

use super::Collected;
use crate::history::store::Appended;
use crate::sample::Sample;
use crate::settings::App;
use crate::sources::mapping;

/// Append one sample and report what was written. When a Redis history cannot be written the
/// sample is spooled locally and a warning says where (the write itself succeeds).
pub fn store(app: &App, sample: &Sample) -> Result<Appended> {
    let report = app.history.append(std::slice::from_ref(sample))?;
    warn_over_capacity(app, report.over_capacity);
    let source = app.history.rejected_source().display().to_string();
    app.warn_rejected_in(&source, &report.rejected, report.rejected_path.as_deref());
    if let Some(s) = &report.spooled {
        app.warn(&format!(
            "history '{}' could not be written ({}): sample kept in spool '{}' ({} waiting), pushed on the next successful write",
            app.history.location(),
            s.cause,
            s.path.display(),
            s.waiting
        ));
    }
    if report.pushed_from_spool > 0 {
        app.warn(&format!(
            "pushed {} spooled samples to history '{}'",
            report.pushed_from_spool,
            app.history.location()
        ));
    }
    Ok(report)
}

/// The error of a sample whose raw counters could not be serialised (it is not written).
const RAW_FAILED: &str = "serializing the endpoints' raw counters";

/// Append a collected sample. Its raw counters are merged with the newest raw object already
/// stored (see `sources::mapping`), which older lines then drop: for the file store under its
/// lock, for a shared (Redis) history against the newest samples read just before the append.
/// `collected.sample` becomes the line written.
pub fn store_collected(app: &App, collected: &mut Collected) -> Result<Appended> {
    if collected.targets.is_empty() {
        return store(app, &collected.sample);
    }
    let fresh = std::mem::take(&mut collected.raw);
    let Some(file) = app.history.as_file() else {
        let mut recent = app.history.load().map(|l| l.samples).unwrap_or_default();
        let raw = mapping::carry_raw(&mut recent, fresh).context(RAW_FAILED)?;
        collected
            .sample
            .extra
            .insert(mapping::RAW_FIELD.into(), raw);
        return store(app, &collected.sample);
    };
    let mut sample = collected.sample.clone();
    let mut written = None;
    let mut failed = None;
    let report = file.rewrite(|samples| match mapping::carry_raw(samples, fresh) {
        Ok(raw) => {
            sample.extra.insert(mapping::RAW_FIELD.into(), raw);
            written = Some(sample.clone());
            samples.push(sample);
        }
        // Nothing changed: the history is written back as it was.
        Err(e) => failed = Some(e),
    })?;
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context(RAW_FAILED));
    }
    app.warn_rejected(&report.rejected, report.rejected_path.as_deref());
    warn_over_capacity(app, report.over_capacity);
    if let Some(s) = written {
        collected.sample = s;
    }
    Ok(Appended {
        samples: report.samples,
        rejected: report.rejected,
        rejected_path: report.rejected_path,
        over_capacity: report.over_capacity,
        ..Appended::default()
    })
}

/// Say (once: the write trims it) that a history longer than its capacity lost its oldest
/// samples, with the counts (`--quiet` silences it).
fn warn_over_capacity(app: &App, found: Option<usize>) {
    if let Some(found) = found {
        let capacity = app.history.capacity();
        app.warn(&format!(
            "history '{}' held {found} samples, more than its capacity {capacity}: kept the newest {capacity}, dropped {} (raise --capacity or history.capacity to keep more)",
            app.history.location(),
            found + 1 - capacity
        ));
    }
}
