//! The readiness rules: pure functions from gathered facts to [`Check`]s, one file per seed
//! category. A rule collects [`Finding`]s (one per piece of evidence) and [`merge`]s them: the
//! worst finding decides the status, its hint becomes the check's hint.

pub mod configuration;
pub mod infrastructure;
pub mod performance;
pub mod reliability;

use super::attest::Attestations;
use super::check::{Check, Status};
use crate::sources::manifests::{Hpa, Located, Manifests, ScaledObject, Workload};

/// One piece of evidence for a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What this piece says.
    pub status: Status,
    /// The evidence.
    pub message: String,
    /// The remediation (empty when passing).
    pub hint: String,
}

impl Finding {
    /// A passing finding.
    pub fn pass(message: impl Into<String>) -> Finding {
        Finding {
            status: Status::Pass,
            message: message.into(),
            hint: String::new(),
        }
    }
    /// A warning with its hint.
    pub fn warn(message: impl Into<String>, hint: impl Into<String>) -> Finding {
        Finding {
            status: Status::Warn,
            message: message.into(),
            hint: hint.into(),
        }
    }
    /// A failure with its hint.
    pub fn fail(message: impl Into<String>, hint: impl Into<String>) -> Finding {
        Finding {
            status: Status::Fail,
            message: message.into(),
            hint: hint.into(),
        }
    }
    /// Needs a person.
    pub fn manual(message: impl Into<String>, hint: impl Into<String>) -> Finding {
        Finding {
            status: Status::Manual,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// How bad a status is, for merging: fail > warn > manual > pass > skip.
pub fn severity(status: Status) -> u8 {
    match status {
        Status::Fail => 4,
        Status::Warn => 3,
        Status::Manual => 2,
        Status::Pass => 1,
        Status::Skip => 0,
    }
}

/// One check from its findings: the worst status wins; the message lists the findings that are
/// as bad as it is when something is wrong (problems first, worst first), or all of them when
/// everything passes; the hint is the first worst finding's.
pub fn merge(id: &str, findings: Vec<Finding>) -> Check {
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| f.status != Status::Skip)
        .collect();
    if findings.is_empty() {
        return Check::new(id, Status::Skip, "no evidence", "");
    }
    findings.sort_by_key(|f| std::cmp::Reverse(severity(f.status)));
    let worst = findings[0].status;
    let shown: Vec<&Finding> = if severity(worst) > severity(Status::Pass) {
        findings
            .iter()
            .filter(|f| severity(f.status) > severity(Status::Pass))
            .collect()
    } else {
        findings.iter().collect()
    };
    // The same evidence found for several workloads is said once.
    let mut messages: Vec<&str> = Vec::new();
    for f in &shown {
        if !messages.contains(&f.message.as_str()) {
            messages.push(&f.message);
        }
    }
    let message = messages.join("; ");
    let hint = if worst == Status::Pass {
        String::new()
    } else {
        findings[0].hint.clone()
    };
    Check::new(id, worst, message, hint)
}

/// Combine two results for the same id (e.g. the manifest part of `configuration.shared_cache`
/// and its Redis reachability part): a skipped side drops out, otherwise as [`merge`].
pub fn combine(a: Check, b: Check) -> Check {
    if a.status == Status::Skip {
        return b;
    }
    if b.status == Status::Skip {
        return a;
    }
    let id = a.id.clone();
    merge(
        &id,
        vec![
            Finding {
                status: a.status,
                message: a.message,
                hint: a.hint,
            },
            Finding {
                status: b.status,
                message: b.message,
                hint: b.hint,
            },
        ],
    )
}

/// A skipped check naming what would enable it.
pub fn skip(id: &str, needs: &str) -> Check {
    Check::new(id, Status::Skip, format!("needs {needs}"), "")
}

/// The workloads the rules judge, or the failure to report when there are none.
pub fn workloads(m: &Manifests) -> Result<Vec<&Located<Workload>>, Finding> {
    if m.workloads.is_empty() {
        return Err(Finding::fail(
            format!(
                "no Deployment or StatefulSet in --manifests ({} documents in {} files)",
                m.documents,
                m.files.len()
            ),
            "point --manifests at the application's Deployment manifests",
        ));
    }
    Ok(m.workloads
        .iter()
        .filter(|w| {
            m.only_workloads.is_empty() || m.only_workloads.contains(&w.object.qualified_name())
        })
        .collect())
}

/// "judged 3 workloads: Deployment a, Deployment b, StatefulSet c" (for the checks that depend
/// on the application, so a reader knows which ones were looked at).
pub fn judged(m: Option<&Manifests>) -> Option<String> {
    let ws = workloads(m?).ok()?;
    let names: Vec<String> = ws.iter().map(|w| w.object.display()).collect();
    Some(format!(
        "judged {} workload{}: {}",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    ))
}

/// Run `per_workload` for every workload and merge, or fail when there is none.
pub fn for_workloads(
    id: &str,
    m: Option<&Manifests>,
    per_workload: impl Fn(&Manifests, &Workload) -> Vec<Finding>,
) -> Check {
    let Some(m) = m else {
        return skip(id, "--manifests");
    };
    match workloads(m) {
        Err(f) => merge(id, vec![f]),
        Ok(ws) => merge(
            id,
            ws.iter().flat_map(|w| per_workload(m, &w.object)).collect(),
        ),
    }
}

/// The HPAs that target `w` (same namespace, kind and name).
pub fn hpas_for<'a>(m: &'a Manifests, w: &Workload) -> Vec<&'a Hpa> {
    m.hpas
        .iter()
        .map(|h| &h.object)
        .filter(|h| {
            h.metadata.ns() == w.metadata.ns()
                && h.spec.scale_target_ref.kind == w.kind
                && h.spec.scale_target_ref.name == w.metadata.name
        })
        .collect()
}

