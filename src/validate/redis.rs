//! Redis readiness rules: pure functions from gathered [`RedisFacts`] to [`Check`] results
//! (`infrastructure.redis_ha`, `configuration.shared_cache`, `performance.cache_hit_rate`,
//! `reliability.backup_recovery`).

use crate::sources::redis::{
    CLUSTER_SLOTS, ClusterFacts, ClusterNode, RedisFacts, RedisMode, SentinelFacts,
};
use crate::validate::check::{Check, Status};

/// `infrastructure.redis_ha`.
pub const REDIS_HA: &str = "infrastructure.redis_ha";
/// `configuration.shared_cache`.
pub const SHARED_CACHE: &str = "configuration.shared_cache";
/// `performance.cache_hit_rate`.
pub const CACHE_HIT_RATE: &str = "performance.cache_hit_rate";
/// `reliability.backup_recovery`.
pub const BACKUP_RECOVERY: &str = "reliability.backup_recovery";

/// The minimum number of masters for a cluster that survives losing one.
pub const MIN_MASTERS: usize = 3;
/// Above this keyspace hit rate (percent) the cache passes (the seed's target).
pub const HIT_RATE_PASS: f64 = 80.0;
/// Below this keyspace hit rate (percent) the seed warns of a low hit rate.
pub const HIT_RATE_LOW: f64 = 70.0;

const HA_HINT: &str = "run Redis Cluster with >= 3 masters and >= 1 replica each, or a master with replicas under Sentinel";

/// All four Redis checks, in checklist order.
pub fn checks(facts: &RedisFacts) -> Vec<Check> {
    vec![
        redis_ha(facts),
        shared_cache(facts),
        cache_hit_rate(facts),
        backup_recovery(facts),
    ]
}

/// `infrastructure.redis_ha`: can the shared cache lose a node without losing data or slots?
pub fn redis_ha(facts: &RedisFacts) -> Check {
    if let Some(error) = &facts.error {
        return Check::new(
            REDIS_HA,
            Status::Fail,
            format!("Redis cluster not healthy: {error}"),
            "check the URL, password and that Redis is running and reachable from here",
        );
    }
    match (facts.mode, &facts.cluster, &facts.sentinel) {
        (Some(RedisMode::Cluster), Some(cluster), _) => cluster_ha(cluster),
        (Some(RedisMode::Sentinel), _, Some(sentinel)) => sentinel_ha(sentinel),
        (Some(RedisMode::Standalone), _, _) => Check::new(
            REDIS_HA,
            Status::Warn,
            format!(
                "standalone Redis at {}{}: no high availability",
                facts.reached.as_deref().unwrap_or(&facts.target),
                facts
                    .version
                    .as_deref()
                    .map(|v| format!(" (redis {v})"))
                    .unwrap_or_default()
            ),
            HA_HINT,
        ),
        _ => Check::new(
            REDIS_HA,
            Status::Fail,
            "Redis cluster not healthy: no cluster or Sentinel view could be read".to_string(),
            HA_HINT,
        ),
    }
}

fn node_name(node: &ClusterNode) -> String {
    if node.addr.is_empty() {
        format!("node {}", node.id.get(..8).unwrap_or(&node.id))
    } else {
        format!("node {}", node.addr)
    }
}

/// Replicas of `master` that are up: healthy in the cluster's view and, when the master
/// answered, no more than it reports as `state=online` (a killed replica drops off the master's
/// list at once, long before the cluster flags it).
pub fn live_replicas(cluster: &ClusterFacts, master: &ClusterNode) -> u32 {
    let in_view = cluster
        .nodes
        .iter()
        .filter(|n| {
            n.is_replica() && n.master_id.as_deref() == Some(master.id.as_str()) && n.is_healthy()
        })
        .count();
    let in_view = u32::try_from(in_view).unwrap_or(u32::MAX);
    match master.online_replicas {
        Some(online) => in_view.min(online),
        None => in_view,
    }
}

