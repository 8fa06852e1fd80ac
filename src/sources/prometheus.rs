//! Prometheus as a source: each metric of the sample from one PromQL instant query
//! (`GET <base>/api/v1/query?query=…`).
//!
//! This module holds the PromQL side: the documented default queries, per-metric overrides
//! (`[prometheus.queries]`, `--prometheus-query`), the query URL, and the reading of the API's
//! JSON answer. The HTTP GET goes through `sources::endpoint::Scraper::get_text` (the only
//! module that speaks HTTP), in [`query_all`]; [`read`] takes any `fetch` for tests.
//!
//! An empty result, a `NaN`/`±Inf` value (a ratio over zero traffic), several series where one
//! was expected, an API error or a failed request make that metric *unknown* — never 0
//! (keda#3064): a scaler reading a missing series as 0 scales down a busy service.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sample::{Metric, Sample};
use crate::sources::endpoint::Scraper;

/// The default query of each metric (`None`: no default, unknown unless overridden).
pub fn default_query(metric: Metric) -> Option<&'static str> {
    match metric {
        Metric::RequestsPerSecond => Some("sum(rate(http_requests_total[1m]))"),
        Metric::ErrorRate => Some(
            "100 * sum(rate(http_requests_total{code=~\"5..\"}[1m])) / sum(rate(http_requests_total[1m]))",
        ),
        // The sample's response time is a mean; a percentile is one override away:
        // 1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))
        Metric::ResponseTimeMs => Some(
            "1000 * sum(rate(http_request_duration_seconds_sum[1m])) / sum(rate(http_request_duration_seconds_count[1m]))",
        ),
        Metric::CpuPercent => {
            Some("100 * (1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[1m])))")
        }
        Metric::MemoryPercent => Some(
            "100 * (1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes))",
        ),
        Metric::CacheHitRate => Some(
            "100 * sum(rate(redis_keyspace_hits_total[1m])) / (sum(rate(redis_keyspace_hits_total[1m])) + sum(rate(redis_keyspace_misses_total[1m])))",
        ),
        Metric::ActiveConnections => None,
    }
}

/// The query per metric: the defaults, with `overrides` replacing them (an empty override
/// string disables a metric).
pub fn queries(overrides: &BTreeMap<Metric, String>) -> BTreeMap<Metric, String> {
    Metric::ALL
        .into_iter()
        .filter_map(|m| {
            let q = match overrides.get(&m) {
                Some(q) => q.trim().to_string(),
                None => default_query(m)?.to_string(),
            };
            (!q.is_empty()).then_some((m, q))
        })
        .collect()
}

/// `<base>/api/v1/query?query=<promql>` (the base may carry a path prefix, e.g. `/prom`).
pub fn query_url(base: &str, promql: &str) -> Result<String, String> {
    let mut url = api_url(base, "query")?;
    url.query_pairs_mut().clear().append_pair("query", promql);
    Ok(url.to_string())
}

/// `<base>/api/v1/<endpoint>`, checked: http:// or https://, credentials never in errors.
pub(crate) fn api_url(base: &str, endpoint: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(base.trim_end_matches('/'))
        .map_err(|e| format!("invalid Prometheus URL '{}': {e}", crate::redact::url(base)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "Prometheus URL '{}' is not http:// or https://",
            crate::redact::url(base)
        ));
    }
    let path = format!("{}/api/v1/{endpoint}", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url)
}

