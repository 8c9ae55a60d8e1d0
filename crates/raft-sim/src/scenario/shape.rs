//! What each document may hold, checked before serde builds it.
//!
//! serde's derive is lenient where the formats promise to be strict: it reads a JSON list as a
//! struct (`"network": [[300, 400]]`), a number as an enum tag (`"action": 0` is the first
//! action), ignores every other field of a unit variant of an internally tagged enum
//! (`{"action": "heal", "node": 1}` heals the whole network), and inside flattened or tagged
//! content it cannot say which field is wrong. So every document is first parsed into a plain
//! tree that keeps duplicate keys, and walked against the shapes below: objects only where
//! objects are documented, names only where names are, every field known and given once,
//! required fields present, numbers of the right kind. The refusal names the field by its path
//! (`timeline[3].node`), on the command line and on the page alike. serde then builds the
//! typed value from the same text; `validate` checks ranges and cross-references after that.
//!
//! The shapes mirror the serde attributes of scenario.rs, share.rs, session.rs and tour.rs;
//! the tests (`tests/strict_formats.rs`) check that every field those types write is accepted.
use crate::scenario::ScenarioError;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write as _};

/// A JSON document as written: objects keep their keys in order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Whole numbers that fit u64, negative ones that fit i64, and every other number.
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Str(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parse text (serde_json's parser: its recursion limit keeps deep nesting off the stack).
    pub fn parse(text: &str) -> Result<Json, ScenarioError> {
        serde_json::from_str(text).map_err(|e| ScenarioError::new("", format!("not valid JSON: {e}")))
    }

    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true or false",
            Json::Unsigned(_) | Json::Negative(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::List(_) => "a list",
            Json::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Unsigned(n))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(if n >= 0 { Json::Unsigned(n as u64) } else { Json::Negative(n) })
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(Json::Float(n))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut fields = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            fields.push((key, value));
        }
        Ok(Json::Object(fields))
    }
}

