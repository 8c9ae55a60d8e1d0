//! What the client panel shows: the operator's latest requests and what became of them, and
//! each server's key-value store. Plain data (no web types).
use raft_sim::workload::HistoryOp;
use raft_sim::Simulation;
use std::collections::BTreeMap;

/// How many of the operator's latest requests the panel shows.
pub const SHOWN: usize = 10;

/// The operator's latest requests, oldest first.
pub fn recent_requests(sim: &Simulation) -> Vec<HistoryOp> {
    let mut recent: Vec<HistoryOp> = sim.script_history().rev().take(SHOWN).cloned().collect();
    recent.reverse();
    recent
}

/// Each server's key-value state machine (None while it is crashed), index = id - 1.
pub fn stores(sim: &Simulation) -> Vec<Option<BTreeMap<String, String>>> {
    sim.nodes().iter().map(|n| n.raft.as_ref().map(|r| r.kv().data().clone())).collect()
}

pub fn result_text(h: &HistoryOp) -> String {
    if h.completed_us.is_none() {
        return "pending".into();
    }
    match (&h.op, &h.value) {
        (raft_core::Op::Get { .. }, Some(v)) => format!("ok: {v}"),
        (raft_core::Op::Get { .. }, None) => "ok: no value".into(),
        (raft_core::Op::Put { .. }, Some(v)) => format!("ok (was {v})"),
        (raft_core::Op::Put { .. }, None) => "ok".into(),
    }
}

pub fn redirect_text(redirects: u32) -> String {
    if redirects == 0 {
        "—".into()
    } else {
        format!("redirected {redirects}× (not the leader)")
    }
}
