//! Clients: the generated workload and one-off scripted requests, and the history of every
//! operation's invocation and response.
use raft_core::{ClientId, Micros, NodeId, Op};
use serde::Serialize;

/// The client id used for a scenario's one-off `client` actions.
pub const SCRIPT_CLIENT: ClientId = 0;

/// One client operation from invocation to response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryOp {
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
    pub invoked_us: Micros,
    /// None while no server has answered (the operation may or may not take effect).
    pub completed_us: Option<Micros>,
    /// The value returned (a get's value, a put's previous value).
    pub value: Option<String>,
    /// The servers that redirected it ("not the leader").
    pub redirects: u32,
    /// How many times it was sent again after a timeout.
    pub retries: u32,
    /// The server whose answer completed it.
    pub answered_by: Option<NodeId>,
    /// The server an operator's request was last sent again to (its `retry_ms`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retried_to: Option<NodeId>,
    /// An operator's request left unanswered one `retry_ms` after its last retry: the client
    /// stopped waiting (it may still have taken effect).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gave_up: bool,
}

impl HistoryOp {
    /// An operation a client has just invoked: no answer, redirect or retry yet.
    pub fn invoked(client: ClientId, seq: u64, op: Op, at: Micros) -> HistoryOp {
        HistoryOp {
            client,
            seq,
            op,
            invoked_us: at,
            completed_us: None,
            value: None,
            redirects: 0,
            retries: 0,
            answered_by: None,
            retried_to: None,
            gave_up: false,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Outstanding {
    pub seq: u64,
    pub op: Op,
    pub history: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct ClientState {
    pub next_seq: u64,
    pub outstanding: Option<Outstanding>,
    pub target: NodeId,
    /// Invalidates timers armed before the latest one.
    pub token: u64,
    /// Stopped by a `stop_clients` action: it sends nothing until started again.
    pub stopped: bool,
    /// Its own settings from a `change_clients` action (None: the workload's).
    pub interval: Option<Micros>,
    pub keys: Option<u32>,
    pub get_ratio: Option<f64>,
}

impl ClientState {
    pub(crate) fn new(target: NodeId) -> ClientState {
        ClientState {
            next_seq: 1,
            outstanding: None,
            target,
            token: 0,
            stopped: false,
            interval: None,
            keys: None,
            get_ratio: None,
        }
    }
}

/// Why a client timer was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientWake {
    Issue,
    Resend,
    Timeout,
}
