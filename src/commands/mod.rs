//! One module per subcommand: each turns resolved settings into output and an exit code.

pub mod collect;
pub mod monitor;
pub mod recommend;
