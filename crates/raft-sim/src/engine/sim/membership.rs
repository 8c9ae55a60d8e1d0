//! Which configuration is in force, for whoever shows the cluster (the page's stage): servers
//! can disagree (a removed server may not know it was removed, a partitioned one lags), so the
//! simulator picks the view that decides, rather than each viewer guessing.
use super::Simulation;
use raft_core::{Configuration, Role};

impl Simulation {
    /// The configuration in force: the leader's (the highest-term one if there are two), else
    /// the most recent one a running server knows (highest term, then a member's over an
    /// outsider's, then the latest in the log). `None` when no server is running.
    pub fn configuration_in_force(&self) -> Option<&Configuration> {
        let running = self.nodes().iter().filter_map(|s| s.raft.as_ref());
        let leader = running.clone().filter(|r| r.role() == Role::Leader).max_by_key(|r| r.current_term());
        // A server outside the cluster knows no configuration: prefer the members' view.
        leader
            .or_else(|| {
                running.max_by_key(|r| (r.current_term(), r.configuration().contains(r.id()), r.configuration_index()))
            })
            .map(|r| r.configuration())
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::builtin;
    use crate::scenario::format::{Action, CrashMode};
    use crate::Simulation;

    fn run(sim: &mut Simulation, until_us: u64) {
        while sim.now() < until_us && sim.step() {}
    }

    #[test]
    fn the_leaders_configuration_is_in_force() {
        let mut sim = Simulation::new(&builtin::cluster(3, false)).unwrap();
        run(&mut sim, 2_000_000);
        let leader = sim.leader().expect("a 3-server cluster elects a leader within 2 s");
        let leaders = sim.node(leader).and_then(|s| s.raft.as_ref()).map(|r| r.configuration().clone());
        assert_eq!(sim.configuration_in_force().cloned(), leaders);
        assert_eq!(sim.configuration_in_force().map(|c| c.voters.len()), Some(3));
    }

    #[test]
    fn without_a_leader_a_running_servers_configuration_is_in_force() {
        let mut sim = Simulation::new(&builtin::cluster(3, false)).unwrap();
        run(&mut sim, 2_000_000);
        let leader = sim.leader().expect("a leader");
        sim.act(Action::Crash { node: leader, mode: CrashMode::Stop }).unwrap();
        assert_eq!(sim.leader(), None);
        let config = sim.configuration_in_force().expect("two servers still run");
        assert!(config.is_voter(leader), "the crashed leader is still a voter in the followers' view");
        for id in 1..=3 {
            sim.act(Action::Crash { node: id, mode: CrashMode::Stop }).unwrap();
        }
        assert_eq!(sim.configuration_in_force(), None);
    }
}
