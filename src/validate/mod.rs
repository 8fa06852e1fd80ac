//! `rizk-scale validate`: the scaling-readiness checklist. Facts are gathered first (sources),
//! rules are pure functions from facts to [`Check`] results.
//!
//! The flow: [`run`] reads `--manifests` and `--nginx-conf`, probes the health and `/metrics`
//! URLs through a [`Prober`], and awaits the Redis checks — all concurrently, each under the
//! per-check timeout — then [`evaluate`]s the rules on the gathered [`Facts`] and builds a
//! [`Report`]. Tests and offline callers can call [`evaluate`] directly with hand-built facts.

pub mod attest;
pub mod check;
pub mod facts;
pub mod ids;
pub mod redis;
pub mod report;
pub mod rules;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{BoxFuture, join_all};
use jiff::civil::Date;

pub use attest::{Attestation, Attestations};
pub use check::{Check, Status};
pub use facts::{Facts, ProbeKind, ProbeResult, Prober};
pub use report::{Report, Summary, render_json, render_table, summary_line};

use crate::sample::Sample;
use crate::sources::{manifests, nginx};

/// The default per-check timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// What `validate` was asked to do (resolved settings; no clap types).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateOptions {
    /// `--manifests`: files or directories of Kubernetes YAML.
    pub manifests: Vec<PathBuf>,
    /// `--nginx-conf`: the load balancer's main configuration file.
    pub nginx_conf: Option<PathBuf>,
    /// `--health-url`: URLs that must answer 2xx (probed through the [`Prober`]).
    pub health_urls: Vec<String>,
    /// `/metrics` URLs (e.g. each `--endpoint` + `/metrics`) that must answer and parse.
    pub metrics_urls: Vec<String>,
    /// `--attest ID=YYYY-MM-DD`.
    pub attestations: Vec<Attestation>,
    /// Days after which an attestation warns (default 90).
    pub attest_max_age_days: i64,
    /// `--workload`: judge only these Deployments/StatefulSets (`name` or `namespace/name`).
    pub workloads: Vec<String>,
    /// `--only`: check ids, categories or short names (comma-separated entries allowed).
    pub only: Vec<String>,
    /// `--skip`: same forms as `only`.
    pub skip: Vec<String>,
    /// `--strict`: warnings make the report not ready.
    pub strict: bool,
    /// Per-check timeout (default 3 s).
    pub timeout: Duration,
    /// The date attestations are judged on (`None`: today, UTC).
    pub today: Option<Date>,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            manifests: Vec::new(),
            nginx_conf: None,
            health_urls: Vec::new(),
            metrics_urls: Vec::new(),
            attestations: Vec::new(),
            attest_max_age_days: attest::DEFAULT_MAX_AGE_DAYS,
            workloads: Vec::new(),
            only: Vec::new(),
            skip: Vec::new(),
            strict: false,
            timeout: DEFAULT_TIMEOUT,
            today: None,
        }
    }
}

/// The inputs other modules supply.
#[derive(Default)]
pub struct Inputs {
    /// The history (oldest first); `None` when there is none to read.
    pub history: Option<Vec<Sample>>,
    /// The Redis checks (`--redis` given): a future yielding `infrastructure.redis_ha` and any
    /// Redis parts of `configuration.shared_cache`, `performance.cache_hit_rate`,
    /// `reliability.backup_recovery`, combined with this module's parts by id.
    pub redis: Option<BoxFuture<'static, Vec<Check>>>,
    /// Performs the HTTP probes for `health_urls` and `metrics_urls`.
    pub prober: Option<Arc<dyn Prober>>,
}

/// Checks that read each source (used to skip gathering what no selected check needs).
const NEEDS_MANIFESTS: [&str; 11] = [
    ids::LOAD_BALANCER,
    ids::RETRY_LOGIC,
    ids::HEALTH_PROBES,
    ids::AUTOSCALING_POLICY,
    ids::RESOURCES,
    ids::PDB,
    ids::INSTANCE_CACHE_PREFIX,
    ids::SHARED_CACHE,
    ids::MONITORING,
    ids::MULTI_AZ,
    ids::GRACEFUL_SHUTDOWN,
];
const NEEDS_NGINX: [&str; 3] = [ids::LOAD_BALANCER, ids::CIRCUIT_BREAKERS, ids::RETRY_LOGIC];
const NEEDS_REDIS: [&str; 4] = [
    ids::REDIS_HA,
    ids::SHARED_CACHE,
    ids::CACHE_HIT_RATE,
    ids::BACKUP_RECOVERY,
];