fn cluster_ha(c: &ClusterFacts) -> Check {
    let mut problems = Vec::new();
    if c.state != "ok" {
        problems.push(format!(
            "cluster_state:{}",
            if c.state.is_empty() {
                "unknown"
            } else {
                &c.state
            }
        ));
    }
    if c.slots_assigned < CLUSTER_SLOTS {
        problems.push(format!(
            "{} of {CLUSTER_SLOTS} slots assigned",
            c.slots_assigned
        ));
    }
    if c.slots_ok < CLUSTER_SLOTS {
        problems.push(format!(
            "{} of {CLUSTER_SLOTS} slots ok ({} pfail, {} fail)",
            c.slots_ok, c.slots_pfail, c.slots_fail
        ));
    }
    let mut masters: Vec<&ClusterNode> = c
        .nodes
        .iter()
        .filter(|n| n.is_master() && !n.is_failed() && n.slots > 0)
        .collect();
    masters.sort_by(|a, b| a.addr.cmp(&b.addr));
    if masters.len() < MIN_MASTERS {
        problems.push(format!(
            "{} masters serving slots (need >= {MIN_MASTERS})",
            masters.len()
        ));
    }
    for master in &masters {
        let replicas = live_replicas(c, master);
        if replicas == 0 {
            problems.push(format!("master {} has 0 replicas", master.addr));
        }
    }
    let mut nodes: Vec<&ClusterNode> = c.nodes.iter().collect();
    nodes.sort_by(|a, b| a.addr.cmp(&b.addr));
    for node in nodes {
        let role = if node.is_master() {
            "master"
        } else {
            "replica"
        };
        if node.is_failed() {
            problems.push(format!("{} ({role}) is in fail state", node_name(node)));
        } else if node.is_pfail() {
            problems.push(format!(
                "{} ({role}) is suspected down (fail?)",
                node_name(node)
            ));
        } else if node.answered == Some(false) || !node.link_connected {
            problems.push(format!("{} ({role}) does not answer", node_name(node)));
        }
    }
    if problems.is_empty() {
        let min_replicas = masters
            .iter()
            .map(|m| live_replicas(c, m))
            .min()
            .unwrap_or(0);
        return Check::new(
            REDIS_HA,
            Status::Pass,
            format!(
                "cluster_state:ok, {CLUSTER_SLOTS}/{CLUSTER_SLOTS} slots ok, {} masters each with >= {min_replicas} \
                 replica{}, {} nodes (seen from {})",
                masters.len(),
                if min_replicas == 1 { "" } else { "s" },
                c.nodes.len(),
                c.seen_from
            ),
            "",
        );
    }
    let slots_lost =
        c.state != "ok" || c.slots_assigned < CLUSTER_SLOTS || c.slots_ok < CLUSTER_SLOTS;
    let hint = if slots_lost {
        "restore the failed nodes or reassign their slots (redis-cli --cluster fix), then re-check"
    } else if problems.iter().any(|p| p.contains("fail state")) {
        "restart the failed node so it rejoins as a replica, or remove it (CLUSTER FORGET) and add a new replica"
    } else if problems.iter().any(|p| p.contains("0 replicas")) {
        "add a replica to every master (redis-cli --cluster add-node --cluster-slave)"
    } else {
        "bring the nodes that do not answer back, then re-check"
    };
    Check::new(
        REDIS_HA,
        Status::Fail,
        format!("Redis cluster not healthy: {}", problems.join("; ")),
        hint,
    )
}

