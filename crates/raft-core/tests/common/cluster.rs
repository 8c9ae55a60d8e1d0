//! The one test network of raft-core's integration tests: nodes driven through the public API
//! only (inputs in, [`Ready`] out) over a deterministic FIFO network with isolation,
//! partitions, crashes and restarts. The scenario tests, the property tests
//! (`properties.rs`) and the transcripts (`transcripts.rs`) all run on it.
//!
//! After every step of every node the simulator's invariant checker
//! (`raft_sim::check::invariants`, one function per property of Figure 3) is shown the node,
//! exactly as the simulator shows it after each event: the core's tests and the simulator
//! check safety with the same code, so a property is written (and fixed) once.
use super::Lcg;
use raft_core::{
    ClientId, ClientReply, ClientRequest, Envelope, Index, Micros, NodeId, PersistentState, RaftConfig, RaftNode, Term,
};
use raft_core::{Notice, Ready, Role};
use raft_sim::invariants::{InvariantChecker, NodeObservation, Violation};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A cluster of nodes connected by a FIFO network. Everything is deterministic: nodes are
/// visited in id order, messages are delivered in the order they were sent.
pub struct Cluster {
    pub nodes: BTreeMap<NodeId, RaftNode>,
    pub now: Micros,
    pub rng: Lcg,
    pub queue: VecDeque<Envelope>,
    /// Nodes cut off from everyone: messages to or from them are dropped.
    pub isolated: BTreeSet<NodeId>,
    /// A partition: a message passes only between two nodes of the same group. Empty: none.
    /// A node named in no group is alone.
    pub partition: Vec<BTreeSet<NodeId>>,
    pub replies: Vec<(NodeId, ClientId, ClientReply)>,
    /// What leaders gave up or handed over, as they reported it.
    pub notices: Vec<(NodeId, Notice)>,
    /// Entries each node deleted from its log, as its `Ready` reported them: (node, index, term).
    pub overwritten: Vec<(NodeId, Index, Term)>,
    /// Messages delivered so far (for counting round trips).
    pub delivered: Vec<Envelope>,
    /// Messages the network lost (a cut link, a crashed recipient), for the transcripts.
    pub dropped: Vec<Envelope>,
    /// What each running node has on stable storage: written from its `Ready` when that says
    /// the changes must be persisted (not under the `no-persist` break rule), read back on a
    /// crash.
    disks: BTreeMap<NodeId, PersistentState>,
    /// What each crashed node had on stable storage, to restart it from.
    pub crashed: BTreeMap<NodeId, PersistentState>,
    /// The config and boot members a restarted node comes back with.
    pub config: RaftConfig,
    pub members: Vec<NodeId>,
    /// Stop at the first violation (the default). Tests that break a rule on purpose turn it off
    /// and read [`Cluster::violations`].
    pub panic_on_violation: bool,
    checker: InvariantChecker,
    /// Steps shown to the checker so far (its "event" numbers).
    steps: u64,
}

impl Cluster {
    /// `n` nodes with ids 1..=n, fresh state and the given config.
    pub fn new(n: u32, config: RaftConfig) -> Cluster {
        let states = (1..=n).map(|id| (id, PersistentState::default())).collect();
        Cluster::with_states(states, config)
    }

    pub fn with_states(states: Vec<(NodeId, PersistentState)>, config: RaftConfig) -> Cluster {
        Cluster::with_seed(states, config, 7)
    }

    /// Nodes booted from `states`, with timeouts drawn from a generator seeded with `seed`.
    pub fn with_seed(states: Vec<(NodeId, PersistentState)>, config: RaftConfig, seed: u64) -> Cluster {
        let mut rng = Lcg(seed);
        let members: Vec<NodeId> = states.iter().map(|(id, _)| *id).collect();
        let mut checker = InvariantChecker::new();
        checker.set_initial_members(members.clone());
        if config.snapshot_threshold > 0 {
            checker.track_state_machine();
        }
        let booted: Vec<(NodeId, RaftNode)> = states
            .into_iter()
            .map(|(id, state)| (id, RaftNode::new(id, &members, config.clone(), state, 0, &mut rng)))
            .collect();
        let mut c = Cluster {
            nodes: BTreeMap::new(),
            now: 0,
            rng,
            queue: VecDeque::new(),
            isolated: BTreeSet::new(),
            partition: Vec::new(),
            replies: Vec::new(),
            notices: Vec::new(),
            overwritten: Vec::new(),
            delivered: Vec::new(),
            dropped: Vec::new(),
            disks: BTreeMap::new(),
            crashed: BTreeMap::new(),
            config,
            members,
            panic_on_violation: true,
            checker,
            steps: 0,
        };
        for (id, node) in booted {
            c.disks.insert(id, node.persistent_state());
            c.nodes.insert(id, node);
            c.take_output(id, true);
        }
        c
    }

