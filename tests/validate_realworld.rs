//! `validate` on the real-world corpus in `tests/fixtures/realworld/` (files written by others,
//! listed in its SOURCES.md): every valid manifest and nginx configuration is read, files that
//! are not Kubernetes objects are skipped with a note, Helm templates are a one-line error, and
//! the verdicts on real files are the ones an SRE would sign.

use std::path::{Path, PathBuf};

use rizk_scale::sources::{manifests, nginx};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&corpus(), &mut out);
    out
}

fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

/// nginx files: `*.conf`, and the parameter/type files nginx ships in its `conf/`.
fn is_nginx(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "conf") || p.starts_with(corpus().join("nginx/conf"))
}

fn rel(p: &Path) -> String {
    p.strip_prefix(corpus()).unwrap().display().to_string()
}

/// Files that are not valid as they are, and the error each must give.
const EXPECTED_ERRORS: [(&str, &str); 10] = [
    (
        "kube-linter/mychart/templates/deployment.yaml",
        "deployment.yaml:4: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/hpa.yaml",
        "hpa.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/ingress.yaml",
        "ingress.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/service.yaml",
        "service.yaml:4: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/serviceaccount.yaml",
        "serviceaccount.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/tests/test-connection.yaml",
        "test-connection.yaml:4: a Helm template",
    ),
    // kube-score's parser test: `port: ${PORT_EXPOSE}` is an envsubst placeholder.
    (
        "kube-score/testdata/invalid-yaml.yaml",
        "invalid-yaml.yaml:9:11: spec.ports[0].port: invalid type",
    ),
    (
        "nginx-demos/consul-template-demo/nginx/nginx.conf",
        "nginx.conf:1: a template ('{{ … }}'), not nginx syntax",
    ),
    // ingress-nginx's whitespace-cleaner inputs are cut off before `http {` closes (15 '{', 14 '}').
    (
        "ingress-nginx/test/data/cleanConf.expected.conf",
        "cleanConf.expected.conf:135: unexpected end of file, expecting '}' (for 'http' opened at line 20)",
    ),
    (
        "ingress-nginx/test/data/cleanConf.src.conf",
        "cleanConf.src.conf:182: unexpected end of file, expecting '}' (for 'http' opened at line 37)",
    ),
];

fn read_one(f: &Path) -> Result<Vec<String>, String> {
    if is_yaml(f) {
        manifests::read(std::slice::from_ref(&f.to_path_buf()))
            .map(|m| m.notes)
            .map_err(|e| e.0)
    } else {
        nginx::read(f).map(|c| c.notes).map_err(|e| e.0)
    }
}

#[test]
fn every_valid_file_is_read_and_every_invalid_one_names_its_line() {
    let all: Vec<PathBuf> = files()
        .into_iter()
        .filter(|f| is_yaml(f) || is_nginx(f))
        .collect();
    let sources: std::collections::BTreeSet<String> = all
        .iter()
        .filter_map(|f| rel(f).split('/').next().map(str::to_string))
        .collect();
    assert!(all.len() >= 150, "{} files", all.len());
    assert!(sources.len() >= 8, "{sources:?}");
    let mut rejected = Vec::new();
    let mut notes = Vec::new();
    for f in &all {
        let name = rel(f);
        let expected = EXPECTED_ERRORS.iter().find(|(p, _)| *p == name);
        match (read_one(f), expected) {
            (Ok(n), None) => notes.extend(n),
            (Err(e), None) => rejected.push(e),
            (Ok(_), Some((_, want))) => {
                rejected.push(format!("{name}: read, but should fail with {want:?}"))
            }
            (Err(e), Some((_, want))) => {
                assert!(e.contains(want), "{name}: {e:?} does not contain {want:?}");
                assert!(!e.contains('\n'), "{name}: {e:?} is not one line");
            }
        }
    }
    eprintln!(
        "{} files from {} sources; {} notes",
        all.len(),
        sources.len(),
        notes.len()
    );
    assert!(
        rejected.is_empty(),
        "{} of {} files rejected:\n{}",
        rejected.len(),
        all.len(),
        rejected.join("\n")
    );
    // Files that are not Kubernetes objects are named in a note, not refused.
    for skipped in [
        "kube-linter/mychart/Chart.yaml",
        "kube-linter/mychart/values.yaml",
        "microservices-demo/kubernetes-manifests/kustomization.yaml",
    ] {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(skipped) && n.contains("skipped")),
            "no note for {skipped}: {notes:#?}"
        );
    }
    // Includes of the machine the file came from are noted, not fatal.
    assert!(
        notes
            .iter()
            .any(|n| n.contains("include '/etc/nginx/mime.types' not found")),
        "{notes:#?}"
    );
}
