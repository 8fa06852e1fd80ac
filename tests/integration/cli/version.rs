//! `--version`: the package version, and the commit when built from a git checkout.

use std::process::Command;

use crate::cli::util::*;

#[test]
fn version_names_the_commit_of_this_checkout() {
    let out = bin().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let pkg = env!("CARGO_PKG_VERSION");
    let manifest = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["-C", manifest, "rev-parse", "--short=7", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let top = Command::new("git")
        .args(["-C", manifest, "rev-parse", "--show-toplevel"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let from_checkout = top.and_then(|t| t.canonicalize().ok())
        == std::path::Path::new(manifest).canonicalize().ok();
    match head {
        Some(commit) if from_checkout && std::env::var_os("RIZK_SCALE_GIT_COMMIT").is_none() => {
            assert_eq!(text, format!("rizk-scale {pkg} ({commit})\n"));
        }
        // A tarball or a machine without git: the plain version, nothing made up.
        _ => assert!(
            text == format!("rizk-scale {pkg}\n")
                || text.starts_with(&format!("rizk-scale {pkg} (")),
            "{text}"
        ),
    }
}
