//! Randomised runs of three nodes over a network that reorders, drops and duplicates messages,
//! with crashes and restarts from persistent state. After every step the safety properties of
//! Figure 3 must hold: Election Safety, Log Matching, State Machine Safety, Leader Completeness,
//! and each node's commitIndex never decreases (between restarts). The network is the common
//! `Cluster`; the properties are checked by the simulator's invariant checker, which the
//! `Cluster` shows every step.
mod common;

use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use raft_core::{Backtrack, Index, Micros, NodeId, PersistentState, RaftConfig, Role, Term};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Action {
    /// Deliver the message at this position (modulo the queue length): arbitrary reordering.
    Deliver(usize),
    Drop(usize),
    Duplicate(usize),
    /// Advance the clock and fire every due timer.
    Tick(Micros),
    /// Operator: force an election timeout on a node.
    Campaign(NodeId),
    /// A client request to a node.
    Client(NodeId),
    /// Crash a node and reboot it from its persistent state.
    Restart(NodeId),
}

fn action() -> impl Strategy<Value = Action> {
    let node = 1..=3u32;
    prop_oneof![
        12 => any::<usize>().prop_map(Action::Deliver),
        2 => any::<usize>().prop_map(Action::Drop),
        2 => any::<usize>().prop_map(Action::Duplicate),
        4 => (0..120_000u64).prop_map(Action::Tick),
        1 => node.clone().prop_map(Action::Campaign),
        3 => node.clone().prop_map(Action::Client),
        1 => node.prop_map(Action::Restart),
    ]
}

fn config() -> impl Strategy<Value = RaftConfig> {
    (any::<bool>(), any::<bool>(), 1..4usize).prop_map(|(one_by_one, noop, max)| RaftConfig {
        backtrack: if one_by_one { Backtrack::OneByOne } else { Backtrack::ConflictTerm },
        noop_on_election: noop,
        max_entries_per_message: max,
        ..RaftConfig::default()
    })
}

const MEMBERS: [NodeId; 3] = [1, 2, 3];

/// A random run: the common [`Cluster`] (which shows the shared invariant checker every step)
/// driven by random actions, with the run's progress noted so a run that elects nobody and
/// commits nothing is caught.
struct World {
    cluster: Cluster,
    seq: u64,
    /// The terms that had a leader, and the highest commitIndex any node reached.
    leader_terms: BTreeSet<Term>,
    max_commit: Index,
}

impl World {
    fn new(config: RaftConfig, seed: u64) -> World {
        let states = MEMBERS.iter().map(|&id| (id, PersistentState::default())).collect();
        let mut cluster = Cluster::with_seed(states, config, seed);
        // Report violations through proptest (which shrinks the run) instead of panicking.
        cluster.panic_on_violation = false;
        World { cluster, seq: 0, leader_terms: BTreeSet::new(), max_commit: 0 }
    }

    fn step(&mut self, action: &Action) {
        let c = &mut self.cluster;
        let queued = c.queue.len();
        match *action {
            Action::Deliver(i) if queued > 0 => c.deliver_at(i % queued),
            Action::Drop(i) if queued > 0 => {
                c.queue.remove(i % queued);
            }
            Action::Duplicate(i) if queued > 0 => {
                let env = c.queue[i % queued].clone();
                c.queue.push_back(env);
            }
            Action::Deliver(_) | Action::Drop(_) | Action::Duplicate(_) => {}
            Action::Tick(dt) => c.tick(dt),
            Action::Campaign(id) => c.start_campaign(id),
            Action::Client(id) => {
                self.seq += 1;
                c.request(id, 1, put(self.seq, "k", &format!("v{}", self.seq)));
            }
            Action::Restart(id) => {
                c.crash(id);
                // The crashed node's unsent output is lost with it.
                c.queue.retain(|e| e.from != id);
                c.restart(id);
            }
        }
        for n in c.nodes.values() {
            if n.role() == Role::Leader {
                self.leader_terms.insert(n.current_term());
            }
            self.max_commit = self.max_commit.max(n.commit_index());
        }
    }

    /// Figure 3's properties (and monotonic term and commitIndex) are the shared checker's;
    /// what is left here is each node's own bookkeeping.
    fn check(&self) -> Result<(), TestCaseError> {
        let violations = self.cluster.violations();
        prop_assert!(violations.is_empty(), "invariant violated: {:#?}", violations);
        for n in self.cluster.nodes.values() {
            prop_assert!(n.commit_index() <= n.log().last_index());
            prop_assert!(n.last_applied() <= n.commit_index());
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn safety_holds_under_reordering_loss_duplication_and_restarts(
        config in config(),
        seed in any::<u64>(),
        actions in prop::collection::vec(action(), 50..400),
    ) {
        let mut world = World::new(config, seed);
        for action in &actions {
            world.step(action);
            world.check()?;
        }
    }
}

/// The random runs above must actually elect leaders and commit entries, or they check nothing.
#[test]
fn random_runs_make_progress() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (config(), prop::collection::vec(action(), 300..400));
    let mut leaders = 0;
    let mut commits = 0;
    for seed in 0..32 {
        let (config, actions) = strategy.new_tree(&mut runner).unwrap().current();
        let mut world = World::new(config, seed);
        for action in &actions {
            world.step(action);
            world.check().unwrap();
        }
        leaders += world.leader_terms.len();
        commits += world.max_commit;
    }
    assert!(leaders >= 32, "only {leaders} leaders in 32 runs");
    assert!(commits >= 32, "only {commits} committed entries in 32 runs");
}
