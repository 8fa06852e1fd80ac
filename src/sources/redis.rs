//! The Redis source: the only module that imports the `redis` crate.
//!
//! Two jobs share one connection layer:
//! - [`gather_facts`] reads what the readiness checks need (mode, `CLUSTER INFO`/`CLUSTER NODES`,
//!   Sentinel quorum, `INFO stats`, persistence) into plain data ([`RedisFacts`]), never failing:
//!   an unreachable server or a rejected password becomes a redacted [`RedisFacts::error`].
//! - [`connect`] opens a slot-routed connection to a standalone server or a whole cluster
//!   ([`RedisConn`]) with the primitives a shared history needs: an atomic append-and-trim of a
//!   list and `SET NX PX` leases, both as Lua scripts so they are single-slot and atomic.
//!
//! Every error message that leaves this module has passed through [`crate::redact`], so a
//! password given in a URL is never shown.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use futures_util::future::join_all;
use redis::aio::MultiplexedConnection;
use redis::cluster_async::ClusterConnection;
use redis::{AsyncConnectionConfig, ConnectionAddr, ConnectionInfo, IntoConnectionInfo};
use serde::Serialize;

use crate::redact;

/// The number of hash slots of every Redis Cluster.
pub const CLUSTER_SLOTS: u32 = 16384;

/// What to inspect: one or more seed nodes, or a Sentinel deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisTarget {
    /// `redis://` / `rediss://` URLs of a standalone server or of cluster members (seeds). With
    /// several seeds, facts come from the first that answers, so a dead seed is tolerated.
    Nodes(Vec<String>),
    /// Sentinel URLs (any of them may answer) and the monitored master's name.
    Sentinel {
        /// `redis://host:26379` URLs of one or more Sentinels; their credentials are also used
        /// for the master.
        sentinels: Vec<String>,
        /// The master name given to `sentinel monitor`.
        master: String,
    },
}

impl RedisTarget {
    /// One URL, or a comma-separated list of seed URLs.
    pub fn from_url_list(list: &str) -> RedisTarget {
        RedisTarget::Nodes(split_list(list))
    }

    /// The target for display: URLs with passwords redacted.
    pub fn display(&self) -> String {
        match self {
            RedisTarget::Nodes(urls) => join_redacted(urls),
            RedisTarget::Sentinel { sentinels, master } => {
                format!("sentinel {} master '{master}'", join_redacted(sentinels))
            }
        }
    }

    fn urls(&self) -> &[String] {
        match self {
            RedisTarget::Nodes(urls) => urls,
            RedisTarget::Sentinel { sentinels, .. } => sentinels,
        }
    }
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn join_redacted(urls: &[String]) -> String {
    urls.iter()
        .map(|u| redact::url(u))
        .collect::<Vec<_>>()
        .join(",")
}

/// How a Redis deployment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedisMode {
    /// One server (possibly with replicas, but nothing fails over automatically).
    Standalone,
    /// Redis Cluster (`cluster_enabled:1`).
    Cluster,
    /// A master watched by Redis Sentinel.
    Sentinel,
}

impl RedisMode {
    /// The lowercase word.
    pub fn as_str(self) -> &'static str {
        match self {
            RedisMode::Standalone => "standalone",
            RedisMode::Cluster => "cluster",
            RedisMode::Sentinel => "sentinel",
        }
    }
}

/// Everything the readiness checks know about a Redis deployment. Plain data, already redacted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RedisFacts {
    /// The target as given, passwords redacted.
    pub target: String,
    /// Why nothing could be gathered (unreachable, authentication failed, timed out, not a
    /// Sentinel…), redacted. `None` when a server answered.
    pub error: Option<String>,
    /// The mode detected from `INFO server` (`redis_mode`, else `cluster_enabled`).
    pub mode: Option<RedisMode>,
    /// The `host:port` that answered first.
    pub reached: Option<String>,
    /// The server version reported by the node that answered.
    pub version: Option<String>,
    /// Seeds that did not answer, each with its (redacted) cause.
    pub unreachable: Vec<String>,
    /// Cluster facts (mode = cluster).
    pub cluster: Option<ClusterFacts>,
    /// Sentinel facts (mode = sentinel).
    pub sentinel: Option<SentinelFacts>,
    /// Keyspace hits/misses summed over the data nodes that answered; `None` if none did.
    pub keyspace: Option<KeyspaceStats>,
    /// Persistence settings of each data node that answered (masters for cluster and Sentinel).
    pub persistence: Vec<NodePersistence>,
}

/// `CLUSTER INFO` and `CLUSTER NODES` as seen from one node.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterFacts {
    /// `host:port` of the node these views come from.
    pub seen_from: String,
    /// `cluster_state` (`ok` or `fail`).
    pub state: String,
    /// `cluster_slots_assigned`.
    pub slots_assigned: u32,
    /// `cluster_slots_ok`.
    pub slots_ok: u32,
    /// `cluster_slots_pfail`.
    pub slots_pfail: u32,
    /// `cluster_slots_fail`.
    pub slots_fail: u32,
    /// `cluster_known_nodes`.
    pub known_nodes: u32,
    /// `cluster_size`: masters serving at least one slot.
    pub size: u32,
    /// Every line of `CLUSTER NODES`.
    pub nodes: Vec<ClusterNode>,
}

