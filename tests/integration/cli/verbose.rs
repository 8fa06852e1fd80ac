//! `-v/--verbose`: diagnostics on stderr only, secrets redacted, `--json` stdout unchanged.

use crate::cli::util::*;

fn lines_with<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn verbose_names_the_config_file_and_the_history_on_stderr_only() {
    let env = Env::new();
    let config = env.dir.path().join("rizk-scale.toml");
    std::fs::write(&config, "[replicas]\nmin = 4\n").unwrap();
    let out = env
        .cmd()
        .args(["-v", "collect", "--no-host", "--metric", "cpu_percent=50"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let info = lines_with(&err, "rizk-scale: info: ");
    assert!(
        info.contains(&format!("rizk-scale: info: config file: {}", config.display()).as_str()),
        "{err}"
    );
    assert!(
        info.iter().any(|l| l.starts_with(&format!(
            "rizk-scale: info: history: {} (file, capacity 100)",
            env.history().display()
        ))),
        "{err}"
    );
    assert!(
        !lines_with(&err, "rizk-scale: debug: ").iter().any(|_| true),
        "-v is info only: {err}"
    );
    // Without -v: the same command says nothing on stderr, and stdout is the same either way.
    let quiet = env
        .cmd()
        .args(["collect", "--no-host", "--metric", "cpu_percent=50"])
        .output()
        .unwrap();
    assert_eq!(stderr(&quiet), "");
    // Nothing extra on stdout: the same "Collected …" summary as without -v (but for the
    // sample's time and the count in the history, one more).
    let shape = |o: &std::process::Output| {
        let text = stdout(o);
        assert!(text.starts_with("Collected a sample"), "{text}");
        text.lines()
            .skip(1)
            .take(11)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&out), shape(&quiet));
}

#[test]
fn json_stdout_is_unchanged_by_verbose() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&["cpu_percent=95", "memory_percent=85"]);
    }
    let args = ["recommend", "--json", "--current-replicas", "5"];
    let plain = env.cmd().args(args).output().unwrap();
    let verbose = env.cmd().arg("-vv").args(args).output().unwrap();
    assert!(plain.status.success() && verbose.status.success());
    assert_eq!(plain.stdout, verbose.stdout);
    let err = stderr(&verbose);
    assert!(
        err.contains("rizk-scale: info: policy: threshold; replicas 3..50; max age 15m"),
        "{err}"
    );
    assert!(
        err.contains("rizk-scale: debug: history: read 3 samples"),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("rizk-scale: ")), "{err}");
}

#[test]
fn verbose_reports_each_scrape_with_its_duration_and_no_secret() {
    let env = Env::new();
    let page = env.dir.path().join("metrics.txt");
    std::fs::write(&page, "http_requests_total 5\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file_url = format!("file://{}", page.display());
    let secret_url = format!("http://admin:hunter2@127.0.0.1:{port}/metrics");
    let out = env
        .cmd()
        .args(["-v", "collect", "--json", "--no-host", "--timeout", "2s"])
        .args(["--endpoint", &file_url, "--endpoint", &secret_url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains("hunter2") && !stdout(&out).contains("hunter2"),
        "{err}"
    );
    let scraped = lines_with(&err, "rizk-scale: info: endpoint ");
    assert_eq!(scraped.len(), 2, "{err}");
    assert!(
        scraped[0].starts_with(&format!(
            "rizk-scale: info: endpoint '{file_url}': scraped in "
        )) && scraped[0].ends_with(" ms"),
        "{err}"
    );
    assert!(
        scraped[1].starts_with(&format!(
            "rizk-scale: info: endpoint 'http://admin:***@127.0.0.1:{port}/metrics': failed in "
        )),
        "{err}"
    );
}

#[test]
fn quiet_and_verbose_conflict() {
    let env = Env::new();
    let out = env.cmd().args(["-q", "-v", "recommend"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}
