//! Scraping `/metrics` endpoints: `http://`, `https://` (rustls) and `file://` targets, many at
//! once with bounded concurrency. The only module importing reqwest.
//!
//! Content negotiation follows the Prometheus server: the `Accept` header prefers OpenMetrics
//! 1.0.0, then the text format 0.0.4; the body is parsed by the response's `Content-Type`
//! (`application/openmetrics-text`, `text/plain`, or `application/json` for a JSON object of
//! sample fields). A `file://` target's format comes from its extension (`.om` OpenMetrics,
//! `.prom`/`.txt` text 0.0.4, `.json` the JSON form), else from its content (a JSON object;
//! OpenMetrics when it ends in `# EOF` and is otherwise valid OpenMetrics; else text 0.0.4), as
//! node_exporter's textfile reader treats a stray `# EOF` as a comment; `-v` says which.
//! Expositions are read as leniently as the Prometheus server reads them, unless
//! [`ScrapeOptions::strictness`] is strict (`--strict-exposition`).
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
use crate::sources::exposition::{self, Format, Strictness};
use crate::sources::mapping::{self, Mapping, Snapshot};

/// The `Accept` header sent (as the Prometheus server does, plus JSON). OpenMetrics 0.0.1 is
/// the same format under the version older client_golang releases answer to (Debian 12's 1.14).
pub const ACCEPT_HEADER: &str = "application/openmetrics-text;version=1.0.0,\
application/openmetrics-text;version=0.0.1;q=0.75,\
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
    /// Parse a target URL (`http://`, `https://` or `file://`; a bare `http://host:port` is
    /// its `/metrics`, see [`metrics_url`]). `host:port/…` without a scheme is an error that
    /// suggests `http://`.
    pub fn parse(raw: &str) -> Result<Target> {
        let shown = redact::url(raw);
        let url = match Url::parse(raw) {
            Ok(u) if ["http", "https", "file"].contains(&u.scheme()) => u,
            // `127.0.0.1:9100/metrics` does not parse; `localhost:9100` parses with the host
            // as its scheme: both are a URL without its scheme.
            _ if Url::parse(&format!("http://{raw}")).is_ok_and(|u| u.host_str().is_some())
                && !raw.contains("://") =>
            {
                bail!("endpoint '{shown}': no scheme: did you mean 'http://{shown}'?")
            }
            Ok(u) => bail!(
                "endpoint '{shown}': unsupported scheme '{}' (http, https, file)",
                u.scheme()
            ),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("endpoint '{shown}'"))),
        };
        match url.scheme() {
            "http" | "https" if url.host_str().is_some() => {}
            "file" if url.to_file_path().is_ok() => {}
            _ => bail!("endpoint '{shown}': no host or path"),
        }
        let fixed = metrics_url(raw);
        if fixed == raw {
            return Ok(Target {
                url,
                display: shown,
            });
        }
        let url = Url::parse(&fixed).unwrap_or(url);
        Ok(Target {
            url,
            display: redact::url(&fixed),
        })
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

/// The metrics URL of an endpoint, the same for `collect`, `monitor` and `validate`: an
/// `http(s)://host:port` with no path (or just `/`) means its `/metrics`, as Prometheus scrapes
/// by default; any other URL is used as given.
pub fn metrics_url(endpoint: &str) -> String {
    match Url::parse(endpoint) {
        Ok(mut u) if matches!(u.scheme(), "http" | "https") && matches!(u.path(), "" | "/") => {
            u.set_path("/metrics");
            u.to_string()
        }
        _ => endpoint.to_string(),
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
    /// How strictly expositions are read (`--strict-exposition`: every rule of the format).
    pub strictness: Strictness,
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
            strictness: Strictness::default(),
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
                BodyFormat::Exposition(f) => {
                    exposition::parse_with(&body, f, self.options.strictness)
                        .map(|e| mapping::snapshot(&e, &self.options.mapping, t_ms))
                        .map_err(|e| format!("invalid exposition: {e}"))
                }
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
    pub async fn probe(&self, url: &str, parse: bool) -> Probe {
        let target = match Target::parse(url) {
            Ok(t) => t,
            Err(e) => return Probe::failed(format!("{e:#}")),
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
                    BodyFormat::Exposition(f) => self.count_samples(&body, f),
                    BodyFormat::Json => Err("not an exposition".to_string()),
                });
            return match parsed {
                Ok((n, violation)) => Probe {
                    status: Ok(200),
                    parsed: parse.then_some(Ok(n)),
                    violation: violation.filter(|_| parse).map(redact),
                },
                Err(e) => Probe::failed(redact(e)),
            };
        }
        let mut response = match self.client.get(target.url.clone()).send().await {
            Ok(r) => r,
            Err(e) => return Probe::failed(redact(describe(&e, self.options.timeout))),
        };
        let status = response.status().as_u16();
        if !parse || !response.status().is_success() {
            return Probe {
                status: Ok(status),
                parsed: None,
                violation: None,
            };
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
                .and_then(|body| self.count_samples(&body, f)),
            Ok(BodyFormat::Json) => Err("JSON, not a Prometheus exposition".to_string()),
            Err(e) => Err(e),
        };
        let violation = parsed
            .as_ref()
            .ok()
            .and_then(|(_, v)| v.clone())
            .map(redact);
        Probe {
            status: Ok(status),
            parsed: Some(parsed.map(|(n, _)| n).map_err(redact)),
            violation,
        }
    }

    /// The number of samples of an exposition read with this scraper's strictness, and the
    /// first rule of the format it breaks (a page Prometheus accepts but the format forbids).
    fn count_samples(&self, body: &str, format: Format) -> Result<(usize, Option<String>), String> {
        let n = exposition::parse_with(body, format, self.options.strictness)
            .map(|e| e.sample_count())
            .map_err(|e| format!("invalid exposition: {e}"))?;
        let violation = match self.options.strictness {
            Strictness::Strict => None,
            Strictness::Prometheus => exposition::first_violation(body, format)
                .map(|e| format!("{} forbids it: {e}", format_name(format))),
        };
        Ok((n, violation))
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
        let (format, why) = file_format(&path, &body);
        crate::diag_info!(
            "{}: read as {} ({why})",
            target.display(),
            match format {
                BodyFormat::Json => "JSON",
                BodyFormat::Exposition(f) => format_name(f),
            }
        );
        Ok((body, format))
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

/// What a readiness probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The HTTP status (200 for a readable file), or why there is none.
    pub status: Result<u16, String>,
    /// With parsing: the number of samples, or why the exposition does not parse.
    pub parsed: Option<Result<usize, String>>,
    /// The first rule of its format a page breaks that the Prometheus server accepts anyway
    /// (only when read leniently).
    pub violation: Option<String>,
}

