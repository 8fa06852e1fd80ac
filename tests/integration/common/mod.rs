//! Helpers shared by the integration-test modules (`use crate::common;`).

pub mod redis;
pub mod schema;
pub mod verdict;

/// `rizk-scale` isolated in `dir`: a cleared environment (HOME is `dir`, no colour, only PATH)
/// and the history `dir/h.jsonl`. Add arguments, or environment for what a test needs.
pub fn rizk_command(dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rizk-scale"));
    cmd.env_clear()
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("--history")
        .arg(dir.join("h.jsonl"));
    cmd
}

/// Run [`rizk_command`] with `args`.
pub fn rizk(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    rizk_command(dir).args(args).output().unwrap()
}

/// Whether the external program `name` (from the Debian package `package`) runs. Missing under
/// `CI=true` is a failure (.ci/run installs it), never a silent pass; elsewhere the caller
/// skips, and this says why.
pub fn tool_present(name: &str, package: &str) -> bool {
    let ok = std::process::Command::new(name)
        .arg(if name == "tmux" { "-V" } else { "--version" })
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is not installed, and CI=true (.ci/run installs it: apt-get install {package})"
        );
        eprintln!("skipped: {name} is not installed (apt-get install {package}; .ci/run does)");
    }
    ok
}
