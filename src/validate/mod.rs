//! `rizk-scale validate`: the scaling-readiness checklist. Facts are gathered first (sources),
//! rules are pure functions from facts to [`Check`] results.

pub mod check;
pub mod redis;
