//! The Redis source: the only folder that imports the `redis` crate. `connection.rs` opens a
//! node (URLs, auth, TLS, redacted failures), `replies.rs` parses `INFO`/`CLUSTER NODES`,
//! `facts.rs` gathers what `validate --redis` checks, `operations.rs` is the data connection
//! (append-and-trim, leases) the shared history and the election use.
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
use std::time::Duration;

use futures_util::future::join_all;
use redis::aio::MultiplexedConnection;
use redis::cluster_async::ClusterConnection;
use redis::{AsyncConnectionConfig, ConnectionAddr, ConnectionInfo, IntoConnectionInfo};
use serde::Serialize;

use crate::redact;

mod connection;
mod facts;
mod operations;
mod replies;

pub use connection::*;
pub use facts::*;
pub use operations::*;
pub use replies::*;

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
