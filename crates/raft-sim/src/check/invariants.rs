//! Raft's safety properties (Figure 3 of the paper), plus monotonic term and commitIndex,
//! checked incrementally after every event: each check looks only at what the event changed,
//! so checking stays cheap enough to leave on in benchmarks.
pub use crate::check::finding::Finding;
pub use crate::engine::digest::entry_fingerprint;
use crate::engine::hash::StableHash;
use raft_core::chunked::ChunkedVec;
use raft_core::{
    ClientId, Configuration, Entry, EntryPayload, Index, KvStore, NodeId, Op, RaftLog, RaftNode, Ready, Role, Session,
    Snapshot, Term,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
    MonotonicTerm,
    MonotonicCommitIndex,
    /// Membership changes: at most one configuration change is uncommitted in a leader's log.
    OneChangeAtATime,
    /// What a leader commits is stored on a quorum of the configuration it uses.
    QuorumCommit,
    /// A snapshot replaces exactly committed entries and holds the state they produce.
    SnapshotSafety,
    /// Not checked after every event (so not in `ALL`): the client history, checked at the end
    /// of a campaign run.
    Linearizability,
    /// Liveness (check/liveness.rs, not in `ALL`): while the network is stable, a leader is
    /// elected within a bound and keeps its term for a while.
    LeaderElected,
    /// Liveness: while the network is stable, every workload request is answered within a bound.
    RequestsAnswered,
    /// Liveness, with PreVote and CheckQuorum on: while the network is stable, a leader that can
    /// commit is not deposed (no term change) unless the operator asks for an election.
    LeaderKept,
}

impl Property {
    pub const ALL: [Property; 10] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
        Property::MonotonicTerm,
        Property::MonotonicCommitIndex,
        Property::OneChangeAtATime,
        Property::QuorumCommit,
        Property::SnapshotSafety,
    ];

    /// The liveness properties (check/liveness.rs), in the order the monitor lists them.
    pub const LIVENESS: [Property; 3] = [Property::LeaderElected, Property::RequestsAnswered, Property::LeaderKept];

    /// A liveness property (something good must happen), not a safety one.
    pub fn is_liveness(self) -> bool {
        matches!(self, Property::LeaderElected | Property::RequestsAnswered | Property::LeaderKept)
    }

    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::MonotonicTerm => "Monotonic Term",
            Property::MonotonicCommitIndex => "Monotonic commitIndex",
            Property::OneChangeAtATime => "One Configuration Change at a Time",
            Property::QuorumCommit => "Quorum Commitment",
            Property::Linearizability => "Linearizability",
            Property::SnapshotSafety => "Snapshot Safety",
            Property::LeaderElected => "Leader Elected",
            Property::RequestsAnswered => "Requests Answered",
            Property::LeaderKept => "Leader Kept",
        }
    }

    /// The property as the paper states it.
    pub fn statement(self) -> &'static str {
        match self {
            Property::ElectionSafety => "at most one leader can be elected in a given term",
            Property::LeaderAppendOnly => "a leader never overwrites or deletes entries in its log; it only appends new entries",
            Property::LogMatching => "if two logs contain an entry with the same index and term, then the logs are identical in all entries up through the given index",
            Property::LeaderCompleteness => "if a log entry is committed in a given term, then that entry will be present in the logs of the leaders for all higher-numbered terms",
            Property::StateMachineSafety => "if a server has applied a log entry at a given index to its state machine, no other server will ever apply a different log entry for the same index",
            Property::MonotonicTerm => "a server's currentTerm never decreases, across restarts too",
            Property::MonotonicCommitIndex => "a server's commitIndex never decreases while it runs",
            Property::OneChangeAtATime => "a leader's log holds at most one configuration entry that is not yet committed",
            Property::QuorumCommit => "an entry a leader commits is stored on a majority of the voters of the configuration in force in its log (of both C_old and C_new during joint consensus)",
            Property::Linearizability => "every operation appears to take effect at one instant between its invocation and its response",
            Property::SnapshotSafety => "a snapshot replaces only committed entries: its last included entry is the one committed at that index, and its key-value state is what applying the committed entries up to it gives",
            Property::LeaderElected => "while the network is stable, a leader that can commit is elected within a bounded time and keeps its term for two election timeouts",
            Property::RequestsAnswered => "while the network is stable, every client request of the workload is answered within a bounded time",
            Property::LeaderKept => "with PreVote and CheckQuorum on, while the network is stable, a leader that can commit is not deposed by a server that rejoins",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Property {
    /// Whether the property describes a state that can last (and is re-checked after every
    /// event at the server concerned), rather than something that happens in one event (a log
    /// overwritten, an entry committed or applied differently, a term going back). A lasting
    /// violation is reported once with the moment it began and the moment it ended.
    pub fn is_condition(self) -> bool {
        matches!(self, Property::ElectionSafety | Property::OneChangeAtATime)
    }
}

/// A broken property: which, when, who and what. The checker records each distinct violation
/// once (see [`Violation::same_as`]): from the event where it began, with how often it was
/// found again and, for a lasting condition, when it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub property: Property,
    /// When it began (was first detected).
    pub time_us: u64,
    /// The number of the event after which it was first detected.
    pub event: u64,
    pub nodes: Vec<NodeId>,
    /// (index, term) of the entries involved.
    pub entries: Vec<(Index, Term)>,
    pub message: String,
    /// What the check found, as a kind and values (`message` is its English); None for a
    /// violation found elsewhere (a campaign's linearizability check).
    #[serde(skip)]
    pub finding: Option<Finding>,
    /// The last event after which it was detected (equal to `event` when found once).
    pub last_time_us: u64,
    pub last_event: u64,
    /// How many events it was detected after.
    pub detections: u64,
    /// When it ended: for something that happened (not [`Property::is_condition`]), the last
    /// event it was detected at; for a lasting condition, the first later event of the server
    /// it was found at (or that server's crash) where it no longer held. `None`: it still held
    /// at the end of the run.
    pub ended_us: Option<u64>,
    pub ended_event: Option<u64>,
    /// The server whose event revealed it: its next event tells whether a condition still holds.
    #[serde(skip)]
    pub observer: NodeId,
}