fn sentinel_ha(s: &SentinelFacts) -> Check {
    let mut problems = Vec::new();
    if !s.ckquorum_ok {
        problems.push(format!("SENTINEL CKQUORUM: {}", s.ckquorum_reply.trim()));
    }
    if s.master_flags
        .iter()
        .any(|f| matches!(f.as_str(), "s_down" | "o_down" | "disconnected"))
    {
        problems.push(format!(
            "master {} is down ({})",
            s.master_addr,
            s.master_flags.join(",")
        ));
    }
    if s.replicas_ok == 0 {
        problems.push(format!(
            "master {} has 0 replicas ({} known to Sentinel, none up and in sync)",
            s.master_addr, s.replicas_known
        ));
    }
    if problems.is_empty() {
        return Check::new(
            REDIS_HA,
            Status::Pass,
            format!(
                "Sentinel quorum ok ({} of {} Sentinels usable{}), master '{}' at {} with {} replica{} (seen from {})",
                s.sentinels_ok,
                s.sentinels_known,
                s.quorum
                    .map(|q| format!(", quorum {q}"))
                    .unwrap_or_default(),
                s.master_name,
                s.master_addr,
                s.replicas_ok,
                if s.replicas_ok == 1 { "" } else { "s" },
                s.seen_from
            ),
            "",
        );
    }
    let hint = if s.ckquorum_ok {
        "attach a replica to the master (replicaof) so Sentinel has something to promote"
    } else {
        "run >= 3 Sentinels on separate hosts so a majority survives one loss, and check they see each other"
    };
    Check::new(
        REDIS_HA,
        Status::Fail,
        format!("Redis Sentinel not healthy: {}", problems.join("; ")),
        hint,
    )
}

/// `configuration.shared_cache` (the Redis half): the shared cache answers.
pub fn shared_cache(facts: &RedisFacts) -> Check {
    match &facts.error {
        Some(error) => Check::new(
            SHARED_CACHE,
            Status::Fail,
            format!("shared Redis {} not reachable: {error}", facts.target),
            "check the URL, password and network path to Redis",
        ),
        None => Check::new(
            SHARED_CACHE,
            Status::Pass,
            format!(
                "shared Redis reachable at {} ({}{})",
                facts.reached.as_deref().unwrap_or(&facts.target),
                facts.mode.map(RedisMode::as_str).unwrap_or("unknown mode"),
                facts
                    .version
                    .as_deref()
                    .map(|v| format!(", redis {v}"))
                    .unwrap_or_default()
            ),
            "",
        ),
    }
}

/// The keyspace hit rate in percent, or `None` when there were no lookups (unknown, not 0).
pub fn hit_rate(hits: u64, misses: u64) -> Option<f64> {
    let total = hits.checked_add(misses)?;
    // Precision loss is irrelevant for a percentage.
    #[allow(clippy::cast_precision_loss)]
    (total > 0).then(|| hits as f64 * 100.0 / total as f64)
}

/// `performance.cache_hit_rate` from Redis `INFO stats` (cumulative since start or
/// `CONFIG RESETSTAT`): > 80% passes; otherwise warns (below 70% as the seed's low-hit-rate).
pub fn cache_hit_rate(facts: &RedisFacts) -> Check {
    if let Some(error) = &facts.error {
        return Check::new(
            CACHE_HIT_RATE,
            Status::Skip,
            format!("Redis keyspace statistics unavailable: {error}"),
            "",
        );
    }
    let Some(stats) = facts.keyspace else {
        return Check::new(
            CACHE_HIT_RATE,
            Status::Skip,
            "Redis reported no keyspace statistics",
            "",
        );
    };
    let nodes = format!(
        "{} node{}",
        stats.nodes,
        if stats.nodes == 1 { "" } else { "s" }
    );
    let Some(rate) = hit_rate(stats.hits, stats.misses) else {
        return Check::new(
            CACHE_HIT_RATE,
            Status::Skip,
            format!("no keyspace lookups yet on {nodes}: hit rate unknown"),
            "run traffic through the cache, or pass the history for a sampled hit rate",
        );
    };
    let evidence = format!(
        "Redis keyspace hit rate {rate:.1}% ({} hits, {} misses on {nodes} since start)",
        stats.hits, stats.misses
    );
    if rate > HIT_RATE_PASS {
        Check::new(CACHE_HIT_RATE, Status::Pass, evidence, "")
    } else if rate < HIT_RATE_LOW {
        Check::new(
            CACHE_HIT_RATE,
            Status::Warn,
            format!("{evidence}: below {HIT_RATE_LOW:.0}%"),
            "review cache keys and TTLs (cache warming, longer TTLs for hot keys): the target is > 80%",
        )
    } else {
        Check::new(
            CACHE_HIT_RATE,
            Status::Warn,
            format!("{evidence}: below the {HIT_RATE_PASS:.0}% target"),
            "review cache keys and TTLs for the misses: the target is > 80%",
        )
    }
}

