//! Randomised runs of three nodes over a network that reorders, drops and duplicates messages,
//! with crashes and restarts from persistent state. After every step the safety properties of
//! Figure 3 must hold: Election Safety, Log Matching, State Machine Safety, Leader Completeness,
//! and each node's commitIndex never decreases (between restarts).
mod common;

use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use raft_core::{
    Backtrack, Entry, Envelope, Index, Micros, NodeId, PersistentState, RaftConfig, RaftNode, Ready, Role, Term,
};
use std::collections::BTreeMap;

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

struct World {
    config: RaftConfig,
    nodes: BTreeMap<NodeId, RaftNode>,
    /// Each node's stable storage, written only from what its Ready carries.
    disks: BTreeMap<NodeId, PersistentState>,
    queue: Vec<Envelope>,
    now: Micros,
    rng: Lcg,
    seq: u64,
    // Observations for the invariants.
    leader_of_term: BTreeMap<Term, NodeId>,
    commit_seen: BTreeMap<NodeId, Index>,
    /// Every entry known committed, with the lowest term at which a node knew it committed (no
    /// lower than the term of the leader that committed it).
    committed: BTreeMap<Index, (Entry, Term)>,
}

impl World {
    fn new(config: RaftConfig, seed: u64) -> World {
        let mut rng = Lcg(seed);
        let nodes = MEMBERS
            .iter()
            .map(|&id| (id, RaftNode::new(id, &MEMBERS, config.clone(), Default::default(), 0, &mut rng)))
            .collect();
        World {
            config,
            nodes,
            disks: MEMBERS.iter().map(|&id| (id, PersistentState::default())).collect(),
            queue: Vec::new(),
            now: 0,
            rng,
            seq: 0,
            leader_of_term: BTreeMap::new(),
            commit_seen: BTreeMap::new(),
            committed: BTreeMap::new(),
        }
    }

    fn collect(&mut self) {
        let mut ready = Ready::default();
        for (id, node) in self.nodes.iter_mut() {
            let log = node.take_ready(&mut ready);
            if ready.persist {
                self.disks.entry(*id).or_default().write(&ready, log);
            }
            self.queue.append(&mut ready.messages);
        }
    }

    fn step(&mut self, action: &Action) {
        match *action {
            Action::Deliver(i) if !self.queue.is_empty() => {
                let env = self.queue.remove(i % self.queue.len());
                let node = self.nodes.get_mut(&env.to).unwrap();
                node.handle_message(self.now, env.from, env.message, &mut self.rng);
            }
            Action::Drop(i) if !self.queue.is_empty() => {
                self.queue.remove(i % self.queue.len());
            }
            Action::Duplicate(i) if !self.queue.is_empty() => {
                let env = self.queue[i % self.queue.len()].clone();
                self.queue.push(env);
            }
            Action::Deliver(_) | Action::Drop(_) | Action::Duplicate(_) => {}
            Action::Tick(dt) => {
                self.now += dt;
                for node in self.nodes.values_mut() {
                    if node.next_deadline() <= self.now {
                        node.handle_timeout(self.now, &mut self.rng);
                    }
                }
            }
            Action::Campaign(id) => {
                self.nodes.get_mut(&id).unwrap().force_election_timeout(self.now, &mut self.rng);
            }
            Action::Client(id) => {
                self.seq += 1;
                let request = put(self.seq, "k", &format!("v{}", self.seq));
                self.nodes.get_mut(&id).unwrap().handle_client_request(self.now, 1, request);
            }
            Action::Restart(id) => {
                let state = self.disks[&id].clone();
                let node = RaftNode::new(id, &MEMBERS, self.config.clone(), state, self.now, &mut self.rng);
                self.nodes.insert(id, node);
                self.commit_seen.remove(&id);
                // The crashed node's unsent output is lost with it.
                self.queue.retain(|e| e.from != id);
            }
        }
        self.collect();
    }

    fn check(&mut self) -> Result<(), TestCaseError> {
        // Stable storage, written from Ready alone, holds what each node would boot from.
        for n in self.nodes.values() {
            prop_assert_eq!(self.disks.get(&n.id()), Some(&n.persistent_state()), "S{} storage", n.id());
        }
        // Election Safety: at most one leader per term, over the whole run.
        for n in self.nodes.values() {
            if n.role() == Role::Leader {
                let first = *self.leader_of_term.entry(n.current_term()).or_insert(n.id());
                prop_assert_eq!(first, n.id(), "two leaders in term {}", n.current_term());
            }
        }
        // commitIndex never decreases, never exceeds the log; lastApplied follows it.
        for n in self.nodes.values() {
            let seen = self.commit_seen.entry(n.id()).or_insert(0);
            prop_assert!(
                n.commit_index() >= *seen,
                "node {} commit went back from {} to {}",
                n.id(),
                seen,
                n.commit_index()
            );
            *seen = n.commit_index();
            prop_assert!(n.commit_index() <= n.log().last_index());
            prop_assert!(n.last_applied() <= n.commit_index());
        }
        // Log Matching: same index and term => identical prefixes.
        let nodes: Vec<&RaftNode> = self.nodes.values().collect();
        for (i, a) in nodes.iter().enumerate() {
            for b in &nodes[i + 1..] {
                let (ea, eb) = (a.log().to_vec(), b.log().to_vec());
                let common = ea.len().min(eb.len());
                if let Some(k) = (0..common).rev().find(|&k| ea[k].term == eb[k].term) {
                    prop_assert_eq!(
                        &ea[..=k],
                        &eb[..=k],
                        "logs of {} and {} match at {} but differ before",
                        a.id(),
                        b.id(),
                        k + 1
                    );
                }
            }
        }
        // State Machine Safety: an index is only ever committed with one entry.
        for n in &nodes {
            for entry in n.log().iter().take(n.commit_index() as usize) {
                let known = self.committed.entry(entry.index).or_insert((entry.clone(), n.current_term()));
                prop_assert_eq!(&known.0, entry, "node {} committed a different entry at {}", n.id(), entry.index);
                known.1 = known.1.min(n.current_term());
            }
        }
        // Leader Completeness: a leader of a later term holds every committed entry.
        for n in &nodes {
            if n.role() != Role::Leader {
                continue;
            }
            for (index, (entry, term)) in &self.committed {
                if n.current_term() > *term {
                    prop_assert_eq!(
                        n.log().get(*index),
                        Some(entry),
                        "leader {} of term {} lacks committed entry {}",
                        n.id(),
                        n.current_term(),
                        index
                    );
                }
            }
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
        leaders += world.leader_of_term.len();
        commits += world.committed.len();
    }
    assert!(leaders >= 32, "only {leaders} leaders in 32 runs");
    assert!(commits >= 32, "only {commits} committed entries in 32 runs");
}
