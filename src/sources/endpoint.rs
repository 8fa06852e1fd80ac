//! Scraping `/metrics` endpoints: `http://`, `https://` (rustls) and `file://` targets, many at
//! once with bounded concurrency. The only module importing reqwest.
//!
//! Content negotiation follows the Prometheus server: the `Accept` header prefers OpenMetrics
//! 1.0.0, then the text format 0.0.4; the body is parsed by the response's `Content-Type`
//! (`application/openmetrics-text`, `text/plain`, or `application/json` for a JSON object of
//! sample fields). A `file://` target is a node_exporter textfile: OpenMetrics when it ends in
//! `# EOF`, else text 0.0.4.
//!
//! Safety limits: the body is read chunk by chunk and the scrape fails as soon as it exceeds
//! the cap (no unbounded buffering); connect and total timeouts; at most 3 redirects, only to
//! the same origin (scheme, host and port) and never in a loop; no proxy from the environment
//! (targets are contacted directly). Error messages name the target with its userinfo redacted
//! and never contain the password, bearer token or custom header values.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use tokio::io::AsyncReadExt;
use url::Url;

use crate::redact;
use crate::sources::exposition::{self, Format};
use crate::sources::mapping::{self, Mapping, Snapshot};

/// The `Accept` header sent (as the Prometheus server does, plus JSON).
pub const ACCEPT_HEADER: &str = "application/openmetrics-text;version=1.0.0,\
text/plain;version=0.0.4;q=0.5,application/json;q=0.4,*/*;q=0.1";

/// Default per-target timeout (connect + whole response).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default number of targets scraped at once.
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Default body cap: 16 MiB.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 3;

/// A target: its URL and how it is shown (userinfo redacted).
#[derive(Debug, Clone)]
pub struct Target {
    url: Url,
    display: String,
}

impl Target {
    /// Parse a target URL (`http://`, `https://` or `file://`).
    pub fn parse(raw: &str) -> Result<Target> {
        let display = redact::url(raw);
        let url = Url::parse(raw).with_context(|| format!("endpoint '{display}'"))?;
        match url.scheme() {
            "http" | "https" if url.host_str().is_some() => {}
            "file" if url.to_file_path().is_ok() => {}
            "http" | "https" | "file" => bail!("endpoint '{display}': no host or path"),
            other => {
                bail!("endpoint '{display}': unsupported scheme '{other}' (http, https, file)")
            }
        }
        Ok(Target { url, display })
    }

    /// The URL with userinfo redacted: the name used in messages, JSON and the history.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Secrets that must never be printed: the URL's password (or a lone user name, which
    /// may be a token).
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.url.password() {
            out.push(p.to_string());
            out.push(percent_decode(p));
        } else if !self.url.username().is_empty() {
            out.push(self.url.username().to_string());
        }
        out
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// How to scrape.
#[derive(Debug, Clone)]
pub struct ScrapeOptions {
    /// Per-target timeout: connect and the whole response.
    pub timeout: Duration,
    /// Targets scraped at once.
    pub concurrency: usize,
    /// Body cap in bytes.
    pub max_body: u64,
    /// Extra request headers (`Name`, `value`); values are treated as secrets.
    pub headers: Vec<(String, String)>,
    /// Read from `--bearer-token-file`: sent as `Authorization: Bearer …`.
    pub bearer_token: Option<String>,
    /// Which metrics feed which fields.
    pub mapping: Mapping,
}

impl Default for ScrapeOptions {
    fn default() -> Self {
        ScrapeOptions {
            timeout: DEFAULT_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            max_body: DEFAULT_MAX_BODY,
            headers: Vec::new(),
            bearer_token: None,
            mapping: Mapping::default(),
        }
    }
}

/// Read a bearer token file (Kubernetes service-account style): trimmed, non-empty.
pub fn read_token_file(path: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading bearer token file '{}'", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        bail!("bearer token file '{}' is empty", path.display());
    }
    Ok(token.to_string())
}

