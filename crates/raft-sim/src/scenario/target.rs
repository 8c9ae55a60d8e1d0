//! Role targets: wherever an action names a server (`node`, `from`, `to`, `via`, a partition's
//! groups), it may name a role instead of an id, resolved when the action runs:
//!
//! - `"leader"`: the server that leads at that moment (the one with the highest term, as
//!   `crash_leader` picks it; a paused leader still leads);
//! - `"a follower"`: the lowest-id server that is running (not crashed, not paused), is a
//!   follower, and is not already named in the same action (by id, or by an earlier role). So
//!   `[["leader", "a follower"]]` is "the leader and one follower", and two `"a follower"` in
//!   one action are two different followers.
//!
//! No random draw is involved: the same run resolves a role to the same server everywhere.
//! An action whose role has no holder then (no leader, no follower left) is skipped, and the
//! trace says why. An action with roles is held as [`Targeted`]: the action with a stand-in id
//! (0) where each role stands, and the list of those places; it is written back with the role
//! names where they were.
use crate::scenario::format::Action;
use raft_core::NodeId;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};
use std::fmt;

/// A role an action may name instead of a server id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleTarget {
    Leader,
    AFollower,
}

/// The roles' names, as written.
pub const ROLE_NAMES: &[&str] = &["leader", "a follower"];

impl RoleTarget {
    pub fn name(self) -> &'static str {
        match self {
            RoleTarget::Leader => "leader",
            RoleTarget::AFollower => "a follower",
        }
    }
    pub fn parse(name: &str) -> Option<RoleTarget> {
        match name {
            "leader" => Some(RoleTarget::Leader),
            "a follower" => Some(RoleTarget::AFollower),
            _ => None,
        }
    }
}

/// A server as an action names it: by id or by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeRef {
    Id(NodeId),
    Role(RoleTarget),
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NodeRef, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NodeRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a server id or a role ({})", ROLE_NAMES.join(", "))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<NodeRef, E> {
                NodeId::try_from(n).map(NodeRef::Id).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<NodeRef, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Signed(n), &self)),
                }
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<NodeRef, E> {
                RoleTarget::parse(s).map(NodeRef::Role).ok_or_else(|| E::invalid_value(de::Unexpected::Str(s), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Where in an action a role stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Node,
    From,
    To,
    Via,
    /// `groups[g][k]` of a partition.
    Group(usize, usize),
}

impl Slot {
    /// The field's path inside the action (`node`, `groups[0][1]`).
    pub fn field(self) -> String {
        match self {
            Slot::Node => "node".into(),
            Slot::From => "from".into(),
            Slot::To => "to".into(),
            Slot::Via => "via".into(),
            Slot::Group(g, k) => format!("groups[{g}][{k}]"),
        }
    }
}

/// An action that names roles: resolved to servers when it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Targeted {
    /// The action, with 0 where a role stands.
    pub action: Action,
    /// The roles and where they stand, in the order written.
    pub roles: Vec<(Slot, RoleTarget)>,
}

/// The server id in `slot` of `action`, if the action has that place.
pub fn slot_mut(action: &mut Action, slot: Slot) -> Option<&mut NodeId> {
    match (action, slot) {
        (
            Action::Crash { node, .. }
            | Action::Restart { node }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::Isolate { node }
            | Action::Timeout { node }
            | Action::TransferLeadership { node }
            | Action::Client { node, .. }
            | Action::AddServer { node, .. }
            | Action::RemoveServer { node, .. },
            Slot::Node,
        ) => Some(node),
        (Action::SetFaults(faults), Slot::Node) => Some(&mut faults.node),
        (Action::ChangeClients { node, .. }, Slot::Node) => node.as_mut(),
        (Action::Cut { from, .. }, Slot::From) => Some(from),
        (Action::Cut { to, .. }, Slot::To) => Some(to),
        (Action::MessageRule(rule), Slot::From) => rule.from.as_mut(),
        (Action::MessageRule(rule), Slot::To) => rule.to.as_mut(),
        (
            Action::AddServer { via, .. } | Action::RemoveServer { via, .. } | Action::ChangeMembership { via, .. },
            Slot::Via,
        ) => via.as_mut(),
        (Action::Partition { groups }, Slot::Group(g, k)) => groups.get_mut(g)?.get_mut(k),
        _ => None,
    }
}

/// The servers an action names by id (every place that holds a server, stand-ins left out).
pub fn named_ids(action: &Action) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = match action {
        Action::Crash { node, .. }
        | Action::Restart { node }
        | Action::Pause { node }
        | Action::Resume { node }
        | Action::Isolate { node }
        | Action::Timeout { node }
        | Action::TransferLeadership { node }
        | Action::Client { node, .. } => vec![*node],
        Action::SetFaults(faults) => vec![faults.node],
        Action::AddServer { node, via } | Action::RemoveServer { node, via } => {
            std::iter::once(*node).chain(*via).collect()
        }
        Action::ChangeMembership { voters, via } => voters.iter().copied().chain(*via).collect(),
        Action::Cut { from, to } => vec![*from, *to],
        Action::MessageRule(rule) => rule.from.into_iter().chain(rule.to).collect(),
        Action::ChangeClients { node, .. } => node.iter().copied().collect(),
        Action::Partition { groups } => groups.iter().flatten().copied().collect(),
        _ => Vec::new(),
    };
    ids.retain(|&id| id != 0);
    ids
}