impl Violation {
    /// A violation detected once, at `event`.
    pub fn new(
        property: Property,
        time_us: u64,
        event: u64,
        nodes: Vec<NodeId>,
        entries: Vec<(Index, Term)>,
        message: String,
    ) -> Violation {
        let ended = (!property.is_condition()).then_some((time_us, event));
        Violation {
            property,
            time_us,
            event,
            nodes,
            entries,
            message,
            finding: None,
            last_time_us: time_us,
            last_event: event,
            detections: 1,
            ended_us: ended.map(|e| e.0),
            ended_event: ended.map(|e| e.1),
            observer: 0,
        }
    }

    /// Two detections are the same violation when they break the same property in the same
    /// way: the same servers, the same entries (index and term) and the same description
    /// (which names the term, index or counts involved). "S1 and S3 are both leaders of term
    /// 3", found after each of S3's events while it leads, is one violation.
    pub fn same_as(&self, property: Property, nodes: &[NodeId], entries: &[(Index, Term)], message: &str) -> bool {
        self.property == property && self.nodes == nodes && self.entries == entries && self.message == message
    }

    /// Whether it still held at the end of what has been run.
    pub fn ongoing(&self) -> bool {
        self.ended_event.is_none()
    }
}

/// What the checker is shown of one node after an event (the engine builds it).
pub use crate::engine::observe::NodeObservation;

