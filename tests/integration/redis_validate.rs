//! The Redis readiness checks against real `redis-server` processes: standalone, a 3×3 cluster
//! (healthy, replica lost, master failed over and healed), a cluster without replicas losing a
//! master, Sentinel with and without quorum, wrong password, nothing listening, hit rate.

use crate::common;

use std::time::{Duration, Instant};

use common::redis::{Cluster, SENTINEL_MASTER, SentinelSetup, Standalone, cmd, dead_port};
use rizk_scale::sources::redis::{RedisFacts, RedisMode, RedisTarget, gather_facts};
use rizk_scale::validate::check::{Check, Status};
use rizk_scale::validate::redis::{
    backup_recovery, cache_hit_rate, checks, redis_ha, shared_cache,
};

const TIMEOUT: Duration = Duration::from_secs(3);

fn gather(target: &RedisTarget) -> RedisFacts {
    gather_within(target, TIMEOUT)
}

fn gather_within(target: &RedisTarget, timeout: Duration) -> RedisFacts {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(gather_facts(target, timeout))
}

fn nodes(urls: Vec<String>) -> RedisTarget {
    RedisTarget::Nodes(urls)
}

/// Gather and check until `done` holds (bounded); the last check either way.
fn ha_until(
    target: &RedisTarget,
    limit: Duration,
    done: impl Fn(&Check) -> bool,
) -> (Check, RedisFacts) {
    let deadline = Instant::now() + limit;
    loop {
        let facts = gather(target);
        let check = redis_ha(&facts);
        if done(&check) || Instant::now() >= deadline {
            return (check, facts);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn standalone_warns_no_high_availability() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let facts = gather(&nodes(vec![s.server.url()]));
    assert_eq!(facts.error, None);
    assert_eq!(facts.mode, Some(RedisMode::Standalone));
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Warn, "{}", ha.message);
    assert_eq!(ha.id, "infrastructure.redis_ha");
    assert!(
        ha.message
            .contains(&format!("standalone Redis at {}", s.server.addr())),
        "{}",
        ha.message
    );
    assert!(
        ha.message.ends_with("no high availability"),
        "{}",
        ha.message
    );
    assert_eq!(shared_cache(&facts).status, Status::Pass);
    // The harness runs with --save '' --appendonly no.
    let backup = backup_recovery(&facts);
    assert_eq!(backup.status, Status::Warn, "{}", backup.message);
    assert!(
        backup
            .message
            .contains(&format!("no Redis persistence on {}", s.server.addr())),
        "{}",
        backup.message
    );
    // A fresh server has had no lookups: unknown, not 0%.
    assert_eq!(cache_hit_rate(&facts).status, Status::Skip);

    // CONFIG renamed away: persistence is unknown, not an error.
    let Some(locked) = Standalone::start(None) else {
        return;
    };
    assert_eq!(
        cmd(
            locked.server.port,
            &["ACL", "SETUSER", "default", "-config"]
        )
        .map(|r| r.text())
        .ok()
        .as_deref(),
        Some("OK")
    );
    let facts = gather(&nodes(vec![locked.server.url()]));
    assert_eq!(facts.error, None);
    assert_eq!(redis_ha(&facts).status, Status::Warn);
    let backup = backup_recovery(&facts);
    assert_eq!(backup.status, Status::Manual, "{}", backup.message);
    assert!(
        backup.message.contains("persistence unknown"),
        "{}",
        backup.message
    );
}

#[test]
fn keyspace_hit_rate_from_real_lookups() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let port = s.server.port;
    let target = nodes(vec![s.server.url()]);
    assert_eq!(
        cmd(port, &["SET", "k", "v"])
            .map(|r| r.text())
            .ok()
            .as_deref(),
        Some("OK")
    );
    for _ in 0..9 {
        assert_eq!(
            cmd(port, &["GET", "k"]).map(|r| r.text()).ok().as_deref(),
            Some("v")
        );
    }
    cmd(port, &["GET", "missing"]).expect("GET");
    let facts = gather(&target);
    let keyspace = facts.keyspace.expect("keyspace stats");
    assert_eq!((keyspace.hits, keyspace.misses), (9, 1));
    let check = cache_hit_rate(&facts);
    assert_eq!(check.status, Status::Pass, "{}", check.message);
    assert!(
        check.message.contains("hit rate 90.0% (9 hits, 1 misses"),
        "{}",
        check.message
    );

    for _ in 0..5 {
        cmd(port, &["GET", "missing"]).expect("GET");
    }
    let check = cache_hit_rate(&gather(&target));
    assert_eq!(check.status, Status::Warn, "{}", check.message);
    assert!(
        check.message.contains("hit rate 60.0% (9 hits, 6 misses"),
        "{}",
        check.message
    );
    assert!(check.message.ends_with("below 70%"), "{}", check.message);
}

