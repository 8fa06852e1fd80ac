//! rizk-scale: a scaling advisor. Sources → sample → history → policy → output.

pub mod sample;
pub mod sources;
pub mod validate;
