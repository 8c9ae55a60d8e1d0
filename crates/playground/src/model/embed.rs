//! What the embed API (docs/embed-api.md) tells a host page: a summary of the moment and the
//! events since the last one it was told. Both are read from the simulator's snapshot (each
//! server's role, term and commit index as raft-core holds them; the session's milestones; the
//! invariant checker's violations): nothing here decides anything about the protocol.
use raft_sim::sim::{MilestoneKind, Simulation};
use serde::Serialize;

/// One server as the summary gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSummary {
    pub id: u32,
    /// "follower", "pre-candidate", "candidate" or "leader" (a crashed server: "crashed").
    pub role: String,
    pub term: u64,
    pub commit_index: u64,
    /// "up", "paused" or "crashed".
    pub status: &'static str,
}

/// The moment, for the `state` command and the `ready` event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub time_ms: f64,
    pub events: u64,
    pub playing: bool,
    /// The one running leader, if exactly one server leads the highest term led.
    pub leader: Option<u32>,
    /// The highest commit index any running server knows.
    pub commit_index: u64,
    pub servers: Vec<ServerSummary>,
    /// How many distinct violations the checker has found on this branch.
    pub violations: u64,
    pub trace_hash: String,
}

impl Summary {
    pub fn of(sim: &Simulation, playing: bool) -> Summary {
        let servers: Vec<ServerSummary> = sim
            .nodes()
            .iter()
            .map(|slot| {
                let status = slot.status.name();
                match &slot.raft {
                    Some(r) => ServerSummary {
                        id: slot.id,
                        role: r.role().to_string(),
                        term: r.current_term(),
                        commit_index: r.commit_index(),
                        status,
                    },
                    None => ServerSummary {
                        id: slot.id,
                        role: "crashed".into(),
                        term: slot.disk.current_term,
                        commit_index: 0,
                        status,
                    },
                }
            })
            .collect();
        Summary {
            time_ms: sim.now() as f64 / 1000.0,
            events: sim.events(),
            playing,
            leader: sim.leader(),
            commit_index: servers.iter().map(|s| s.commit_index).max().unwrap_or(0),
            servers,
            violations: sim.total_violations(),
            trace_hash: sim.trace_hash_hex(),
        }
    }
}

/// Something the host page is told without asking (the `event` field of the message).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Event {
    /// A server won an election (from the session's milestones).
    Leader { node: u32, term: u64, time_ms: f64 },
    /// A server's role or term is not what it was when last told.
    Role { node: u32, role: String, term: u64, time_ms: f64 },
    /// The highest commit index grew.
    Commit { index: u64, time_ms: f64 },
    /// The checker found a broken property.
    Violation { property: &'static str, message: String, time_ms: f64 },
    /// The open tour step reached its pause point.
    Step { tour: String, step: usize },
    /// The task (a tour step's, or one the host set) is done.
    Done { task: String },
}

/// What the host was last told, to tell it only what changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Watcher {
    /// The run the cursor below belongs to: events and milestones of another run (a new
    /// scenario, a seek back) are not compared with this one's.
    run: u64,
    /// How many of the session's milestones have been looked at.
    milestones: usize,
    /// (role, term) per server as last told.
    roles: Vec<(String, u64)>,
    commit: u64,
    violations: u64,
}

impl Watcher {
    /// The events since the last call. `run` changes when another run is opened: its state is
    /// then taken as the starting point (told with the `ready` summary), and only what happens
    /// after it is an event. Going back in time re-reads the branch from there.
    pub fn events(&mut self, run: u64, sim: &Simulation) -> Vec<Event> {
        let now = Summary::of(sim, false);
        let time_ms = now.time_ms;
        let roles: Vec<(String, u64)> = now.servers.iter().map(|s| (s.role.clone(), s.term)).collect();
        let milestones = sim.milestones();
        if run != self.run {
            *self = Watcher {
                run,
                milestones: milestones.len(),
                roles,
                commit: now.commit_index,
                violations: now.violations,
            };
            return Vec::new();
        }
        let mut out = Vec::new();
        // Back in time: the milestones left are the ones already looked at.
        let from = self.milestones.min(milestones.len());
        for m in &milestones[from..] {
            if let MilestoneKind::Leader { node, term, .. } = m.kind {
                out.push(Event::Leader { node, term, time_ms: m.time_us as f64 / 1000.0 });
            }
        }
        self.milestones = milestones.len();
        for (i, (s, now_role)) in now.servers.iter().zip(&roles).enumerate() {
            if self.roles.get(i) != Some(now_role) {
                out.push(Event::Role { node: s.id, role: s.role.clone(), term: s.term, time_ms });
            }
        }
        self.roles = roles;
        if now.commit_index > self.commit {
            out.push(Event::Commit { index: now.commit_index, time_ms });
        }
        self.commit = now.commit_index;
        if now.violations > self.violations {
            let new = now.violations - self.violations;
            let listed = sim.violations();
            for v in listed.iter().skip(listed.len().saturating_sub(new as usize)) {
                out.push(Event::Violation {
                    property: v.property.name(),
                    message: v.message.clone(),
                    time_ms: v.time_us as f64 / 1000.0,
                });
            }
        }
        self.violations = now.violations;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::scenario::{Action, CrashMode};

    fn sim() -> Simulation {
        let scenario = raft_sim::builtin::by_name("first-election").expect("the built-in");
        Simulation::new(&scenario).expect("runs")
    }

    #[test]
    fn the_summary_is_the_servers_state() {
        let mut sim = sim();
        sim.run_until(2_000_000);
        let s = Summary::of(&sim, true);
        assert_eq!(s.servers.len(), sim.nodes().len());
        let leader = sim.leader().expect("a leader by 2 s");
        assert_eq!(s.leader, Some(leader));
        let raft = sim.node(leader).and_then(|n| n.raft.as_ref()).expect("running");
        let l = &s.servers[leader as usize - 1];
        assert_eq!((l.role.as_str(), l.term, l.commit_index), ("leader", raft.current_term(), raft.commit_index()));
        assert_eq!(s.trace_hash, sim.trace_hash_hex());
    }

    #[test]
    fn events_tell_what_changed_once() {
        let mut sim = sim();
        let mut w = Watcher::default();
        assert!(w.events(1, &sim).is_empty(), "a new run is the starting point");
        sim.run_until(2_000_000);
        let events = w.events(1, &sim);
        let leader = sim.leader().expect("a leader by 2 s");
        assert!(events.iter().any(|e| matches!(e, Event::Leader { node, .. } if *node == leader)), "{events:?}");
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::Role { node, role, .. } if *node == leader && role == "leader")));
        assert!(w.events(1, &sim).is_empty(), "nothing changed, nothing told");
        sim.act(Action::CrashLeader { mode: CrashMode::Recover }).expect("crash");
        sim.run_until(2_000_001);
        let events = w.events(1, &sim);
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::Role { node, role, .. } if *node == leader && role == "crashed")));
        assert!(w.events(2, &sim).is_empty(), "another run starts from its own state");
    }
}
