//! Triggers: actions that run when something happens in the run instead of at a time.
//!
//! ```json
//! "triggers": [
//!   { "when": { "event": "becomes_leader", "node": 2 }, "delay_ms": 50,
//!     "do": { "action": "isolate", "node": "leader" } }
//! ]
//! ```
//!
//! Every event is an edge seen after a server's step (or at a send): a server becomes leader or
//! candidate, its commitIndex reaches `index`, its term reaches `term`, a server sends a message
//! of a kind. A trigger fires at most `times` times (once by default); each firing runs the
//! action `delay_ms` later (0: at once, after the events already due then). The engine's side
//! is engine/sim/triggers.rs.
use crate::scenario::flat::need;
use crate::scenario::format::Action;
use crate::scenario::message_rule::MESSAGE_KINDS;
use crate::scenario::shape::{Field, Kinds, Need, Shape};
use raft_core::{Index, NodeId, Term};
use serde::de::value::Error;
use serde::de::Error as _;
use serde::{Deserialize, Serialize};

/// A trigger fires at most this many times.
pub const MAX_TRIGGER_TIMES: u32 = 1_000;
/// At most this many triggers in a scenario.
pub const MAX_TRIGGERS: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub when: When,
    /// How long after the event the action runs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delay_ms: f64,
    /// How many times it fires at most.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub times: u32,
    /// The action (any timeline action, without `at_ms`; role targets resolve when it runs).
    #[serde(rename = "do")]
    pub action: Action,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}

/// What a trigger waits for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[serde(try_from = "WhenFlat")]
pub enum When {
    /// A server (`node`, or any) becomes leader.
    BecomesLeader {
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
    },
    /// A server (`node`, or any) becomes candidate (starts an election).
    BecomesCandidate {
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
    },
    /// A server's (`node`'s, or any one's) commitIndex reaches `index`.
    Commits {
        index: Index,
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
    },
    /// A server's (`node`'s, or any one's) currentTerm reaches `term`.
    TermReached {
        term: Term,
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
    },
    /// A server sends a message of `kind` (any kind when left out), from `from` to `to`
    /// (each any when left out).
    MessageSent {
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<NodeId>,
        #[serde(skip_serializing_if = "Option::is_none")]
        to: Option<NodeId>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum WhenTag {
    BecomesLeader,
    BecomesCandidate,
    Commits,
    TermReached,
    MessageSent,
}

/// A `when` as written: the `event` tag and every event's fields (see flat.rs for why).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenFlat {
    event: WhenTag,
    node: Option<NodeId>,
    index: Option<Index>,
    term: Option<Term>,
    kind: Option<String>,
    from: Option<NodeId>,
    to: Option<NodeId>,
}

impl TryFrom<WhenFlat> for When {
    type Error = Error;

    fn try_from(f: WhenFlat) -> Result<When, Error> {
        let given = [
            ("node", f.node.is_some()),
            ("index", f.index.is_some()),
            ("term", f.term.is_some()),
            ("kind", f.kind.is_some()),
            ("from", f.from.is_some()),
            ("to", f.to.is_some()),
        ];
        let only = |allowed: &'static [&'static str]| match given.iter().find(|(n, p)| *p && !allowed.contains(n)) {
            Some((name, _)) => Err(Error::unknown_field(name, allowed)),
            None => Ok(()),
        };
        Ok(match f.event {
            WhenTag::BecomesLeader => {
                only(&["node"])?;
                When::BecomesLeader { node: f.node }
            }
            WhenTag::BecomesCandidate => {
                only(&["node"])?;
                When::BecomesCandidate { node: f.node }
            }
            WhenTag::Commits => {
                only(&["index", "node"])?;
                When::Commits { index: need(f.index, "index")?, node: f.node }
            }
            WhenTag::TermReached => {
                only(&["term", "node"])?;
                When::TermReached { term: need(f.term, "term")?, node: f.node }
            }
            WhenTag::MessageSent => {
                only(&["kind", "from", "to"])?;
                if let Some(kind) = f.kind.as_deref().filter(|k| !MESSAGE_KINDS.contains(k)) {
                    return Err(Error::custom(format!("unknown message kind `{kind}`")));
                }
                When::MessageSent { kind: f.kind, from: f.from, to: f.to }
            }
        })
    }
}