#[test]
fn wrong_password_fails_and_is_never_printed() {
    const RIGHT: &str = "correct-horse-9f3b";
    const WRONG: &str = "wrong-pw-5d1e7c";
    let Some(s) = Standalone::start(Some(RIGHT)) else {
        return;
    };
    let port = s.server.port;

    let facts = gather(&nodes(vec![format!("redis://:{WRONG}@127.0.0.1:{port}")]));
    let all = checks(&facts);
    let ha = &all[0];
    assert_eq!(ha.status, Status::Fail);
    assert!(
        ha.message.starts_with("Redis cluster not healthy: "),
        "{}",
        ha.message
    );
    assert!(
        ha.message.contains("authentication failed"),
        "{}",
        ha.message
    );
    let everything = format!("{facts:?} {all:?}");
    assert!(!everything.contains(WRONG), "password leaked: {everything}");
    assert!(!everything.contains(RIGHT), "password leaked: {everything}");
    assert!(
        facts.target.contains("redis://***@127.0.0.1:"),
        "{}",
        facts.target
    );
    assert_eq!(all[1].status, Status::Fail);

    // No password at all: NOAUTH is an authentication failure too.
    let facts = gather(&nodes(vec![format!("redis://127.0.0.1:{port}")]));
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Fail);
    assert!(
        ha.message.contains("authentication failed"),
        "{}",
        ha.message
    );

    // The right password works (and is not printed either).
    let facts = gather(&nodes(vec![s.server.url()]));
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Warn, "{}", ha.message);
    assert!(!format!("{facts:?} {ha:?}").contains(RIGHT));
}

#[test]
fn nothing_listening_fails_fast() {
    let port = dead_port();
    let started = Instant::now();
    let facts = gather(&nodes(vec![format!("redis://:pw-1234@127.0.0.1:{port}")]));
    let ha = redis_ha(&facts);
    let elapsed = started.elapsed();
    assert_eq!(ha.status, Status::Fail);
    assert!(
        ha.message.starts_with(&format!(
            "Redis cluster not healthy: 127.0.0.1:{port}: unreachable"
        )),
        "{}",
        ha.message
    );
    assert!(!ha.message.contains("pw-1234"), "{}", ha.message);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
}

#[test]
fn cluster_healthy_then_replica_killed() {
    let Some(mut cluster) = Cluster::start(3, 1) else {
        return;
    };
    // One seed is enough: the rest is discovered.
    let target = nodes(vec![cluster.nodes[0].url()]);

    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let started = Instant::now();
        let facts = gather(&target);
        let all = checks(&facts);
        times.push(started.elapsed());
        last = Some((facts, all));
    }
    times.sort();
    eprintln!(
        "gather_facts + checks on a local 3x3 cluster: median {:?} (min {:?}, max {:?})",
        times[3], times[0], times[6]
    );
    let (facts, all) = last.expect("gathered");
    let ha = &all[0];
    assert_eq!(ha.status, Status::Pass, "{}", ha.message);
    assert!(
        ha.message
            .contains("3 masters each with >= 1 replica, 6 nodes"),
        "{}",
        ha.message
    );
    let c = facts.cluster.as_ref().expect("cluster facts");
    assert_eq!(
        (
            c.state.as_str(),
            c.slots_assigned,
            c.slots_ok,
            c.known_nodes
        ),
        ("ok", 16384, 16384, 6)
    );
    assert_eq!(facts.keyspace.map(|k| k.nodes), Some(6));
    assert_eq!(facts.persistence.len(), 3, "one per master");
    assert_eq!(backup_recovery(&facts).status, Status::Warn);

    // Kill the replica of the second master.
    let replicas = cluster.replicas_of(1);
    assert_eq!(replicas.len(), 1, "{:?}", cluster.topology());
    let master_addr = cluster.nodes[1].addr();
    cluster.nodes[replicas[0]].kill();
    let (ha, _) = ha_until(&target, Duration::from_secs(10), |c| {
        c.status == Status::Fail
    });
    assert_eq!(ha.status, Status::Fail, "{}", ha.message);
    assert!(
        ha.message
            .contains(&format!("master {master_addr} has 0 replicas")),
        "{}",
        ha.message
    );
    assert!(ha.hint.contains("replica"), "{}", ha.hint);
}