impl<'a> NodeObservation<'a> {
    /// What the checker is shown of `raft` after a step whose output was `ready` (`restarted`:
    /// the step was a boot). For hosts other than the engine, such as raft-core's test network
    /// (`crates/raft-core/tests/common/cluster.rs`), so they show the checker a server the
    /// way the engine does.
    pub fn of(raft: &'a RaftNode, ready: &'a Ready, restarted: bool) -> NodeObservation<'a> {
        NodeObservation {
            node: raft.id(),
            role: raft.role(),
            term: raft.current_term(),
            log: raft.log(),
            commit_index: raft.commit_index(),
            log_changed_from: ready.log_changed_from,
            applied: &ready.applied,
            restarted,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Shadow {
    /// chain[i-1]: fingerprint of the log prefix 1..=i. (Chunked: checkpoints copy cheaply.)
    chain: ChunkedVec<u64>,
    terms: ChunkedVec<Term>,
    term: Term,
    commit_index: Index,
    /// The term this node was leader of after the previous event, if it was.
    leading: Option<Term>,
    seen: bool,
    /// Indexes of the configuration entries in the log, in order.
    configs: Vec<Index>,
    /// The node's snapshot index after the previous event: `chain` and `terms` hold the
    /// committed entries' values for the compacted prefix.
    snapshot_index: Index,
    /// The configuration its latest snapshot holds, with the index of the entry that set it:
    /// the one in force when no configuration entry is left in the log after the snapshot.
    snapshot_config: Option<(Index, Configuration)>,
}

#[derive(Clone, Debug)]
struct Committed {
    term: Term,
    chain: u64,
    /// The term of the server that first committed it.
    committed_in: Term,
}

#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    /// Indexed by node id - 1.
    shadows: Vec<Shadow>,
    leaders: BTreeMap<Term, NodeId>,
    /// [index - 1] → for each term seen there, (term, prefix fingerprint, first node holding it).
    prefixes: ChunkedVec<Vec<(Term, u64, NodeId)>>,
    committed: ChunkedVec<Committed>,
    applied: ChunkedVec<(Term, u64, NodeId)>,
    /// Each distinct violation once, in the order they began (at most `limit`).
    violations: Vec<Violation>,
    /// Fingerprints of distinct violations past `limit`, so they are counted once too (capped:
    /// past it, every detection counts).
    unlisted: BTreeSet<u64>,
    /// How many recorded violations are lasting conditions that still hold.
    open: usize,
    /// The server being observed (the one whose event is checked).
    observing: NodeId,
    /// The configuration servers boot with (used by a leader with no configuration entry);
    /// unknown when not set, and then commitment quorums are only checked after a change.
    initial_members: Option<Vec<NodeId>>,
    /// Stop listing after this many distinct violations (they are still counted).
    limit: usize,
    /// Distinct violations found (listed or not).
    pub total_violations: u64,
    /// Every detection, a lasting violation counted again after each event it is found after.
    pub detections: u64,
    /// Set when a run turns checking off: server steps go unchecked (crashes are still seen).
    pub paused: bool,
    /// Snapshot Safety: the key-value state obtained by applying the applied entries in order
    /// (kept only when snapshots are on), and its fingerprint after each index.
    reference: Option<ReferenceState>,
}

#[derive(Clone, Debug, Default)]
struct ReferenceState {
    kv: KvStore,
    fingerprint: u64,
    /// after[i-1]: fingerprint of the state after applying entries 1..=i.
    after: ChunkedVec<u64>,
}

fn data_term(key: &str, value: &str) -> u64 {
    StableHash::new().word(0).str(key).str(value).finish()
}

fn session_term(client: ClientId, session: &Session) -> u64 {
    let mut h = StableHash::new();
    h.word(1).word(client).word(session.last_seq);
    match &session.last_value {
        None => h.word(0),
        Some(v) => h.word(1).str(v),
    };
    h.finish()
}

/// Fingerprint of a key-value state: the sum of one hash per key and per client session, so
/// applying one command updates it in constant time.
pub fn kv_fingerprint(kv: &KvStore) -> u64 {
    let data = kv.data().iter().fold(0u64, |acc, (k, v)| acc.wrapping_add(data_term(k, v)));
    kv.sessions().iter().fold(data, |acc, (c, s)| acc.wrapping_add(session_term(*c, s)))
}

impl ReferenceState {
    fn apply(&mut self, payload: &EntryPayload) {
        if let EntryPayload::Command(command) = payload {
            let key = match &command.op {
                Op::Put { key, .. } | Op::Get { key } => key,
            };
            let part = |kv: &KvStore| {
                let data = kv.data().get(key).map_or(0, |v| data_term(key, v));
                let session = kv.sessions().get(&command.client).map_or(0, |s| session_term(command.client, s));
                data.wrapping_add(session)
            };
            let before = part(&self.kv);
            self.kv.apply(command);
            self.fingerprint = self.fingerprint.wrapping_sub(before).wrapping_add(part(&self.kv));
        }
        self.after.push(self.fingerprint);
    }
}

fn chain_next(prev: u64, entry: &Entry) -> u64 {
    StableHash::from_value(prev).word(entry_fingerprint(entry)).finish()
}

/// The index of the configuration in force in a node's log: its latest configuration entry
/// after the snapshot, else the one its snapshot recorded, else 0 (the boot configuration).
fn latest_config(shadow: &Shadow, snapshot_index: Index) -> Index {
    match shadow.configs.iter().rev().find(|&&i| i > snapshot_index) {
        Some(&i) => i,
        None if snapshot_index > 0 => shadow.snapshot_config.as_ref().map_or(0, |(i, _)| *i),
        None => 0,
    }
}

impl InvariantChecker {
    pub fn new() -> Self {
        InvariantChecker { limit: 100, ..Default::default() }
    }

    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// What the checker holds, for the run's memory estimate: records per log index (the
    /// longest of its per-index tables), shadow log entries (all servers), and other records.
    pub fn retained(&self) -> (u64, u64, u64) {
        let indexes = self.prefixes.len().max(self.committed.len()).max(self.applied.len());
        let shadows: usize = self.shadows.iter().map(|s| s.chain.len() + s.configs.len()).sum();
        let records = self.leaders.len() + self.violations.len() + self.unlisted.len();
        (indexes as u64, shadows as u64, records as u64)
    }

    /// The servers' boot configuration, so quorums can be checked before any change.
    pub fn set_initial_members(&mut self, members: Vec<NodeId>) {
        self.initial_members = Some(members);
    }

    /// Keep the reference key-value state that Snapshot Safety compares snapshots with (the
    /// simulator turns this on when snapshots are). Call before the first observation.
    pub fn track_state_machine(&mut self) {
        if self.reference.is_none() {
            self.reference = Some(ReferenceState::default());
        }
    }

    /// A node took or installed `snapshot`: it must replace exactly the committed entries up
    /// to its last included index, and hold the state they produce.
    pub fn observe_snapshot(&mut self, time_us: u64, event: u64, node: NodeId, snapshot: &Snapshot) {
        self.observing = node;
        if snapshot.last_included_index == 0 {
            return;
        }
        let slot = (node as usize).saturating_sub(1);
        if self.shadows.len() <= slot {
            self.shadows.resize_with(slot + 1, Shadow::default);
        }
        self.shadows[slot].snapshot_config = Some((snapshot.configuration_index, snapshot.configuration.clone()));
        self.check_snapshot_safety(At { time_us, event }, node, snapshot);
    }