impl When {
    /// "S2 becomes leader", for traces.
    pub fn describe(&self) -> String {
        let who = |n: &Option<NodeId>| n.map_or("a server".to_string(), |n| format!("S{n}"));
        match self {
            When::BecomesLeader { node } => format!("{} becomes leader", who(node)),
            When::BecomesCandidate { node } => format!("{} becomes candidate", who(node)),
            When::Commits { index, node } => format!("{} commits index {index}", who(node)),
            When::TermReached { term, node } => format!("{} reaches term {term}", who(node)),
            When::MessageSent { kind, from, to } => {
                let end = |n: &Option<NodeId>| n.map_or("any".to_string(), |n| format!("S{n}"));
                format!("{} {} → {} is sent", kind.as_deref().unwrap_or("a message"), end(from), end(to))
            }
        }
    }
}

const fn field(name: &'static str, shape: Shape, need: Need) -> Field {
    Field { name, shape, need }
}

const NODE: Shape = Shape::Whole(u32::MAX as u64);
const WHOLE: Shape = Shape::Whole(u64::MAX);
const KIND: Shape = Shape::Name(MESSAGE_KINDS);

/// The events a `when` may name, for the shape check (shape.rs).
pub const WHEN: Kinds = Kinds {
    tag: "event",
    kinds: &[
        ("becomes_leader", &[field("node", NODE, Need::Nullable)]),
        ("becomes_candidate", &[field("node", NODE, Need::Nullable)]),
        ("commits", &[field("index", WHOLE, Need::Required), field("node", NODE, Need::Nullable)]),
        ("term_reached", &[field("term", WHOLE, Need::Required), field("node", NODE, Need::Nullable)]),
        (
            "message_sent",
            &[
                field("kind", KIND, Need::Nullable),
                field("from", NODE, Need::Nullable),
                field("to", NODE, Need::Nullable),
            ],
        ),
    ],
};

/// A trigger's fields, for the shape check.
pub const TRIGGER_FIELDS: &[Field] = &[
    field("when", Shape::Tagged { common: &[], kinds: &WHEN }, Need::Required),
    field("delay_ms", Shape::Number, Need::Optional),
    field("times", Shape::Whole(u32::MAX as u64), Need::Optional),
    field("do", Shape::Tagged { common: &[], kinds: &crate::scenario::shape::ACTIONS }, Need::Required),
];

/// Check the scenario's triggers (called by `Scenario::validate`).
pub(crate) fn validate(scenario: &crate::scenario::format::Scenario) -> Result<(), crate::scenario::ScenarioError> {
    use crate::scenario::format::{check_ms, ScenarioError, MAX_DURATION_MS};
    if scenario.triggers.len() > MAX_TRIGGERS {
        return Err(ScenarioError::new("triggers", format!("has more than {MAX_TRIGGERS} triggers")));
    }
    for (i, trigger) in scenario.triggers.iter().enumerate() {
        let f = format!("triggers[{i}]");
        let node = |name: &str, n: &Option<NodeId>| match n {
            Some(n) => scenario.check_node(&format!("{f}.when.{name}"), *n),
            None => Ok(()),
        };
        match &trigger.when {
            When::BecomesLeader { node: n } | When::BecomesCandidate { node: n } => node("node", n)?,
            When::Commits { index, node: n } => {
                if *index == 0 {
                    return Err(ScenarioError::new(
                        format!("{f}.when.index"),
                        "must be at least 1 (indexes start at 1)",
                    ));
                }
                node("node", n)?
            }
            When::TermReached { term, node: n } => {
                if *term == 0 {
                    return Err(ScenarioError::new(
                        format!("{f}.when.term"),
                        "must be at least 1 (every server starts in term 0)",
                    ));
                }
                node("node", n)?
            }
            When::MessageSent { kind, from, to } => {
                if let Some(kind) = kind.as_deref().filter(|k| !MESSAGE_KINDS.contains(k)) {
                    return Err(ScenarioError::new(
                        format!("{f}.when.kind"),
                        format!("unknown message kind \"{kind}\""),
                    ));
                }
                node("from", from)?;
                node("to", to)?
            }
        }
        check_ms(&format!("{f}.delay_ms"), trigger.delay_ms, 0.0, MAX_DURATION_MS)?;
        if !(1..=MAX_TRIGGER_TIMES).contains(&trigger.times) {
            return Err(ScenarioError::new(format!("{f}.times"), format!("must be between 1 and {MAX_TRIGGER_TIMES}")));
        }
        scenario.check_action(&format!("{f}.do"), &trigger.action)?;
    }
    Ok(())
}
