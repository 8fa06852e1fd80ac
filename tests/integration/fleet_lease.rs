//! Leader election over a real `redis-server`: one leader among three electors, a killed
//! leader (no release) replaced within one lease, a clean shutdown handing over at once.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::redis::Standalone;
use rizk_scale::election::lease::{Elector, Role, holder_id};
use rizk_scale::history::redis::ServiceKeys;

const LEASE: Duration = Duration::from_millis(1200);

/// (holder, became leader at) for every leadership change seen by any elector.
type Log = Arc<Mutex<Vec<(String, Instant)>>>;

async fn contender(mut e: Elector, log: Log) {
    let mut was = false;
    loop {
        let now_leader = matches!(e.tick().await, Ok(Role::Leader));
        if now_leader && !was {
            log.lock()
                .unwrap()
                .push((e.holder().to_string(), Instant::now()));
        }
        was = now_leader;
        tokio::time::sleep(e.tick_every()).await;
    }
}

#[test]
fn a_follower_takes_over_within_one_lease_when_the_leader_dies() {
    let Some(s) = Standalone::start(Some("lease-pw-2b")) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let key = ServiceKeys::new("rizk-scale", "web").unwrap().leader;
        let seeds = vec![s.server.url()];
        let log: Log = Arc::default();
        let mut tasks = Vec::new();
        for i in 0..3 {
            let e = Elector::connect(&seeds, key.clone(), holder_id(&format!("web-{i}")), LEASE)
                .await
                .unwrap();
            tasks.push((
                e.holder().to_string(),
                tokio::spawn(contender(e, log.clone())),
            ));
        }
        tokio::time::sleep(LEASE).await;
        let first = {
            let l = log.lock().unwrap();
            assert_eq!(l.len(), 1, "exactly one leader: {l:?}");
            l[0].0.clone()
        };
        // Kill the leader: its task stops without releasing the lease.
        let idx = tasks.iter().position(|(h, _)| *h == first).unwrap();
        let (_, handle) = tasks.remove(idx);
        handle.abort();
        let _ = handle.await;
        let killed = Instant::now();
        let tick = LEASE / 3;
        let deadline = killed + LEASE + tick + Duration::from_millis(500);
        let (second, at) = loop {
            if let Some(entry) = log.lock().unwrap().get(1).cloned() {
                break entry;
            }
            assert!(Instant::now() < deadline, "no takeover within one lease");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_ne!(second, first);
        let took = at - killed;
        // Not before the dead leader's lease ran out (its last renewal was ≤ one tick before
        // the kill), and within one lease plus one follower tick.
        assert!(
            took >= LEASE - tick - Duration::from_millis(200),
            "split brain: {took:?}"
        );
        assert!(
            took <= LEASE + tick + Duration::from_millis(500),
            "{took:?}"
        );
        eprintln!("takeover after {took:?} (lease {LEASE:?}, tick {tick:?})");
        tokio::time::sleep(LEASE).await;
        assert_eq!(log.lock().unwrap().len(), 2, "leadership is stable again");
        for (_, t) in tasks {
            t.abort();
        }
    });
}

#[test]
fn a_released_lease_is_taken_at_the_next_tick_and_only_the_holder_releases() {
    let Some(s) = Standalone::start(None) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let key = ServiceKeys::new("p", "api").unwrap().leader;
        let seeds = vec![s.server.url()];
        let long = Duration::from_secs(60);
        let mut a = Elector::connect(&seeds, key.clone(), "a".into(), long)
            .await
            .unwrap();
        let mut b = Elector::connect(&seeds, key.clone(), "b".into(), long)
            .await
            .unwrap();
        assert_eq!(a.tick().await.unwrap(), Role::Leader);
        assert_eq!(
            b.tick().await.unwrap(),
            Role::Follower {
                holder: Some("a".into())
            }
        );
        assert!(a.is_leader() && !b.is_leader());
        assert!(
            !b.release().await.unwrap(),
            "a follower cannot release the leader's lease"
        );
        assert_eq!(a.tick().await.unwrap(), Role::Leader, "renewal keeps it");
        assert!(a.release().await.unwrap());
        assert!(!a.is_leader());
        let started = Instant::now();
        assert_eq!(b.tick().await.unwrap(), Role::Leader);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "no wait for the 60 s lease"
        );
        // Redis gone: the leader cannot prove it leads and steps down.
        drop(s);
        assert!(b.tick().await.is_err());
        assert!(!b.is_leader());
    });
}
