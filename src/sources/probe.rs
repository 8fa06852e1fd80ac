//! The HTTP prober `validate` uses for `--health-url` and `/metrics` checks, over the endpoint
//! module's client (which applies the body cap, redirect rules and redaction).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::sources::endpoint::{ScrapeOptions, Scraper};
use crate::sources::exposition::Strictness;
use crate::validate::{ProbeKind, ProbeResult, Prober};

struct HttpProber {
    scraper: Arc<Scraper>,
}

impl Prober for HttpProber {
    fn probe(&self, kind: ProbeKind, url: String) -> BoxFuture<'static, ProbeResult> {
        let scraper = Arc::clone(&self.scraper);
        async move {
            let started = Instant::now();
            let probe = scraper.probe(&url, kind == ProbeKind::Metrics).await;
            ProbeResult {
                url,
                status: probe.status,
                elapsed: started.elapsed(),
                parsed: probe.parsed,
                violation: probe.violation,
            }
        }
        .boxed()
    }
}

/// A prober with `timeout` per request (pages read with `strictness`), or none if the HTTP
/// client cannot be built.
pub fn prober(timeout: Duration, strictness: Strictness) -> Option<Arc<dyn Prober>> {
    let options = ScrapeOptions {
        timeout,
        strictness,
        ..ScrapeOptions::default()
    };
    let scraper = Scraper::new(options).ok()?;
    Some(Arc::new(HttpProber {
        scraper: Arc::new(scraper),
    }))
}
