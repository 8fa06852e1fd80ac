//! The facts the rules judge, gathered before any rule runs. HTTP probes are described here but
//! performed elsewhere (the endpoint module owns reqwest): it implements [`Prober`], and tests
//! feed [`ProbeResult`]s directly.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::check::Check;
use crate::sample::Sample;
use crate::sources::manifests::Manifests;
use crate::sources::nginx::NginxConf;

/// What a probe is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    /// A `--health-url`: must answer 2xx.
    Health,
    /// A `/metrics` endpoint: must answer 2xx with a parseable exposition.
    Metrics,
}

/// The result of probing one URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeResult {
    /// The URL probed (redacted before it is printed).
    pub url: String,
    /// The HTTP status, or why there is none (connection refused, timed out after 3s, …).
    pub status: Result<u16, String>,
    /// How long it took.
    pub elapsed: Duration,
    /// For `/metrics`: `Ok(number of samples parsed)` or the parse error; `None` when not parsed.
    pub parsed: Option<Result<usize, String>>,
    /// For `/metrics` that parse: the first rule of the format the page breaks although the
    /// Prometheus server accepts it (`None` without `--strict-exposition`'s objections).
    pub violation: Option<String>,
}

impl ProbeResult {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        matches!(self.status, Ok(code) if (200..300).contains(&code))
    }
}

/// Performs HTTP probes; implemented by the endpoint module, mocked in tests.
pub trait Prober: Send + Sync {
    /// Probe `url`. The runner applies the per-check timeout around the returned future, so an
    /// implementation need not (but may) apply its own.
    fn probe(&self, kind: ProbeKind, url: String) -> BoxFuture<'static, ProbeResult>;
}

/// Everything the rules may look at. `None` means the source was not given: the checks that
/// need it are `skip`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// From `--manifests`.
    pub manifests: Option<Manifests>,
    /// From `--nginx-conf`.
    pub nginx: Option<NginxConf>,
    /// `--health-url` probes.
    pub health: Option<Vec<ProbeResult>>,
    /// `/metrics` probes.
    pub metrics: Option<Vec<ProbeResult>>,
    /// The history (oldest first).
    pub history: Option<Vec<Sample>>,
    /// The Redis checks (`infrastructure.redis_ha` and Redis parts of other checks), from
    /// `validate::redis`.
    pub redis: Option<Vec<Check>>,
}
