//! The import graph flows one way (docs/architecture.md): commands are the top and never import
//! each other; nothing below them names `crate::commands`; the collection layer and the decide
//! step never reach up into `output`; sources, policy, history and the sample never reach up at
//! all. Checked over the source text, so the rule fails a test instead of a review.
//!
//! The same check by hand: `grep -rn 'crate::commands' src | grep -v '^src/lib.rs'` prints
//! nothing.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(file relative to src/, line number, line)` for every line naming one of `paths`.
fn naming(files: &[PathBuf], src: &Path, paths: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if paths.iter().any(|p| line.contains(p)) {
                let rel = file.strip_prefix(src).unwrap().display();
                hits.push(format!("src/{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    hits
}

fn under(files: &[PathBuf], src: &Path, prefixes: &[&str]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| {
            let rel = f.strip_prefix(src).unwrap().to_string_lossy().into_owned();
            prefixes.iter().any(|p| rel.starts_with(p))
        })
        .cloned()
        .collect()
}

#[test]
fn imports_flow_one_way_with_no_command_to_command_or_output_to_command_edge() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "read {} files", files.len());

    // Only lib.rs dispatches to the commands; a command reaches its own parts by `super::`.
    let not_lib: Vec<PathBuf> = files
        .iter()
        .filter(|f| !f.ends_with("lib.rs"))
        .cloned()
        .collect();
    let hits = naming(&not_lib, &src, &["crate::commands"]);
    assert!(
        hits.is_empty(),
        "names crate::commands:\n{}",
        hits.join("\n")
    );

    // The layers below the commands do not depend on how results are shown.
    let middle = under(&files, &src, &["collect/", "decide.rs"]);
    assert!(!middle.is_empty());
    let hits = naming(&middle, &src, &["crate::output", "crate::serve"]);
    assert!(
        hits.is_empty(),
        "collect/decide name output:\n{}",
        hits.join("\n")
    );

    // Settings are resolved once, above them: the collection layer and the decide step take
    // the resolver's plain options, never clap's structs.
    // So do the commands that have settings (history and config take their clap subcommand:
    // nothing of theirs is in the config file), and the options themselves.
    let resolved = under(
        &files,
        &src,
        &[
            "collect/",
            "decide.rs",
            "settings/options.rs",
            "commands/collect.rs",
            "commands/recommend.rs",
            "commands/monitor/",
            "commands/replay.rs",
            "commands/validate.rs",
        ],
    );
    assert!(resolved.len() > 10, "read {} files", resolved.len());
    let hits = naming(&resolved, &src, &["crate::cli", "clap::"]);
    assert!(
        hits.is_empty(),
        "a command or the collection layer takes clap types:\n{}",
        hits.join("\n")
    );

    // Sources, policy, history and the sample are the bottom: they name nothing above them.
    let bottom = under(
        &files,
        &src,
        &["sources/", "policy/", "history/", "sample.rs"],
    );
    assert!(bottom.len() > 20, "read {} bottom files", bottom.len());
    let hits = naming(
        &bottom,
        &src,
        &[
            "crate::collect",
            "crate::decide",
            "crate::output",
            "crate::settings",
        ],
    );
    assert!(
        hits.is_empty(),
        "a bottom layer reaches up:\n{}",
        hits.join("\n")
    );
}
