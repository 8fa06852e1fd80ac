//! `rizk-scale config show|init|check`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use anyhow::{Context, Result, bail};
use clap::ArgMatches;
use serde::Serialize;

use crate::cli::ConfigCmd;
use crate::config;
use crate::exit::Exit;
use crate::output::{self, json, table};
use crate::settings::App;
use crate::settings::resolve::{self, Effective, Source};

#[derive(Serialize)]
struct ShowView<'a> {
    schema_version: u32,
    config_file: Option<String>,
    settings: &'a [Effective],
}

/// `config …`.
pub fn run(app: &App, cmd: &ConfigCmd, matches: &ArgMatches) -> Result<Exit> {
    match cmd {
        ConfigCmd::Show { json, hpa } => show(app, *json, hpa.as_deref(), matches),
        ConfigCmd::Init { path, force } => {
            if path.exists() && !force {
                bail!(
                    "config '{}' exists (use --force to overwrite)",
                    path.display()
                );
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .mode(0o600)
                .create_new(!force)
                .create(*force)
                .truncate(*force)
                .open(path)
                .with_context(|| format!("writing config '{}'", path.display()))?;
            file.write_all(config::DEFAULT_FILE.as_bytes())
                .with_context(|| format!("writing config '{}'", path.display()))?;
            output::emit(&format!("wrote {}\n", path.display()))?;
            Ok(Exit::Success)
        }
        ConfigCmd::Check { path } => {
            let checked = match path {
                Some(p) if !p.exists() => bail!("config '{}' not found", p.display()),
                Some(p) => config::load(p)?.path,
                None => match &app.config {
                    Some(c) => c.path.clone(),
                    None => {
                        output::emit("no configuration file found: defaults apply\n")?;
                        return Ok(Exit::Success);
                    }
                },
            };
            output::emit(&format!("{}: ok\n", checked.display()))?;
            Ok(Exit::Success)
        }
    }
}

fn show(app: &App, as_json: bool, hpa: Option<&str>, matches: &ArgMatches) -> Result<Exit> {
    // The same resolver the commands run with: what is shown is what they use.
    let mut rows = resolve::effective(matches, app.config.as_ref())?;
    if let Some(spec) = hpa {
        add_hpa_rows(&mut rows, spec)?;
    }
    let file = app.config.as_ref().map(|c| c.path.display().to_string());
    if as_json {
        let view = ShowView {
            schema_version: json::SCHEMA_VERSION,
            config_file: file,
            settings: &rows,
        };
        output::emit(&json::pretty(&view)?)?;
        return Ok(Exit::Success);
    }
    let t = table::settings_table(&rows, app.color, app.width);
    let head = match file {
        Some(f) => format!("Configuration file: {f}\n"),
        None => "Configuration file: none (defaults apply)\n".to_string(),
    };
    output::emit(&format!("{head}{t}\n"))?;
    Ok(Exit::Success)
}

/// `config show --hpa FILE`: the manifest's bounds replace the defaults (not a flag, variable or
/// config value, which would win over it), then its targets and behavior, all sourced to it.
fn add_hpa_rows(rows: &mut Vec<Effective>, spec: &str) -> Result<()> {
    let file = crate::sources::hpa_file::read(spec)?;
    let source = || Source::Hpa(spec.to_string());
    for (key, value) in [
        ("replicas.min", file.min_replicas),
        ("replicas.max", file.max_replicas),
    ] {
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.key == key && r.source == Source::Default)
        {
            row.value = value.to_string();
            row.source = source();
        }
    }
    let targets: Vec<String> = file
        .targets
        .iter()
        .map(|(m, t)| format!("{m}={t}"))
        .collect();
    let mut add = |key: &str, value: String| {
        rows.push(Effective {
            key: key.to_string(),
            value,
            source: source(),
        })
    };
    add("hpa.targets", targets.join(", "));
    let b = &file.behavior;
    for (key, rules) in [
        ("hpa.scale_up", &b.scale_up),
        ("hpa.scale_down", &b.scale_down),
    ] {
        let window = humantime::format_duration(rules.window);
        add(key, format!("{}, window {window}", rules.describe()));
    }
    if !file.not_expressible.is_empty() {
        add("hpa.not_expressible", file.not_expressible.join("; "));
    }
    Ok(())
}
