//! Leader election with a Redis lease: `SET <prefix>:{<service>}:leader <holder> NX PX <ttl>`.
//!
//! The lease lasts one coordination interval (default 30 s, the seed's `coordination_interval`).
//! Every elector ticks every third of it: the leader's tick renews its lease (extends the TTL
//! only if it still holds it, atomically), a follower's tick takes the lease if it is free. So a
//! leader survives two lost renewals, and when it dies (no release) a follower takes over once
//! the lease expires: at most one lease plus one tick after the leader's last renewal. A leader
//! shutting down cleanly releases the lease (only if it still holds it) and a follower takes
//! over at its next tick.
//!
//! The wiring into `monitor --coordinate` (only the leader emits fleet recommendations and runs
//! `--exec-on-change`; `rizk_scale_leader 0|1` in the exporter) uses [`Elector::tick`] once per
//! [`Elector::tick_every`] and [`Elector::release`] on shutdown.

use std::time::Duration;

use crate::sources::redis::{self, RedisConn, RedisFailure, Timeouts};

/// The seed's `coordination_interval`: the lease's length.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

/// Who leads after a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// This elector holds the lease.
    Leader,
    /// Another holder has it (or nobody could be read).
    Follower {
        /// The current holder, when known.
        holder: Option<String>,
    },
}

/// One contender for a service's leader lease.
pub struct Elector {
    conn: RedisConn,
    key: String,
    holder: String,
    ttl: Duration,
    leader: bool,
}

impl Elector {
    /// An elector for the lease `key` (see [`crate::history::redis::ServiceKeys`]) held as
    /// `holder` (unique per process: see [`holder_id`]) for `interval` at a time.
    pub fn new(conn: RedisConn, key: String, holder: String, interval: Duration) -> Elector {
        Elector {
            conn,
            key,
            holder,
            ttl: interval.max(Duration::from_millis(30)),
            leader: false,
        }
    }

    /// Connect to `seeds` and build an elector.
    pub async fn connect(
        seeds: &[String],
        key: String,
        holder: String,
        interval: Duration,
    ) -> Result<Elector, RedisFailure> {
        let conn = redis::connect(seeds, Timeouts::default()).await?;
        Ok(Elector::new(conn, key, holder, interval))
    }

    /// How often to call [`Elector::tick`]: a third of the lease.
    pub fn tick_every(&self) -> Duration {
        self.ttl / 3
    }

    /// The lease's length.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// This elector's holder id.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Whether the last tick left this elector leading.
    pub fn is_leader(&self) -> bool {
        self.leader
    }

    /// Take the lease if free, or renew it if held. A Redis failure demotes this elector (it
    /// cannot prove it still leads) and is returned for the caller to report.
    pub async fn tick(&mut self) -> Result<Role, RedisFailure> {
        match self
            .conn
            .lease_acquire(&self.key, &self.holder, self.ttl)
            .await
        {
            Ok(true) => {
                self.leader = true;
                Ok(Role::Leader)
            }
            Ok(false) => {
                self.leader = false;
                let holder = self.conn.lease_holder(&self.key).await.ok().flatten();
                Ok(Role::Follower { holder })
            }
            Err(e) => {
                self.leader = false;
                Err(e)
            }
        }
    }

    /// Give the lease up (shutdown) if this elector holds it. `true` when it was released.
    pub async fn release(&mut self) -> Result<bool, RedisFailure> {
        self.leader = false;
        self.conn.lease_release(&self.key, &self.holder).await
    }
}

/// A holder id unique to this process: `<instance>/<pid>/<start nanos>`.
pub fn holder_id(instance: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{instance}/{}/{nanos:09}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_ids_name_the_instance_and_differ_per_call() {
        let a = holder_id("web-1");
        assert!(a.starts_with("web-1/"), "{a}");
        assert!(a.contains(&std::process::id().to_string()));
        std::thread::sleep(Duration::from_millis(2));
        assert_ne!(a, holder_id("web-1"));
    }
}