    fn report(&mut self, property: Property, at: At, nodes: Vec<NodeId>, entries: Vec<(Index, Term)>, found: Finding) {
        let message = found.english();
        let At { time_us, event } = at;
        self.detections += 1;
        let observer = self.observing;
        let known = self.violations.iter_mut().find(|v| v.same_as(property, &nodes, &entries, &message));
        if let Some(v) = known {
            if property.is_condition() {
                if v.ended_event.is_some() {
                    // It held again after it had ended: one violation, reopened.
                    self.open += 1;
                    v.ended_us = None;
                    v.ended_event = None;
                }
            } else {
                v.ended_us = Some(time_us);
                v.ended_event = Some(event);
            }
            v.last_time_us = time_us;
            v.last_event = event;
            v.detections += 1;
            v.observer = observer;
            return;
        }
        if self.violations.len() < self.limit {
            let mut v = Violation::new(property, time_us, event, nodes, entries, message);
            v.observer = observer;
            v.finding = Some(found);
            self.open += usize::from(property.is_condition());
            self.violations.push(v);
        } else {
            const MAX_UNLISTED: usize = 10_000;
            let mut h = StableHash::new();
            h.word(property as u64).str(&message);
            for &n in &nodes {
                h.word(n as u64);
            }
            for &(i, t) in &entries {
                h.word(i).word(t);
            }
            let key = h.finish();
            if self.unlisted.contains(&key) {
                return;
            }
            if self.unlisted.len() < MAX_UNLISTED {
                self.unlisted.insert(key);
            }
        }
        self.total_violations += 1;
    }

    /// After `node`'s event: a lasting violation it revealed earlier and that this event did
    /// not find again has ended.
    fn close_unseen(&mut self, node: NodeId, time_us: u64, event: u64) {
        self.close_where(node, time_us, event, |v| v.last_event != event);
    }

    fn close_where(&mut self, node: NodeId, time_us: u64, event: u64, ended: impl Fn(&Violation) -> bool) {
        for v in self.violations.iter_mut() {
            if v.observer == node && v.ended_event.is_none() && ended(v) {
                v.ended_us = Some(time_us);
                v.ended_event = Some(event);
                self.open -= 1;
            }
        }
    }

    /// A node crashed at `event`: it leads nothing any more, and the conditions its events
    /// revealed end with it.
    pub fn observe_crash(&mut self, time_us: u64, event: u64, node: NodeId) {
        if let Some(s) = self.shadows.get_mut((node as usize).wrapping_sub(1)) {
            s.leading = None;
        }
        if self.open > 0 {
            self.close_where(node, time_us, event, |_| true);
        }
    }

    /// Check everything the event may have changed at `obs.node`.
    pub fn observe(&mut self, time_us: u64, event: u64, obs: &NodeObservation<'_>) {
        self.observing = obs.node;
        self.check(At { time_us, event }, obs);
        if self.open > 0 {
            self.close_unseen(obs.node, time_us, event);
        }
    }

    /// Every property, one function each, in a fixed order: the order findings are listed
    /// in, which the golden traces and the violation tests pin down. Between the checks, the
    /// node's shadow (what the checker remembers of its log) is brought up to date: a check
    /// placed before an update sees the log as it was before the event, one placed after it
    /// sees the log the event left.
    fn check(&mut self, at: At, obs: &NodeObservation<'_>) {
        let slot = (obs.node as usize).saturating_sub(1);
        if self.shadows.len() <= slot {
            self.shadows.resize_with(slot + 1, Shadow::default);
        }
        let mut shadow = std::mem::take(&mut self.shadows[slot]);

        self.check_monotonic_term(at, obs, &shadow);
        self.check_monotonic_commit_index(at, obs, &mut shadow);

        let old_len = shadow.chain.len() as Index;
        let from = changed_from(obs, &shadow);
        let leads_now = (obs.role == Role::Leader).then_some(obs.term);
        self.check_leader_append_only(at, obs, &shadow, leads_now, from, old_len);

        let from = self.restore_compacted_prefix(obs, &mut shadow, from);
        // Committed entries this node holds in the part of its log the event rewrites.
        let held = self.committed_entries_held(&shadow, from, obs.restarted);
        // The configuration this node used before the event: its latest configuration entry
        // after its snapshot, else the snapshot's, else the boot one (0).
        let config_before = latest_config(&shadow, shadow.snapshot_index);
        self.check_log_matching(at, obs, &mut shadow, from);
        self.check_committed_entries_kept(at, obs.node, &shadow, &held);

        if let Some(term) = leads_now {
            self.check_election_safety(at, obs.node, term);
            if shadow.leading != Some(term) {
                self.check_leader_completeness(at, obs.node, term, &shadow);
            }
        }

        // Membership: checked with the configuration this leader uses.
        let was_leading = shadow.leading.is_some_and(|t| t == obs.term);
        if leads_now.is_some() || was_leading {
            self.check_one_change_at_a_time(at, obs, &shadow);
            self.check_quorum_commitment(at, obs, &shadow, config_before);
        }

        self.check_committed_agreement(at, obs, &shadow);
        self.check_state_machine_safety(at, obs);

        shadow.term = obs.term;
        shadow.commit_index = shadow.commit_index.max(obs.commit_index);
        if obs.restarted {
            shadow.commit_index = obs.commit_index;
        }
        shadow.leading = leads_now;
        shadow.seen = true;
        self.shadows[slot] = shadow;
    }

