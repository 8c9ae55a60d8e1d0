//! What happened, event by event, and a stable hash over it.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;
use crate::engine::network::{Endpoint, LossCause};
use raft_core::{Micros, NodeId};
use serde::Serialize;
use std::fmt;

/// One processed event, as recorded when tracing is on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    pub number: u64,
    pub time_us: Micros,
    #[serde(flatten)]
    pub what: What,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum What {
    Delivered {
        message: u64,
        from: Endpoint,
        to: Endpoint,
        kind: &'static str,
        summary: String,
    },
    Dropped {
        message: u64,
        from: Endpoint,
        to: Endpoint,
        kind: &'static str,
        cause: LossCause,
    },
    /// A node's timer fired: an election timeout or a heartbeat.
    Timer {
        node: NodeId,
        role_before: &'static str,
    },
    Action {
        index: usize,
        summary: String,
    },
    ClientIssued {
        client: u64,
        seq: u64,
        node: NodeId,
        summary: String,
    },
    ClientTimeout {
        client: u64,
        seq: u64,
    },
    /// A role or term change observed after an event.
    Became {
        node: NodeId,
        role: &'static str,
        term: u64,
    },
    /// A membership request of the timeline that the cluster refused, and why.
    Refused {
        reason: String,
    },
    /// What a leader or the operator gave up, handed over or retried (a leadership transfer,
    /// a membership change).
    Notice {
        text: String,
    },
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Node(n) => write!(f, "S{n}"),
            Endpoint::Client(c) => write!(f, "C{c}"),
        }
    }
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:<6} {:>10.3}ms  ", self.number, self.time_us as f64 / 1000.0)?;
        match &self.what {
            What::Delivered { from, to, kind, summary, .. } => write!(f, "{from} -> {to} {kind} {summary}"),
            What::Dropped { from, to, kind, cause, .. } => write!(f, "{from} -> {to} {kind} dropped ({cause})"),
            What::Timer { node, role_before } => write!(f, "S{node} timer fires ({role_before})"),
            What::Action { index, summary } => write!(f, "action {index}: {summary}"),
            What::ClientIssued { client, seq, node, summary } => {
                write!(f, "C{client} sends #{seq} {summary} to S{node}")
            }
            What::ClientTimeout { client, seq } => write!(f, "C{client} times out on #{seq}"),
            What::Became { node, role, term } => write!(f, "S{node} is now {role} in term {term}"),
            What::Refused { reason } => write!(f, "{reason}"),
            What::Notice { text } => write!(f, "{text}"),
        }
    }
}

/// The running hash of a trace: every event's time and identity folded in order, with the
/// contents of each delivered message and the state each event left a server in.
#[derive(Clone, Debug, Default)]
pub struct TraceHash(StableHash);

impl TraceHash {
    #[inline]
    pub fn event(&mut self, time: Micros, code: u64, a: u64, b: u64) {
        self.0.word(time).word(code).word(a).word(b);
    }

    /// What the event's message carried (its [`Wire::digest`]).
    #[inline]
    pub fn message<M: Wire>(&mut self, message: &M) {
        message.digest(&mut self.0);
    }

    /// The running hash itself, for a host to fold in what an event left its nodes with
    /// (the Raft host's digest is in digest.rs).
    #[inline]
    pub fn words(&mut self) -> &mut StableHash {
        &mut self.0
    }

    pub fn value(&self) -> u64 {
        self.0.finish()
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.value())
    }
}