/// What a value must be.
#[derive(Debug)]
pub enum Shape {
    Bool,
    Str,
    /// Any number (milliseconds, probabilities, speeds).
    Number,
    /// A whole number from 0 to the maximum (the Rust type's).
    Whole(u64),
    /// `[min, max]`: two numbers.
    Range,
    /// One of these names.
    Name(&'static [&'static str]),
    /// A server: its id (a whole number) or a role (target.rs).
    Target,
    List(&'static Shape),
    Object(&'static [Field]),
    /// An object keyed by server id (`"1"`, `"2"`, …), each value of this shape.
    Map(&'static Shape),
    /// A value of the first shape or, failing that, of the second (a term or an entry).
    Either(&'static Shape, &'static Shape),
    /// An object whose `tag` field names its kind; `common` fields come with every kind.
    Tagged {
        common: &'static [Field],
        kinds: &'static Kinds,
    },
}

/// A field of an object.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub need: Need,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    /// May be left out (the default applies).
    Optional,
    /// May be left out or null (an `Option`).
    Nullable,
}

/// The kinds of a tagged object: `{"action": "crash", "node": 1}`.
#[derive(Debug)]
pub struct Kinds {
    pub tag: &'static str,
    pub kinds: &'static [(&'static str, &'static [Field])],
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field { name, shape, need: Need::Required }
}
const fn opt(name: &'static str, shape: Shape) -> Field {
    Field { name, shape, need: Need::Optional }
}
const fn null(name: &'static str, shape: Shape) -> Field {
    Field { name, shape, need: Need::Nullable }
}

const U32: Shape = Shape::Whole(u32::MAX as u64);
const U64: Shape = Shape::Whole(u64::MAX);
/// `usize` fields: held to 32 bits so that the page (wasm32) and the CLI accept the same files.
const USIZE: Shape = Shape::Whole(u32::MAX as u64);
const NODE: Shape = U32;
const NODES: Shape = Shape::List(&NODE);

// scenario.rs
pub const SCENARIO: Shape = Shape::Object(SCENARIO_FIELDS);
const SCENARIO_FIELDS: &[Field] = &[
    req("name", Shape::Str),
    opt("description", Shape::Str),
    req("nodes", U32),
    opt("seed", U64),
    opt("duration_ms", Shape::Number),
    opt("raft", Shape::Object(RAFT_FIELDS)),
    opt("network", Shape::Object(NETWORK_FIELDS)),
    opt("faults", Shape::List(&Shape::Object(FAULT_FIELDS))),
    null("workload", Shape::Object(WORKLOAD_FIELDS)),
    opt("timeline", Shape::List(&TIMED_ACTION)),
    null("members", NODES),
    opt("triggers", Shape::List(&Shape::Object(crate::scenario::trigger::TRIGGER_FIELDS))),
    opt("servers", Shape::Map(&Shape::Object(SERVER_FIELDS))),
    opt("expect", Shape::List(&Shape::Tagged { common: &[null("at_ms", Shape::Number)], kinds: &CHECKS })),
];
/// `servers."1"` (initial.rs): a log entry is a term or an object holding a command.
const SERVER_FIELDS: &[Field] = &[
    opt("term", U64),
    null("voted_for", NODE),
    opt(
        "log",
        Shape::List(&Shape::Either(
            &U64,
            &Shape::Object(&[
                req("term", U64),
                req("op", Shape::Name(&["put", "get"])),
                req("key", Shape::Str),
                null("value", Shape::Str),
            ]),
        )),
    ),
    null("election_timeout_ms", Shape::Range),
];
const RAFT_FIELDS: &[Field] = &[
    opt("election_timeout_ms", Shape::Range),
    opt("heartbeat_ms", Shape::Number),
    opt("backtrack", Shape::Name(&["one-by-one", "conflict-term"])),
    opt("noop_on_election", Shape::Bool),
    opt("max_entries_per_message", USIZE),
    opt(
        "unsafe",
        Shape::List(&Shape::Name(&[
            "no-vote-restriction",
            "commit-old-terms",
            "no-persist",
            "forget-vote",
            "unsafe-single-server-change",
            "stale-reads",
            "no-dedup",
        ])),
    ),
    opt("pre_vote", Shape::Bool),
    opt("check_quorum", Shape::Bool),
    opt("leader_liveliness", Shape::Bool),
    opt("membership_mode", Shape::Name(&["joint", "single_server"])),
    opt("read_mode", Shape::Name(&["log", "read_index", "lease"])),
    opt("lease_drift_bound", Shape::Number),
    opt("snapshot_threshold", USIZE),
    opt("snapshot_chunk_bytes", USIZE),
];
const TIMING: Shape = Shape::Tagged {
    common: &[],
    kinds: &Kinds {
        tag: "model",
        kinds: &[
            ("synchronous", &[]),
            ("partially_synchronous", &[req("gst_ms", Shape::Number), opt("tail_probability", Shape::Number)]),
            ("asynchronous", &[opt("tail_probability", Shape::Number)]),
        ],
    },
};
const NETWORK_FIELDS: &[Field] = &[
    opt("latency_ms", Shape::Range),
    opt("loss", Shape::Number),
    opt("duplicate", Shape::Number),
    opt("reorder", Shape::Number),
    opt("timing", TIMING),
    opt(
        "links",
        Shape::List(&Shape::Object(&[
            req("from", NODE),
            req("to", NODE),
            null("latency_ms", Shape::Range),
            null("loss", Shape::Number),
            null("duplicate", Shape::Number),
            null("reorder", Shape::Number),
        ])),
    ),
];
const FAULT_FIELDS: &[Field] = &[
    req("node", NODE),
    opt("send_omission", Shape::Number),
    opt("receive_omission", Shape::Number),
    opt("drift", Shape::Number),
    opt(
        "byzantine",
        Shape::List(&Shape::Name(&["inflate_term", "vote_for_all", "forge_entries", "forge_commit", "lie_in_replies"])),
    ),
];
const WORKLOAD_FIELDS: &[Field] = &[
    opt("clients", U32),
    opt("interval_ms", Shape::Number),
    opt("keys", U32),
    opt("get_ratio", Shape::Number),
    opt("timeout_ms", Shape::Number),
    opt("start_ms", Shape::Number),
];
const CRASH_MODE: Shape = Shape::Name(&["stop", "recover", "amnesia"]);
const NODE_ONLY: &[Field] = &[req("node", NODE)];
/// An action's server: an id or a role.
const TARGET: Shape = Shape::Target;
const TARGET_ONLY: &[Field] = &[req("node", TARGET)];
const VIA_NODE: &[Field] = &[req("node", TARGET), null("via", TARGET)];
const SET_FAULTS_FIELDS: &[Field] = &[
    req("node", TARGET),
    opt("send_omission", Shape::Number),
    opt("receive_omission", Shape::Number),
    opt("drift", Shape::Number),
    opt(
        "byzantine",
        Shape::List(&Shape::Name(&["inflate_term", "vote_for_all", "forge_entries", "forge_commit", "lie_in_replies"])),
    ),
];
pub const ACTIONS: Kinds = Kinds {
    tag: "action",
    kinds: &[
        ("crash", &[req("node", TARGET), opt("mode", CRASH_MODE)]),
        ("crash_leader", &[opt("mode", CRASH_MODE)]),
        ("restart", TARGET_ONLY),
        ("pause", TARGET_ONLY),
        ("resume", TARGET_ONLY),
        ("partition", &[req("groups", Shape::List(&Shape::List(&TARGET)))]),
        ("cut", &[req("from", TARGET), req("to", TARGET)]),
        ("isolate", TARGET_ONLY),
        ("heal", &[]),
        (
            "set_network",
            &[
                null("latency_ms", Shape::Range),
                null("loss", Shape::Number),
                null("duplicate", Shape::Number),
                null("reorder", Shape::Number),
                null("timing", TIMING),
            ],
        ),
        ("set_faults", SET_FAULTS_FIELDS),
        ("timeout", TARGET_ONLY),
        (
            "client",
            &[
                req("node", TARGET),
                req("op", Shape::Name(&["put", "get"])),
                req("key", Shape::Str),
                null("value", Shape::Str),
                null("retry_ms", Shape::Number),
            ],
        ),
        ("drop_message", &[req("message", U64)]),
        ("duplicate_message", &[req("message", U64)]),
        ("manual_delivery", &[req("on", Shape::Bool)]),
        ("deliver_message", &[req("message", U64)]),
        ("align_timers", &[]),
        ("spread_timers", &[]),
        ("transfer_leadership", TARGET_ONLY),
        ("add_server", VIA_NODE),
        ("remove_server", VIA_NODE),
        ("change_membership", &[req("voters", NODES), null("via", TARGET)]),
        (
            "message_rule",
            &[
                req("rule", Shape::Name(&["drop", "delay", "duplicate"])),
                null("kind", Shape::Name(crate::scenario::message_rule::MESSAGE_KINDS)),
                null("from", TARGET),
                null("to", TARGET),
                null("delay_ms", Shape::Number),
                null("for_ms", Shape::Number),
            ],
        ),
        ("stop_clients", &[null("clients", Shape::List(&U32))]),
        ("start_clients", &[null("clients", Shape::List(&U32))]),
        (
            "change_clients",
            &[
                null("clients", Shape::List(&U32)),
                null("interval_ms", Shape::Number),
                null("keys", U32),
                null("get_ratio", Shape::Number),
                null("node", TARGET),
            ],
        ),
    ],
};
const TIMED_ACTION: Shape = Shape::Tagged { common: &[req("at_ms", Shape::Number)], kinds: &ACTIONS };

// share.rs and session.rs
pub const RUN_DOCUMENT: Shape = Shape::Object(&[
    req("format", Shape::Str),
    req("version", U32),
    req("scenario", SCENARIO),
    opt("actions", Shape::List(&Shape::Tagged { common: &[req("at", MARK)], kinds: &ACTIONS })),
    null("at", MARK),
    opt(
        "view",
        Shape::Object(&[null("selected", NODE), null("speed_exp", Shape::Number), opt("playing", Shape::Bool)]),
    ),
]);
const MARK: Shape = Shape::Object(&[req("e", U64), req("t", U64), opt("d", Shape::Bool)]);

// tour.rs
pub const TOUR: Shape = Shape::Object(&[
    req("id", Shape::Str),
    req("title", Shape::Str),
    req("summary", Shape::Str),
    req("steps", Shape::List(&Shape::Object(STEP_FIELDS))),
]);
const STEP_FIELDS: &[Field] = &[
    req("title", Shape::Str),
    req("text", Shape::List(&Shape::Str)),
    null("protocol", Shape::Name(crate::scenario::protocol::PROTOCOLS)),
    null("builtin", Shape::Str),
    null("scenario", SCENARIO),
    opt("actions", Shape::List(&TIMED_ACTION)),
    opt("start_ms", Shape::Number),
    null("pause_ms", Shape::Number),
    null("speed_exp", Shape::Number),
    opt(
        "highlight",
        Shape::Object(&[
            opt("nodes", NODES),
            opt("messages", Shape::List(&Shape::Name(crate::scenario::message_rule::MESSAGE_KINDS))),
            opt(
                "panels",
                Shape::List(&Shape::Name(&["log", "history", "clients", "failures", "lab", "settings", "monitor"])),
            ),
        ]),
    ),
    opt("claims", Shape::List(&Shape::Tagged { common: &[null("at_ms", Shape::Number)], kinds: &CHECKS })),
    opt("shows", Shape::List(&Shape::Tagged { common: &[null("at_ms", Shape::Number)], kinds: &SHOWS })),
    null(
        "task",
        Shape::Object(&[
            req("prompt", Shape::Str),
            req("goal", Shape::Tagged { common: &[], kinds: &GOALS }),
            req("success", Shape::Str),
            req("solution", Shape::List(&Shape::Tagged { common: &[], kinds: &ACTIONS })),
            opt("within_ms", Shape::Number),
        ]),
    ),
];
/// What a step about another protocol claims its picture shows (shows.rs).
const SHOWS: Kinds = Kinds {
    tag: "shows",
    kinds: &[
        ("badge", &[req("node", Shape::Str), null("badge", Shape::Str)]),
        ("status", &[req("node", Shape::Str), req("status", Shape::Name(&["up", "paused", "crashed"]))]),
        ("fact", &[null("node", Shape::Str), req("fact", Shape::Str), req("value", Shape::Str)]),
        ("check", &[req("property", Shape::Str), req("broken", Shape::Bool)]),
        ("in_flight", &[req("kind", Shape::Str), null("from", Shape::Str), null("to", Shape::Str), req("count", U32)]),
        (
            "clock",
            &[req("node", Shape::Str), req("event", U32), null("lamport", U64), null("vector", Shape::List(&U32))],
        ),
        (
            "order",
            &[
                req("node", Shape::Str),
                req("event", U32),
                req("other", Shape::Str),
                req("other_event", U32),
                req("order", Shape::Name(&["before", "after", "concurrent"])),
            ],
        ),
    ],
};
/// The glossary (glossary.rs): `{"terms": [{"term", "forms", "definition", "source", ...}]}`.
pub const GLOSSARY: Shape = Shape::Object(&[req(
    "terms",
    Shape::List(&Shape::Object(&[
        req("term", Shape::Str),
        req("forms", Shape::List(&Shape::Str)),
        req("definition", Shape::Str),
        req("source", Shape::Str),
        null("defined_in", Shape::Str),
        opt("unused", Shape::Bool),
    ])),
)]);
const GOALS: Kinds = Kinds {
    tag: "goal",
    kinds: &[("new_leader", &[]), ("holds", &[req("check", Shape::Tagged { common: &[], kinds: &CHECKS })])],
};
const NODE_INDEX: &[Field] = &[req("node", NODE), req("index", U64)];
pub const CHECKS: Kinds = Kinds {
    tag: "check",
    kinds: &[
        ("leader", &[null("node", NODE), null("term", U64)]),
        ("no_leader", &[]),
        ("role", &[req("node", NODE), req("role", Shape::Name(&["follower", "candidate", "leader", "pre_candidate"]))]),
        ("term_at_least", &[null("node", NODE), req("term", U64)]),
        ("committed", &[null("node", NODE), req("index", U64)]),
        ("log_length", &[req("node", NODE), req("length", U64)]),
        ("value", &[null("node", NODE), req("key", Shape::Str), req("value", Shape::Str)]),
        ("voted_for", &[req("node", NODE), req("candidate", NODE)]),
        ("crashed", NODE_ONLY),
        ("paused", NODE_ONLY),
        ("snapshot_shared", &[req("node", NODE), req("shared", Shape::Bool)]),
        ("violation", &[null("property", Shape::Str)]),
        ("no_violation", &[]),
        ("entry_term", &[req("node", NODE), req("index", U64), req("term", U64)]),
        ("commit_index", NODE_INDEX),
        ("next_index", &[req("leader", NODE), req("follower", NODE), req("index", U64)]),
        ("votes", &[req("node", NODE), req("granted", NODES), opt("denied", NODES)]),
        ("read_answer", &[req("node", NODE), req("key", Shape::Str), req("value", Shape::Str)]),
        ("read_pending", &[req("key", Shape::Str)]),
        ("linearizable", &[req("holds", Shape::Bool)]),
        ("snapshot_index", NODE_INDEX),
        ("last_applied", NODE_INDEX),
        ("match_index", &[req("leader", NODE), req("follower", NODE), req("index", U64)]),
        ("applied", &[req("node", NODE), req("request", U64), req("times", U64)]),
        ("answer", &[req("request", U64), req("node", NODE), null("value", Shape::Str)]),
        ("unanswered", &[req("request", U64)]),
        ("retried", &[req("client", U64), req("key", Shape::Str), req("value", Shape::Str), req("times", U64)]),
        (
            "availability",
            &[
                req("failures", U64),
                req("repairs", U64),
                opt("up", Shape::Bool),
                opt("mttf_ms", Shape::Range),
                opt("mttr_ms", Shape::Range),
                opt("share", Shape::Range),
            ],
        ),
        (
            "configuration",
            &[req("node", NODE), req("voters", NODES), null("new_voters", NODES), opt("learners", NODES)],
        ),
    ],
};

/// Check a parsed document against its shape; the error names the first field at fault.
pub fn check(value: &Json, shape: &Shape) -> Result<(), ScenarioError> {
    let mut path = String::new();
    walk(value, shape, &mut path)
}

/// Parse `text`, check it against `shape`, then let serde build the value. `Json` first: the
/// tree keeps duplicate keys, and its error names the path even where serde could not.
pub(crate) fn parse_strict<T: serde::de::DeserializeOwned>(text: &str, shape: &Shape) -> Result<T, ScenarioError> {
    check(&parse_as::<T>(text)?, shape)?;
    crate::scenario::parse_json(text)
}

/// Parse text into a tree. If it is not JSON, serde's typed parser is asked where (with the
/// `field-paths` feature it names the field whose value does not parse, e.g. a number out of range).
pub(crate) fn parse_as<T: serde::de::DeserializeOwned>(text: &str) -> Result<Json, ScenarioError> {
    Json::parse(text).map_err(|e| match crate::scenario::parse_json::<T>(text) {
        Err(typed) if !typed.field.is_empty() => typed,
        _ => e,
    })
}

fn err<T>(path: &str, problem: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::new(path, problem))
}

