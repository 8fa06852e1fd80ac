//! Sources: the only modules that talk to the world (host, endpoints, Redis, Prometheus).

pub mod endpoint;
pub mod exposition;
pub mod host;
pub mod hpa_file;
pub mod manifests;
pub mod mapping;
pub mod nginx;
pub mod probe;
pub mod prometheus;
pub mod prometheus_range;
pub mod redis;