/// `reliability.backup_recovery` (the Redis half): persistence (AOF or RDB snapshots) is on for
/// every data node. That restores work is only known by attestation, which the caller adds.
pub fn backup_recovery(facts: &RedisFacts) -> Check {
    if let Some(error) = &facts.error {
        return Check::new(
            BACKUP_RECOVERY,
            Status::Skip,
            format!("Redis persistence unknown: {error}"),
            "",
        );
    }
    if facts.persistence.is_empty() {
        return Check::new(
            BACKUP_RECOVERY,
            Status::Manual,
            "Redis persistence unknown: no data node answered CONFIG GET",
            "check appendonly/save on the Redis servers and attest backup_recovery_tested",
        );
    }
    let mut without = Vec::new();
    let mut unknown = Vec::new();
    let mut with = Vec::new();
    for node in &facts.persistence {
        let aof = node.appendonly;
        let rdb = node.save.as_deref().map(|s| !s.trim().is_empty());
        match (aof, rdb) {
            (Some(true), _) => with.push(format!("{} AOF", node.addr)),
            (_, Some(true)) => with.push(format!(
                "{} RDB (save {})",
                node.addr,
                node.save.as_deref().unwrap_or("")
            )),
            (Some(false), Some(false)) => {
                without.push(format!("{} (appendonly no, save '')", node.addr))
            }
            _ => unknown.push(node.addr.clone()),
        }
    }
    if !without.is_empty() {
        return Check::new(
            BACKUP_RECOVERY,
            Status::Warn,
            format!(
                "no Redis persistence on {}: a full restart loses the cache",
                without.join(", ")
            ),
            "enable appendonly yes (or RDB save points) if a cold cache after a restart is not acceptable",
        );
    }
    if !unknown.is_empty() {
        return Check::new(
            BACKUP_RECOVERY,
            Status::Manual,
            format!(
                "Redis persistence unknown on {} (CONFIG renamed or not permitted)",
                unknown.join(", ")
            ),
            "check appendonly/save on those servers and attest backup_recovery_tested",
        );
    }
    Check::new(
        BACKUP_RECOVERY,
        Status::Pass,
        format!("Redis persistence on: {}", with.join(", ")),
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::redis::{KeyspaceStats, NodePersistence};

    fn node(id: &str, port: u16, flags: &str, master: Option<&str>, slots: u32) -> ClusterNode {
        ClusterNode {
            id: id.to_string(),
            addr: format!("127.0.0.1:{port}"),
            flags: flags.split(',').map(String::from).collect(),
            master_id: master.map(String::from),
            link_connected: true,
            slots,
            answered: Some(true),
            online_replicas: if master.is_none() { Some(1) } else { None },
        }
    }

    fn healthy_cluster() -> ClusterFacts {
        ClusterFacts {
            seen_from: "127.0.0.1:7000".into(),
            state: "ok".into(),
            slots_assigned: 16384,
            slots_ok: 16384,
            known_nodes: 6,
            size: 3,
            nodes: vec![
                node("a", 7000, "myself,master", None, 5461),
                node("b", 7001, "master", None, 5462),
                node("c", 7002, "master", None, 5461),
                node("d", 7003, "slave", Some("a"), 0),
                node("e", 7004, "slave", Some("b"), 0),
                node("f", 7005, "slave", Some("c"), 0),
            ],
            ..ClusterFacts::default()
        }
    }

    fn facts_with(cluster: ClusterFacts) -> RedisFacts {
        RedisFacts {
            target: "redis://127.0.0.1:7000".into(),
            mode: Some(RedisMode::Cluster),
            reached: Some("127.0.0.1:7000".into()),
            cluster: Some(cluster),
            ..RedisFacts::default()
        }
    }

    fn ha(cluster: ClusterFacts) -> Check {
        redis_ha(&facts_with(cluster))
    }

    #[test]
    fn healthy_cluster_passes() {
        let check = ha(healthy_cluster());
        assert_eq!(check.status, Status::Pass, "{}", check.message);
        assert_eq!(check.id, REDIS_HA);
        assert_eq!(check.category, "infrastructure");
        assert!(
            check.message.contains("3 masters each with >= 1 replica,"),
            "{}",
            check.message
        );
    }

    #[test]
    fn master_without_replica_fails_naming_it() {
        let mut c = healthy_cluster();
        c.nodes.retain(|n| n.id != "f");
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.message.starts_with("Redis cluster not healthy: "),
            "{}",
            check.message
        );
        assert!(
            check
                .message
                .contains("master 127.0.0.1:7002 has 0 replicas"),
            "{}",
            check.message
        );
        assert!(!check.message.contains("7000 has 0"), "{}", check.message);
    }

    #[test]
    fn replica_gone_from_master_info_counts_before_the_cluster_notices() {
        let mut c = healthy_cluster();
        c.nodes[1].online_replicas = Some(0);
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check
                .message
                .contains("master 127.0.0.1:7001 has 0 replicas"),
            "{}",
            check.message
        );
    }

    #[test]
    fn failed_and_suspected_replicas_do_not_count() {
        let mut c = healthy_cluster();
        c.nodes[3].flags = vec!["slave".into(), "fail".into()];
        c.nodes[4].flags = vec!["slave".into(), "fail?".into()];
        c.nodes[5].link_connected = false;
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        for needle in [
            "master 127.0.0.1:7000 has 0 replicas",
            "master 127.0.0.1:7001 has 0 replicas",
            "master 127.0.0.1:7002 has 0 replicas",
            "node 127.0.0.1:7003 (replica) is in fail state",
            "node 127.0.0.1:7004 (replica) is suspected down (fail?)",
            "node 127.0.0.1:7005 (replica) does not answer",
        ] {
            assert!(
                check.message.contains(needle),
                "missing '{needle}' in {}",
                check.message
            );
        }
    }

    #[test]
    fn cluster_state_and_slots_fail() {
        let mut c = healthy_cluster();
        c.state = "fail".into();
        c.slots_ok = 10923;
        c.slots_fail = 5461;
        c.nodes[2].flags = vec!["master".into(), "fail".into()];
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.message.contains("cluster_state:fail"),
            "{}",
            check.message
        );
        assert!(
            check
                .message
                .contains("10923 of 16384 slots ok (0 pfail, 5461 fail)"),
            "{}",
            check.message
        );
        assert!(
            check
                .message
                .contains("2 masters serving slots (need >= 3)"),
            "{}",
            check.message
        );
        assert!(
            check
                .message
                .contains("node 127.0.0.1:7002 (master) is in fail state"),
            "{}",
            check.message
        );
        assert!(check.hint.contains("--cluster fix"), "{}", check.hint);
    }

    #[test]
    fn unassigned_slots_fail() {
        let mut c = healthy_cluster();
        c.slots_assigned = 16000;
        c.slots_ok = 16000;
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.message.contains("16000 of 16384 slots assigned"),
            "{}",
            check.message
        );
    }

    #[test]
    fn too_few_masters_fail_even_with_replicas() {
        let mut c = healthy_cluster();
        c.nodes.retain(|n| n.id != "c" && n.id != "f");
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.message.contains("2 masters serving slots"),
            "{}",
            check.message
        );
        assert!(
            !check.message.contains("has 0 replicas"),
            "{}",
            check.message
        );
    }

    #[test]
    fn promoted_replica_with_the_old_master_still_failed_is_not_healed() {
        let mut c = healthy_cluster();
        // 7000 died; its replica 7003 took over its slots and has no replica of its own.
        c.nodes[0].flags = vec!["master".into(), "fail".into()];
        c.nodes[0].slots = 0;
        c.nodes[0].answered = None;
        c.nodes[3].flags = vec!["master".into()];
        c.nodes[3].master_id = None;
        c.nodes[3].slots = 5461;
        c.nodes[3].online_replicas = Some(0);
        let check = ha(c);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check
                .message
                .contains("master 127.0.0.1:7003 has 0 replicas"),
            "{}",
            check.message
        );
        assert!(
            check
                .message
                .contains("node 127.0.0.1:7000 (master) is in fail state"),
            "{}",
            check.message
        );
        assert!(check.hint.contains("rejoins"), "{}", check.hint);
    }

    #[test]
    fn standalone_warns() {
        let facts = RedisFacts {
            target: "redis://127.0.0.1:6379".into(),
            mode: Some(RedisMode::Standalone),
            reached: Some("127.0.0.1:6379".into()),
            version: Some("7.0.15".into()),
            ..RedisFacts::default()
        };
        let check = redis_ha(&facts);
        assert_eq!(check.status, Status::Warn);
        assert_eq!(
            check.message,
            "standalone Redis at 127.0.0.1:6379 (redis 7.0.15): no high availability"
        );
        assert_eq!(shared_cache(&facts).status, Status::Pass);
    }

    #[test]
    fn unreachable_fails_with_the_seed_message() {
        let facts = RedisFacts {
            target: "redis://***@127.0.0.1:1".into(),
            error: Some("127.0.0.1:1: unreachable (Connection refused)".into()),
            ..RedisFacts::default()
        };
        let check = redis_ha(&facts);
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            check.message,
            "Redis cluster not healthy: 127.0.0.1:1: unreachable (Connection refused)"
        );
        let cache = shared_cache(&facts);
        assert_eq!(cache.status, Status::Fail);
        assert!(
            cache
                .message
                .contains("redis://***@127.0.0.1:1 not reachable"),
            "{}",
            cache.message
        );
        assert_eq!(cache_hit_rate(&facts).status, Status::Skip);
        assert_eq!(backup_recovery(&facts).status, Status::Skip);
        assert_eq!(checks(&facts).len(), 4);
    }

    #[test]
    fn no_view_at_all_fails() {
        let facts = RedisFacts {
            mode: Some(RedisMode::Cluster),
            ..RedisFacts::default()
        };
        assert_eq!(redis_ha(&facts).status, Status::Fail);
    }

    fn sentinel() -> SentinelFacts {
        SentinelFacts {
            seen_from: "127.0.0.1:26379".into(),
            master_name: "mymaster".into(),
            master_addr: "127.0.0.1:6380".into(),
            master_flags: vec!["master".into()],
            ckquorum_ok: true,
            ckquorum_reply:
                "OK 3 usable Sentinels. Quorum and failover authorization can be reached".into(),
            quorum: Some(2),
            replicas_known: 1,
            replicas_ok: 1,
            sentinels_known: 3,
            sentinels_ok: 3,
        }
    }

    fn sentinel_facts(s: SentinelFacts) -> RedisFacts {
        RedisFacts {
            mode: Some(RedisMode::Sentinel),
            sentinel: Some(s),
            ..RedisFacts::default()
        }
    }

    #[test]
    fn sentinel_branches() {
        let pass = redis_ha(&sentinel_facts(sentinel()));
        assert_eq!(pass.status, Status::Pass, "{}", pass.message);
        assert!(
            pass.message.contains("3 of 3 Sentinels usable, quorum 2"),
            "{}",
            pass.message
        );
        assert!(pass.message.contains("with 1 replica "), "{}", pass.message);

        let mut s = sentinel();
        s.ckquorum_ok = false;
        s.ckquorum_reply = "NOQUORUM 1 usable Sentinels. Not enough available Sentinels".into();
        s.sentinels_ok = 1;
        let lost = redis_ha(&sentinel_facts(s));
        assert_eq!(lost.status, Status::Fail);
        assert!(
            lost.message.contains("NOQUORUM 1 usable"),
            "{}",
            lost.message
        );
        assert!(lost.hint.contains(">= 3 Sentinels"), "{}", lost.hint);

        let mut s = sentinel();
        s.replicas_ok = 0;
        let lonely = redis_ha(&sentinel_facts(s));
        assert_eq!(lonely.status, Status::Fail);
        assert!(
            lonely
                .message
                .contains("master 127.0.0.1:6380 has 0 replicas (1 known"),
            "{}",
            lonely.message
        );

        let mut s = sentinel();
        s.master_flags = vec!["master".into(), "s_down".into(), "o_down".into()];
        let down = redis_ha(&sentinel_facts(s));
        assert_eq!(down.status, Status::Fail);
        assert!(
            down.message.contains("master 127.0.0.1:6380 is down"),
            "{}",
            down.message
        );
    }

    fn with_keyspace(hits: u64, misses: u64) -> RedisFacts {
        RedisFacts {
            mode: Some(RedisMode::Standalone),
            keyspace: Some(KeyspaceStats {
                hits,
                misses,
                nodes: 1,
            }),
            ..RedisFacts::default()
        }
    }

    #[test]
    fn hit_rate_thresholds() {
        assert_eq!(hit_rate(0, 0), None);
        assert_eq!(hit_rate(9, 1), Some(90.0));
        assert_eq!(hit_rate(0, 4), Some(0.0));

        let pass = cache_hit_rate(&with_keyspace(81, 19));
        assert_eq!(pass.status, Status::Pass);
        assert_eq!(
            pass.message,
            "Redis keyspace hit rate 81.0% (81 hits, 19 misses on 1 node since start)"
        );
        // Exactly 80 is not > 80.
        let at_target = cache_hit_rate(&with_keyspace(80, 20));
        assert_eq!(at_target.status, Status::Warn);
        assert!(
            at_target.message.ends_with("below the 80% target"),
            "{}",
            at_target.message
        );
        let between = cache_hit_rate(&with_keyspace(75, 25));
        assert_eq!(between.status, Status::Warn);
        let low = cache_hit_rate(&with_keyspace(69, 31));
        assert_eq!(low.status, Status::Warn);
        assert!(low.message.ends_with("below 70%"), "{}", low.message);
        let zero = cache_hit_rate(&with_keyspace(0, 10));
        assert_eq!(zero.status, Status::Warn);
        assert!(zero.message.contains("0.0%"), "{}", zero.message);
    }

    #[test]
    fn no_traffic_is_unknown_not_zero() {
        let check = cache_hit_rate(&with_keyspace(0, 0));
        assert_eq!(check.status, Status::Skip);
        assert!(
            check.message.contains("hit rate unknown"),
            "{}",
            check.message
        );
        assert!(!check.message.contains("0.0%"), "{}", check.message);
        let none = RedisFacts {
            mode: Some(RedisMode::Standalone),
            ..RedisFacts::default()
        };
        assert_eq!(cache_hit_rate(&none).status, Status::Skip);
    }

    fn persistence(nodes: &[(u16, Option<bool>, Option<&str>)]) -> Check {
        let facts = RedisFacts {
            mode: Some(RedisMode::Cluster),
            persistence: nodes
                .iter()
                .map(|(port, aof, save)| NodePersistence {
                    addr: format!("127.0.0.1:{port}"),
                    appendonly: *aof,
                    save: save.map(String::from),
                })
                .collect(),
            ..RedisFacts::default()
        };
        backup_recovery(&facts)
    }

    #[test]
    fn persistence_branches() {
        let on = persistence(&[
            (7000, Some(true), Some("")),
            (7001, Some(false), Some("3600 1")),
        ]);
        assert_eq!(on.status, Status::Pass);
        assert_eq!(
            on.message,
            "Redis persistence on: 127.0.0.1:7000 AOF, 127.0.0.1:7001 RDB (save 3600 1)"
        );

        let off = persistence(&[(7000, Some(true), None), (7001, Some(false), Some("  "))]);
        assert_eq!(off.status, Status::Warn);
        assert!(
            off.message
                .contains("no Redis persistence on 127.0.0.1:7001"),
            "{}",
            off.message
        );
        assert!(!off.message.contains("7000"), "{}", off.message);

        let unknown = persistence(&[(7000, None, None), (7001, Some(true), None)]);
        assert_eq!(unknown.status, Status::Manual);
        assert!(
            unknown.message.contains("unknown on 127.0.0.1:7000 "),
            "{}",
            unknown.message
        );

        let nothing = persistence(&[]);
        assert_eq!(nothing.status, Status::Manual);
    }
}
