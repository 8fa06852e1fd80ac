//! `monitor --coordinate`: start the leader election beside the loop and follow its standing
//! (role changes on stderr, `rizk_scale_leader` for the exporter).

use super::*;

impl Monitor<'_> {
    /// `--coordinate`: start the election, wait for its first result (so the first tick knows
    /// its role) and follow its standing: role changes on stderr, `rizk_scale_leader` at once.
    pub(super) async fn start_coordination(&mut self) -> Option<JoinHandle<()>> {
        if !self.cmd.coordinate {
            return None;
        }
        let HistoryStore::Redis(store) = &self.app.history else {
            return None;
        };
        let instance = self
            .collector
            .instance()
            .unwrap_or("rizk-scale")
            .to_string();
        let mut coordinator = Coordinator::spawn(Plan {
            seeds: store.seeds().to_vec(),
            key: self.app.keys.leader.clone(),
            holder: lease::holder_id(&instance),
            interval: self.cmd.coordination_interval,
        });
        coordinator
            .first_result(self.cmd.coordination_interval)
            .await;
        let mut rx = coordinator.subscribe();
        let shared = self.shared.clone();
        let service = self.app.service.clone();
        diag::note(&format!(
            "coordinating service '{service}' as '{}' (lease {})",
            coordinator.holder(),
            humantime::format_duration(self.cmd.coordination_interval)
        ));
        let watcher = tokio::spawn(async move {
            let mut shown: Option<(bool, Option<String>, bool)> = None;
            loop {
                let standing = rx.borrow_and_update().clone();
                let key = (
                    standing.leader,
                    standing.holder.clone(),
                    standing.error.is_some(),
                );
                if shown.as_ref() != Some(&key) {
                    if standing.error.is_some() {
                        diag::warn(&standing.describe(&service));
                    } else {
                        diag::note(&standing.describe(&service));
                    }
                    shown = Some(key);
                }
                if let Some(shared) = &shared {
                    let mut p = shared.lock();
                    p.snapshot.leader = Some(standing.leader);
                    if !standing.leader {
                        // Only the leader publishes a recommendation.
                        p.snapshot.decision = None;
                        p.snapshot.target_replicas = None;
                    }
                }
                if rx.changed().await.is_err() {
                    break;
                }
            }
        });
        self.coordinator = Some(coordinator);
        Some(watcher)
    }
}