/// One target's outcome.
#[derive(Debug, Clone)]
pub struct TargetResult {
    /// The target, userinfo redacted.
    pub target: String,
    /// The snapshot, or why the scrape failed (redacted).
    pub result: Result<Snapshot, String>,
    /// How long the scrape took.
    pub duration: Duration,
}

/// A scraper: one HTTP client shared by all targets.
pub struct Scraper {
    client: reqwest::Client,
    options: ScrapeOptions,
    secrets: Vec<String>,
}

impl Scraper {
    /// Build the client (headers validated here).
    pub fn new(options: ScrapeOptions) -> Result<Scraper> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_HEADER));
        let mut secrets = Vec::new();
        for (name, value) in &options.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .with_context(|| format!("--header '{name}': invalid header name"))?;
            let mut v = HeaderValue::from_str(value)
                .with_context(|| format!("--header '{name}': invalid header value"))?;
            v.set_sensitive(true);
            headers.append(n, v);
            secrets.push(value.clone());
        }
        if let Some(token) = &options.bearer_token {
            let mut v = HeaderValue::from_str(&format!("Bearer {token}"))
                .context("the bearer token is not a valid header value")?;
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
            secrets.push(token.clone());
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("rizk-scale/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.timeout)
            .timeout(options.timeout)
            .redirect(redirect_policy())
            .no_proxy()
            // One scrape per target per run: keeping 1000 idle sockets open would only cost fds.
            .pool_max_idle_per_host(0)
            .build()
            .context("building the HTTP client")?;
        Ok(Scraper {
            client,
            options,
            secrets,
        })
    }

    /// Scrape one target into a snapshot. Errors are redacted but do not name the target.
    pub async fn scrape(&self, target: &Target) -> Result<Snapshot, String> {
        let fetch = async {
            let (body, format) = if target.url.scheme() == "file" {
                self.read_file(target).await?
            } else {
                self.fetch(target).await?
            };
            let t_ms = jiff::Timestamp::now().as_millisecond();
            match format {
                BodyFormat::Json => mapping::snapshot_json(&body, t_ms),
                BodyFormat::Exposition(f) => exposition::parse(&body, f)
                    .map(|e| mapping::snapshot(&e, &self.options.mapping, t_ms))
                    .map_err(|e| format!("invalid exposition: {e}")),
            }
        };
        let result = match tokio::time::timeout(self.options.timeout, fetch).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "timed out after {}",
                humantime::format_duration(self.options.timeout)
            )),
        };
        result.map_err(|e| {
            let mut secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
            let own = target.secrets();
            secrets.extend(own.iter().map(String::as_str));
            redact::secrets(&e, &secrets)
        })
    }

    async fn fetch(&self, target: &Target) -> Result<(String, BodyFormat), String> {
        let mut response = self
            .client
            .get(target.url.clone())
            .send()
            .await
            .map_err(|e| describe(&e, self.options.timeout))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let format = body_format(content_type.as_deref())?;
        let body = self.read_capped(&mut response).await?;
        Ok((body, format))
    }

    /// Read a response body, refusing more than `max_body` bytes (an error, not an OOM).
    async fn read_capped(&self, response: &mut reqwest::Response) -> Result<String, String> {
        let max = self.options.max_body;
        if let Some(len) = response.content_length()
            && len > max
        {
            return Err(too_big(max));
        }
        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| describe(&e, self.options.timeout))?
        {
            if (body.len() + chunk.len()) as u64 > max {
                return Err(too_big(max));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|e| format!("body is not UTF-8: {e}"))
    }

    /// A readiness probe (`validate`): the HTTP status of `url`, and with `parse` the number of
    /// samples its exposition holds (or why it does not parse). Errors are redacted.
    pub async fn probe(
        &self,
        url: &str,
        parse: bool,
    ) -> (Result<u16, String>, Option<Result<usize, String>>) {
        let target = match Target::parse(url) {
            Ok(t) => t,
            Err(e) => return (Err(format!("{e:#}")), None),
        };
        let redact = |e: String| {
            redact::secrets(
                &e,
                &target
                    .secrets()
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            )
        };
        if target.url.scheme() == "file" {
            let parsed = self
                .read_file(&target)
                .await
                .and_then(|(body, format)| match format {
                    BodyFormat::Exposition(f) => count_samples(&body, f),
                    BodyFormat::Json => Err("not an exposition".to_string()),
                });
            return match parsed {
                Ok(n) => (Ok(200), parse.then_some(Ok(n))),
                Err(e) => (Err(redact(e)), None),
            };
        }
        let mut response = match self.client.get(target.url.clone()).send().await {
            Ok(r) => r,
            Err(e) => return (Err(redact(describe(&e, self.options.timeout))), None),
        };
        let status = response.status().as_u16();
        if !parse || !response.status().is_success() {
            return (Ok(status), None);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let parsed = match body_format(content_type.as_deref()) {
            Ok(BodyFormat::Exposition(f)) => self
                .read_capped(&mut response)
                .await
                .and_then(|body| count_samples(&body, f)),
            Ok(BodyFormat::Json) => Err("JSON, not a Prometheus exposition".to_string()),
            Err(e) => Err(e),
        };
        (Ok(status), Some(parsed.map_err(redact)))
    }

    /// A plain GET of `url` (e.g. the Prometheus HTTP API): the status and the body, whatever
    /// the status (an API's error answer is JSON too). The body cap, timeouts, redirect rules
    /// and redaction (userinfo, headers, token) are a scrape's.
    pub async fn get_text(&self, url: &str) -> Result<(u16, String), String> {
        let target = Target::parse(url).map_err(|e| format!("{e:#}"))?;
        if target.url.scheme() == "file" {
            return Err("not an http:// or https:// URL".to_string());
        }
        let fetch = async {
            let mut response = self
                .client
                .get(target.url.clone())
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .send()
                .await
                .map_err(|e| describe(&e, self.options.timeout))?;
            let status = response.status().as_u16();
            let body = self.read_capped(&mut response).await?;
            Ok((status, body))
        };
        let result = match tokio::time::timeout(self.options.timeout, fetch).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "timed out after {}",
                humantime::format_duration(self.options.timeout)
            )),
        };
        result.map_err(|e| {
            let mut secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
            let own = target.secrets();
            secrets.extend(own.iter().map(String::as_str));
            redact::secrets(&e, &secrets)
        })
    }

    async fn read_file(&self, target: &Target) -> Result<(String, BodyFormat), String> {
        let path: PathBuf = target
            .url
            .to_file_path()
            .map_err(|()| "not a local file path".to_string())?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| format!("reading '{}': {e}", path.display()))?;
        let max = self.options.max_body;
        let mut body = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|e| format!("reading '{}': {e}", path.display()))?;
        if body.len() as u64 > max {
            return Err(too_big(max));
        }
        let body = String::from_utf8(body).map_err(|e| format!("file is not UTF-8: {e}"))?;
        let format = Format::of_file_contents(&body);
        Ok((body, BodyFormat::Exposition(format)))
    }

    /// Scrape every target, at most `concurrency` at once; results in the order of `targets`.
    pub async fn scrape_all(&self, targets: &[Target]) -> Vec<TargetResult> {
        let mut results: Vec<(usize, TargetResult)> =
            futures_util::stream::iter(targets.iter().enumerate())
                .map(|(i, target)| async move {
                    let start = Instant::now();
                    let result = self.scrape(target).await;
                    let r = TargetResult {
                        target: target.display().to_string(),
                        result,
                        duration: start.elapsed(),
                    };
                    (i, r)
                })
                .buffer_unordered(self.options.concurrency.max(1))
                .collect()
                .await;
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
    }
}

