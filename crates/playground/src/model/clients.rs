//! What the client panel shows: the operator's latest requests and what became of them, and
//! each server's key-value store. Plain data (no web types).
use crate::text::{t, tf};
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

/// What became of each unanswered request among `ops` whose log entry a follower removed on
/// a conflict (by the simulator's record): "no answer: ...", or None.
pub fn fates(sim: &Simulation, ops: &[HistoryOp]) -> Vec<Option<String>> {
    // Called every frame: most runs overwrite nothing, and the milestones are only searched
    // for a request that was overwritten.
    ops.iter()
        .map(|h| {
            if h.completed_us.is_some() {
                return None;
            }
            let e = sim.overwritten().iter().find(|e| e.request == Some((h.client, h.seq)))?;
            let leader = sim.milestones().iter().rev().find_map(|m| match m.kind {
                raft_sim::sim::MilestoneKind::Leader { node, term, .. } if term == e.term => Some(node),
                _ => None,
            });
            let (term, node, index) = (e.term.to_string(), e.node.to_string(), e.index.to_string());
            let mut values = vec![("term", term.as_str()), ("node", node.as_str()), ("index", index.as_str())];
            let leader = leader.map(|l| format!("S{l}"));
            Some(match &leader {
                Some(leader) => {
                    values.push(("leader", leader));
                    tf("clients.overwritten", &values)
                }
                None => tf("clients.overwritten-unknown-leader", &values),
            })
        })
        .collect()
}

pub fn result_text(h: &HistoryOp, fate: Option<&str>) -> String {
    if h.completed_us.is_none() {
        return match (fate, retry_text(h)) {
            (Some(fate), Some(retry)) => tf("clients.fate-and-retry", &[("fate", fate), ("retry", &retry)]),
            (fate, retry) => fate.map(str::to_string).or(retry).unwrap_or_else(|| t("clients.pending").into()),
        };
    }
    match (&h.op, &h.value) {
        (raft_core::Op::Get { .. }, Some(v)) => tf("clients.ok-value", &[("value", v)]),
        (raft_core::Op::Get { .. }, None) => t("clients.ok-no-value").into(),
        (raft_core::Op::Put { .. }, Some(v)) => tf("clients.ok-was", &[("value", v)]),
        (raft_core::Op::Put { .. }, None) => t("clients.ok").into(),
    }
}

/// "timed out, retrying at S3 (retry 1 of 5)" for an unanswered request sent again, and what
/// it says once the client gave up.
pub fn retry_text(h: &HistoryOp) -> Option<String> {
    let to = h.retried_to?;
    if h.gave_up {
        return Some(tf("clients.gave-up", &[("retries", &h.retries.to_string()), ("node", &to.to_string())]));
    }
    let (retry, max) = (h.retries.to_string(), raft_sim::scenario::MAX_CLIENT_RETRIES.to_string());
    Some(tf("clients.retrying", &[("node", &to.to_string()), ("retry", &retry), ("max", &max)]))
}

pub fn redirect_text(redirects: u32) -> String {
    if redirects == 0 {
        "—".into()
    } else {
        tf("clients.redirected", &[("redirects", &redirects.to_string())])
    }
}