impl Targeted {
    /// The action with `ids[i]` in the place of the i-th role.
    pub fn with_ids(&self, ids: &[NodeId]) -> Action {
        let mut action = self.action.clone();
        for (&(slot, _), &id) in self.roles.iter().zip(ids) {
            if let Some(place) = slot_mut(&mut action, slot) {
                *place = id;
            }
        }
        action
    }
}

impl Serialize for Targeted {
    /// The action as written: its fields, with the role names where the roles stand.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Through text rather than `serde_json::to_value`: the page already writes actions as
        // text and reads text into a `Value` (the shape check), while `to_value` would compile
        // a second copy of every action's serializer into the wasm.
        let text = serde_json::to_string(&self.action).map_err(serde::ser::Error::custom)?;
        let mut value: serde_json::Value = serde_json::from_str(&text).map_err(serde::ser::Error::custom)?;
        for &(slot, role) in &self.roles {
            let name = serde_json::Value::String(role.name().to_string());
            let place = match slot {
                Slot::Group(g, k) => value.get_mut("groups").and_then(|v| v.get_mut(g)).and_then(|v| v.get_mut(k)),
                other => value.get_mut(other.field().as_str()),
            };
            if let Some(place) = place {
                *place = name;
            }
        }
        value.serialize(serializer)
    }
}

/// Who holds each role at a moment of the run, as the simulator sees it.
pub struct Holders {
    pub leader: Option<NodeId>,
    /// The running, unpaused followers, in id order.
    pub followers: Vec<NodeId>,
}

impl Holders {
    /// The servers the roles of `targeted` stand for, in order, or why the action cannot run.
    pub fn resolve(&self, targeted: &Targeted) -> Result<Vec<NodeId>, String> {
        let mut taken = named_ids(&targeted.action);
        let mut ids = Vec::with_capacity(targeted.roles.len());
        for &(slot, role) in &targeted.roles {
            let id = match role {
                RoleTarget::Leader => self.leader.ok_or_else(|| format!("{}: there is no leader", slot.field()))?,
                RoleTarget::AFollower => {
                    let free = self.followers.iter().copied().find(|id| !taken.contains(id));
                    free.ok_or_else(|| {
                        if self.followers.is_empty() {
                            format!("{}: no server is a running follower", slot.field())
                        } else {
                            format!(
                                "{}: no running follower is left that the action does not already name",
                                slot.field()
                            )
                        }
                    })?
                }
            };
            taken.push(id);
            ids.push(id);
        }
        Ok(ids)
    }
}

/// "leader = S2, a follower = S1": what each role resolved to.
pub fn describe(targeted: &Targeted, ids: &[NodeId]) -> String {
    let parts: Vec<String> = targeted
        .roles
        .iter()
        .zip(ids)
        .map(|(&(slot, role), id)| format!("{} \"{}\" = S{id}", slot.field(), role.name()))
        .collect();
    parts.join(", ")
}

/// Whether an action with roles fits the scenario; `f` names it in errors. Its other fields are
/// checked as the plain action's, with a stand-in server for each role (distinct servers the
/// action does not name otherwise, so a partition's groups stay disjoint).
pub(crate) fn check(
    scenario: &crate::scenario::format::Scenario,
    f: &str,
    targeted: &Targeted,
) -> Result<(), crate::scenario::format::ScenarioError> {
    use crate::scenario::format::ScenarioError;
    if targeted.roles.is_empty() {
        return Err(ScenarioError::new(f, "names no role"));
    }
    if let Action::Targeted(_) = targeted.action {
        return Err(ScenarioError::new(f, "names roles twice over"));
    }
    for (i, &(slot, role)) in targeted.roles.iter().enumerate() {
        let mut probe = targeted.action.clone();
        if slot_mut(&mut probe, slot).is_none() {
            return Err(ScenarioError::new(
                format!("{f}.{}", slot.field()),
                format!("a `{}` action takes no role here", targeted.action.kind()),
            ));
        }
        if role == RoleTarget::Leader && targeted.roles[..i].iter().any(|&(_, r)| r == RoleTarget::Leader) {
            return Err(ScenarioError::new(
                format!("{f}.{}", slot.field()),
                "names \"leader\" a second time in one action",
            ));
        }
    }
    let named = named_ids(&targeted.action);
    let spare: Vec<NodeId> = scenario.node_ids().into_iter().filter(|id| !named.contains(id)).collect();
    if spare.len() < targeted.roles.len() {
        return Err(ScenarioError::new(
            f,
            format!(
                "names {} servers by role besides {} by id: more than the {} servers there are",
                targeted.roles.len(),
                named.len(),
                scenario.nodes
            ),
        ));
    }
    scenario.check_action(f, &targeted.with_ids(&spare[..targeted.roles.len()]))
}
