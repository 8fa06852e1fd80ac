//! rizk-scale: a scaling advisor. Sources → sample → history → policy → output.

pub mod redact;
pub mod sample;
pub mod sources;
pub mod validate;