    /// **Monotonic Term** (Figure 2, persistent state): "currentTerm: latest term server has
    /// seen (initialized to 0 on first boot, increases monotonically)". Persistent, so it must
    /// survive restarts too.
    fn check_monotonic_term(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &Shadow) {
        if shadow.seen && obs.term < shadow.term {
            let (id, message) = (obs.node, Finding::TermWentBack { node: obs.node, from: shadow.term, to: obs.term });
            self.report(Property::MonotonicTerm, at, vec![id], vec![], message);
        }
    }

    /// **Monotonic commitIndex** (Figure 2, volatile state): "commitIndex: index of highest
    /// log entry known to be committed (initialized to 0, increases monotonically)". Volatile,
    /// so it starts over at a restart (and so does leadership: the shadow forgets both).
    fn check_monotonic_commit_index(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &mut Shadow) {
        if obs.restarted {
            shadow.commit_index = 0;
            shadow.leading = None;
        } else if obs.commit_index < shadow.commit_index {
            let id = obs.node;
            let message = Finding::CommitIndexWentBack { node: id, from: shadow.commit_index, to: obs.commit_index };
            self.report(Property::MonotonicCommitIndex, at, vec![id], vec![], message);
        }
    }

    /// **Leader Append-Only** (Figure 3): "a leader never overwrites or deletes entries in its
    /// log; it only appends new entries. §5.3" Checked while a node stays leader of the same
    /// term: the part of its log the event changed must start past its old end.
    fn check_leader_append_only(
        &mut self,
        at: At,
        obs: &NodeObservation<'_>,
        shadow: &Shadow,
        leads_now: Option<Term>,
        from: Index,
        old_len: Index,
    ) {
        let len = obs.log.last_index();
        if shadow.leading.is_some() && shadow.leading == leads_now && (from <= old_len || len < old_len) {
            let id = obs.node;
            let entries = vec![(from, shadow.terms.get((from - 1) as usize).copied().unwrap_or(0))];
            let message = Finding::LeaderChangedLog { node: id, term: obs.term, index: from, had: old_len, now: len };
            self.report(Property::LeaderAppendOnly, at, vec![id], entries, message);
        }
    }

    /// A compacted prefix stands for the committed entries it replaced (Snapshot Safety checks
    /// that it does). When the node compacted its own log the shadow already holds them; after
    /// a restart or an installed snapshot, take them from the committed record. Returns the
    /// first index left to re-fingerprint.
    fn restore_compacted_prefix(&self, obs: &NodeObservation<'_>, shadow: &mut Shadow, from: Index) -> Index {
        let snapshot_index = obs.log.snapshot_index();
        let mut from = from;
        if snapshot_index > 0 && (from <= snapshot_index || snapshot_index != shadow.snapshot_index) {
            let s = snapshot_index as usize;
            let holds = from > snapshot_index
                && self.committed.get(s - 1).is_some_and(|c| shadow.chain.get(s - 1) == Some(&c.chain));
            if !holds {
                shadow.chain.truncate(0);
                shadow.terms.truncate(0);
                for i in 0..s {
                    let (chain, term) = match self.committed.get(i) {
                        Some(c) => (c.chain, c.term),
                        // Not committed (Snapshot Safety reports it): a value no log matches.
                        None => {
                            let prev = shadow.chain.last().copied().unwrap_or(0);
                            (
                                StableHash::from_value(prev).word(u64::MAX).word(obs.node as u64).finish(),
                                obs.log.snapshot_term(),
                            )
                        }
                    };
                    shadow.chain.push(chain);
                    shadow.terms.push(term);
                }
                from = snapshot_index + 1;
            }
        }
        shadow.snapshot_index = snapshot_index;
        from
    }

