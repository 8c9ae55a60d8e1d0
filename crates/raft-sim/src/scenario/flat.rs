//! How serde reads the tagged types (actions, timing models, tour checks and goals):
//! each through one flat struct holding every field any variant has, then converted.
//!
//! Why not serde's `#[serde(tag = ...)]` and `#[serde(flatten)]` for reading: they buffer the
//! object into serde's private `Content` tree and replay it, and that replay is compiled again
//! for every variant: 84 KB of the page's wasm for these types. A flat struct is read in
//! one pass by one visitor. Writing keeps the derived tagged form (it buffers nothing).
//!
//! The accepted JSON is the same: the tag names the variant (serde's "unknown variant" message
//! when it names none), a variant's required fields must be there ("missing field") and fields
//! of other variants are refused ("unknown field", with the variant's own field list). The shape
//! check (shape.rs) has already refused most bad documents by the time serde reads one.
use crate::engine::byzantine::Behaviour;
use crate::scenario::format::{Action, ClientOpKind, CrashMode, NodeFaults, TimedAction, TimingModel};
use crate::scenario::message_rule::{MessageRule, RuleEffect};
use crate::scenario::target::{NodeRef, Slot, Targeted};
use crate::scenario::tour::{Check, Claim, Goal};
use raft_core::{Index, NodeId, Role, Term};
use serde::de::value::Error;
use serde::de::Error as _;
use serde::Deserialize;