/// One line of `CLUSTER NODES`, plus what the node itself said when asked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterNode {
    /// Node id (40 hex characters).
    pub id: String,
    /// `host:port` clients use (empty for a `noaddr` node).
    pub addr: String,
    /// Flags: `myself`, `master`, `slave`, `fail?` (pfail), `fail`, `handshake`, `noaddr`, …
    pub flags: Vec<String>,
    /// For a replica, the id of its master.
    pub master_id: Option<String>,
    /// Whether the reporting node's cluster-bus link to this node is `connected`.
    pub link_connected: bool,
    /// Number of slots this node serves.
    pub slots: u32,
    /// Whether this node answered our own connection (`None`: not asked, e.g. flagged `fail`).
    pub answered: Option<bool>,
    /// For a master that answered: replicas in `state=online` from its `INFO replication`.
    pub online_replicas: Option<u32>,
}

impl ClusterNode {
    /// A master (by its flags).
    pub fn is_master(&self) -> bool {
        self.has_flag("master")
    }

    /// A replica (by its flags).
    pub fn is_replica(&self) -> bool {
        self.has_flag("slave") || self.has_flag("replica")
    }

    /// Flagged `fail` by the cluster (a majority of masters agreed).
    pub fn is_failed(&self) -> bool {
        self.has_flag("fail")
    }

    /// Flagged `fail?` (pfail) by the reporting node.
    pub fn is_pfail(&self) -> bool {
        self.has_flag("fail?")
    }

    /// Not `fail`, `fail?`, `noaddr` or `handshake`, its bus link is connected, and (when we
    /// asked it) it answered.
    pub fn is_healthy(&self) -> bool {
        !self.is_failed()
            && !self.is_pfail()
            && !self.has_flag("noaddr")
            && !self.has_flag("handshake")
            && self.link_connected
            && self.answered != Some(false)
    }

    /// Whether `flag` is among the node's flags.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// What Sentinel says about the monitored master.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SentinelFacts {
    /// `host:port` of the Sentinel that answered.
    pub seen_from: String,
    /// The master name.
    pub master_name: String,
    /// `host:port` of the current master.
    pub master_addr: String,
    /// The master's flags (`master`, `s_down`, `o_down`, …).
    pub master_flags: Vec<String>,
    /// `SENTINEL CKQUORUM` answered OK (quorum and failover authorization reachable).
    pub ckquorum_ok: bool,
    /// Its reply, e.g. "OK 3 usable Sentinels…" or "NOQUORUM 1 usable Sentinels…".
    pub ckquorum_reply: String,
    /// The configured quorum.
    pub quorum: Option<u32>,
    /// Replicas Sentinel knows of.
    pub replicas_known: u32,
    /// Replicas not `s_down`/`o_down`/`disconnected` and with `master-link-status:ok`.
    pub replicas_ok: u32,
    /// Sentinels known for this master, including the one that answered.
    pub sentinels_known: u32,
    /// Of those, the ones not flagged `s_down`/`o_down` (including the one that answered).
    pub sentinels_ok: u32,
}

/// Cumulative keyspace lookups since the servers started (or `CONFIG RESETSTAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KeyspaceStats {
    /// `keyspace_hits`.
    pub hits: u64,
    /// `keyspace_misses`.
    pub misses: u64,
    /// How many nodes the sums cover.
    pub nodes: u32,
}

/// One node's persistence settings; `None` fields are unknown (e.g. `CONFIG` renamed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodePersistence {
    /// `host:port`.
    pub addr: String,
    /// `CONFIG GET appendonly` = `yes`.
    pub appendonly: Option<bool>,
    /// `CONFIG GET save`: the RDB snapshot schedule; empty = snapshots disabled.
    pub save: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors

/// What kind of failure a Redis operation met (callers decide on fallback by kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad URL or target.
    Config,
    /// Nothing answered (refused, reset, DNS).
    Unreachable,
    /// The password or user was rejected, or one is required.
    Auth,
    /// No answer within the timeout.
    Timeout,
    /// The server answered with an error, or something else went wrong.
    Other,
}

/// A failed Redis operation, its message already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisFailure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// A one-line, redacted description.
    pub message: String,
}

impl fmt::Display for RedisFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RedisFailure {}

impl RedisFailure {
    fn new(kind: FailureKind, message: impl Into<String>) -> RedisFailure {
        RedisFailure {
            kind,
            message: message.into(),
        }
    }
}

/// A parsed node address with the secrets that must never be printed.
#[derive(Clone)]
struct Endpoint {
    info: ConnectionInfo,
    /// `host:port`.
    addr: String,
    /// Password as written in the URL and as decoded, for redaction.
    secrets: Vec<String>,
}

impl Endpoint {
    fn parse(raw: &str) -> Result<Endpoint, RedisFailure> {
        // Collect the password before anything can echo it, in both spellings.
        let mut secrets = Vec::new();
        if let Ok(url) = url::Url::parse(raw) {
            if let Some(pw) = url.password() {
                secrets.push(pw.to_string());
            } else if !url.username().is_empty() {
                secrets.push(url.username().to_string());
            }
        }
        let info = raw.into_connection_info().map_err(|e| {
            let msg = format!("invalid Redis URL '{}': {}", redact::url(raw), e);
            RedisFailure::new(FailureKind::Config, redact_all(&msg, &secrets))
        })?;
        if let Some(pw) = info.redis_settings().password() {
            secrets.push(pw.to_string());
        }
        let addr = match info.addr() {
            ConnectionAddr::Tcp(host, port) | ConnectionAddr::TcpTls { host, port, .. } => {
                format!("{host}:{port}")
            }
            other => other.to_string(),
        };
        Ok(Endpoint {
            info,
            addr,
            secrets,
        })
    }