/// How a body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFormat {
    Json,
    Exposition(Format),
}

/// The format announced by a `Content-Type`. None at all is read as text 0.0.4 (as Prometheus
/// falls back); anything else that is not an exposition or JSON is refused (an HTML login page
/// is not metrics).
fn body_format(content_type: Option<&str>) -> Result<BodyFormat, String> {
    let Some(ct) = content_type else {
        return Ok(BodyFormat::Exposition(Format::PrometheusText));
    };
    if let Some(f) = Format::from_content_type(ct) {
        return Ok(BodyFormat::Exposition(f));
    }
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        return Ok(BodyFormat::Json);
    }
    Err(format!(
        "unsupported Content-Type '{ct}' (expected OpenMetrics, text/plain or application/json)"
    ))
}

fn count_samples(body: &str, format: Format) -> Result<usize, String> {
    exposition::parse(body, format)
        .map(|e| e.families.iter().map(|f| f.samples.len()).sum())
        .map_err(|e| format!("invalid exposition: {e}"))
}

fn too_big(max: u64) -> String {
    format!("body exceeds the {max}-byte limit (--max-body)")
}

/// A reqwest error as one line: its causes, without the URL (the caller names the target).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {}", humantime::format_duration(timeout));
    }
    let mut text = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        let part = c.to_string();
        // reqwest repeats its URL in the top error: leave it out.
        let part = part.split(" for url (").next().unwrap_or("").to_string();
        if !part.is_empty() && !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        cause = c.source();
    }
    text
}

