//! Fleet coordination: one leader per service among the instances sharing a Redis history.

pub mod coordinator;
pub mod lease;
