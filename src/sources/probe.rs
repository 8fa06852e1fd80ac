//! The HTTP prober `validate` uses for `--health-url` and `/metrics` checks.
//!
//! Until the endpoint module (which owns the HTTP client) provides one, there is none: `validate`
//! then refuses URLs with a clear error.

use std::sync::Arc;

use crate::validate::Prober;

/// The prober available in this build.
pub fn prober() -> Option<Arc<dyn Prober>> {
    None
}