#[test]
fn cluster_master_failover_then_healed() {
    let Some(mut cluster) = Cluster::start(3, 1) else {
        return;
    };
    // Every node is a seed: the first one is the master we kill.
    let target = nodes(cluster.seeds());
    assert_eq!(redis_ha(&gather(&target)).status, Status::Pass);

    let replica = cluster.replicas_of(0);
    assert_eq!(replica.len(), 1);
    let replica_addr = cluster.nodes[replica[0]].addr();
    let dead_addr = cluster.nodes[0].addr();
    cluster.nodes[0].kill();

    // The replica takes over: slots are served again, but the new master has no replica and
    // the old one is in fail state.
    let (ha, facts) = ha_until(&target, Duration::from_secs(20), |c| {
        c.message
            .contains(&format!("master {replica_addr} has 0 replicas"))
            && !c.message.contains("cluster_state")
    });
    assert_eq!(ha.status, Status::Fail, "{}", ha.message);
    assert!(
        ha.message
            .contains(&format!("master {replica_addr} has 0 replicas")),
        "{}",
        ha.message
    );
    assert!(
        ha.message
            .contains(&format!("node {dead_addr} (master) is in fail state")),
        "{}",
        ha.message
    );
    assert!(ha.hint.contains("rejoins as a replica"), "{}", ha.hint);
    assert_ne!(
        facts.reached.as_deref(),
        Some(dead_addr.as_str()),
        "facts came from a live seed"
    );
    assert!(!facts.unreachable.is_empty(), "the dead seed is reported");

    // Healing: the old master restarts and rejoins as the new master's replica.
    cluster.nodes[0].restart();
    let (ha, _) = ha_until(&target, Duration::from_secs(20), |c| {
        c.status == Status::Pass
    });
    assert_eq!(ha.status, Status::Pass, "{}", ha.message);
    let promoted = cluster.index_of(cluster.nodes[replica[0]].port);
    assert_eq!(
        cluster.replicas_of(promoted),
        vec![0],
        "{:?}",
        cluster.topology()
    );
}

#[test]
fn cluster_without_replicas_fails_then_loses_slots() {
    let Some(mut cluster) = Cluster::start(3, 0) else {
        return;
    };
    let target = nodes(cluster.seeds());
    let facts = gather(&target);
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Fail, "{}", ha.message);
    assert_eq!(facts.cluster.as_ref().map(|c| c.state.as_str()), Some("ok"));
    for n in &cluster.nodes {
        assert!(
            ha.message
                .contains(&format!("master {} has 0 replicas", n.addr())),
            "{}",
            ha.message
        );
    }

    // Kill the first seed, a master nobody can replace: its slots are lost.
    let dead_addr = cluster.nodes[0].addr();
    cluster.nodes[0].kill();
    let (ha, facts) = ha_until(&target, Duration::from_secs(15), |c| {
        c.message.contains("cluster_state:fail")
    });
    assert_eq!(ha.status, Status::Fail);
    assert!(ha.message.contains("cluster_state:fail"), "{}", ha.message);
    assert!(ha.message.contains("of 16384 slots ok"), "{}", ha.message);
    assert!(
        ha.message
            .contains(&format!("node {dead_addr} (master) is in fail state")),
        "{}",
        ha.message
    );
    assert!(ha.hint.contains("--cluster fix"), "{}", ha.hint);
    let c = facts
        .cluster
        .as_ref()
        .expect("cluster facts from a live seed");
    assert!(c.slots_ok < 16384 && c.slots_fail > 0, "{c:?}");
    assert_ne!(c.seen_from, dead_addr);
}