/// Resolve `--only`/`--skip` into the selected ids, in report order. Entries may be full ids
/// (`infrastructure.pdb`), categories (`performance`) or short names (`pdb`); unknown entries
/// are an error listing the valid ones.
pub fn select(only: &[String], skip: &[String]) -> Result<Vec<&'static str>, String> {
    fn expand(flag: &str, entries: &[String]) -> Result<Vec<&'static str>, String> {
        let mut out = Vec::new();
        for entry in entries
            .iter()
            .flat_map(|e| e.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let matched: Vec<&'static str> = ids::ALL
                .into_iter()
                .filter(|id| {
                    *id == entry
                        || id
                            .split_once('.')
                            .is_some_and(|(cat, name)| cat == entry || name == entry)
                })
                .collect();
            if matched.is_empty() {
                return Err(format!(
                    "{flag} '{entry}': unknown check (valid: {}, {})",
                    ids::CATEGORIES.join(", "),
                    ids::ALL.join(", ")
                ));
            }
            out.extend(matched);
        }
        Ok(out)
    }
    let only = expand("--only", only)?;
    let skip = expand("--skip", skip)?;
    Ok(ids::ALL
        .into_iter()
        .filter(|id| only.is_empty() || only.contains(id))
        .filter(|id| !skip.contains(id))
        .collect())
}

/// Run every rule on `facts` and keep the `selected` checks, in report order.
pub fn evaluate(facts: &Facts, att: &Attestations, selected: &[&str]) -> Vec<Check> {
    let m = facts.manifests.as_ref();
    let n = facts.nginx.as_ref();
    let mut checks = vec![
        rules::skip(ids::REDIS_HA, "--redis"),
        rules::infrastructure::load_balancer(n, m, facts.health.as_deref()),
        rules::infrastructure::autoscaling_policy(m),
        rules::infrastructure::resources(m),
        rules::infrastructure::pdb(m),
        rules::configuration::instance_cache_prefix(m),
        rules::configuration::shared_cache(m),
        rules::configuration::attested_only(ids::REGIONAL_ENDPOINTS, "regional_endpoints", att),
        rules::configuration::attested_only(ids::CROSS_REGION_SYNC, "cross_region_sync", att),
        rules::configuration::monitoring(m, facts.metrics.as_deref()),
    ];
    checks.extend(rules::performance::all(facts.history.as_deref()));
    checks.extend([
        rules::reliability::multi_az(m),
        rules::reliability::graceful_shutdown(m),
        rules::reliability::health_probes(m),
        rules::reliability::circuit_breakers(n, att),
        rules::reliability::retry_logic(n, m, att),
        rules::reliability::backup_recovery(att),
    ]);
    if let Some(redis) = &facts.redis {
        if !redis.iter().any(|c| c.id == ids::REDIS_HA)
            && let Some(slot) = checks.iter_mut().find(|c| c.id == ids::REDIS_HA)
        {
            *slot = Check::new(
                ids::REDIS_HA,
                Status::Skip,
                "the Redis checks gave no result",
                "",
            );
        }
        for theirs in redis {
            if let Some(slot) = checks.iter_mut().find(|c| c.id == theirs.id) {
                *slot = if theirs.id == ids::REDIS_HA {
                    theirs.clone()
                } else {
                    rules::combine(slot.clone(), theirs.clone())
                };
            }
        }
    }
    checks.retain(|c| selected.contains(&c.id.as_str()));
    checks
}