    /// The same credentials and TLS settings, another `host:port` (a discovered node).
    fn with_addr(&self, addr: &str) -> Option<Endpoint> {
        let (host, port) = split_host_port(addr)?;
        let new_addr = match self.info.addr() {
            ConnectionAddr::TcpTls {
                insecure,
                tls_params,
                ..
            } => ConnectionAddr::TcpTls {
                host: host.to_string(),
                port,
                insecure: *insecure,
                tls_params: tls_params.clone(),
            },
            _ => ConnectionAddr::Tcp(host.to_string(), port),
        };
        Some(Endpoint {
            info: self.info.clone().set_addr(new_addr),
            addr: addr.to_string(),
            secrets: self.secrets.clone(),
        })
    }

    fn redact(&self, text: &str) -> String {
        redact_all(text, &self.secrets)
    }

    fn failure(&self, err: &redis::RedisError) -> RedisFailure {
        classify(err, |m| self.redact(&format!("{}: {m}", self.addr)))
    }

    async fn open(&self, timeout: Duration) -> Result<Node, RedisFailure> {
        let client = redis::Client::open(self.info.clone()).map_err(|e| self.failure(&e))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout));
        let conn = tokio::time::timeout(
            timeout,
            client.get_multiplexed_async_connection_with_config(&config),
        )
        .await
        .map_err(|_| {
            RedisFailure::new(
                FailureKind::Timeout,
                format!(
                    "{}: no answer within {}",
                    self.addr,
                    humantime::format_duration(timeout)
                ),
            )
        })?
        .map_err(|e| self.failure(&e))?;
        Ok(Node {
            conn,
            endpoint: self.clone(),
            timeout,
        })
    }
}

fn redact_all(text: &str, secrets: &[String]) -> String {
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    redact::secrets(&redact::url(text), &refs)
}

fn classify(err: &redis::RedisError, describe: impl Fn(&str) -> String) -> RedisFailure {
    // Server errors read best as the server wrote them: "NOQUORUM 1 usable Sentinels…".
    let text = match err.code() {
        Some(code) => format!("{code} {}", err.detail().unwrap_or_default())
            .trim()
            .to_string(),
        None => err.to_string(),
    };
    let code = err.code().unwrap_or_default();
    let kind = if err.is_timeout() {
        FailureKind::Timeout
    } else if matches!(code, "NOAUTH" | "WRONGPASS" | "NOPERM")
        || err.kind() == redis::ErrorKind::AuthenticationFailed
        || text.contains("NOAUTH")
        || text.contains("WRONGPASS")
    {
        FailureKind::Auth
    } else if err.is_connection_refusal() || err.is_io_error() || err.is_connection_dropped() {
        FailureKind::Unreachable
    } else {
        FailureKind::Other
    };
    let cause = match kind {
        FailureKind::Auth => format!("authentication failed ({})", text.trim()),
        FailureKind::Unreachable => format!("unreachable ({})", text.trim()),
        FailureKind::Timeout => format!("no answer in time ({})", text.trim()),
        _ => text.trim().to_string(),
    };
    RedisFailure::new(kind, describe(&cause))
}

fn split_host_port(addr: &str) -> Option<(&str, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse().ok()?;
    (!host.is_empty()).then_some((host, port))
}

/// One open connection to one node, for diagnostics.
struct Node {
    conn: MultiplexedConnection,
    endpoint: Endpoint,
    timeout: Duration,
}

impl Node {
    async fn query<T: redis::FromRedisValue>(
        &mut self,
        cmd: &redis::Cmd,
    ) -> Result<T, RedisFailure> {
        match tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut self.conn)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.endpoint.failure(&e)),
            Err(_) => Err(RedisFailure::new(
                FailureKind::Timeout,
                format!(
                    "{}: no answer within {}",
                    self.endpoint.addr,
                    humantime::format_duration(self.timeout)
                ),
            )),
        }
    }

    async fn info(
        &mut self,
        section: Option<&str>,
    ) -> Result<HashMap<String, String>, RedisFailure> {
        let mut cmd = redis::cmd("INFO");
        if let Some(section) = section {
            cmd.arg(section);
        }
        let text: String = self.query(&cmd).await?;
        Ok(parse_info(&text))
    }

    /// `CONFIG GET name`: `None` when CONFIG is renamed, disabled or not permitted.
    async fn config_get(&mut self, name: &str) -> Option<String> {
        let reply: Vec<String> = self
            .query(redis::cmd("CONFIG").arg("GET").arg(name))
            .await
            .ok()?;
        reply
            .chunks(2)
            .find(|pair| pair.first().map(String::as_str) == Some(name))
            .and_then(|p| p.get(1).cloned())
    }

    async fn persistence(&mut self) -> NodePersistence {
        let appendonly = self
            .config_get("appendonly")
            .await
            .map(|v| v.eq_ignore_ascii_case("yes"));
        let save = self.config_get("save").await;
        NodePersistence {
            addr: self.endpoint.addr.clone(),
            appendonly,
            save,
        }
    }
}

