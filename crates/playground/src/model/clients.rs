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
            let leader = leader.map_or_else(|| format!("the leader of term {}", e.term), |l| format!("S{l}"));
            Some(format!(
                "no answer: the leader {leader} (term {}) was deposed; the entry was overwritten (S{} removed index {})",
                e.term, e.node, e.index
            ))
        })
        .collect()
}

pub fn result_text(h: &HistoryOp, fate: Option<&str>) -> String {
    if h.completed_us.is_none() {
        return match (fate, retry_text(h)) {
            (Some(fate), Some(retry)) => format!("{fate}; {retry}"),
            (fate, retry) => fate.map(str::to_string).or(retry).unwrap_or_else(|| "pending".into()),
        };
    }
    match (&h.op, &h.value) {
        (raft_core::Op::Get { .. }, Some(v)) => format!("ok: {v}"),
        (raft_core::Op::Get { .. }, None) => "ok: no value".into(),
        (raft_core::Op::Put { .. }, Some(v)) => format!("ok (was {v})"),
        (raft_core::Op::Put { .. }, None) => "ok".into(),
    }
}

/// "timed out, retrying at S3 (retry 1 of 5)" for an unanswered request sent again, and what
/// it says once the client gave up.
pub fn retry_text(h: &HistoryOp) -> Option<String> {
    let to = h.retried_to?;
    if h.gave_up {
        return Some(format!("no answer after {} retries (the last to S{to}): the client gave up", h.retries));
    }
    Some(format!("timed out, retrying at S{to} (retry {} of {})", h.retries, raft_sim::scenario::MAX_CLIENT_RETRIES))
}

pub fn redirect_text(redirects: u32) -> String {
    if redirects == 0 {
        "—".into()
    } else {
        format!("redirected {redirects}× (not the leader)")
    }
}