fn names(list: &[&str]) -> String {
    list.join(", ")
}

fn walk(value: &Json, shape: &Shape, path: &mut String) -> Result<(), ScenarioError> {
    let found = value.kind();
    match (shape, value) {
        (Shape::Bool, Json::Bool(_)) | (Shape::Str, Json::Str(_)) => Ok(()),
        (Shape::Bool, _) => err(path, format!("must be true or false, not {found}")),
        (Shape::Str, _) => err(path, format!("must be a string, not {found}")),
        (Shape::Number, Json::Unsigned(_) | Json::Negative(_) | Json::Float(_)) => Ok(()),
        (Shape::Number, _) => err(path, format!("must be a number, not {found}")),
        (Shape::Whole(max), Json::Unsigned(n)) if n <= max => Ok(()),
        (Shape::Whole(max), _) => {
            let got = match value {
                Json::Unsigned(n) => n.to_string(),
                Json::Negative(n) => n.to_string(),
                Json::Float(x) => x.to_string(),
                _ => found.to_string(),
            };
            err(path, format!("must be a whole number from 0 to {max}, not {got}"))
        }
        (Shape::Range, Json::List(items)) if items.len() == 2 => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                walk(item, &Shape::Number, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Shape::Range, _) => err(path, format!("must be [min, max], a list of two numbers, not {}", describe(value))),
        (Shape::Name(list), Json::Str(s)) if list.contains(&s.as_str()) => Ok(()),
        (Shape::Name(list), Json::Str(s)) => {
            err(path, format!("unknown name \"{}\"; expected one of: {}", clip(s), names(list)))
        }
        (Shape::Name(list), _) => err(path, format!("must be a name (one of: {}), not {found}", names(list))),
        (Shape::Target, Json::Unsigned(n)) if *n <= u32::MAX as u64 => Ok(()),
        (Shape::Target, Json::Str(s)) if crate::scenario::target::ROLE_NAMES.contains(&s.as_str()) => Ok(()),
        (Shape::Target, _) => err(
            path,
            format!(
                "must be a server id (a whole number) or a role ({}), not {}",
                crate::scenario::target::ROLE_NAMES.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", "),
                match value {
                    Json::Str(s) => format!("\"{}\"", clip(s)),
                    Json::Unsigned(n) => n.to_string(),
                    Json::Negative(n) => n.to_string(),
                    Json::Float(x) => x.to_string(),
                    other => other.kind().to_string(),
                }
            ),
        ),
        (Shape::List(item), Json::List(items)) => {
            for (i, value) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                walk(value, item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Shape::List(_), _) => err(path, format!("must be a list, not {found}")),
        (Shape::Object(fields), Json::Object(entries)) => fields_of(entries, &[fields], "", path),
        (Shape::Object(_), _) => err(path, format!("must be an object {{…}}, not {found}")),
        (Shape::Map(item), Json::Object(entries)) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                let here = join(path, key);
                if entries[..i].iter().any(|(k, _)| k == key) {
                    return err(&here, "is given twice");
                }
                if !key.parse::<u32>().is_ok_and(|id| id.to_string() == *key) {
                    return err(
                        &here,
                        format!("\"{}\" is not a server id: the keys here are ids, \"1\", \"2\", …", clip(key)),
                    );
                }
                let len = path.len();
                *path = here;
                walk(value, item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Shape::Map(_), _) => err(path, format!("must be an object keyed by server id {{\"1\": …}}, not {found}")),
        (Shape::Either(first, second), _) => match walk(value, first, path) {
            Ok(()) => Ok(()),
            Err(e) if !matches!(value, Json::Object(_)) => Err(e),
            Err(_) => walk(value, second, path),
        },
        (Shape::Tagged { common, kinds }, Json::Object(entries)) => {
            let tag = kinds.tag;
            let all: Vec<&str> = kinds.kinds.iter().map(|(name, _)| *name).collect();
            let Some((_, given)) = entries.iter().find(|(k, _)| k == tag) else {
                return err(&join(path, tag), format!("is missing: say which {tag} (one of: {})", names(&all)));
            };
            let Json::Str(name) = given else {
                return err(
                    &join(path, tag),
                    format!("must be a name (one of: {}), not {}", names(&all), given.kind()),
                );
            };
            let Some((_, own)) = kinds.kinds.iter().find(|(k, _)| k == name) else {
                return err(
                    &join(path, tag),
                    format!("unknown {tag} \"{}\"; expected one of: {}", clip(name), names(&all)),
                );
            };
            let what = format!("a `{name}` {tag}");
            fields_of(entries, &[common, own, &[req(tag, Shape::Str)]], &what, path)
        }
        (Shape::Tagged { kinds, .. }, _) => {
            err(path, format!("must be an object with a \"{}\" field, not {found}", kinds.tag))
        }
    }
}