/// The KEDA ScaledObjects that target `w` (`kind` defaults to Deployment).
pub fn scaled_objects_for<'a>(m: &'a Manifests, w: &Workload) -> Vec<&'a ScaledObject> {
    m.scaled_objects
        .iter()
        .map(|s| &s.object)
        .filter(|s| {
            let kind = s.spec.scale_target_ref.kind.as_str();
            s.metadata.ns() == w.metadata.ns()
                && (kind == w.kind || (kind.is_empty() && w.kind == "Deployment"))
                && s.spec.scale_target_ref.name == w.metadata.name
        })
        .collect()
}

/// The fewest replicas `w` runs with, and what says so: its HPA's minReplicas, its KEDA
/// minReplicaCount, else spec.replicas.
pub fn min_scale(m: &Manifests, w: &Workload) -> (u32, String) {
    if let Some(h) = hpas_for(m, w).first() {
        let min = h.spec.min_replicas.unwrap_or(1);
        return (min, format!("HPA minReplicas {min}"));
    }
    if let Some(s) = scaled_objects_for(m, w).first() {
        let min = s.spec.min_replica_count.unwrap_or(0);
        return (min, format!("KEDA minReplicaCount {min}"));
    }
    let r = w.spec.replicas.unwrap_or(1);
    (r, format!("replicas {r}"))
}

/// A finding from an attestation of `key`, if any.
pub fn attested(att: &Attestations, key: &str) -> Option<Finding> {
    att.get(key).map(|a| Finding {
        status: a.status,
        message: a.message,
        hint: if a.status == Status::Pass {
            String::new()
        } else {
            format!("re-verify, then --attest {key}=YYYY-MM-DD")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_takes_the_worst_and_lists_problems() {
        let c = merge(
            "reliability.multi_az",
            vec![
                Finding::pass("a"),
                Finding::warn("b", "hb"),
                Finding::fail("c", "hc"),
                Finding::warn("d", "hd"),
            ],
        );
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.category, "reliability");
        assert_eq!(c.message, "c; b; d");
        assert_eq!(c.hint, "hc");
        let c = merge("x.y", vec![Finding::pass("a"), Finding::pass("b")]);
        assert_eq!(
            (c.status, c.message.as_str(), c.hint.as_str()),
            (Status::Pass, "a; b", "")
        );
        let c = merge("x.y", vec![Finding::pass("a"), Finding::manual("m", "hm")]);
        assert_eq!((c.status, c.message.as_str()), (Status::Manual, "m"));
    }

    #[test]
    fn combine_drops_skipped_sides() {
        let pass = Check::new("a.b", Status::Pass, "p", "");
        let skipped = skip("a.b", "--redis");
        assert_eq!(skipped.message, "needs --redis");
        assert_eq!(combine(skipped.clone(), pass.clone()), pass);
        assert_eq!(combine(pass.clone(), skipped), pass);
        let fail = Check::new("a.b", Status::Fail, "f", "hf");
        let c = combine(pass, fail);
        assert_eq!(
            (c.status, c.message.as_str(), c.hint.as_str()),
            (Status::Fail, "f", "hf")
        );
    }
}