    pub fn node(&self, id: NodeId) -> &RaftNode {
        &self.nodes[&id]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut RaftNode {
        self.nodes.get_mut(&id).unwrap()
    }

    /// The distinct violations the invariant checker found so far.
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }

    /// Whether a message from `from` can reach `to` now.
    pub fn link_up(&self, from: NodeId, to: NodeId) -> bool {
        let together = self.partition.is_empty() || self.partition.iter().any(|g| g.contains(&from) && g.contains(&to));
        together && !self.isolated.contains(&from) && !self.isolated.contains(&to)
    }

    /// Drain node `id`'s output: show the checker the node as the step left it, put its
    /// messages on the wire (or lose them on a cut link) and keep its client replies.
    fn take_output(&mut self, id: NodeId, restarted: bool) {
        let Some(node) = self.nodes.get_mut(&id) else { return };
        let mut ready = Ready::default();
        // Stable storage is written only from what the Ready carries (and not at all under
        // `no-persist`), so a crash loses exactly what the node failed to persist.
        let log = node.take_ready(&mut ready);
        if ready.persist {
            self.disks.entry(id).or_default().write(&ready, log);
        }
        self.observe(id, &ready, restarted);
        for env in ready.messages.drain(..) {
            if self.link_up(env.from, env.to) {
                self.queue.push_back(env);
            } else {
                self.dropped.push(env);
            }
        }
        for (client, reply) in ready.replies.drain(..) {
            self.replies.push((id, client, reply));
        }
        self.notices.extend(ready.notices.drain(..).map(|n| (id, n)));
        self.overwritten.extend(ready.overwritten.iter().map(|e| (id, e.index, e.term)));
    }

    /// Show the invariant checker node `id` after a step, as the simulator does after each event.
    fn observe(&mut self, id: NodeId, ready: &Ready, restarted: bool) {
        let node = &self.nodes[&id];
        let found = self.checker.violations().len();
        self.steps += 1;
        let obs = NodeObservation::of(node, ready, restarted);
        self.checker.observe(self.now, self.steps, &obs);
        if let Some(snapshot) = ready.snapshot.as_deref() {
            self.checker.observe_snapshot(self.now, self.steps, id, snapshot);
        }
        let new = &self.checker.violations()[found..];
        assert!(!self.panic_on_violation || new.is_empty(), "invariant violated: {new:#?}");
    }

