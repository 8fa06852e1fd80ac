//! The monitor's HTTP exporter (the only module importing axum): `/metrics` for Prometheus and
//! the HPA's custom-metrics adapter, `/health` for a liveness probe, `/ready` for readiness.
//!
//! The loop publishes a [`Snapshot`] after each tick; handlers only read it, so a scrape never
//! waits for a tick and a tick never waits for a scrape.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::output::metrics_page::{self, Snapshot};

/// A tick older than this many intervals makes `/health` answer 503.
pub const STALE_INTERVALS: u32 = 3;
/// ... but never sooner than this, so `--interval 0` or 100ms does not flap on one slow tick.
pub const STALE_FLOOR: Duration = Duration::from_secs(3);
/// Samples the history needs before `/ready` answers 200 (the policy's minimum).
pub const READY_SAMPLES: usize = 3;

/// What the loop shares with the handlers.
#[derive(Debug)]
pub struct Published {
    /// The state `/metrics` renders.
    pub snapshot: Snapshot,
    /// When the last tick completed (the start, before the first).
    pub last_tick: Instant,
    /// The loop's interval.
    pub interval: Duration,
}

/// The shared state, cheap to clone.
#[derive(Debug, Clone)]
pub struct Shared(Arc<Mutex<Published>>);

impl Shared {
    /// State for a loop ticking every `interval`, starting now.
    pub fn new(interval: Duration) -> Shared {
        Shared(Arc::new(Mutex::new(Published {
            snapshot: Snapshot::default(),
            last_tick: Instant::now(),
            interval,
        })))
    }

    /// Lock the state. A panic elsewhere cannot leave it half-written (fields are plain
    /// values), so a poisoned lock is still usable.
    pub fn lock(&self) -> MutexGuard<'_, Published> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The age past which `/health` fails.
pub fn stale_after(interval: Duration) -> Duration {
    interval.saturating_mul(STALE_INTERVALS).max(STALE_FLOOR)
}

/// `/health`'s status and body for a last tick `age` old.
pub fn health(age: Duration, interval: Duration) -> (StatusCode, String) {
    let limit = stale_after(interval);
    if age <= limit {
        (
            StatusCode::OK,
            format!("ok: last tick {:.1}s ago\n", age.as_secs_f64()),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "stale: last tick {:.1}s ago (limit {:.1}s)\n",
                age.as_secs_f64(),
                limit.as_secs_f64()
            ),
        )
    }
}

/// `/ready`'s status and body for a history of `samples`.
pub fn ready(samples: usize) -> (StatusCode, String) {
    if samples >= READY_SAMPLES {
        (StatusCode::OK, format!("ready: {samples} samples\n"))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {samples} of {READY_SAMPLES} samples\n"),
        )
    }
}

async fn metrics(State(shared): State<Shared>) -> impl IntoResponse {
    let body = metrics_page::render(&shared.lock().snapshot, env!("CARGO_PKG_VERSION"));
    ([(header::CONTENT_TYPE, metrics_page::CONTENT_TYPE)], body)
}

async fn health_handler(State(shared): State<Shared>) -> impl IntoResponse {
    let (age, interval) = {
        let p = shared.lock();
        (p.last_tick.elapsed(), p.interval)
    };
    health(age, interval)
}

async fn ready_handler(State(shared): State<Shared>) -> impl IntoResponse {
    let samples = shared.lock().snapshot.history_samples;
    ready(samples)
}

/// Bind the exporter's socket (before the first tick, so a busy port fails the command).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding exporter '{addr}'"))
}

/// Serve on `listener` until `shutdown` completes.
pub fn spawn(
    listener: TcpListener,
    shared: Shared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<std::io::Result<()>> {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/health", get(health_handler))
        .route("/ready", get(ready_handler))
        .with_state(shared);
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_fails_after_three_intervals_with_a_floor() {
        let ten = Duration::from_secs(10);
        assert_eq!(health(Duration::from_secs(29), ten).0, StatusCode::OK);
        assert_eq!(health(Duration::from_secs(30), ten).0, StatusCode::OK);
        let (code, body) = health(Duration::from_secs(31), ten);
        assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body, "stale: last tick 31.0s ago (limit 30.0s)\n");
        // Interval 0: three intervals is 0s, the floor keeps one slow tick from failing it.
        assert_eq!(
            health(Duration::from_secs(2), Duration::ZERO).0,
            StatusCode::OK
        );
        assert_eq!(
            health(Duration::from_secs(4), Duration::ZERO).0,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn ready_needs_three_samples() {
        assert_eq!(
            ready(2),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: 2 of 3 samples\n".into()
            )
        );
        assert_eq!(ready(3).0, StatusCode::OK);
    }
}
