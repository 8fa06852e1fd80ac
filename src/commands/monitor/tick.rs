//! One monitor tick: read every source (abandoned on a signal), then assemble, append,
//! reload and decide, never cancelled once the append begins.

use super::*;

impl Monitor<'_> {
    /// One tick: sample (host, endpoints), append, reload, decide. A signal during the scrape
    /// abandons the tick (nothing is written); from the append on it runs to completion.
    pub(super) async fn tick(&mut self, sigint: &mut Signal, sigterm: &mut Signal) -> Tick {
        let readings = tokio::select! {
            biased;
            _ = sigint.recv() => return Tick::Abandoned("SIGINT"),
            _ = sigterm.recv() => return Tick::Abandoned("SIGTERM"),
            readings = self.collector.read() => readings,
        };
        Tick::Done(Box::new(readings.and_then(|r| self.finish_tick(r))))
    }

    /// The blocking rest of a tick: never cancelled, so a history write is never torn.
    pub(super) fn finish_tick(&mut self, readings: Readings) -> Result<Ticked> {
        let mut collected = self.collector.finish(self.app, readings)?;
        collect::record_replicas(&mut collected.sample, self.cmd.decide.current_replicas);
        store::store_collected(self.app, &mut collected)?;
        let mut sample = collected.sample;
        // Raw counters are bookkeeping for the next rates, not part of what a tick shows.
        sample.extra.remove(mapping::RAW_FIELD);
        let loaded = self.app.history.load()?;
        let now = collect::now_ms();
        let standing = self.coordinator.as_ref().map(Coordinator::standing);
        let (mut decision, fleet) = match &standing {
            None => (Some(self.decider.decide(&loaded.samples, now)), None),
            Some(s) if s.is_leading(Instant::now()) => {
                // The leader decides for the fleet, as `recommend --fleet` does.
                let (decision, view) = self.decider.decide_fleet(&loaded.samples, now);
                (Some(decision), Some(view))
            }
            Some(_) => (None, None),
        };
        if let Some(d) = decision.as_mut() {
            let location = self.app.history.location();
            let series = fleet.as_ref().map_or(&loaded.samples, |f| &f.series);
            collect::unknown::for_decision(
                &mut d.recommendation.conditions,
                series.last(),
                &collect::unknown::Decided {
                    location: &location,
                    flagged: if fleet.is_some() {
                        &[]
                    } else {
                        &loaded.flagged
                    },
                    max_age: self.decider.max_age(),
                    now,
                },
            );
        }
        Ok(Ticked {
            unknown: collect::unknown::texts(&collected.unknown),
            sample,
            targets: collected.targets,
            history: loaded.samples,
            decision,
            standing,
            fleet,
        })
    }
}