#[test]
fn sentinel_quorum_then_lost() {
    let Some(mut setup) = SentinelSetup::start() else {
        return;
    };
    let target = RedisTarget::Sentinel {
        sentinels: setup.sentinel_urls(),
        master: SENTINEL_MASTER.into(),
    };
    let facts = gather(&target);
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Pass, "{}", ha.message);
    assert!(
        ha.message.contains("3 of 3 Sentinels usable, quorum 2"),
        "{}",
        ha.message
    );
    assert!(
        ha.message
            .contains(&format!("at {} with 1 replica", setup.master.addr())),
        "{}",
        ha.message
    );
    assert_eq!(
        facts.persistence.first().map(|p| p.addr.clone()),
        Some(setup.master.addr())
    );

    // An unknown master name is a clear failure.
    let wrong = RedisTarget::Sentinel {
        sentinels: setup.sentinel_urls(),
        master: "nope".into(),
    };
    let ha = redis_ha(&gather(&wrong));
    assert_eq!(ha.status, Status::Fail);
    assert!(
        ha.message
            .contains("does not know master 'nope' (ERR No such master with that name)"),
        "{}",
        ha.message
    );

    // A Sentinel given as a data node is explained.
    let misuse = redis_ha(&gather(&nodes(vec![setup.sentinels[0].url()])));
    assert_eq!(misuse.status, Status::Fail);
    assert!(
        misuse.message.contains("is a Sentinel"),
        "{}",
        misuse.message
    );

    // Lose 2 of 3 Sentinels (including the first URL): no majority left.
    setup.sentinels[0].kill();
    setup.sentinels[1].kill();
    let (ha, facts) = ha_until(&target, Duration::from_secs(10), |c| {
        c.status == Status::Fail
    });
    assert_eq!(ha.status, Status::Fail, "{}", ha.message);
    assert!(
        ha.message
            .contains("SENTINEL CKQUORUM: NOQUORUM 1 usable Sentinels"),
        "{}",
        ha.message
    );
    assert_eq!(
        facts.reached.as_deref(),
        Some(setup.sentinels[2].addr().as_str())
    );
}

/// A TCP server that accepts connections and never answers (a hung or overloaded node).
fn silent_listener() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).expect("nonblocking");
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok((conn, _)) = listener.accept() {
                held.push(conn);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    (port, handle)
}

#[test]
fn silent_seed_costs_its_share_not_the_report() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let (silent, _handle) = silent_listener();
    let timeout = Duration::from_secs(1);

    let started = Instant::now();
    let facts = gather_within(
        &nodes(vec![format!("redis://127.0.0.1:{silent}"), s.server.url()]),
        timeout,
    );
    let elapsed = started.elapsed();
    assert_eq!(facts.error, None);
    assert_eq!(facts.mode, Some(RedisMode::Standalone));
    assert_eq!(facts.reached, Some(s.server.addr()));
    assert_eq!(facts.unreachable.len(), 1, "{:?}", facts.unreachable);
    assert!(
        facts.unreachable[0].contains(&format!("127.0.0.1:{silent}")),
        "{:?}",
        facts.unreachable
    );
    assert!(elapsed < timeout, "took {elapsed:?}");
    assert_eq!(redis_ha(&facts).status, Status::Warn);

    // Only the silent server: a clear failure, within the timeout.
    let started = Instant::now();
    let facts = gather_within(&nodes(vec![format!("redis://127.0.0.1:{silent}")]), timeout);
    let ha = redis_ha(&facts);
    assert_eq!(ha.status, Status::Fail);
    assert!(ha.message.contains("no answer"), "{}", ha.message);
    assert!(
        started.elapsed() < timeout + Duration::from_millis(200),
        "took {:?}",
        started.elapsed()
    );
}
