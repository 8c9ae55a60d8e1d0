//! The run as a stream of events (`raftsim run --events`): one JSON object per line for each
//! election, leader, step-down, commit, crash, restart, network change (partition, cut, heal),
//! overwritten entries and violation, in the order they happened. Read after every event from
//! what the run already keeps (its milestones, the servers' roles and commit indexes, the
//! network's groups and cuts, the distinct violations), so watching costs nothing when nobody
//! asks for it. docs/scenario-format.md lists the fields.
use crate::engine::sim::{MilestoneKind, NodeStatus, Simulation};
use crate::scenario::format::CrashMode;
use raft_core::{NodeId, Role, Term};
use serde_json::{json, Map, Value};

/// The network's partition groups (None: not partitioned) and one-way cuts.
type NetworkShape = (Option<Vec<Vec<NodeId>>>, Vec<(NodeId, NodeId)>);

/// What the stream has said so far, to tell what is new after each event.
#[derive(Clone, Debug, Default)]
pub struct RunEvents {
    milestones: usize,
    violations: usize,
    /// Each server's role and term as last reported (None: down).
    roles: Vec<Option<(Role, Term)>>,
    /// The highest commitIndex any leader has reached.
    committed: u64,
    network: NetworkShape,
}

impl RunEvents {
    /// Start watching `sim` as it stands (servers booted at time 0 are not reported as events).
    pub fn new(sim: &Simulation) -> RunEvents {
        let mut events = RunEvents::default();
        let mut ignored = Vec::new();
        events.poll(sim, &mut ignored);
        events.milestones = 0; // what happened at boot (nothing but markers) is reported below
        events
    }

    /// The events since the last call, appended to `out` as JSON objects.
    pub fn poll(&mut self, sim: &Simulation, out: &mut Vec<Value>) {
        let line = |at_us: u64, event: u64, kind: &str, fields: Value| {
            let mut map = Map::new();
            map.insert("at_ms".into(), json!(at_us as f64 / 1000.0));
            map.insert("event".into(), json!(event));
            map.insert("kind".into(), json!(kind));
            if let Value::Object(more) = fields {
                map.extend(more);
            }
            Value::Object(map)
        };
        for m in &sim.milestones()[self.milestones.min(sim.milestones().len())..] {
            let (kind, fields) = match m.kind {
                MilestoneKind::Election { node, term } => ("election", json!({"node": node, "term": term})),
                MilestoneKind::Leader { node, term, voters } => {
                    let votes: Vec<u32> = crate::engine::sim::vote_ids(voters).collect();
                    ("leader", json!({"node": node, "term": term, "votes": votes}))
                }
                MilestoneKind::Crash { node } => {
                    let mode = match sim.node(node).map(|s| s.status) {
                        Some(NodeStatus::Crashed(CrashMode::Stop)) => "stop",
                        Some(NodeStatus::Crashed(CrashMode::Amnesia)) => "amnesia",
                        _ => "recover",
                    };
                    ("crash", json!({"node": node, "mode": mode}))
                }
                MilestoneKind::Restart { node } => ("restart", json!({"node": node})),
                MilestoneKind::Overwritten { node, from, count, terms, .. } => {
                    ("overwritten", json!({"node": node, "from": from, "count": count, "terms": [terms.0, terms.1]}))
                }
                // Violations are reported from the checker's list (with their property), and
                // operator actions by what they change.
                MilestoneKind::Violation | MilestoneKind::Action => continue,
            };
            out.push(line(m.time_us, m.events, kind, fields));
        }
        self.milestones = sim.milestones().len();
        let (now, event) = (sim.now(), sim.events());
        // Leaders that stopped leading (a new term, CheckQuorum, a removal; a crash is its own
        // event), and the commit index leaders reached.
        let ids: Vec<NodeId> = sim.nodes().iter().map(|s| s.id).collect();
        self.roles.resize(ids.len(), None);
        for (k, slot) in sim.nodes().iter().enumerate() {
            let now_role = slot.raft.as_ref().map(|r| (r.role(), r.current_term()));
            if let (Some((Role::Leader, term)), Some((role, new_term))) = (self.roles[k], now_role) {
                if role != Role::Leader {
                    out.push(line(
                        now,
                        event,
                        "stepped_down",
                        json!({"node": slot.id, "term": term, "now_term": new_term, "role": role.to_string()}),
                    ));
                }
            }
            self.roles[k] = now_role;
            if let Some(r) = slot.raft.as_ref().filter(|r| r.role() == Role::Leader) {
                if r.commit_index() > self.committed {
                    let term = r.log().term_at(r.commit_index()).unwrap_or(0);
                    out.push(line(
                        now,
                        event,
                        "commit",
                        json!({"node": slot.id, "term": r.current_term(), "from": self.committed + 1, "index": r.commit_index(), "entry_term": term}),
                    ));
                    self.committed = r.commit_index();
                }
            }
        }
        let network: NetworkShape = (sim.network().groups(), sim.network().cuts().iter().copied().collect());
        if network != self.network {
            let fields = json!({"groups": network.0, "cuts": network.1});
            let kind = if network.0.is_none() && network.1.is_empty() { "healed" } else { "network" };
            out.push(line(now, event, kind, fields));
            self.network = network;
        }
        let violations = sim.violations();
        for v in &violations[self.violations.min(violations.len())..] {
            out.push(line(
                v.time_us,
                v.event,
                "violation",
                json!({"property": v.property, "nodes": v.nodes, "message": v.message}),
            ));
        }
        self.violations = violations.len();
    }
}
