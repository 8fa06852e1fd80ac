//! Build script: only puts the git commit into `--version` when built from a checkout.
//!
//! Sets `RIZK_SCALE_VERSION` to `0.1.0 (abc1234)` when `git` finds this package's own checkout,
//! and to `0.1.0` otherwise (a crates.io tarball, no git installed, a vendored copy inside some
//! other repository). It never fails the build. Generated docs are NOT produced here: see
//! `tests/generated.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rerun-if-changed=build.rs");
    // Packagers building from a tarball can still name the commit.
    println!("cargo:rerun-if-env-changed=RIZK_SCALE_GIT_COMMIT");
    let commit = std::env::var("RIZK_SCALE_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_string())
        .or_else(commit_of_checkout);
    let full = match commit {
        Some(c) => format!("{version} ({c})"),
        None => version,
    };
    println!("cargo:rustc-env=RIZK_SCALE_VERSION={full}");
}

/// The short commit of HEAD when the manifest directory is the top of a git checkout.
fn commit_of_checkout() -> Option<String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let top = git(&manifest, &["rev-parse", "--show-toplevel"])?;
    // A copy of this crate inside another repository must not report that repository's commit.
    if !same_dir(Path::new(&top), &manifest) {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself (a checkout) and the branch it points to (a commit).
    // HEAD's reflog is appended on every commit, checkout and reset, even when the branch ref
    // itself is packed; the ref files cover repositories without reflogs.
    for file in ["HEAD", "logs/HEAD", "packed-refs"] {
        rerun_if_changed(&manifest, file);
    }
    if let Some(branch) = git(&manifest, &["symbolic-ref", "-q", "HEAD"]) {
        rerun_if_changed(&manifest, &branch);
    }
    git(&manifest, &["rev-parse", "--short=7", "HEAD"])
}

fn rerun_if_changed(dir: &Path, git_file: &str) {
    if let Some(path) = git(dir, &["rev-parse", "--git-path", git_file]) {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Run git in `dir`; its trimmed stdout when it succeeds with some output.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}