    /// **Log Matching** (Figure 3): "if two logs contain an entry with the same index and
    /// term, then the logs are identical in all entries up through the given index. §5.3"
    /// Re-fingerprints the node's log from `from` on (updating its shadow) and compares each
    /// prefix with the first one seen at that index and term on any server.
    fn check_log_matching(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &mut Shadow, from: Index) {
        let id = obs.node;
        shadow.chain.truncate((from - 1) as usize);
        shadow.terms.truncate((from - 1) as usize);
        while shadow.configs.last().is_some_and(|&i| i >= from) {
            shadow.configs.pop();
        }
        for entry in obs.log.slice_from(from, usize::MAX) {
            if matches!(entry.payload, EntryPayload::Configuration(_)) {
                shadow.configs.push(entry.index);
            }
            let i = shadow.chain.len() as Index + 1;
            let prev = shadow.chain.last().copied().unwrap_or(0);
            let chain = chain_next(prev, entry);
            if entry.index != i {
                let message = Finding::IndexOutOfPlace { node: id, index: entry.index, position: i };
                self.report(Property::LogMatching, at, vec![id], vec![(i, entry.term)], message);
            }
            let known = self.prefixes.get((i - 1) as usize).and_then(|p| p.iter().find(|k| k.0 == entry.term)).copied();
            match known.map(|(_, chain, node)| (chain, node)) {
                Some((known, other)) if known != chain => {
                    let message = Finding::LogsDiffer { other, node: id, index: i, term: entry.term };
                    self.report(Property::LogMatching, at, vec![other, id], vec![(i, entry.term)], message);
                }
                Some(_) => {}
                None => {
                    while self.prefixes.len() < i as usize {
                        self.prefixes.push(Vec::new());
                    }
                    if let Some(seen) = self.prefixes.get_mut((i - 1) as usize) {
                        seen.push((entry.term, chain, id));
                    }
                }
            }
            shadow.chain.push(chain);
            shadow.terms.push(entry.term);
        }
    }

    /// The committed entries a running node holds at `from` and after, before an event
    /// rewrites that part of its log: (index, term, prefix fingerprint). A reboot is left out:
    /// what a server loses in a crash is the failure model's doing (amnesia, `no-persist`), and
    /// the other properties judge it.
    fn committed_entries_held(&self, shadow: &Shadow, from: Index, restarted: bool) -> Vec<(Index, Term, u64)> {
        if restarted || !shadow.seen {
            return Vec::new();
        }
        let upto = (shadow.chain.len() as Index).min(self.committed.len() as Index);
        (from..=upto)
            .filter_map(|i| {
                let c = self.committed.get((i - 1) as usize)?;
                (shadow.chain.get((i - 1) as usize) == Some(&c.chain)).then_some((i, c.term, c.chain))
            })
            .collect()
    }

    /// **A committed entry is never lost** (reported as State Machine Safety). Not a row of
    /// Figure 3 but what §5.4 proves: a committed entry is present in every later leader's log,
    /// so no AppendEntries conflicts with it. Checked on the server where the entry is lost, at
    /// once, rather than only once a leader without it is elected (Leader Completeness) or a
    /// different entry is applied there (State Machine Safety).
    fn check_committed_entries_kept(&mut self, at: At, id: NodeId, shadow: &Shadow, held: &[(Index, Term, u64)]) {
        let lost = held.iter().find(|&&(i, _, chain)| shadow.chain.get((i - 1) as usize) != Some(&chain));
        if let Some(&(i, term, _)) = lost {
            let now = shadow.terms.get((i - 1) as usize).copied();
            let message = Finding::CommittedEntryLost { node: id, index: i, term, now };
            self.report(Property::StateMachineSafety, at, vec![id], vec![(i, term)], message);
        }
    }

    /// **Election Safety** (Figure 3): "at most one leader can be elected in a given term.
    /// §5.2" The first leader seen in each term is remembered; any other is reported.
    fn check_election_safety(&mut self, at: At, id: NodeId, term: Term) {
        match self.leaders.get(&term) {
            Some(&other) if other != id => {
                let message = Finding::TwoLeaders { other, node: id, term };
                self.report(Property::ElectionSafety, at, vec![other, id], vec![], message);
            }
            Some(_) => {}
            None => {
                self.leaders.insert(term, id);
            }
        }
    }

    /// **Leader Completeness** (Figure 3), for a newly elected leader: "if a log entry is
    /// committed in a given term, then that entry will be present in the logs of the leaders
    /// for all higher-numbered terms. §5.4" Entries committed in terms before `term` form a
    /// prefix; the new leader must hold it.
    fn check_leader_completeness(&mut self, at: At, id: NodeId, term: Term, shadow: &Shadow) {
        let prefix = self.committed.partition_point(|c| c.committed_in < term);
        if prefix == 0 {
            return;
        }
        let Some(c) = self.committed.get(prefix - 1) else { return };
        if shadow.chain.get(prefix - 1) != Some(&c.chain) {
            let missing = (1..=prefix)
                .find(|&i| shadow.chain.get(i - 1) != self.committed.get(i - 1).map(|c| &c.chain))
                .unwrap_or(prefix);
            let Some(m) = self.committed.get(missing - 1) else { return };
            let message = Finding::LeaderWithoutCommitted {
                node: id,
                term,
                index: missing as Index,
                entry_term: m.term,
                committed_in: m.committed_in,
            };
            let entries = vec![(missing as Index, m.term)];
            self.report(Property::LeaderCompleteness, at, vec![id], entries, message);
        }
    }