/// The first field given that the variant does not have, refused with serde's own message.
fn only(given: &[(&'static str, bool)], allowed: &'static [&'static str]) -> Result<(), Error> {
    match given.iter().find(|(name, present)| *present && !allowed.contains(name)) {
        Some((name, _)) => Err(Error::unknown_field(name, allowed)),
        None => Ok(()),
    }
}

/// A required field's value, or serde's "missing field" message.
pub(crate) fn need<T>(value: Option<T>, name: &'static str) -> Result<T, Error> {
    value.ok_or_else(|| Error::missing_field(name))
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActionTag {
    Crash,
    CrashLeader,
    Restart,
    Pause,
    Resume,
    Partition,
    Cut,
    Isolate,
    Heal,
    SetNetwork,
    SetFaults,
    Timeout,
    Client,
    DropMessage,
    DuplicateMessage,
    ManualDelivery,
    DeliverMessage,
    AlignTimers,
    SpreadTimers,
    TransferLeadership,
    AddServer,
    RemoveServer,
    ChangeMembership,
    MessageRule,
    StopClients,
    StartClients,
    ChangeClients,
}

/// An action as written: the `action` tag and the fields of every action, with the moment
/// it is taken at (`at_ms` in a timeline, `at` in a session's interventions, none in a task's
/// solution).
/// `at` is an intervention's playback mark, kept as JSON here (this layer cannot name the
/// playback's type; session.rs reads it). One struct, not generic: each instance of it would
/// be another copy of the code that reads every action field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionFlat {
    pub(crate) at_ms: Option<f64>,
    pub(crate) at: Option<serde_json::Value>,
    action: ActionTag,
    node: Option<NodeRef>,
    mode: Option<CrashMode>,
    groups: Option<Vec<Vec<NodeRef>>>,
    from: Option<NodeRef>,
    to: Option<NodeRef>,
    latency_ms: Option<[f64; 2]>,
    loss: Option<f64>,
    duplicate: Option<f64>,
    reorder: Option<f64>,
    timing: Option<TimingModel>,
    send_omission: Option<f64>,
    receive_omission: Option<f64>,
    drift: Option<f64>,
    byzantine: Option<Vec<Behaviour>>,
    op: Option<ClientOpKind>,
    key: Option<String>,
    value: Option<String>,
    retry_ms: Option<f64>,
    message: Option<u64>,
    on: Option<bool>,
    voters: Option<Vec<NodeId>>,
    via: Option<NodeRef>,
    rule: Option<RuleEffect>,
    kind: Option<String>,
    delay_ms: Option<f64>,
    for_ms: Option<f64>,
    clients: Option<Vec<u32>>,
    interval_ms: Option<f64>,
    keys: Option<u32>,
    get_ratio: Option<f64>,
}

/// A field of the action's context given where another context is read.
pub(crate) fn refuse(present: bool, name: &str, here: &str) -> Result<(), Error> {
    if present {
        return Err(Error::custom(format!("unknown field `{name}` in {here}")));
    }
    Ok(())
}

impl TryFrom<ActionFlat> for Action {
    type Error = Error;

    fn try_from(f: ActionFlat) -> Result<Action, Error> {
        refuse(f.at_ms.is_some(), "at_ms", "a task's solution")?;
        refuse(f.at.is_some(), "at", "a task's solution")?;
        f.into_action()
    }
}

impl TryFrom<ActionFlat> for TimedAction {
    type Error = Error;

    fn try_from(mut f: ActionFlat) -> Result<TimedAction, Error> {
        refuse(f.at.is_some(), "at", "a timeline")?;
        let at_ms = need(f.at_ms.take(), "at_ms")?;
        Ok(TimedAction { at_ms, action: f.into_action()? })
    }
}

impl ActionFlat {
    pub(crate) fn into_action(self) -> Result<Action, Error> {
        let f = self;
        let given = [
            ("node", f.node.is_some()),
            ("mode", f.mode.is_some()),
            ("groups", f.groups.is_some()),
            ("from", f.from.is_some()),
            ("to", f.to.is_some()),
            ("latency_ms", f.latency_ms.is_some()),
            ("loss", f.loss.is_some()),
            ("duplicate", f.duplicate.is_some()),
            ("reorder", f.reorder.is_some()),
            ("timing", f.timing.is_some()),
            ("send_omission", f.send_omission.is_some()),
            ("receive_omission", f.receive_omission.is_some()),
            ("drift", f.drift.is_some()),
            ("byzantine", f.byzantine.is_some()),
            ("op", f.op.is_some()),
            ("key", f.key.is_some()),
            ("value", f.value.is_some()),
            ("retry_ms", f.retry_ms.is_some()),
            ("message", f.message.is_some()),
            ("on", f.on.is_some()),
            ("voters", f.voters.is_some()),
            ("via", f.via.is_some()),
            ("rule", f.rule.is_some()),
            ("kind", f.kind.is_some()),
            ("delay_ms", f.delay_ms.is_some()),
            ("for_ms", f.for_ms.is_some()),
            ("clients", f.clients.is_some()),
            ("interval_ms", f.interval_ms.is_some()),
            ("keys", f.keys.is_some()),
            ("get_ratio", f.get_ratio.is_some()),
        ];
        // Servers named by role stand as 0 in the action, their places listed (target.rs).
        let mut roles = Vec::new();
        let mut id = |r: Option<NodeRef>, slot: Slot| {
            r.map(|r| match r {
                NodeRef::Id(n) => n,
                NodeRef::Role(role) => {
                    roles.push((slot, role));
                    0
                }
            })
        };
        let (node, from, to, via) =
            (id(f.node, Slot::Node), id(f.from, Slot::From), id(f.to, Slot::To), id(f.via, Slot::Via));
        let groups = f.groups.map(|groups| {
            let groups = groups.into_iter().enumerate();
            groups
                .map(|(g, group)| {
                    group.into_iter().enumerate().map(|(k, r)| id(Some(r), Slot::Group(g, k)).unwrap_or(0)).collect()
                })
                .collect()
        });
        let node_given = node;
        let node = || need(node, "node");
        let action = match f.action {
            ActionTag::Crash => {
                only(&given, &["node", "mode"])?;
                Action::Crash { node: node()?, mode: f.mode.unwrap_or_default() }
            }
            ActionTag::CrashLeader => {
                only(&given, &["mode"])?;
                Action::CrashLeader { mode: f.mode.unwrap_or_default() }
            }
            ActionTag::Restart => {
                only(&given, &["node"])?;
                Action::Restart { node: node()? }
            }
            ActionTag::Pause => {
                only(&given, &["node"])?;
                Action::Pause { node: node()? }
            }
            ActionTag::Resume => {
                only(&given, &["node"])?;
                Action::Resume { node: node()? }
            }
            ActionTag::Partition => {
                only(&given, &["groups"])?;
                Action::Partition { groups: need(groups, "groups")? }
            }
            ActionTag::Cut => {
                only(&given, &["from", "to"])?;
                Action::Cut { from: need(from, "from")?, to: need(to, "to")? }
            }
            ActionTag::Isolate => {
                only(&given, &["node"])?;
                Action::Isolate { node: node()? }
            }
            ActionTag::Heal => {
                only(&given, &[])?;
                Action::Heal
            }
            ActionTag::SetNetwork => {
                only(&given, &["latency_ms", "loss", "duplicate", "reorder", "timing"])?;
                Action::SetNetwork {
                    latency_ms: f.latency_ms,
                    loss: f.loss,
                    duplicate: f.duplicate,
                    reorder: f.reorder,
                    timing: f.timing,
                }
            }
            ActionTag::SetFaults => {
                only(&given, &["node", "send_omission", "receive_omission", "drift", "byzantine"])?;
                Action::SetFaults(NodeFaults {
                    node: node()?,
                    send_omission: f.send_omission.unwrap_or_default(),
                    receive_omission: f.receive_omission.unwrap_or_default(),
                    drift: f.drift.unwrap_or_default(),
                    byzantine: f.byzantine.unwrap_or_default(),
                })
            }
            ActionTag::Timeout => {
                only(&given, &["node"])?;
                Action::Timeout { node: node()? }
            }
            ActionTag::Client => {
                only(&given, &["node", "op", "key", "value", "retry_ms"])?;
                let (op, key) = (need(f.op, "op")?, need(f.key, "key")?);
                Action::Client { node: node()?, op, key, value: f.value, retry_ms: f.retry_ms }
            }
            ActionTag::DropMessage => {
                only(&given, &["message"])?;
                Action::DropMessage { message: need(f.message, "message")? }
            }
            ActionTag::DuplicateMessage => {
                only(&given, &["message"])?;
                Action::DuplicateMessage { message: need(f.message, "message")? }
            }
            ActionTag::ManualDelivery => {
                only(&given, &["on"])?;
                Action::ManualDelivery { on: need(f.on, "on")? }
            }
            ActionTag::DeliverMessage => {
                only(&given, &["message"])?;
                Action::DeliverMessage { message: need(f.message, "message")? }
            }
            ActionTag::AlignTimers => {
                only(&given, &[])?;
                Action::AlignTimers
            }
            ActionTag::SpreadTimers => {
                only(&given, &[])?;
                Action::SpreadTimers
            }
            ActionTag::TransferLeadership => {
                only(&given, &["node"])?;
                Action::TransferLeadership { node: node()? }
            }
            ActionTag::AddServer => {
                only(&given, &["node", "via"])?;
                Action::AddServer { node: node()?, via }
            }
            ActionTag::RemoveServer => {
                only(&given, &["node", "via"])?;
                Action::RemoveServer { node: node()?, via }
            }
            ActionTag::ChangeMembership => {
                only(&given, &["voters", "via"])?;
                Action::ChangeMembership { voters: need(f.voters, "voters")?, via }
            }
            ActionTag::MessageRule => {
                only(&given, &["rule", "kind", "from", "to", "delay_ms", "for_ms"])?;
                Action::MessageRule(MessageRule {
                    rule: need(f.rule, "rule")?,
                    kind: f.kind,
                    from,
                    to,
                    delay_ms: f.delay_ms,
                    for_ms: f.for_ms,
                })
            }
            ActionTag::StopClients => {
                only(&given, &["clients"])?;
                Action::StopClients { clients: f.clients }
            }
            ActionTag::StartClients => {
                only(&given, &["clients"])?;
                Action::StartClients { clients: f.clients }
            }
            ActionTag::ChangeClients => {
                only(&given, &["clients", "interval_ms", "keys", "get_ratio", "node"])?;
                let (interval_ms, keys, get_ratio) = (f.interval_ms, f.keys, f.get_ratio);
                Action::ChangeClients { clients: f.clients, interval_ms, keys, get_ratio, node: node_given }
            }
        };
        if roles.is_empty() {
            return Ok(action);
        }
        Ok(Action::Targeted(Box::new(Targeted { action, roles })))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TimingTag {
    Synchronous,
    PartiallySynchronous,
    Asynchronous,
}

/// A timing model as written: the `model` tag and the fields of every model.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimingModelFlat {
    model: TimingTag,
    gst_ms: Option<f64>,
    tail_probability: Option<f64>,
}

impl TryFrom<TimingModelFlat> for TimingModel {
    type Error = Error;

    fn try_from(f: TimingModelFlat) -> Result<TimingModel, Error> {
        let given = [("gst_ms", f.gst_ms.is_some()), ("tail_probability", f.tail_probability.is_some())];
        let tail = f.tail_probability.unwrap_or_else(crate::scenario::format::default_tail);
        Ok(match f.model {
            TimingTag::Synchronous => {
                only(&given, &[])?;
                TimingModel::Synchronous
            }
            TimingTag::PartiallySynchronous => {
                only(&given, &["gst_ms", "tail_probability"])?;
                TimingModel::PartiallySynchronous { gst_ms: need(f.gst_ms, "gst_ms")?, tail_probability: tail }
            }
            TimingTag::Asynchronous => {
                only(&given, &["tail_probability"])?;
                TimingModel::Asynchronous { tail_probability: tail }
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CheckTag {
    Leader,
    NoLeader,
    Role,
    TermAtLeast,
    Committed,
    LogLength,
    Value,
    VotedFor,
    Crashed,
    Violation,
    NoViolation,
    EntryTerm,
    CommitIndex,
    NextIndex,
    Votes,
    ReadAnswer,
    ReadPending,
    Linearizable,
    SnapshotIndex,
    Configuration,
    LastApplied,
    MatchIndex,
    Applied,
    Answer,
    Unanswered,
    Retried,
    Availability,
    Paused,
    SnapshotShared,
}

/// A check (or a claim: a check with `at_ms`) as written: the `check` tag and the fields of
/// every check.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckFlat {
    at_ms: Option<f64>,
    check: CheckTag,
    node: Option<NodeId>,
    term: Option<Term>,
    role: Option<Role>,
    index: Option<Index>,
    length: Option<Index>,
    key: Option<String>,
    value: Option<String>,
    candidate: Option<NodeId>,
    property: Option<String>,
    leader: Option<NodeId>,
    follower: Option<NodeId>,
    granted: Option<Vec<NodeId>>,
    denied: Option<Vec<NodeId>>,
    holds: Option<bool>,
    voters: Option<Vec<NodeId>>,
    new_voters: Option<Vec<NodeId>>,
    learners: Option<Vec<NodeId>>,
    request: Option<u64>,
    client: Option<u64>,
    times: Option<u32>,
    failures: Option<u32>,
    repairs: Option<u32>,
    up: Option<bool>,
    mttf_ms: Option<[f64; 2]>,
    mttr_ms: Option<[f64; 2]>,
    share: Option<[f64; 2]>,
    shared: Option<bool>,
}

impl CheckFlat {
    fn into_check(self) -> Result<Check, Error> {
        let f = self;
        let given = [
            ("node", f.node.is_some()),
            ("term", f.term.is_some()),
            ("role", f.role.is_some()),
            ("index", f.index.is_some()),
            ("length", f.length.is_some()),
            ("key", f.key.is_some()),
            ("value", f.value.is_some()),
            ("candidate", f.candidate.is_some()),
            ("property", f.property.is_some()),
            ("leader", f.leader.is_some()),
            ("follower", f.follower.is_some()),
            ("granted", f.granted.is_some()),
            ("denied", f.denied.is_some()),
            ("holds", f.holds.is_some()),
            ("voters", f.voters.is_some()),
            ("new_voters", f.new_voters.is_some()),
            ("learners", f.learners.is_some()),
            ("request", f.request.is_some()),
            ("client", f.client.is_some()),
            ("times", f.times.is_some()),
            ("failures", f.failures.is_some()),
            ("repairs", f.repairs.is_some()),
            ("up", f.up.is_some()),
            ("mttf_ms", f.mttf_ms.is_some()),
            ("mttr_ms", f.mttr_ms.is_some()),
            ("share", f.share.is_some()),
            ("shared", f.shared.is_some()),
        ];
        let node = || need(f.node, "node");
        let index = || need(f.index, "index");
        Ok(match f.check {
            CheckTag::Leader => {
                only(&given, &["node", "term"])?;
                Check::Leader { node: f.node, term: f.term }
            }
            CheckTag::NoLeader => {
                only(&given, &[])?;
                Check::NoLeader
            }
            CheckTag::Role => {
                only(&given, &["node", "role"])?;
                Check::Role { node: node()?, role: need(f.role, "role")? }
            }
            CheckTag::TermAtLeast => {
                only(&given, &["node", "term"])?;
                Check::TermAtLeast { node: f.node, term: need(f.term, "term")? }
            }
            CheckTag::Committed => {
                only(&given, &["node", "index"])?;
                Check::Committed { node: f.node, index: index()? }
            }
            CheckTag::LogLength => {
                only(&given, &["node", "length"])?;
                Check::LogLength { node: node()?, length: need(f.length, "length")? }
            }
            CheckTag::Value => {
                only(&given, &["node", "key", "value"])?;
                Check::Value { node: f.node, key: need(f.key, "key")?, value: need(f.value, "value")? }
            }
            CheckTag::VotedFor => {
                only(&given, &["node", "candidate"])?;
                Check::VotedFor { node: node()?, candidate: need(f.candidate, "candidate")? }
            }
            CheckTag::Crashed => {
                only(&given, &["node"])?;
                Check::Crashed { node: node()? }
            }
            CheckTag::Violation => {
                only(&given, &["property"])?;
                Check::Violation { property: f.property }
            }
            CheckTag::NoViolation => {
                only(&given, &[])?;
                Check::NoViolation
            }
            CheckTag::EntryTerm => {
                only(&given, &["node", "index", "term"])?;
                Check::EntryTerm { node: node()?, index: index()?, term: need(f.term, "term")? }
            }
            CheckTag::CommitIndex => {
                only(&given, &["node", "index"])?;
                Check::CommitIndex { node: node()?, index: index()? }
            }
            CheckTag::NextIndex => {
                only(&given, &["leader", "follower", "index"])?;
                Check::NextIndex {
                    leader: need(f.leader, "leader")?,
                    follower: need(f.follower, "follower")?,
                    index: index()?,
                }
            }
            CheckTag::Votes => {
                only(&given, &["node", "granted", "denied"])?;
                Check::Votes {
                    node: node()?,
                    granted: need(f.granted, "granted")?,
                    denied: f.denied.unwrap_or_default(),
                }
            }
            CheckTag::ReadAnswer => {
                only(&given, &["node", "key", "value"])?;
                Check::ReadAnswer { node: node()?, key: need(f.key, "key")?, value: need(f.value, "value")? }
            }
            CheckTag::ReadPending => {
                only(&given, &["key"])?;
                Check::ReadPending { key: need(f.key, "key")? }
            }
            CheckTag::Linearizable => {
                only(&given, &["holds"])?;
                Check::Linearizable { holds: need(f.holds, "holds")? }
            }
            CheckTag::SnapshotIndex => {
                only(&given, &["node", "index"])?;
                Check::SnapshotIndex { node: node()?, index: index()? }
            }
            CheckTag::LastApplied => {
                only(&given, &["node", "index"])?;
                Check::LastApplied { node: node()?, index: index()? }
            }
            CheckTag::MatchIndex => {
                only(&given, &["leader", "follower", "index"])?;
                Check::MatchIndex {
                    leader: need(f.leader, "leader")?,
                    follower: need(f.follower, "follower")?,
                    index: index()?,
                }
            }
            CheckTag::Applied => {
                only(&given, &["node", "request", "times"])?;
                Check::Applied { node: node()?, request: need(f.request, "request")?, times: need(f.times, "times")? }
            }
            CheckTag::Answer => {
                only(&given, &["request", "node", "value"])?;
                Check::Answer { request: need(f.request, "request")?, node: node()?, value: f.value }
            }
            CheckTag::Unanswered => {
                only(&given, &["request"])?;
                Check::Unanswered { request: need(f.request, "request")? }
            }
            CheckTag::Retried => {
                only(&given, &["client", "key", "value", "times"])?;
                Check::Retried {
                    client: need(f.client, "client")?,
                    key: need(f.key, "key")?,
                    value: need(f.value, "value")?,
                    times: need(f.times, "times")?,
                }
            }
            CheckTag::Availability => {
                only(&given, &["failures", "repairs", "up", "mttf_ms", "mttr_ms", "share"])?;
                Check::Availability {
                    failures: need(f.failures, "failures")?,
                    repairs: need(f.repairs, "repairs")?,
                    up: f.up,
                    mttf_ms: f.mttf_ms,
                    mttr_ms: f.mttr_ms,
                    share: f.share,
                }
            }
            CheckTag::SnapshotShared => {
                only(&given, &["node", "shared"])?;
                Check::SnapshotShared { node: node()?, shared: need(f.shared, "shared")? }
            }
            CheckTag::Paused => {
                only(&given, &["node"])?;
                Check::Paused { node: node()? }
            }
            CheckTag::Configuration => {
                only(&given, &["node", "voters", "new_voters", "learners"])?;
                Check::Configuration {
                    node: node()?,
                    voters: need(f.voters, "voters")?,
                    new_voters: f.new_voters,
                    learners: f.learners.unwrap_or_default(),
                }
            }
        })
    }
}

impl TryFrom<CheckFlat> for Check {
    type Error = Error;

    /// A check alone (a goal's) has no `at_ms`.
    fn try_from(f: CheckFlat) -> Result<Check, Error> {
        if f.at_ms.is_some() {
            return Err(Error::custom("unknown field `at_ms`: only a claim has a time, not a goal's check"));
        }
        f.into_check()
    }
}

impl TryFrom<CheckFlat> for Claim {
    type Error = Error;

    fn try_from(f: CheckFlat) -> Result<Claim, Error> {
        Ok(Claim { at_ms: f.at_ms, check: f.into_check()? })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum GoalTag {
    NewLeader,
    Holds,
}

/// A goal as written: the `goal` tag and the fields of every goal.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoalFlat {
    goal: GoalTag,
    check: Option<Check>,
}

impl TryFrom<GoalFlat> for Goal {
    type Error = Error;

    fn try_from(f: GoalFlat) -> Result<Goal, Error> {
        let given = [("check", f.check.is_some())];
        Ok(match f.goal {
            GoalTag::NewLeader => {
                only(&given, &[])?;
                Goal::NewLeader
            }
            GoalTag::Holds => Goal::Holds { check: need(f.check, "check")? },
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::format::{Action, TimedAction, TimingModel};
    use crate::scenario::tour::{Check, Claim, Goal};

    fn refusal<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        serde_json::from_str::<T>(text).expect_err(text).to_string()
    }

    #[test]
    fn reads_what_the_derive_writes() {
        let actions = [
            Action::Crash { node: 2, mode: crate::scenario::format::CrashMode::Amnesia },
            Action::Heal,
            Action::SetNetwork {
                latency_ms: Some([1.0, 2.0]),
                loss: None,
                duplicate: Some(0.1),
                reorder: None,
                timing: Some(TimingModel::Asynchronous { tail_probability: 0.3 }),
            },
            Action::Client {
                node: 1,
                op: crate::scenario::format::ClientOpKind::Put,
                key: "k".into(),
                value: Some("v".into()),
                retry_ms: Some(300.0),
            },
            Action::ChangeMembership { voters: vec![1, 2], via: Some(3) },
            Action::MessageRule(crate::scenario::message_rule::MessageRule {
                rule: crate::scenario::message_rule::RuleEffect::Drop,
                kind: Some("AppendEntries".into()),
                from: Some(1),
                to: None,
                delay_ms: None,
                for_ms: Some(200.0),
            }),
            Action::Targeted(Box::new(crate::scenario::target::Targeted {
                action: Action::Partition { groups: vec![vec![0, 3], vec![0]] },
                roles: vec![
                    (crate::scenario::target::Slot::Group(0, 0), crate::scenario::target::RoleTarget::Leader),
                    (crate::scenario::target::Slot::Group(1, 0), crate::scenario::target::RoleTarget::AFollower),
                ],
            })),
        ];
        for action in actions {
            let timed = TimedAction { at_ms: 12.5, action: action.clone() };
            let text = serde_json::to_string(&timed).unwrap();
            assert_eq!(serde_json::from_str::<TimedAction>(&text).unwrap(), timed, "{text}");
            let text = serde_json::to_string(&action).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&text).unwrap(), action, "{text}");
        }
        let claim = Claim { at_ms: Some(5.0), check: Check::Votes { node: 1, granted: vec![1, 2], denied: vec![3] } };
        let text = serde_json::to_string(&claim).unwrap();
        assert_eq!(serde_json::from_str::<Claim>(&text).unwrap(), claim);
        let goal = Goal::Holds { check: Check::NoLeader };
        let text = serde_json::to_string(&goal).unwrap();
        assert_eq!(serde_json::from_str::<Goal>(&text).unwrap(), goal);
    }

    #[test]
    fn refuses_with_the_derives_messages() {
        assert!(refusal::<TimedAction>(r#"{"at_ms": 1, "action": "crash"}"#).starts_with("missing field `node`"));
        assert!(refusal::<TimedAction>(r#"{"at_ms": 1, "action": "crash", "node": 1, "via": 2}"#)
            .starts_with("unknown field `via`, expected `node` or `mode`"));
        assert!(refusal::<TimedAction>(r#"{"at_ms": 1, "action": "heal", "node": 1}"#)
            .starts_with("unknown field `node`, there are no fields"));
        assert!(refusal::<TimedAction>(r#"{"at_ms": 1, "action": "explode"}"#)
            .starts_with("unknown variant `explode`, expected one of `crash`"));
        assert!(refusal::<TimedAction>(r#"{"at_ms": 1}"#).starts_with("missing field `action`"));
        assert!(refusal::<TimedAction>(r#"{"action": "heal"}"#).starts_with("missing field `at_ms`"));
        assert!(refusal::<Action>(r#"{"at_ms": 1, "action": "heal"}"#).starts_with("unknown field `at_ms`"));
        assert!(refusal::<Check>(r#"{"check": "role", "node": 1}"#).starts_with("missing field `role`"));
        assert!(refusal::<Goal>(r#"{"goal": "holds"}"#).starts_with("missing field `check`"));
        assert!(refusal::<TimingModel>(r#"{"model": "partially_synchronous"}"#).starts_with("missing field `gst_ms`"));
    }
}
