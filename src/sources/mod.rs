//! Sources: the only modules that talk to the world (host, endpoints, Redis, Prometheus).

pub mod exposition;
pub mod host;