    /// Move every node's output onto the wire.
    pub fn collect(&mut self) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for id in ids {
            self.take_output(id, false);
        }
    }

    /// Hand one message to its recipient (unless the link is down or it crashed), without
    /// delivering what that triggers.
    pub fn deliver(&mut self, env: Envelope) {
        if !self.link_up(env.from, env.to) || !self.nodes.contains_key(&env.to) {
            self.dropped.push(env);
            return;
        }
        let node = self.nodes.get_mut(&env.to).unwrap();
        node.handle_message(self.now, env.from, env.message.clone(), &mut self.rng);
        let to = env.to;
        self.delivered.push(env);
        self.take_output(to, false);
    }

    /// Deliver the message at `position` in the queue (any order: the property tests reorder).
    pub fn deliver_at(&mut self, position: usize) {
        if let Some(env) = self.queue.remove(position) {
            self.deliver(env);
        }
    }

    /// Deliver the messages in flight now that `pick` selects, in order; what they trigger
    /// stays queued. Returns how many were handed over or lost.
    pub fn deliver_queued(&mut self, mut pick: impl FnMut(&Envelope) -> bool) -> usize {
        let (now, later): (VecDeque<Envelope>, VecDeque<Envelope>) = self.queue.drain(..).partition(|e| pick(e));
        self.queue = later;
        let n = now.len();
        for env in now {
            self.deliver(env);
        }
        n
    }

    /// Deliver messages (and everything they trigger) until the network is quiet.
    pub fn deliver_all(&mut self) {
        self.collect();
        let mut budget = 100_000;
        while let Some(env) = self.queue.pop_front() {
            budget -= 1;
            assert!(budget > 0, "the network never went quiet");
            self.deliver(env);
        }
    }

    /// Advance the clock by `dt` and fire every timer that is due, delivering nothing.
    pub fn tick(&mut self, dt: Micros) {
        self.now += dt;
        self.fire_due_timers();
    }

    /// The nodes whose timer is due now, in id order.
    pub fn due(&self) -> Vec<NodeId> {
        self.nodes.iter().filter(|(_, n)| n.next_deadline() <= self.now).map(|(&id, _)| id).collect()
    }

    fn fire_due_timers(&mut self) {
        for id in self.due() {
            self.fire_timer(id);
        }
    }

    /// Node `id`'s timer fires now (whatever it is waiting for: an election timeout, a
    /// heartbeat, a lease), delivering nothing.
    pub fn fire_timer(&mut self, id: NodeId) {
        let now = self.now;
        self.nodes.get_mut(&id).unwrap().handle_timeout(now, &mut self.rng);
        self.take_output(id, false);
    }

    /// Advance the clock to the earliest deadline of a reachable node, fire every due timer and
    /// deliver the consequences.
    pub fn step_time(&mut self) {
        let next = self
            .nodes
            .iter()
            .filter(|(id, _)| !self.isolated.contains(id))
            .map(|(_, n)| n.next_deadline())
            .min()
            .expect("no reachable node");
        self.now = self.now.max(next);
        self.fire_due_timers();
        self.deliver_all();
    }

    /// Step time until `pred` holds; panics after `max_steps`.
    pub fn run_until(&mut self, max_steps: usize, mut pred: impl FnMut(&Cluster) -> bool) {
        for _ in 0..max_steps {
            if pred(self) {
                return;
            }
            self.step_time();
        }
        assert!(pred(self), "condition not reached after {max_steps} steps");
    }

    /// The node stops: its volatile state is gone, what it persisted stays for
    /// [`Cluster::restart`]. Messages in flight to it are lost when they arrive.
    pub fn crash(&mut self, id: NodeId) {
        if self.nodes.remove(&id).is_some() {
            let disk = self.disks.remove(&id).unwrap_or_default();
            self.crashed.insert(id, disk);
            self.steps += 1;
            self.checker.observe_crash(self.now, self.steps, id);
        }
    }

    /// A crashed node boots again from what it persisted.
    pub fn restart(&mut self, id: NodeId) {
        if let Some(state) = self.crashed.remove(&id) {
            self.boot(id, state);
        }
    }

    /// Node `id` (crashed or running) boots now from `state`, as after a crash with that disk.
    pub fn boot(&mut self, id: NodeId, state: PersistentState) {
        self.crash(id);
        self.crashed.remove(&id);
        let node = RaftNode::new(id, &self.members, self.config.clone(), state, self.now, &mut self.rng);
        self.disks.insert(id, node.persistent_state());
        self.nodes.insert(id, node);
        self.take_output(id, true);
    }

    /// A server that boots now with no configuration: it waits to be added by a leader.
    pub fn add_spare(&mut self, id: NodeId) {
        let node = RaftNode::new(id, &[], self.config.clone(), PersistentState::default(), self.now, &mut self.rng);
        self.disks.insert(id, PersistentState::default());
        self.nodes.insert(id, node);
        self.take_output(id, true);
    }

    pub fn leaders(&self) -> Vec<NodeId> {
        self.nodes.values().filter(|n| n.role() == Role::Leader).map(|n| n.id()).collect()
    }

    /// The unique leader among the reachable nodes with the highest term.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .filter(|n| n.role() == Role::Leader && !self.isolated.contains(&n.id()))
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// Step time until a reachable leader exists; returns it.
    pub fn elect_any(&mut self) -> NodeId {
        self.run_until(200, |c| c.leader().is_some());
        self.leader().unwrap()
    }

    /// Force `id` to start an election now, without delivering anything.
    pub fn start_campaign(&mut self, id: NodeId) {
        let now = self.now;
        self.nodes.get_mut(&id).unwrap().force_election_timeout(now, &mut self.rng);
        self.take_output(id, false);
    }

    /// Force `id` to start an election now and deliver everything.
    pub fn campaign(&mut self, id: NodeId) {
        self.start_campaign(id);
        self.deliver_all();
    }

    /// A client request to `to`, without delivering anything.
    pub fn request(&mut self, to: NodeId, client: ClientId, request: ClientRequest) {
        let now = self.now;
        self.nodes.get_mut(&to).unwrap().handle_client_request(now, client, request);
        self.take_output(to, false);
    }

    pub fn client(&mut self, to: NodeId, client: ClientId, request: ClientRequest) {
        self.request(to, client, request);
        self.deliver_all();
    }

    /// Heartbeat rounds until every reachable node's commit index equals the leader's last
    /// index.
    pub fn settle(&mut self) {
        let reachable: Vec<NodeId> = self.nodes.keys().copied().filter(|id| !self.isolated.contains(id)).collect();
        self.settle_members(&reachable);
    }

    /// Heartbeat rounds until the given servers have committed the leader's whole log.
    pub fn settle_members(&mut self, ids: &[NodeId]) {
        let ids = ids.to_vec();
        self.run_until(50, |c| {
            let Some(l) = c.leader() else { return false };
            let last = c.node(l).log().last_index();
            ids.iter().all(|&i| c.node(i).commit_index() == last)
        });
    }
}