/// The fields of one object: each known (in one of `groups`), given once; required ones present.
fn fields_of(
    entries: &[(String, Json)],
    groups: &[&[Field]],
    what: &str,
    path: &mut String,
) -> Result<(), ScenarioError> {
    let known = || groups.iter().flat_map(|g| g.iter());
    for (i, (key, value)) in entries.iter().enumerate() {
        let here = join(path, key);
        if entries[..i].iter().any(|(k, _)| k == key) {
            return err(&here, "is given twice");
        }
        let Some(field) = known().find(|f| f.name == key) else {
            let list: Vec<&str> = known().map(|f| f.name).collect();
            let whose = if what.is_empty() { "here".to_string() } else { format!("of {what}") };
            let expected = if list.is_empty() { "none".to_string() } else { names(&list) };
            return err(&here, format!("unknown field; the fields {whose} are: {expected}"));
        };
        if *value == Json::Null && field.need == Need::Nullable {
            continue;
        }
        let len = path.len();
        *path = here;
        walk(value, &field.shape, path)?;
        path.truncate(len);
    }
    for field in known().filter(|f| f.need == Need::Required) {
        if !entries.iter().any(|(k, _)| k == field.name) {
            let of = if what.is_empty() { String::new() } else { format!(" (in {what})") };
            return err(&join(path, field.name), format!("is missing{of}"));
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A value in a message, short.
fn describe(value: &Json) -> String {
    match value {
        Json::List(items) => format!("a list of {}", items.len()),
        other => other.kind().to_string(),
    }
}

/// A name from the input, cut short if long (it is echoed in messages).
fn clip(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}
