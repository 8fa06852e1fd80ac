//! Opening a node: URL parsing, TLS/auth, the redacted failure kinds ([`RedisFailure`]).

use super::*;

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

/// A failed Redis operation, its message already redacted (callers match on [`FailureKind`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RedisFailure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// A one-line, redacted description.
    pub message: String,
}

impl RedisFailure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> RedisFailure {
        RedisFailure {
            kind,
            message: message.into(),
        }
    }
}

/// A parsed node address with the secrets that must never be printed.
#[derive(Clone)]
pub(super) struct Endpoint {
    pub(super) info: ConnectionInfo,
    /// `host:port`.
    pub(super) addr: String,
    /// Password as written in the URL and as decoded, for redaction.
    pub(super) secrets: Vec<String>,
}

impl Endpoint {
    pub(super) fn parse(raw: &str) -> Result<Endpoint, RedisFailure> {
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
    pub(super) fn with_addr(&self, addr: &str) -> Option<Endpoint> {
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

    pub(super) fn redact(&self, text: &str) -> String {
        redact_all(text, &self.secrets)
    }

    pub(super) fn failure(&self, err: &redis::RedisError) -> RedisFailure {
        classify(err, |m| self.redact(&format!("{}: {m}", self.addr)))
    }

    pub(super) async fn open(&self, timeout: Duration) -> Result<Node, RedisFailure> {
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

pub(super) fn redact_all(text: &str, secrets: &[String]) -> String {
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    redact::secrets(&redact::url(text), &refs)
}

pub(super) fn classify(err: &redis::RedisError, describe: impl Fn(&str) -> String) -> RedisFailure {
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

pub(super) fn split_host_port(addr: &str) -> Option<(&str, u16)> {
    let (host, port) = addr.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse().ok()?;
    (!host.is_empty()).then_some((host, port))
}

/// One open connection to one node, for diagnostics.
pub(super) struct Node {
    pub(super) conn: MultiplexedConnection,
    pub(super) endpoint: Endpoint,
    pub(super) timeout: Duration,
}

impl Node {
    pub(super) async fn query<T: redis::FromRedisValue>(
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

    pub(super) async fn info(
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
    pub(super) async fn config_get(&mut self, name: &str) -> Option<String> {
        let reply: Vec<String> = self
            .query(redis::cmd("CONFIG").arg("GET").arg(name))
            .await
            .ok()?;
        reply
            .chunks(2)
            .find(|pair| pair.first().map(String::as_str) == Some(name))
            .and_then(|p| p.get(1).cloned())
    }

    pub(super) async fn persistence(&mut self) -> NodePersistence {
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