/// At most [`MAX_REDIRECTS`] redirects, to the same origin, never back to a URL already seen.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let shown = redact::url(attempt.url().as_str());
        if attempt.url().origin() != first.origin() {
            let msg = format!("redirect to another host '{shown}' refused");
            return attempt.error(msg);
        }
        if attempt.previous().contains(attempt.url()) {
            let msg = format!("redirect loop at '{shown}'");
            return attempt.error(msg);
        }
        if attempt.previous().len() > MAX_REDIRECTS {
            let msg = format!("more than {MAX_REDIRECTS} redirects");
            return attempt.error(msg);
        }
        attempt.follow()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_are_redacted() {
        let t = Target::parse("http://bob:s3cret@127.0.0.1:9/metrics").unwrap();
        assert_eq!(t.display(), "http://bob:***@127.0.0.1:9/metrics");
        assert_eq!(
            t.secrets(),
            vec!["s3cret".to_string(), "s3cret".to_string()]
        );
        assert!(Target::parse("file:///tmp/x.prom").is_ok());
        let e = Target::parse("ftp://u:pw@h/x").unwrap_err().to_string();
        assert!(
            e.contains("unsupported scheme 'ftp'") && !e.contains("pw"),
            "{e}"
        );
        let e = Target::parse("http://u:pw@/x").unwrap_err();
        assert!(!format!("{e:#}").contains("pw"));
    }

    #[test]
    fn content_types_choose_the_parser() {
        assert_eq!(
            body_format(Some(
                "application/openmetrics-text; version=1.0.0; charset=utf-8"
            )),
            Ok(BodyFormat::Exposition(Format::OpenMetrics))
        );
        assert_eq!(
            body_format(Some("text/plain; version=0.0.4")),
            Ok(BodyFormat::Exposition(Format::PrometheusText))
        );
        assert_eq!(
            body_format(None),
            Ok(BodyFormat::Exposition(Format::PrometheusText))
        );
        assert_eq!(
            body_format(Some("Application/JSON; charset=utf-8")),
            Ok(BodyFormat::Json)
        );
        assert!(
            body_format(Some("text/html"))
                .unwrap_err()
                .contains("'text/html'")
        );
    }

    #[test]
    fn accept_prefers_openmetrics_then_text() {
        let om = ACCEPT_HEADER
            .find("application/openmetrics-text;version=1.0.0")
            .unwrap();
        let text = ACCEPT_HEADER.find("text/plain;version=0.0.4").unwrap();
        assert!(om < text);
        assert!(HeaderValue::from_str(ACCEPT_HEADER).is_ok());
    }
}
