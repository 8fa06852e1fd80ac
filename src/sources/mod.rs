//! Sources: the only modules that talk to the world (host, endpoints, Redis, Prometheus).

pub mod endpoint;
pub mod exposition;
pub mod host;
pub mod mapping;