    /// The configuration of the entry at `index` of a log: the entry itself, or, compacted,
    /// the configuration the node's snapshot recorded for it (0: the boot one, if known).
    fn configuration_at(&self, log: &RaftLog, shadow: &Shadow, index: Index) -> Option<Configuration> {
        match log.get(index).map(|e| &e.payload) {
            Some(EntryPayload::Configuration(c)) => Some(c.clone()),
            _ => match &shadow.snapshot_config {
                Some((i, c)) if *i == index && log.snapshot_index() > 0 => Some(c.clone()),
                _ if index == 0 => self.initial_members.as_ref().map(|m| Configuration::new(m.iter().copied())),
                _ => None,
            },
        }
    }

    /// **One Configuration Change at a Time** (Ongaro's thesis, §4.1, not Figure 3): "a leader
    /// ... cannot start a new configuration change until the previous one is committed", so a
    /// leader's log holds at most one uncommitted configuration entry.
    fn check_one_change_at_a_time(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &Shadow) {
        let id = obs.node;
        // Committed: known to this leader, or committed anywhere in the cluster (a new leader's
        // commitIndex lags behind what it holds).
        let committed = obs.commit_index.max(self.committed.len() as Index);
        let uncommitted: Vec<Index> = shadow.configs.iter().copied().filter(|&i| i > committed).collect();
        if obs.role == Role::Leader && uncommitted.len() > 1 {
            let entries = uncommitted.iter().map(|&i| (i, obs.log.term_at(i).unwrap_or(0))).collect();
            let message = Finding::UncommittedConfigurations { node: id, term: obs.term, indexes: uncommitted };
            self.report(Property::OneChangeAtATime, at, vec![id], entries, message);
        }
    }

    /// **Quorum Commitment** (not a row of Figure 3; the rule behind it, Figure 2's "a
    /// majority of matchIndex[i] ≥ N", and §6's joint consensus: "agreement requires separate
    /// majorities from both the old and new configurations"): what a leader newly commits is
    /// held by a quorum of its configuration (both majorities when joint).
    fn check_quorum_commitment(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &Shadow, config_before: Index) {
        let id = obs.node;
        if obs.commit_index <= shadow.commit_index || obs.restarted {
            return;
        }
        let n = obs.commit_index.min(shadow.chain.len() as Index);
        if n == 0 {
            return;
        }
        // The leader decided with the configuration it had before this event, or with one it
        // appended during the event (it takes effect at once).
        let mut configs: Vec<Configuration> = Vec::new();
        let indexes =
            std::iter::once(config_before).chain(shadow.configs.iter().copied().filter(|&i| i > config_before));
        for index in indexes {
            match self.configuration_at(obs.log, shadow, index) {
                Some(c) => configs.push(c),
                None => return, // unknown boot configuration: nothing to check against
            }
        }
        let want = shadow.chain.get((n - 1) as usize).copied();
        let holders: BTreeSet<NodeId> =
            raft_core::ordered::set_of(configs.iter().flat_map(|c| c.all_voters()).filter(|&v| {
                let chain = if v == id {
                    want
                } else {
                    self.shadows.get((v as usize).wrapping_sub(1)).and_then(|s| s.chain.get((n - 1) as usize).copied())
                };
                chain.is_some() && chain == want
            }));
        if !configs.iter().any(|c| c.is_quorum(&holders)) {
            let config = configs.last().cloned().unwrap_or_default();
            let message = Finding::NoQuorum {
                node: id,
                term: obs.term,
                index: n,
                holders: Configuration::new(holders.iter().copied())
                    .to_string()
                    .trim_start_matches("config ")
                    .to_string(),
                config: config.to_string(),
            };
            let entries = vec![(n, obs.log.term_at(n).unwrap_or(0))];
            self.report(Property::QuorumCommit, at, vec![id], entries, message);
        }
    }

    /// **State Machine Safety** at commit time (Figure 3's property, checked before anything
    /// is applied): all servers agree on what is committed at each index. An index committed
    /// for the first time is recorded, and then any sitting leader of a higher term must hold
    /// it (Leader Completeness, checked per index so findings keep the index order).
    fn check_committed_agreement(&mut self, at: At, obs: &NodeObservation<'_>, shadow: &Shadow) {
        if obs.commit_index <= shadow.commit_index {
            return;
        }
        let id = obs.node;
        let upto = obs.commit_index.min(shadow.chain.len() as Index);
        for i in shadow.commit_index + 1..=upto {
            let chain = shadow.chain.get((i - 1) as usize).copied().unwrap_or(0);
            let term = shadow.terms.get((i - 1) as usize).copied().unwrap_or(0);
            match self.committed.get((i - 1) as usize) {
                Some(c) if c.chain != chain => {
                    let message = Finding::CommittedDifferently { node: id, index: i, term, before: c.term };
                    let entries = vec![(i, c.term), (i, term)];
                    self.report(Property::StateMachineSafety, at, vec![id], entries, message);
                }
                Some(_) => {}
                None => {
                    self.committed.push(Committed { term, chain, committed_in: obs.term });
                    self.check_sitting_leaders_hold(at, i, obs.term);
                }
            }
        }
    }