/// The API's envelope: `status`, `data` (`resultType`, `result`), `error`.
#[derive(Deserialize)]
struct ApiResponse<R> {
    status: String,
    #[serde(default = "Option::default")]
    data: Option<ApiData<R>>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiData<R> {
    result_type: String,
    result: R,
}

/// The `data` of a successful answer, given its `resultType`; `Err` names an API error.
/// `what` says what was expected, for the message of a body that is not an API answer.
pub(crate) fn api_data<R: serde::de::DeserializeOwned>(
    body: &str,
    what: &str,
) -> Result<(String, R), String> {
    let resp: ApiResponse<R> =
        serde_json::from_str(body).map_err(|e| format!("not a Prometheus {what}: {e}"))?;
    if resp.status != "success" {
        return Err(resp
            .error
            .unwrap_or_else(|| format!("status {}", resp.status)));
    }
    let data = resp.data.ok_or("no data in the answer")?;
    Ok((data.result_type, data.result))
}

#[derive(Deserialize)]
struct VectorItem {
    value: (f64, String),
}

/// The one value of an instant query's answer. `Ok(None)`: an empty result or a non-finite
/// value (unknown). `Err`: an API error or an answer that is not a single number.
pub fn parse_instant(body: &str) -> Result<Option<f64>, String> {
    let (result_type, result) = api_data::<serde_json::Value>(body, "API answer")?;
    let text = match result_type.as_str() {
        "vector" => {
            let items: Vec<VectorItem> =
                serde_json::from_value(result).map_err(|e| format!("bad vector: {e}"))?;
            match items.as_slice() {
                [] => return Ok(None),
                [one] => one.value.1.clone(),
                many => {
                    return Err(format!(
                        "{} series where one was expected (aggregate with sum/avg)",
                        many.len()
                    ));
                }
            }
        }
        "scalar" => {
            let (_, v): (f64, String) =
                serde_json::from_value(result).map_err(|e| format!("bad scalar: {e}"))?;
            v
        }
        other => return Err(format!("a {other} result, not an instant vector or scalar")),
    };
    let value: f64 = text
        .parse()
        .map_err(|_| format!("value '{text}' is not a number"))?;
    Ok(value.is_finite().then_some(value))
}

/// What one metric's query gave (`collect --json` lists these under `prometheus`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricReading {
    /// The metric.
    pub metric: Metric,
    /// The query sent.
    pub query: String,
    /// Its value; `None` is unknown.
    pub value: Option<f64>,
    /// Why it is unknown, when it failed (empty results are unknown without an error).
    pub error: Option<String>,
}

/// Run every query through `fetch` (URL → body) and fill a sample's metrics. Percentages are
/// clamped into 0–100 (a ratio of two rates read at slightly different instants can overshoot);
/// CPU and memory are utilization, which may exceed 100.
pub fn read(
    base: &str,
    queries: &BTreeMap<Metric, String>,
    mut fetch: impl FnMut(&str) -> Result<String, String>,
) -> (Sample, Vec<MetricReading>) {
    let answers = queries
        .iter()
        .map(|(&metric, query)| {
            let body = query_url(base, query).and_then(|url| fetch(&url));
            (metric, query.clone(), body)
        })
        .collect();
    settle(answers)
}

/// Run every query against the Prometheus at `base`, all at once, through `scraper` (its
/// timeout and body cap apply to each). Fills the sample as [`read`] does.
pub async fn query_all(
    scraper: &Scraper,
    base: &str,
    queries: &BTreeMap<Metric, String>,
) -> (Sample, Vec<MetricReading>) {
    let answers =
        futures_util::future::join_all(queries.iter().map(|(&metric, query)| async move {
            let body = match query_url(base, query) {
                Ok(url) => fetch_api(scraper, &url).await,
                Err(e) => Err(e),
            };
            (metric, query.clone(), body)
        }))
        .await;
    settle(answers)
}

/// One GET of the API. A non-2xx answer carries the API's own error when it has one (400
/// `bad_data` for a PromQL syntax error, 422, 503), else the status.
pub(crate) async fn fetch_api(scraper: &Scraper, url: &str) -> Result<String, String> {
    let (status, body) = scraper.get_text(url).await?;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    match parse_instant(&body) {
        Err(e) if !e.starts_with("not a Prometheus API answer") => {
            Err(format!("HTTP {status}: {e}"))
        }
        _ => Err(format!("HTTP {status}")),
    }
}

