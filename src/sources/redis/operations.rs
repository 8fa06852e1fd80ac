//! The data connection for the shared history and leases: [`connect`], [`RedisConn`] and its
//! Lua scripts (append-and-trim, `SET NX PX` leases).

use super::*;

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
    pub(super) inner: Inner,
    pub(super) mode: RedisMode,
    pub(super) endpoint: Endpoint,
    pub(super) timeout: Duration,
}

#[derive(Clone)]
pub(super) enum Inner {
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

pub(super) async fn connect_cluster(
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
pub(super) const APPEND_TRIM: &str = r"
for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
local cap = tonumber(ARGV[1])
redis.call('LTRIM', KEYS[1], -cap, -1)
return redis.call('LLEN', KEYS[1])";

/// Take the lease if free, or extend it if we already hold it.
pub(super) const LEASE_ACQUIRE: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0";

/// Release the lease only if we hold it.
pub(super) const LEASE_RELEASE: &str = r"
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

    pub(super) async fn run<T: redis::FromRedisValue>(
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

pub(super) enum Invocation<'a> {
    Cmd(&'a redis::Cmd),
    Script(&'a redis::ScriptInvocation<'a>),
}