/// `INFO` text → field map (`# Section` headers and blank lines skipped).
pub fn parse_info(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn mode_from_info(info: &HashMap<String, String>) -> RedisMode {
    match info.get("redis_mode").map(String::as_str) {
        Some("cluster") => RedisMode::Cluster,
        Some("sentinel") => RedisMode::Sentinel,
        Some(_) => RedisMode::Standalone,
        None if info.get("cluster_enabled").map(String::as_str) == Some("1") => RedisMode::Cluster,
        None => RedisMode::Standalone,
    }
}

fn info_u64(info: &HashMap<String, String>, key: &str) -> Option<u64> {
    info.get(key).and_then(|v| v.trim().parse().ok())
}

fn info_u32(info: &HashMap<String, String>, key: &str) -> u32 {
    info.get(key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Replicas in `state=online` from `INFO replication` (`slave0:ip=…,port=…,state=online,…`).
fn online_replicas(info: &HashMap<String, String>) -> u32 {
    let online = info
        .iter()
        .filter(|(k, _)| {
            k.starts_with("slave") && k[5..].chars().all(|c| c.is_ascii_digit()) && k.len() > 5
        })
        .filter(|(_, v)| v.split(',').any(|kv| kv == "state=online"))
        .count();
    u32::try_from(online).unwrap_or(u32::MAX)
}

/// One `CLUSTER NODES` output → nodes (unparseable lines skipped).
pub fn parse_cluster_nodes(text: &str) -> Vec<ClusterNode> {
    text.lines().filter_map(parse_cluster_node_line).collect()
}

fn parse_cluster_node_line(line: &str) -> Option<ClusterNode> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 8 {
        return None;
    }
    // `ip:port@cport[,hostname]`; a `noaddr` node shows `:0@0`.
    let addr = fields[1].split(['@', ',']).next().unwrap_or_default();
    let addr = if addr.starts_with(':') {
        String::new()
    } else {
        addr.to_string()
    };
    let flags: Vec<String> = fields[2]
        .split(',')
        .filter(|f| !f.is_empty() && *f != "noflags")
        .map(String::from)
        .collect();
    let master_id = (fields[3] != "-").then(|| fields[3].to_string());
    let slots = fields[8..]
        .iter()
        .filter(|s| !s.starts_with('['))
        .map(|s| match s.split_once('-') {
            Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
                (Ok(a), Ok(b)) if b >= a => b - a + 1,
                _ => 0,
            },
            None => u32::from(s.parse::<u32>().is_ok()),
        })
        .sum();
    Some(ClusterNode {
        id: fields[0].to_string(),
        addr,
        flags,
        master_id,
        link_connected: fields[7] == "connected",
        slots,
        answered: None,
        online_replicas: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Fact gathering

/// Gather everything the Redis checks need, within `timeout` overall. Never fails: problems are
/// recorded in [`RedisFacts::error`] (whole target) or per node.
pub async fn gather_facts(target: &RedisTarget, timeout: Duration) -> RedisFacts {
    let display = target.display();
    let deadline = tokio::time::Instant::now() + timeout;
    let gathered = tokio::time::timeout_at(deadline, gather(target, deadline)).await;
    let mut facts = match gathered {
        Ok(facts) => facts,
        Err(_) => RedisFacts {
            error: Some(format!(
                "no complete answer within {}",
                humantime::format_duration(timeout)
            )),
            ..RedisFacts::default()
        },
    };
    facts.target = display;
    facts
}

/// The time left before `deadline`, scaled by `share` (so later steps keep some budget and a
/// silent node costs its own answer, not the whole report).
fn budget(deadline: tokio::time::Instant, share: f64) -> Duration {
    deadline
        .saturating_duration_since(tokio::time::Instant::now())
        .mul_f64(share)
        .max(Duration::from_millis(1))
}

async fn gather(target: &RedisTarget, deadline: tokio::time::Instant) -> RedisFacts {
    let urls = target.urls();
    if urls.is_empty() {
        return RedisFacts {
            error: Some("no Redis URL given".into()),
            ..RedisFacts::default()
        };
    }
    let mut endpoints = Vec::new();
    for raw in urls {
        match Endpoint::parse(raw) {
            Ok(e) => endpoints.push(e),
            Err(e) => {
                return RedisFacts {
                    error: Some(e.message),
                    ..RedisFacts::default()
                };
            }
        }
    }
    // Ask every seed at once, so dead seeds cost one timeout in total, then use the first
    // (in the order given) that answered.
    let seed_timeout = budget(deadline, 0.4);
    let attempts = join_all(endpoints.iter().map(|e| async move {
        let mut node = e.open(seed_timeout).await?;
        let info = node.info(None).await?;
        Ok::<_, RedisFailure>((node, info))
    }))
    .await;
    let mut reached = Vec::new();
    let mut unreachable = Vec::new();
    let mut first_error: Option<RedisFailure> = None;
    for attempt in attempts {
        match attempt {
            Ok(ok) => reached.push(ok),
            Err(e) => {
                unreachable.push(e.message.clone());
                // An authentication failure explains more than a dead seed does.
                if first_error
                    .as_ref()
                    .is_none_or(|f| f.kind != FailureKind::Auth && e.kind == FailureKind::Auth)
                {
                    first_error = Some(e);
                }
            }
        }
    }
    let mut facts = RedisFacts {
        unreachable,
        ..RedisFacts::default()
    };
    if reached.is_empty() {
        facts.error = first_error
            .map(|e| e.message)
            .or_else(|| Some("no seed answered".into()));
        return facts;
    }
    let first_info = &reached[0].1;
    let mode = mode_from_info(first_info);
    facts.mode = Some(mode);
    facts.reached = Some(reached[0].0.endpoint.addr.clone());
    facts.version = first_info.get("redis_version").cloned();
    match (mode, target) {
        (RedisMode::Sentinel, RedisTarget::Sentinel { master, .. }) => {
            gather_sentinel(&mut facts, reached, master, deadline).await
        }
        (RedisMode::Sentinel, RedisTarget::Nodes(_)) => {
            facts.error = Some(format!(
                "{} is a Sentinel, not a data node: use --redis-sentinel URL --sentinel-master NAME",
                facts.reached.clone().unwrap_or_default()
            ));
        }
        (_, RedisTarget::Sentinel { .. }) => {
            facts.error = Some(format!(
                "{} is not a Sentinel (redis_mode:{})",
                facts.reached.clone().unwrap_or_default(),
                mode.as_str()
            ));
        }
        (RedisMode::Cluster, RedisTarget::Nodes(_)) => {
            gather_cluster(&mut facts, reached, deadline).await
        }
        (RedisMode::Standalone, RedisTarget::Nodes(_)) => {
            let (mut node, info) = reached.swap_remove(0);
            facts.keyspace = keyspace(&[&info]);
            facts.persistence.push(node.persistence().await);
        }
    }
    facts
}

fn keyspace(infos: &[&HashMap<String, String>]) -> Option<KeyspaceStats> {
    let mut stats = KeyspaceStats::default();
    for info in infos {
        if let (Some(h), Some(m)) = (
            info_u64(info, "keyspace_hits"),
            info_u64(info, "keyspace_misses"),
        ) {
            stats.hits += h;
            stats.misses += m;
            stats.nodes += 1;
        }
    }
    (stats.nodes > 0).then_some(stats)
}

async fn gather_cluster(
    facts: &mut RedisFacts,
    reached: Vec<(Node, HashMap<String, String>)>,
    deadline: tokio::time::Instant,
) {
    // The first seed that gives a full view (CLUSTER INFO + CLUSTER NODES) is the viewpoint.
    let mut view = None;
    let mut last_error = None;
    for (mut node, _) in reached {
        let info = node
            .query::<String>(redis::cmd("CLUSTER").arg("INFO"))
            .await;
        let nodes = node
            .query::<String>(redis::cmd("CLUSTER").arg("NODES"))
            .await;
        match (info, nodes) {
            (Ok(info), Ok(nodes)) => {
                view = Some((
                    node.endpoint.clone(),
                    parse_info(&info),
                    parse_cluster_nodes(&nodes),
                ));
                break;
            }
            (Err(e), _) | (_, Err(e)) => last_error = Some(e),
        }
    }
    let Some((seed, info, mut nodes)) = view else {
        facts.error = Some(
            last_error
                .map(|e| e.message)
                .unwrap_or_else(|| "no cluster view".into()),
        );
        return;
    };
    // Ask every node the cluster has not already written off, in parallel; a silent node
    // counts as not answering rather than costing the whole report.
    let node_timeout = budget(deadline, 0.8);
    let answers = join_all(nodes.iter().map(|n| {
        let endpoint = (!n.is_failed() && !n.addr.is_empty())
            .then(|| seed.with_addr(&n.addr))
            .flatten();
        tokio::time::timeout(node_timeout, async move {
            let mut node = endpoint?.open(node_timeout).await.ok()?;
            let info = node.info(None).await.ok()?;
            let persistence = node.persistence().await;
            Some((info, persistence))
        })
    }))
    .await;
    let mut infos = Vec::new();
    for (n, answer) in nodes.iter_mut().zip(answers) {
        let answer = answer.ok().flatten();
        if n.is_failed() || n.addr.is_empty() {
            continue;
        }
        n.answered = Some(answer.is_some());
        if let Some((info, persistence)) = answer {
            if n.is_master() {
                n.online_replicas = Some(online_replicas(&info));
                facts.persistence.push(persistence);
            }
            infos.push(info);
        }
    }
    facts.keyspace = keyspace(&infos.iter().collect::<Vec<_>>());
    facts.cluster = Some(ClusterFacts {
        seen_from: seed.addr.clone(),
        state: info.get("cluster_state").cloned().unwrap_or_default(),
        slots_assigned: info_u32(&info, "cluster_slots_assigned"),
        slots_ok: info_u32(&info, "cluster_slots_ok"),
        slots_pfail: info_u32(&info, "cluster_slots_pfail"),
        slots_fail: info_u32(&info, "cluster_slots_fail"),
        known_nodes: info_u32(&info, "cluster_known_nodes"),
        size: info_u32(&info, "cluster_size"),
        nodes,
    });
    facts.reached = Some(seed.addr);
}

async fn gather_sentinel(
    facts: &mut RedisFacts,
    reached: Vec<(Node, HashMap<String, String>)>,
    master: &str,
    deadline: tokio::time::Instant,
) {
    let mut last_error = None;
    for (mut node, _) in reached {
        match sentinel_view(&mut node, master).await {
            Ok(view) => {
                facts.reached = Some(node.endpoint.addr.clone());
                // The data facts come from the master itself, with the same credentials; a
                // silent master leaves them unknown rather than costing the Sentinel view.
                let master_timeout = budget(deadline, 0.8);
                let data = tokio::time::timeout(master_timeout, async {
                    let mut m = node
                        .endpoint
                        .with_addr(&view.master_addr)?
                        .open(master_timeout)
                        .await
                        .ok()?;
                    let info = m.info(None).await.ok();
                    Some((info, m.persistence().await))
                })
                .await;
                if let Ok(Some((info, persistence))) = data {
                    facts.keyspace = info.and_then(|i| keyspace(&[&i]));
                    facts.persistence.push(persistence);
                }
                facts.sentinel = Some(view);
                return;
            }
            Err(e) => last_error = Some(e),
        }
    }
    facts.error = last_error.map(|e| e.message);
}

async fn sentinel_view(node: &mut Node, master: &str) -> Result<SentinelFacts, RedisFailure> {
    let fields: HashMap<String, String> = match node
        .query(redis::cmd("SENTINEL").arg("MASTER").arg(master))
        .await
    {
        Ok(fields) => fields,
        Err(e) if e.kind == FailureKind::Other => {
            return Err(RedisFailure::new(
                FailureKind::Config,
                format!(
                    "Sentinel {} does not know master '{master}' ({})",
                    node.endpoint.addr,
                    strip_addr(&e.message, &node.endpoint.addr)
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    let replicas: Vec<HashMap<String, String>> = node
        .query(redis::cmd("SENTINEL").arg("REPLICAS").arg(master))
        .await?;
    let sentinels: Vec<HashMap<String, String>> = node
        .query(redis::cmd("SENTINEL").arg("SENTINELS").arg(master))
        .await?;
    let (ckquorum_ok, ckquorum_reply) = match node
        .query::<String>(redis::cmd("SENTINEL").arg("CKQUORUM").arg(master))
        .await
    {
        Ok(reply) => (true, reply),
        Err(e) if e.kind == FailureKind::Other => {
            (false, strip_addr(&e.message, &node.endpoint.addr))
        }
        Err(e) => return Err(e),
    };
    let flags = |m: &HashMap<String, String>| -> Vec<String> {
        m.get("flags")
            .map(|f| f.split(',').map(String::from).collect())
            .unwrap_or_default()
    };
    let down = |f: &[String]| {
        f.iter()
            .any(|f| matches!(f.as_str(), "s_down" | "o_down" | "disconnected"))
    };
    let replicas_ok = replicas
        .iter()
        .filter(|r| {
            !down(&flags(r)) && r.get("master-link-status").map(String::as_str) == Some("ok")
        })
        .count();
    // As CKQUORUM counts them: a peer Sentinel is usable unless flagged down (a link being
    // re-established is not a lost Sentinel).
    let sentinels_ok = sentinels
        .iter()
        .filter(|s| {
            !flags(s)
                .iter()
                .any(|f| matches!(f.as_str(), "s_down" | "o_down"))
        })
        .count()
        + 1;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(SentinelFacts {
        seen_from: node.endpoint.addr.clone(),
        master_name: master.to_string(),
        master_addr: format!(
            "{}:{}",
            fields.get("ip").map(String::as_str).unwrap_or_default(),
            fields.get("port").map(String::as_str).unwrap_or_default()
        ),
        master_flags: flags(&fields),
        ckquorum_ok,
        ckquorum_reply,
        quorum: fields.get("quorum").and_then(|q| q.parse().ok()),
        replicas_known: count(replicas.len()),
        replicas_ok: count(replicas_ok),
        sentinels_known: count(sentinels.len() + 1),
        sentinels_ok: count(sentinels_ok),
    })
}

fn strip_addr(message: &str, addr: &str) -> String {
    message
        .strip_prefix(&format!("{addr}: "))
        .unwrap_or(message)
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Data connection (shared history, leases)

/// Connect and response timeouts for data operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to establish a connection.
    pub connect: Duration,
    /// Time to wait for each reply.
    pub response: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(1),
            response: Duration::from_secs(1),
        }
    }
}

/// A live connection to a standalone server or a whole cluster (slot-routed, following
/// MOVED/ASK and failovers). Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct RedisConn {
    inner: Inner,
    mode: RedisMode,
    endpoint: Endpoint,
    timeout: Duration,
}

#[derive(Clone)]
enum Inner {
    Single(MultiplexedConnection),
    Cluster(ClusterConnection),
}

/// Open a data connection: the mode is detected from the first seed that answers (`INFO`);
/// for a cluster every seed is given to the cluster client, with the first URL's credentials.
pub async fn connect(seeds: &[String], timeouts: Timeouts) -> Result<RedisConn, RedisFailure> {
    let endpoints = seeds
        .iter()
        .map(|s| Endpoint::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut last = RedisFailure::new(FailureKind::Config, "no Redis URL given");
    for endpoint in &endpoints {
        let probe = async {
            let mut node = endpoint.open(timeouts.connect).await?;
            node.timeout = timeouts.response;
            let info = node.info(Some("server")).await?;
            Ok::<_, RedisFailure>((node, mode_from_info(&info)))
        };
        match probe.await {
            Ok((node, RedisMode::Standalone)) => {
                crate::diag_info!("redis: connected to {} (standalone)", endpoint.addr);
                return Ok(RedisConn {
                    inner: Inner::Single(node.conn),
                    mode: RedisMode::Standalone,
                    endpoint: endpoint.clone(),
                    timeout: timeouts.response,
                });
            }
            Ok((_, RedisMode::Cluster)) => {
                let conn = connect_cluster(endpoint, &endpoints, timeouts).await;
                if conn.is_ok() {
                    crate::diag_info!(
                        "redis: connected to a cluster through {} ({} seeds)",
                        endpoint.addr,
                        endpoints.len()
                    );
                }
                return conn;
            }
            Ok((_, RedisMode::Sentinel)) => {
                return Err(RedisFailure::new(
                    FailureKind::Config,
                    format!("{} is a Sentinel, not a data node", endpoint.addr),
                ));
            }
            Err(e) => {
                crate::diag_info!("redis: seed failed: {e}");
                last = e;
            }
        }
    }
    Err(last)
}

async fn connect_cluster(
    first: &Endpoint,
    all: &[Endpoint],
    timeouts: Timeouts,
) -> Result<RedisConn, RedisFailure> {
    let mut builder = redis::cluster::ClusterClientBuilder::new(all.iter().map(|e| e.info.clone()))
        .connection_timeout(timeouts.connect)
        .response_timeout(timeouts.response)
        .retries(2);
    let settings = first.info.redis_settings();
    if let Some(user) = settings.username() {
        builder = builder.username(user);
    }
    if let Some(password) = settings.password() {
        builder = builder.password(password);
    }
    let client = builder.build().map_err(|e| first.failure(&e))?;
    let budget = timeouts.connect + timeouts.response;
    let conn = tokio::time::timeout(budget, client.get_async_connection())
        .await
        .map_err(|_| {
            RedisFailure::new(
                FailureKind::Timeout,
                format!("{}: cluster did not answer in time", first.addr),
            )
        })?
        .map_err(|e| first.failure(&e))?;
    Ok(RedisConn {
        inner: Inner::Cluster(conn),
        mode: RedisMode::Cluster,
        endpoint: first.clone(),
        timeout: budget,
    })
}

/// Append values to a list and keep its newest `capacity` items, atomically.
const APPEND_TRIM: &str = r"
for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
local cap = tonumber(ARGV[1])
redis.call('LTRIM', KEYS[1], -cap, -1)
return redis.call('LLEN', KEYS[1])";

/// Take the lease if free, or extend it if we already hold it.
const LEASE_ACQUIRE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0";

/// Release the lease only if we hold it.
const LEASE_RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

impl RedisConn {
    /// Standalone or cluster.
    pub fn mode(&self) -> RedisMode {
        self.mode
    }

    /// `host:port` of the seed used.
    pub fn addr(&self) -> &str {
        &self.endpoint.addr
    }

    async fn run<T: redis::FromRedisValue>(
        &mut self,
        invocation: Invocation<'_>,
    ) -> Result<T, RedisFailure> {
        let timeout = self.timeout;
        let endpoint = self.endpoint.clone();
        let fut = async {
            match (&mut self.inner, invocation) {
                (Inner::Single(c), Invocation::Cmd(cmd)) => cmd.query_async(c).await,
                (Inner::Cluster(c), Invocation::Cmd(cmd)) => cmd.query_async(c).await,
                (Inner::Single(c), Invocation::Script(s)) => s.invoke_async(c).await,
                (Inner::Cluster(c), Invocation::Script(s)) => s.invoke_async(c).await,
            }
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(endpoint.failure(&e)),
            Err(_) => Err(RedisFailure::new(
                FailureKind::Timeout,
                format!(
                    "{}: no answer within {}",
                    endpoint.addr,
                    humantime::format_duration(timeout)
                ),
            )),
        }
    }

    /// `PING`.
    pub async fn ping(&mut self) -> Result<(), RedisFailure> {
        self.run::<String>(Invocation::Cmd(&redis::cmd("PING")))
            .await
            .map(|_| ())
    }

    /// Append `values` to the list at `key` and trim it to the newest `capacity` items, in one
    /// atomic script. Returns the list's length afterwards.
    pub async fn append_trim(
        &mut self,
        key: &str,
        values: &[String],
        capacity: usize,
    ) -> Result<u64, RedisFailure> {
        let script = redis::Script::new(APPEND_TRIM);
        let mut invocation = script.key(key);
        invocation.arg(capacity.max(1));
        for v in values {
            invocation.arg(v);
        }
        self.run(Invocation::Script(&invocation)).await
    }

    /// The whole list at `key`, oldest first.
    pub async fn list(&mut self, key: &str) -> Result<Vec<String>, RedisFailure> {
        self.run(Invocation::Cmd(
            redis::cmd("LRANGE").arg(key).arg(0).arg(-1),
        ))
        .await
    }

    /// Delete `key`.
    pub async fn delete(&mut self, key: &str) -> Result<(), RedisFailure> {
        self.run::<i64>(Invocation::Cmd(redis::cmd("DEL").arg(key)))
            .await
            .map(|_| ())
    }

    /// Take the lease `key` for `holder` for `ttl` (`SET NX PX`), or extend it if `holder`
    /// already has it. `true` when `holder` holds the lease afterwards.
    pub async fn lease_acquire(
        &mut self,
        key: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, RedisFailure> {
        let script = redis::Script::new(LEASE_ACQUIRE);
        let mut invocation = script.key(key);
        invocation
            .arg(holder)
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1));
        self.run::<i64>(Invocation::Script(&invocation))
            .await
            .map(|n| n == 1)
    }

    /// Release the lease if `holder` has it. `true` when it was released.
    pub async fn lease_release(&mut self, key: &str, holder: &str) -> Result<bool, RedisFailure> {
        let script = redis::Script::new(LEASE_RELEASE);
        let mut invocation = script.key(key);
        invocation.arg(holder);
        self.run::<i64>(Invocation::Script(&invocation))
            .await
            .map(|n| n == 1)
    }

    /// Who holds the lease, if anyone.
    pub async fn lease_holder(&mut self, key: &str) -> Result<Option<String>, RedisFailure> {
        self.run(Invocation::Cmd(redis::cmd("GET").arg(key))).await
    }
}

enum Invocation<'a> {
    Cmd(&'a redis::Cmd),
    Script(&'a redis::ScriptInvocation<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cluster_nodes() {
        let text = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-a slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail? - 0 1426238318243 3 disconnected 10923-16383 [100->-abc]
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 7
6ec23923021cf3ffec47632106199cb7f496ce01 :0@0 slave,fail,noaddr 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 0 0 disconnected
garbage line
";
        let nodes = parse_cluster_nodes(text);
        assert_eq!(nodes.len(), 5);
        assert_eq!(nodes[0].addr, "127.0.0.1:30004");
        assert!(nodes[0].is_replica());
        assert_eq!(
            nodes[0].master_id.as_deref(),
            Some("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")
        );
        assert_eq!(nodes[1].slots, 5462);
        assert!(nodes[1].is_master() && nodes[1].master_id.is_none() && nodes[1].is_healthy());
        assert!(nodes[2].is_pfail() && !nodes[2].is_failed() && !nodes[2].link_connected);
        assert_eq!(
            nodes[2].slots, 5461,
            "importing/migrating entries are not slots"
        );
        assert_eq!(nodes[3].slots, 5462);
        assert!(nodes[3].has_flag("myself"));
        assert_eq!(nodes[4].addr, "");
        assert!(nodes[4].is_failed() && !nodes[4].is_healthy());
    }

    #[test]
    fn parses_info_and_mode() {
        let text = "# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\n\r\n# Stats\r\nkeyspace_hits:9\r\nkeyspace_misses:1\r\n";
        let info = parse_info(text);
        assert_eq!(
            info.get("redis_version").map(String::as_str),
            Some("7.0.15")
        );
        assert_eq!(mode_from_info(&info), RedisMode::Cluster);
        assert_eq!(
            keyspace(&[&info, &info]),
            Some(KeyspaceStats {
                hits: 18,
                misses: 2,
                nodes: 2
            })
        );
        assert_eq!(
            mode_from_info(&parse_info("redis_mode:sentinel")),
            RedisMode::Sentinel
        );
        assert_eq!(
            mode_from_info(&parse_info("redis_mode:standalone")),
            RedisMode::Standalone
        );
        assert_eq!(
            mode_from_info(&parse_info("cluster_enabled:1")),
            RedisMode::Cluster
        );
        assert_eq!(keyspace(&[&parse_info("redis_mode:standalone")]), None);
    }

    #[test]
    fn counts_online_replicas() {
        let info = parse_info(
            "connected_slaves:3\nslave0:ip=127.0.0.1,port=7003,state=online,offset=1,lag=0\n\
             slave1:ip=127.0.0.1,port=7004,state=wait_bgsave,offset=0,lag=0\n\
             slave2:ip=127.0.0.1,port=7005,state=online,offset=1,lag=1\nslave_read_only:1\n",
        );
        assert_eq!(online_replicas(&info), 2);
    }

    #[test]
    fn endpoint_keeps_secrets_out_of_messages() {
        let e = Endpoint::parse("redis://:s3cr%21t@127.0.0.1:6390/0").expect("parses");
        assert_eq!(e.addr, "127.0.0.1:6390");
        let leaked = "WRONGPASS for s3cr!t and s3cr%21t at redis://:s3cr%21t@127.0.0.1:6390/0";
        let shown = e.redact(leaked);
        assert!(!shown.contains("s3cr"), "{shown}");
        let other = e.with_addr("127.0.0.1:7001").expect("valid addr");
        assert_eq!(other.addr, "127.0.0.1:7001");
        assert_eq!(other.info.redis_settings().password(), Some("s3cr!t"));
        assert!(e.with_addr("nonsense").is_none());
        let bad = Endpoint::parse("redis://:pw@host:notaport")
            .err()
            .expect("rejected");
        assert_eq!(bad.kind, FailureKind::Config);
        assert!(!bad.message.contains("pw"), "{}", bad.message);
    }

    #[test]
    fn target_display_redacts() {
        let t = RedisTarget::from_url_list("redis://:pw1@127.0.0.1:1, redis://:pw2@127.0.0.1:2");
        assert_eq!(
            t.display(),
            "redis://***@127.0.0.1:1,redis://***@127.0.0.1:2"
        );
        let s = RedisTarget::Sentinel {
            sentinels: vec!["redis://:pw@h:26379".into()],
            master: "m".into(),
        };
        assert_eq!(s.display(), "sentinel redis://***@h:26379 master 'm'");
    }
}