/// A finite value as the sample stores it: shares clamped into 0–100 (a ratio of two rates
/// read at slightly different instants can overshoot), other metrics at least 0.
pub(crate) fn clean(metric: Metric, v: f64) -> f64 {
    if metric.is_share() {
        v.clamp(0.0, 100.0)
    } else {
        v.max(0.0)
    }
}

/// Fill a sample from each metric's answer body (or why there is none).
fn settle(answers: Vec<(Metric, String, Result<String, String>)>) -> (Sample, Vec<MetricReading>) {
    let mut sample = Sample::default();
    let mut readings = Vec::new();
    for (metric, query, body) in answers {
        let result = body.and_then(|body| parse_instant(&body));
        let (value, error) = match result {
            Ok(v) => (v.map(|v| clean(metric, v)), None),
            Err(e) => (None, Some(e)),
        };
        sample.set(metric, value);
        readings.push(MetricReading {
            metric,
            query,
            value,
            error,
        });
    }
    (sample, readings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let q = queries(&BTreeMap::new());
        assert_eq!(
            q[&Metric::RequestsPerSecond],
            "sum(rate(http_requests_total[1m]))"
        );
        assert!(q[&Metric::ResponseTimeMs].starts_with("1000 * "));
        assert!(!q.contains_key(&Metric::ActiveConnections));
        let o = BTreeMap::from([
            (
                Metric::ActiveConnections,
                "sum(nginx_connections_active)".into(),
            ),
            (Metric::CacheHitRate, String::new()),
        ]);
        let q = queries(&o);
        assert_eq!(
            q[&Metric::ActiveConnections],
            "sum(nginx_connections_active)"
        );
        assert!(
            !q.contains_key(&Metric::CacheHitRate),
            "empty override disables"
        );
    }

    #[test]
    fn query_urls_keep_a_path_prefix_and_encode() {
        let u = query_url(
            "http://127.0.0.1:9090/prom/",
            "sum(rate(x{code=~\"5..\"}[1m]))",
        )
        .unwrap();
        assert!(
            u.starts_with("http://127.0.0.1:9090/prom/api/v1/query?query=sum%28rate"),
            "{u}"
        );
        assert!(query_url("ftp://h", "x").is_err());
        let err = query_url("http://u:pw@[bad", "x").unwrap_err();
        assert!(!err.contains("pw"), "{err}");
    }

    #[test]
    fn empty_nan_and_errors_are_unknown_never_zero() {
        let vec = |v: &str| {
            format!(
                r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{}},"value":[1700000000.1,"{v}"]}}]}}}}"#
            )
        };
        assert_eq!(parse_instant(&vec("12.5")), Ok(Some(12.5)));
        assert_eq!(parse_instant(&vec("NaN")), Ok(None));
        assert_eq!(parse_instant(&vec("+Inf")), Ok(None));
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(parse_instant(empty), Ok(None));
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"3"]}}"#;
        assert_eq!(parse_instant(scalar), Ok(Some(3.0)));
        let err = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#;
        assert_eq!(parse_instant(err), Err("parse error at char 5".into()));
        let two = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}}"#;
        assert!(parse_instant(two).unwrap_err().contains("2 series"));
        assert!(parse_instant("<html>").is_err());
    }

    #[test]
    fn read_fills_the_sample_and_failed_queries_stay_unknown() {
        let q = queries(&BTreeMap::new());
        let (sample, readings) = read("http://127.0.0.1:9", &q, |url| {
            if url.contains("http_requests_total%5B1m") && !url.contains("5..") {
                Ok(r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"42"]}]}}"#.into())
            } else if url.contains("node_cpu") {
                Ok(r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"100.4"]}]}}"#.into())
            } else {
                Err("connection refused".into())
            }
        });
        assert_eq!(sample.requests_per_second, Some(42.0));
        assert_eq!(
            sample.cpu_percent,
            Some(100.4),
            "utilization is not clamped"
        );
        assert_eq!(sample.error_rate, None);
        assert_eq!(sample.memory_percent, None);
        let failed = readings.iter().filter(|r| r.error.is_some()).count();
        assert_eq!(failed, q.len() - 2);
    }
}
