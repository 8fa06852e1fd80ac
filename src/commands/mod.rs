//! One module per subcommand: each turns resolved settings into output and an exit code.

pub mod collect;
pub mod config;
pub mod history;
pub mod monitor;
pub mod recommend;
pub mod replay;
pub mod validate;
