//! Availability of the simulated cluster, measured the way the course notes define it: the
//! cluster is *up* while a leader can commit — it runs, and it can exchange messages with a
//! quorum of its configuration — and *down* otherwise. Up periods end in failures and down
//! periods in repairs, so the run gives MTTF and MTTR and the notes' A = MTTF / (MTTF + MTTR)
//! can be read off it, next to the measured share of time up and the commit latency clients saw.
use crate::engine::network::Endpoint;
use crate::engine::sim::{NodeStatus, Simulation};
use raft_core::{Micros, NodeId, Role, Term};
use serde::Serialize;

/// Whether a leader could commit now: a running leader that reaches, both ways, running
/// servers forming a quorum of its configuration (itself included).
pub fn leader_can_commit(sim: &Simulation) -> bool {
    committing_leader(sim).is_some()
}

/// The leader that could commit now, with its term: the highest-term running leader, if it
/// reaches, both ways, running servers forming a quorum of its configuration (itself included).
pub fn committing_leader(sim: &Simulation) -> Option<(NodeId, Term)> {
    let (term, id, raft) = sim
        .nodes()
        .iter()
        .filter(|s| s.status == NodeStatus::Up)
        .filter_map(|s| s.raft.as_ref().filter(|r| r.role() == Role::Leader).map(|r| (r.current_term(), s.id, r)))
        .max_by_key(|(term, id, _)| (*term, *id))?;
    let network = sim.network();
    raft.configuration()
        .is_quorum_where(|p: NodeId| {
            p == id
                || (sim.node(p).is_some_and(|s| s.status == NodeStatus::Up && s.raft.is_some())
                    && network.connected(Endpoint::Node(id), Endpoint::Node(p))
                    && network.connected(Endpoint::Node(p), Endpoint::Node(id)))
        })
        .then_some((id, term))
}

/// Accumulates up and down time as the run goes (the simulator calls it after every event).
#[derive(Clone, Debug, Default)]
pub struct AvailabilityTracker {
    last_us: Micros,
    up: bool,
    /// Until the first leader can commit, the cluster is booting, not failed.
    booted_at: Option<Micros>,
    up_us: Micros,
    down_us: Micros,
    failures: u32,
    repairs: u32,
    answered: u64,
    latency_sum_us: u64,
}

impl AvailabilityTracker {
    pub fn observe(&mut self, now: Micros, up: bool) {
        let elapsed = now.saturating_sub(self.last_us);
        if self.booted_at.is_some() {
            if self.up {
                self.up_us += elapsed;
            } else {
                self.down_us += elapsed;
            }
        }
        match (self.up, up) {
            (false, true) if self.booted_at.is_none() => self.booted_at = Some(now),
            (false, true) => self.repairs += 1,
            (true, false) => self.failures += 1,
            _ => {}
        }
        self.up = up;
        self.last_us = now;
    }

    /// A client got its answer `latency` after asking.
    pub fn answered(&mut self, latency: Micros) {
        self.answered += 1;
        self.latency_sum_us += latency;
    }

    /// The figures as of `now`.
    pub fn summary(&self, now: Micros) -> Availability {
        let mut t = self.clone();
        t.observe(now, self.up);
        let observed_us = t.up_us + t.down_us;
        let mean = |total: Micros, n: u32| (n > 0).then(|| total as f64 / n as f64);
        // Every failure ends an up period: MTTF = up time / failures. Every repair ends a down
        // period (the one in progress counts too, as time already down).
        let mttf_us = mean(t.up_us, t.failures);
        let mttr_us = mean(t.down_us, t.failures);
        Availability {
            boot_us: t.booted_at,
            observed_us,
            up_us: t.up_us,
            down_us: t.down_us,
            up_now: t.up,
            failures: t.failures,
            repairs: t.repairs,
            measured: (observed_us > 0).then(|| t.up_us as f64 / observed_us as f64),
            mttf_us,
            mttr_us,
            formula: match (mttf_us, mttr_us) {
                (Some(f), Some(r)) if f + r > 0.0 => Some(f / (f + r)),
                _ => None,
            },
            answered: t.answered,
            commit_latency_us: (t.answered > 0).then(|| t.latency_sum_us as f64 / t.answered as f64),
        }
    }
}

/// Availability figures of a run so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Availability {
    /// When a leader could first commit (before that the cluster was booting).
    pub boot_us: Option<Micros>,
    /// Time observed since then, split into up and down.
    pub observed_us: Micros,
    pub up_us: Micros,
    pub down_us: Micros,
    pub up_now: bool,
    pub failures: u32,
    pub repairs: u32,
    /// Share of the observed time up.
    pub measured: Option<f64>,
    /// Mean time to failure and to repair; unknown until the first failure.
    pub mttf_us: Option<f64>,
    pub mttr_us: Option<f64>,
    /// MTTF / (MTTF + MTTR).
    pub formula: Option<f64>,
    /// Client requests answered, and the mean time from request to answer.
    pub answered: u64,
    pub commit_latency_us: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_is_not_a_failure_and_the_formula_matches_the_measured_share() {
        let mut t = AvailabilityTracker::default();
        t.observe(0, false);
        t.observe(300, true); // first leader: booted
        t.observe(1_300, false); // failure after 1000 up
        t.observe(1_500, true); // repaired after 200 down
        t.observe(2_500, false); // failure after 1000 up
        let a = t.summary(2_800); // down 300 so far
        assert_eq!(a.boot_us, Some(300));
        assert_eq!((a.up_us, a.down_us, a.failures, a.repairs), (2_000, 500, 2, 1));
        assert_eq!((a.mttf_us, a.mttr_us), (Some(1_000.0), Some(250.0)));
        assert!((a.formula.unwrap() - 0.8).abs() < 1e-9);
        assert!((a.measured.unwrap() - a.formula.unwrap()).abs() < 1e-9);
        assert!(!a.up_now);
    }

    #[test]
    fn commit_latency_is_the_mean_time_to_an_answer() {
        let mut t = AvailabilityTracker::default();
        assert_eq!(t.summary(0).commit_latency_us, None);
        t.answered(10_000);
        t.answered(30_000);
        assert_eq!(t.summary(0).commit_latency_us, Some(20_000.0));
    }
}
