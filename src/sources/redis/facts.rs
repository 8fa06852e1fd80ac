//! What `validate --redis` needs: the facts types and their gathering (never failing).

use super::*;

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
pub(super) fn budget(deadline: tokio::time::Instant, share: f64) -> Duration {
    deadline
        .saturating_duration_since(tokio::time::Instant::now())
        .mul_f64(share)
        .max(Duration::from_millis(1))
}

pub(super) async fn gather(target: &RedisTarget, deadline: tokio::time::Instant) -> RedisFacts {
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

pub(super) fn keyspace(infos: &[&HashMap<String, String>]) -> Option<KeyspaceStats> {
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

pub(super) async fn gather_cluster(
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

pub(super) async fn gather_sentinel(
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

pub(super) async fn sentinel_view(
    node: &mut Node,
    master: &str,
) -> Result<SentinelFacts, RedisFailure> {
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

pub(super) fn strip_addr(message: &str, addr: &str) -> String {
    message
        .strip_prefix(&format!("{addr}: "))
        .unwrap_or(message)
        .to_string()
}