/// Today's date in UTC.
pub fn today_utc() -> Date {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

fn timeout_text(t: Duration) -> String {
    humantime::format_duration(t).to_string()
}

async fn blocking<T: Send + 'static, E: std::error::Error + Send + Sync + 'static>(
    what: &str,
    timeout: Duration,
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> anyhow::Result<T> {
    match tokio::time::timeout(timeout, tokio::task::spawn_blocking(f)).await {
        Err(_) => anyhow::bail!("{what}: timed out after {}", timeout_text(timeout)),
        Ok(Err(join)) => anyhow::bail!("{what}: {join}"),
        Ok(Ok(result)) => Ok(result?),
    }
}

async fn probe_all(
    prober: Option<Arc<dyn Prober>>,
    kind: ProbeKind,
    urls: &[String],
    timeout: Duration,
) -> Option<Vec<ProbeResult>> {
    if urls.is_empty() {
        return None;
    }
    let prober = prober?;
    let probes = urls.iter().map(|url| {
        let fut = prober.probe(kind, url.clone());
        let url = url.clone();
        async move {
            tokio::time::timeout(timeout, fut)
                .await
                .unwrap_or_else(|_| ProbeResult {
                    url,
                    status: Err(format!("timed out after {}", timeout_text(timeout))),
                    elapsed: timeout,
                    parsed: None,
                    violation: None,
                })
        }
    });
    Some(join_all(probes).await)
}

/// Gather the facts (concurrently, each source under `opts.timeout`) and evaluate the checks.
/// Errors (exit 2): unknown `--only`/`--skip` entries, attestations dated in the future,
/// unreadable or malformed manifests or nginx.conf, URLs given without a prober.
pub async fn run(opts: &ValidateOptions, inputs: Inputs) -> anyhow::Result<Report> {
    let selected = select(&opts.only, &opts.skip).map_err(anyhow::Error::msg)?;
    let needs = |group: &[&str]| group.iter().any(|id| selected.contains(id));
    let today = opts.today.unwrap_or_else(today_utc);
    let att = Attestations::new(&opts.attestations, today, opts.attest_max_age_days)
        .map_err(anyhow::Error::msg)?;
    if inputs.prober.is_none() && !(opts.health_urls.is_empty() && opts.metrics_urls.is_empty()) {
        anyhow::bail!("health or /metrics URLs were given but no prober was supplied");
    }
    let timeout = opts.timeout;

    let manifests = async {
        if opts.manifests.is_empty() || !needs(&NEEDS_MANIFESTS) {
            return Ok(None);
        }
        let paths = opts.manifests.clone();
        blocking("reading --manifests", timeout, move || {
            manifests::read(&paths)
        })
        .await
        .map(Some)
    };
    let nginx = async {
        let Some(path) = opts.nginx_conf.clone().filter(|_| needs(&NEEDS_NGINX)) else {
            return Ok(None);
        };
        blocking("reading --nginx-conf", timeout, move || nginx::read(&path))
            .await
            .map(Some)
    };
    let health = async {
        if !needs(&[ids::LOAD_BALANCER]) {
            return None;
        }
        probe_all(
            inputs.prober.clone(),
            ProbeKind::Health,
            &opts.health_urls,
            timeout,
        )
        .await
    };
    let metrics = async {
        if !needs(&[ids::MONITORING]) {
            return None;
        }
        probe_all(
            inputs.prober.clone(),
            ProbeKind::Metrics,
            &opts.metrics_urls,
            timeout,
        )
        .await
    };
    let redis_future = inputs.redis.filter(|_| needs(&NEEDS_REDIS));
    let redis = async move {
        let fut = redis_future?;
        Some(
            tokio::time::timeout(timeout, fut)
                .await
                .unwrap_or_else(|_| {
                    vec![Check::new(
                        ids::REDIS_HA,
                        Status::Fail,
                        format!(
                            "Redis cluster not healthy: no answer within {}",
                            timeout_text(timeout)
                        ),
                        "check the address, the network path and that Redis is running",
                    )]
                }),
        )
    };
    let (manifests, nginx, health, metrics, redis) =
        tokio::join!(manifests, nginx, health, metrics, redis);
    let mut manifests = manifests?;
    if let Some(m) = manifests.as_mut() {
        m.only_workloads = resolve_workloads(m, &opts.workloads).map_err(anyhow::Error::msg)?;
    }
    let nginx = nginx?;
    let notes: Vec<String> = manifests
        .iter()
        .flat_map(|m| m.notes.iter())
        .chain(nginx.iter().flat_map(|n| n.notes.iter()))
        .cloned()
        .collect();
    let facts = Facts {
        manifests,
        nginx,
        health,
        metrics,
        history: inputs.history,
        redis,
    };
    let checks = evaluate(&facts, &att, &selected);
    nothing_checked(&checks, opts.attestations.is_empty()).map_err(anyhow::Error::msg)?;
    Ok(Report::new(checks, opts.strict).with_notes(notes))
}

/// A report in which nothing was checked is not "ready: yes": a CI gate with a forgotten flag
/// must not pass. Every check skipped (or, with no attestation, only asking a person) is a
/// usage error naming the flags that would enable the selected checks.
pub fn nothing_checked(checks: &[Check], no_attestations: bool) -> Result<(), String> {
    let judged = checks
        .iter()
        .any(|c| c.status != Status::Skip && (c.status != Status::Manual || !no_attestations));
    if judged || checks.is_empty() {
        return Ok(());
    }
    let mut flags: Vec<&str> = Vec::new();
    let mut history = false;
    for c in checks.iter().filter(|c| c.status == Status::Skip) {
        history |= c.message.contains("history");
        for word in c.message.split([' ', ',', '(', ')', ';']) {
            let flag = word.split('=').next().unwrap_or(word);
            if flag.starts_with("--") && !flags.contains(&flag) {
                flags.push(flag);
            }
        }
    }
    if checks.iter().any(|c| c.status == Status::Manual) && !flags.contains(&"--attest") {
        flags.push("--attest");
    }
    let list = match flags.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "a source".to_string(),
    };
    let history = if history {
        " (the performance checks read the history: run `rizk-scale collect` first)"
    } else {
        ""
    };
    Err(format!(
        "validate: nothing to check: every selected check would be skipped; add {list}{history}"
    ))
}

/// The `--workload` entries as `namespace/name` of workloads in the manifests; an entry that
/// names none is an error listing the ones there are.
pub fn resolve_workloads(
    m: &manifests::Manifests,
    wanted: &[String],
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for entry in wanted.iter().flat_map(|e| e.split(',')).map(str::trim) {
        if entry.is_empty() {
            continue;
        }
        let hits: Vec<String> = m
            .workloads
            .iter()
            .map(|w| &w.object)
            .filter(|w| match entry.split_once('/') {
                Some((ns, name)) => w.metadata.ns() == ns && w.metadata.name == name,
                None => w.metadata.name == entry,
            })
            .map(|w| w.qualified_name())
            .collect();
        if hits.is_empty() {
            let mut found: Vec<String> = m
                .workloads
                .iter()
                .map(|w| w.object.qualified_name())
                .collect();
            found.sort();
            found.dedup();
            return Err(format!(
                "--workload '{entry}': no Deployment or StatefulSet of that name in --manifests (found: {})",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ));
        }
        out.extend(hits);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn selection_by_id_category_and_short_name() {
        assert_eq!(select(&[], &[]).unwrap().len(), 21);
        let s = select(&["performance".into(), "pdb".into()], &[]).unwrap();
        assert_eq!(s[0], ids::PDB);
        assert_eq!(s.len(), 6);
        let s = select(&[], &["reliability.multi_az,performance".into()]).unwrap();
        assert_eq!(s.len(), 15);
        assert!(!s.contains(&ids::MULTI_AZ));
        let e = select(&["bogus".into()], &[]).unwrap_err();
        assert!(
            e.starts_with("--only 'bogus': unknown check (valid: infrastructure,"),
            "{e}"
        );
        assert!(e.contains("reliability.backup_recovery"), "{e}");
        assert!(
            select(&[], &["nope".into()])
                .unwrap_err()
                .starts_with("--skip 'nope'")
        );
    }

    #[test]
    fn nothing_given_skips_or_asks_a_person() {
        let today = jiff::civil::date(2026, 11, 23);
        let checks = evaluate(&Facts::default(), &Attestations::none(today), &ids::ALL);
        assert_eq!(checks.len(), 21);
        let ids_in_order: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids_in_order, ids::ALL);
        let manual: Vec<&str> = checks
            .iter()
            .filter(|c| c.status == Status::Manual)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            manual,
            [
                ids::REGIONAL_ENDPOINTS,
                ids::CROSS_REGION_SYNC,
                ids::BACKUP_RECOVERY
            ]
        );
        assert!(
            checks
                .iter()
                .all(|c| matches!(c.status, Status::Skip | Status::Manual))
        );
        assert_eq!(checks[0].message, "needs --redis");
        assert!(Report::new(checks, true).ready);
    }

    #[test]
    fn redis_checks_plug_in_by_id() {
        let today = jiff::civil::date(2026, 11, 23);
        let facts = Facts {
            redis: Some(vec![
                Check::new(
                    ids::REDIS_HA,
                    Status::Fail,
                    "master 127.0.0.1:7002 has 0 replicas",
                    "add a replica",
                ),
                Check::new(ids::BACKUP_RECOVERY, Status::Pass, "appendonly yes", ""),
                Check::new(
                    ids::CACHE_HIT_RATE,
                    Status::Warn,
                    "keyspace hit rate 65.0%",
                    "h",
                ),
            ]),
            ..Facts::default()
        };
        let checks = evaluate(&facts, &Attestations::none(today), &ids::ALL);
        let get = |id: &str| checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(get(ids::REDIS_HA).status, Status::Fail);
        assert_eq!(
            get(ids::REDIS_HA).message,
            "master 127.0.0.1:7002 has 0 replicas"
        );
        // Manual (no attestation) outweighs the passing persistence part.
        assert_eq!(get(ids::BACKUP_RECOVERY).status, Status::Manual);
        // The history part was skipped: the Redis part stands alone.
        assert_eq!(get(ids::CACHE_HIT_RATE).message, "keyspace hit rate 65.0%");
        let none = Facts {
            redis: Some(vec![]),
            ..Facts::default()
        };
        let checks = evaluate(&none, &Attestations::none(today), &[ids::REDIS_HA]);
        assert_eq!(checks[0].message, "the Redis checks gave no result");
    }

    struct SlowProber;

    impl Prober for SlowProber {
        fn probe(&self, _kind: ProbeKind, url: String) -> BoxFuture<'static, ProbeResult> {
            Box::pin(async move {
                let delay = if url.contains("hang") { 5_000 } else { 300 };
                tokio::time::sleep(Duration::from_millis(delay)).await;
                ProbeResult {
                    url,
                    status: Ok(200),
                    elapsed: Duration::from_millis(delay),
                    parsed: Some(Ok(3)),
                    violation: None,
                }
            })
        }
    }

    #[tokio::test]
    async fn sources_are_gathered_concurrently_under_the_timeout() {
        let opts = ValidateOptions {
            health_urls: vec![
                "http://a/health".into(),
                "http://b/health".into(),
                "http://hang/health".into(),
            ],
            metrics_urls: vec!["http://a/metrics".into(), "http://b/metrics".into()],
            timeout: Duration::from_millis(800),
            today: Some(jiff::civil::date(2026, 11, 23)),
            ..ValidateOptions::default()
        };
        let redis: BoxFuture<'static, Vec<Check>> = Box::pin(async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            vec![]
        });
        let start = Instant::now();
        let report = run(
            &opts,
            Inputs {
                prober: Some(Arc::new(SlowProber)),
                redis: Some(redis),
                history: None,
            },
        )
        .await
        .unwrap();
        let took = start.elapsed();
        // Serially this would be 5 probes × 300 ms + two 800 ms timeouts; concurrently ≈ 800 ms.
        assert!(took < Duration::from_millis(1_500), "took {took:?}");
        let lb = report.get(ids::LOAD_BALANCER).unwrap();
        assert_eq!(lb.status, Status::Fail);
        assert_eq!(lb.message, "http://hang/health → timed out after 800ms");
        let redis = report.get(ids::REDIS_HA).unwrap();
        assert_eq!(
            redis.message,
            "Redis cluster not healthy: no answer within 800ms"
        );
        assert_eq!(report.get(ids::MONITORING).unwrap().status, Status::Pass);
        assert!(!report.ready);
    }

    #[tokio::test]
    async fn nothing_to_check_is_a_usage_error_naming_the_flags() {
        let today = Some(jiff::civil::date(2026, 11, 23));
        let e = run(
            &ValidateOptions {
                today,
                ..ValidateOptions::default()
            },
            Inputs::default(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("validate: nothing to check: every selected check would be skipped; add --redis, --nginx-conf, --health-url, --manifests, --endpoint"), "{e}");
        assert!(e.contains(" or --attest"), "{e}");
        // --only whose checks all skip: the flags of those checks only.
        let only = ValidateOptions {
            only: vec!["pdb,multi_az".into()],
            today,
            ..ValidateOptions::default()
        };
        let e = run(&only, Inputs::default()).await.unwrap_err().to_string();
        assert_eq!(
            e,
            "validate: nothing to check: every selected check would be skipped; add --manifests"
        );
        // An attestation is something to check.
        let attested = ValidateOptions {
            attestations: vec!["backup_recovery_tested=2026-11-01".parse().unwrap()],
            today,
            ..ValidateOptions::default()
        };
        assert!(run(&attested, Inputs::default()).await.is_ok());
    }

    #[tokio::test]
    async fn usage_errors() {
        let today = Some(jiff::civil::date(2026, 11, 23));
        let future = ValidateOptions {
            attestations: vec!["retry_logic=2030-01-01".parse().unwrap()],
            today,
            ..ValidateOptions::default()
        };
        let e = run(&future, Inputs::default()).await.unwrap_err();
        assert!(e.to_string().contains("in the future"), "{e}");
        let urls = ValidateOptions {
            health_urls: vec!["http://x".into()],
            today,
            ..ValidateOptions::default()
        };
        assert!(run(&urls, Inputs::default()).await.is_err());
        let only = ValidateOptions {
            only: vec!["nope".into()],
            today,
            ..ValidateOptions::default()
        };
        assert!(run(&only, Inputs::default()).await.is_err());
    }
}
