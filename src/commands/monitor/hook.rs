//! `--exec-on-change`: what the program is told, when a decision counts as a change, and the
//! task that runs the program one change at a time.

use super::*;

/// How long the end of the run waits for a running `--exec-on-change` program.
pub(super) const HOOK_GRACE: Duration = Duration::from_secs(10);

/// What `--exec-on-change` is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The new action.
    pub action: Action,
    /// The new replica delta.
    pub delta: i64,
    /// The replica target, when `--current-replicas` is known.
    pub target: Option<u32>,
    /// The recommendation's reason.
    pub reason: String,
}

impl Change {
    /// The environment the program gets. `RIZK_TARGET_REPLICAS` is empty when unknown.
    pub fn env(&self) -> [(&'static str, String); 4] {
        [
            ("RIZK_ACTION", self.action.as_str().to_string()),
            ("RIZK_REPLICA_DELTA", self.delta.to_string()),
            (
                "RIZK_TARGET_REPLICAS",
                self.target.map(|t| t.to_string()).unwrap_or_default(),
            ),
            ("RIZK_REASON", self.reason.clone()),
        ]
    }
}

/// Whether a new decision is a change worth announcing (the first one always is, so a
/// restarted monitor re-announces the current state).
pub fn is_change(previous: Option<(Action, i64)>, now: (Action, i64)) -> bool {
    previous != Some(now)
}

/// Run the program for each change, one at a time. Changes arriving while it runs are
/// coalesced: only the latest is delivered next (and not at all if it is what the program was
/// last told). Ends once the loop drops the sender, after delivering the last change.
pub(super) async fn hook_loop(program: Vec<OsString>, mut rx: watch::Receiver<Option<Change>>) {
    let mut delivered: Option<(Action, i64)> = None;
    while rx.changed().await.is_ok() {
        let Some(change) = rx.borrow_and_update().clone() else {
            continue;
        };
        if delivered == Some((change.action, change.delta)) {
            continue;
        }
        delivered = Some((change.action, change.delta));
        if let Err(e) = run_hook(&program, &change).await {
            diag::warn(&format!("{e:#}"));
        }
    }
}

/// Run the program once to completion. Its stdout goes to our stderr (stdout is for ticks).
pub(super) async fn run_hook(program: &[OsString], change: &Change) -> Result<()> {
    let Some((exe, args)) = program.split_first() else {
        return Ok(());
    };
    let shown = exe.to_string_lossy();
    let stdout = io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_or_else(|_| Stdio::null(), Stdio::from);
    let status = tokio::process::Command::new(exe)
        .args(args)
        .envs(change.env())
        .stdin(Stdio::null())
        .stdout(stdout)
        .status()
        .await
        .with_context(|| format!("--exec-on-change '{shown}' could not run"))?;
    if status.success() {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "--exec-on-change '{shown}' failed ({status}) for action {} {:+}",
            change.action.as_str(),
            change.delta
        ))
    }
}

/// Wait for the hook task to deliver the last change; give up after [`HOOK_GRACE`] or on a
/// second signal.
pub(super) async fn wait_for_hook(
    mut task: JoinHandle<()>,
    sigint: &mut Signal,
    sigterm: &mut Signal,
) {
    tokio::select! {
        _ = &mut task => return,
        _ = tokio::time::sleep(HOOK_GRACE) => {}
        _ = sigint.recv() => {}
        _ = sigterm.recv() => {}
    }
    diag::warn("--exec-on-change program still running; not waiting for it");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_action_or_delta_and_the_first_counts() {
        assert!(is_change(None, (Action::Wait, 0)));
        assert!(!is_change(Some((Action::Wait, 0)), (Action::Wait, 0)));
        assert!(is_change(Some((Action::ScaleUp, 1)), (Action::ScaleUp, 2)));
        assert!(is_change(Some((Action::Maintain, 0)), (Action::Wait, 0)));
    }

    #[test]
    fn change_environment() {
        let c = Change {
            action: Action::ScaleDown,
            delta: -1,
            target: None,
            reason: "Low resource usage".into(),
        };
        let env = c.env();
        assert_eq!(env[0], ("RIZK_ACTION", "scale_down".to_string()));
        assert_eq!(env[1], ("RIZK_REPLICA_DELTA", "-1".to_string()));
        assert_eq!(env[2], ("RIZK_TARGET_REPLICAS", String::new()));
        assert_eq!(env[3], ("RIZK_REASON", "Low resource usage".to_string()));
    }

    fn change(action: Action, delta: i64) -> Option<Change> {
        Some(Change {
            action,
            delta,
            target: None,
            reason: "r".into(),
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_hook_never_overlaps_itself_and_coalesces_to_the_latest_change() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let script = format!(
            "mkdir '{d}/running' || echo OVERLAP >> '{d}/log'; sleep 0.3; \
             echo \"$RIZK_ACTION $RIZK_REPLICA_DELTA\" >> '{d}/log'; rmdir '{d}/running'"
        );
        let program = vec!["sh".into(), "-c".into(), script.into()];
        let (tx, rx) = watch::channel(None);
        let task = tokio::spawn(hook_loop(program, rx));
        tx.send_replace(change(Action::ScaleUp, 1));
        tokio::time::sleep(Duration::from_millis(100)).await;
        // While the first run sleeps: three changes, of which only the latest is delivered.
        tx.send_replace(change(Action::Maintain, 0));
        tx.send_replace(change(Action::ScaleUp, 2));
        tx.send_replace(change(Action::ScaleUp, 3));
        drop(tx);
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap();
        let log = std::fs::read_to_string(dir.path().join("log")).unwrap();
        assert_eq!(log, "scale_up 1\nscale_up 3\n");
    }
}