    /// **Leader Completeness** (Figure 3) for leaders already sitting: "if a log entry is
    /// committed in a given term, then that entry will be present in the logs of the leaders
    /// for all higher-numbered terms. §5.4" An entry just committed in `term` must be in the
    /// log of any leader of a higher term.
    fn check_sitting_leaders_hold(&mut self, at: At, index: Index, term: Term) {
        let Some(c) = self.committed.get((index - 1) as usize).cloned() else { return };
        let offenders: Vec<(NodeId, Term)> = self
            .shadows
            .iter()
            .enumerate()
            .filter_map(|(k, s)| match s.leading {
                Some(t) if t > term && s.chain.get((index - 1) as usize) != Some(&c.chain) => {
                    Some((k as NodeId + 1, t))
                }
                _ => None,
            })
            .collect();
        for (n, t) in offenders {
            let message =
                Finding::SittingLeaderWithout { index, term: c.term, committed_in: term, node: n, leader_term: t };
            self.report(Property::LeaderCompleteness, at, vec![n], vec![(index, c.term)], message);
        }
    }

    /// **State Machine Safety** (Figure 3): "if a server has applied a log entry at a given
    /// index to its state machine, no other server will ever apply a different log entry for
    /// the same index. §5.4.3" The first entry applied at each index is remembered (and fed
    /// to the reference state machine Snapshot Safety compares with).
    fn check_state_machine_safety(&mut self, at: At, obs: &NodeObservation<'_>) {
        let id = obs.node;
        for applied in obs.applied {
            let Some(entry) = obs.log.get(applied.index) else { continue };
            let fp = entry_fingerprint(entry);
            match self.applied.get((applied.index - 1) as usize) {
                Some(&(term, known, other)) if known != fp => {
                    let message = Finding::AppliedDifferently {
                        node: id,
                        index: applied.index,
                        term: entry.term,
                        other,
                        other_term: term,
                    };
                    let entries = vec![(applied.index, term), (applied.index, entry.term)];
                    self.report(Property::StateMachineSafety, at, vec![other, id], entries, message);
                }
                Some(_) => {}
                None if applied.index as usize == self.applied.len() + 1 => {
                    self.applied.push((entry.term, fp, id));
                    if let Some(reference) = self.reference.as_mut() {
                        reference.apply(&entry.payload);
                    }
                }
                None => {}
            }
        }
    }

    /// **Snapshot Safety** (§7, not Figure 3): "a snapshot replaces only committed entries";
    /// its last included entry is the one committed at that index, and its key-value state is
    /// what applying the committed entries up to it gives.
    fn check_snapshot_safety(&mut self, at: At, node: NodeId, snapshot: &Snapshot) {
        let (s, term) = (snapshot.last_included_index, snapshot.last_included_term);
        match self.committed.get((s - 1) as usize).map(|c| c.term) {
            None => {
                let message = Finding::SnapshotPastCommit { node, index: s, term, committed: self.committed.len() };
                self.report(Property::SnapshotSafety, at, vec![node], vec![(s, term)], message);
                return;
            }
            Some(c) if c != term => {
                let message = Finding::SnapshotTermDiffers { node, index: s, term, committed_term: c };
                self.report(Property::SnapshotSafety, at, vec![node], vec![(s, c), (s, term)], message);
                return;
            }
            Some(_) => {}
        }
        let expected = self.reference.as_ref().and_then(|r| r.after.get((s - 1) as usize)).copied();
        if let Some(expected) = expected {
            if kv_fingerprint(&snapshot.kv) != expected {
                let message = Finding::SnapshotStateDiffers { node, index: s };
                self.report(Property::SnapshotSafety, at, vec![node], vec![(s, term)], message);
            }
        }
    }
}

/// When and where in the run a check happens: what each finding is stamped with.
#[derive(Clone, Copy, Debug)]
struct At {
    time_us: u64,
    event: u64,
}

/// The first log index an event may have changed at a node, from what the node reported.
/// A node that misreports its changes is caught by the length/last-term comparison and fully
/// re-read.
fn changed_from(obs: &NodeObservation<'_>, shadow: &Shadow) -> Index {
    let old_len = shadow.chain.len() as Index;
    let mut from = if obs.restarted || !shadow.seen { 1 } else { obs.log_changed_from.unwrap_or(old_len + 1) };
    let len = obs.log.last_index();
    let consistent_tail = from > len.min(old_len)
        || (len >= old_len
            && old_len > 0
            && shadow.terms.get((old_len - 1) as usize).copied() == obs.log.term_at(old_len));
    if obs.log_changed_from.is_none() && (len != old_len || !consistent_tail) {
        from = 1;
    }
    from.clamp(1, len.min(old_len) + 1)
}
