//! Sources: the only modules that talk to the world (host, endpoints, Redis, Prometheus).

pub mod host;
pub mod prometheus;
pub mod redis;
