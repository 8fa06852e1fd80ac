//! End-to-end tests of the `rizk-scale` binary against temp directories.

mod collect;
mod history_safety;
mod recommend;
mod replay;
mod util;