impl Probe {
    fn failed(e: String) -> Probe {
        Probe {
            status: Err(e),
            parsed: None,
            violation: None,
        }
    }
}

/// How a format is named in messages.
fn format_name(format: Format) -> &'static str {
    match format {
        Format::OpenMetrics => "OpenMetrics 1.0",
        Format::PrometheusText => "text 0.0.4",
    }
}

/// The format of a `file://` target and why: by extension, else by content.
fn file_format(path: &std::path::Path, body: &str) -> (BodyFormat, &'static str) {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => (BodyFormat::Json, "extension .json"),
        Some("om") => (BodyFormat::Exposition(Format::OpenMetrics), "extension .om"),
        Some("prom") => (
            BodyFormat::Exposition(Format::PrometheusText),
            "extension .prom",
        ),
        Some("txt") => (
            BodyFormat::Exposition(Format::PrometheusText),
            "extension .txt",
        ),
        _ if body.trim_start().starts_with('{') => (BodyFormat::Json, "content: a JSON object"),
        _ => match Format::of_file_contents(body) {
            Format::OpenMetrics => (
                BodyFormat::Exposition(Format::OpenMetrics),
                "content: valid OpenMetrics ending in '# EOF'",
            ),
            Format::PrometheusText => (
                BodyFormat::Exposition(Format::PrometheusText),
                "content: not valid OpenMetrics",
            ),
        },
    }
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
        let part = plain_part(part.split(" for url (").next().unwrap_or(""));
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

/// One cause of an error chain as a reader wants it: without the OS's "(os error 111)" after
/// the words that already say it, and without hyper's "client error (Connect)" wrapper, which
/// says nothing the next cause does not.
fn plain_part(part: &str) -> String {
    let part = match part.rfind(" (os error ") {
        Some(at) if part.ends_with(')') => &part[..at],
        _ => part,
    };
    match part {
        "client error (Connect)" => String::new(),
        other => other.to_string(),
    }
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
    fn error_parts_lose_the_os_code_and_the_empty_wrapper() {
        assert_eq!(
            plain_part("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(plain_part("client error (Connect)"), "");
        assert_eq!(plain_part("tcp connect error"), "tcp connect error");
        assert_eq!(
            plain_part("invalid peer certificate (UnknownIssuer)"),
            "invalid peer certificate (UnknownIssuer)"
        );
    }

    #[test]
    fn a_bare_host_means_its_metrics_and_a_missing_scheme_is_suggested() {
        assert_eq!(metrics_url("http://a:8080"), "http://a:8080/metrics");
        assert_eq!(metrics_url("http://a:8080/"), "http://a:8080/metrics");
        assert_eq!(metrics_url("http://a/metrics"), "http://a/metrics");
        assert_eq!(metrics_url("http://a/stats"), "http://a/stats");
        assert_eq!(metrics_url("file:///x.prom"), "file:///x.prom");
        let t = Target::parse("http://u:secret@a:8080").unwrap();
        assert_eq!(t.url.as_str(), "http://u:secret@a:8080/metrics");
        assert!(!t.display().contains("secret"), "{}", t.display());
        for raw in ["127.0.0.1:9100/metrics", "localhost:9100"] {
            let e = Target::parse(raw).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("endpoint '{raw}': no scheme: did you mean 'http://{raw}'?")
            );
        }
        let e = Target::parse("ftp://a/x").unwrap_err().to_string();
        assert!(e.contains("unsupported scheme 'ftp'"), "{e}");
    }

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
    fn file_formats_by_extension_then_content() {
        use std::path::Path;
        let text_with_eof = "# a comment\nup 1\n# EOF\n";
        let om = "up 1\n# EOF\n";
        for (path, body, want) in [
            ("/m.json", "{\"cpuUsage\": 85.5}", BodyFormat::Json),
            ("/m", "  {\"cpuUsage\": 85.5}", BodyFormat::Json),
            ("/m.om", om, BodyFormat::Exposition(Format::OpenMetrics)),
            (
                "/m.PROM",
                om,
                BodyFormat::Exposition(Format::PrometheusText),
            ),
            ("/m.txt", om, BodyFormat::Exposition(Format::PrometheusText)),
            ("/m", om, BodyFormat::Exposition(Format::OpenMetrics)),
            (
                "/m",
                text_with_eof,
                BodyFormat::Exposition(Format::PrometheusText),
            ),
            (
                "/m.metrics",
                "up 1\n",
                BodyFormat::Exposition(Format::PrometheusText),
            ),
        ] {
            assert_eq!(
                file_format(Path::new(path), body).0,
                want,
                "{path} {body:?}"
            );
        }
        assert_eq!(file_format(Path::new("/m.om"), om).1, "extension .om");
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
