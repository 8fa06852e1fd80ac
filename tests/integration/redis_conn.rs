//! The Redis data connection (`sources::redis::connect`) against real servers: the atomic
//! append-and-trim and the `SET NX PX` lease a shared history and leader election build on,
//! on a standalone server and on a cluster.

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::redis::{Cluster, Standalone, dead_port};
use rizk_scale::sources::redis::{FailureKind, RedisConn, RedisMode, Timeouts, connect};

const KEY: &str = "rizk-scale:{web}:history";
const LEASE: &str = "rizk-scale:{web}:leader";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn exercise(mut conn: RedisConn) {
    conn.ping().await.expect("ping");
    conn.delete(KEY).await.expect("del");

    // Trimmed to the newest `capacity` items, oldest first.
    for i in 0..8 {
        let len = conn
            .append_trim(KEY, &[format!("s{i}")], 5)
            .await
            .expect("append");
        assert_eq!(len, (i + 1).min(5));
    }
    let batch: Vec<String> = (8..11).map(|i| format!("s{i}")).collect();
    assert_eq!(
        conn.append_trim(KEY, &batch, 5)
            .await
            .expect("append batch"),
        5
    );
    assert_eq!(
        conn.list(KEY).await.expect("list"),
        ["s6", "s7", "s8", "s9", "s10"]
    );

    // 10 concurrent writers × 30 appends: exactly the newest 100, none lost or duplicated
    // among them, each writer's samples in its own order.
    conn.delete(KEY).await.expect("del");
    let writers: Vec<_> = (0..10)
        .map(|w| {
            let mut c = conn.clone();
            tokio::spawn(async move {
                for i in 0..30 {
                    c.append_trim(KEY, &[format!("w{w}-{i:02}")], 100)
                        .await
                        .expect("concurrent append");
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    let items = conn.list(KEY).await.expect("list");
    assert_eq!(items.len(), 100);
    assert_eq!(
        items.iter().collect::<HashSet<_>>().len(),
        100,
        "no duplicates"
    );
    for w in 0..10 {
        let mine: Vec<&String> = items
            .iter()
            .filter(|s| s.starts_with(&format!("w{w}-")))
            .collect();
        assert!(
            mine.windows(2).all(|p| p[0] < p[1]),
            "writer {w} out of order: {mine:?}"
        );
    }

    // Lease: one holder at a time, renewable by the holder, released only by the holder.
    conn.delete(LEASE).await.expect("del");
    let ttl = Duration::from_millis(300);
    assert!(conn.lease_acquire(LEASE, "a", ttl).await.expect("acquire"));
    assert!(!conn.lease_acquire(LEASE, "b", ttl).await.expect("contend"));
    assert!(conn.lease_acquire(LEASE, "a", ttl).await.expect("renew"));
    assert_eq!(
        conn.lease_holder(LEASE).await.expect("holder").as_deref(),
        Some("a")
    );
    assert!(
        !conn
            .lease_release(LEASE, "b")
            .await
            .expect("foreign release")
    );
    assert!(conn.lease_release(LEASE, "a").await.expect("release"));
    assert_eq!(conn.lease_holder(LEASE).await.expect("holder"), None);
    // An abandoned lease expires after its ttl.
    assert!(conn.lease_acquire(LEASE, "b", ttl).await.expect("acquire"));
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert!(
        conn.lease_acquire(LEASE, "c", ttl)
            .await
            .expect("take over")
    );
    assert_eq!(
        conn.lease_holder(LEASE).await.expect("holder").as_deref(),
        Some("c")
    );
}

#[test]
fn standalone_history_and_lease() {
    let Some(s) = Standalone::start(Some("pw-for-data-7q")) else {
        return;
    };
    runtime().block_on(async {
        let conn = connect(&[s.server.url()], Timeouts::default())
            .await
            .expect("connect");
        assert_eq!(conn.mode(), RedisMode::Standalone);
        exercise(conn).await;

        let wrong = format!("redis://:nope-3x@127.0.0.1:{}", s.server.port);
        let err = connect(&[wrong], Timeouts::default())
            .await
            .err()
            .expect("rejected");
        assert_eq!(err.kind, FailureKind::Auth, "{err}");
        assert!(!err.message.contains("nope-3x"), "{err}");
    });
}

#[test]
fn cluster_history_and_lease() {
    let Some(cluster) = Cluster::start(3, 0) else {
        return;
    };
    runtime().block_on(async {
        // A dead seed first: the next one is used.
        let seeds = vec![
            format!("redis://127.0.0.1:{}", dead_port()),
            cluster.nodes[1].url(),
        ];
        let conn = connect(&seeds, Timeouts::default()).await.expect("connect");
        assert_eq!(conn.mode(), RedisMode::Cluster);
        exercise(conn).await;
    });
}

#[test]
fn unreachable_is_reported_fast() {
    runtime().block_on(async {
        let started = Instant::now();
        let err = connect(
            &[format!("redis://127.0.0.1:{}", dead_port())],
            Timeouts::default(),
        )
        .await
        .err()
        .expect("nothing listens");
        assert_eq!(err.kind, FailureKind::Unreachable, "{err}");
        assert!(started.elapsed() < Duration::from_secs(1));
    });
}
