//! What the client history draws: the operations that overlap the last second of virtual
//! time, one lane per client, and the linearizability checker's verdict in words. Plain data
//! (no web types).
use crate::text::{t, tf};
use raft_core::{ClientId, Micros, Op};
use raft_sim::linearizability::{LinearizabilityReport, Verdict};
use raft_sim::workload::HistoryOp;
use std::collections::BTreeSet;

/// How much virtual time the view spans, ending at "now".
pub const WINDOW_US: Micros = 1_000_000;
/// Operations further back than this are not looked at (the view scans the history backwards
/// every frame, so the scan must stay short).
const SCAN_LIMIT: usize = 400;

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryData {
    pub now_us: Micros,
    /// Operations that overlap the window, oldest first.
    pub ops: Vec<HistoryOp>,
    /// Every client that appears, in id order (one lane each).
    pub clients: Vec<ClientId>,
    /// Operations to highlight, as (client, seq).
    pub flagged: BTreeSet<(ClientId, u64)>,
}

impl HistoryData {
    pub fn of<'a>(
        history: impl DoubleEndedIterator<Item = &'a HistoryOp>,
        now_us: Micros,
        flagged: BTreeSet<(ClientId, u64)>,
    ) -> HistoryData {
        let start = now_us.saturating_sub(WINDOW_US);
        let mut ops: Vec<HistoryOp> = history
            .rev()
            .take(SCAN_LIMIT)
            .filter(|h| h.invoked_us <= now_us && h.completed_us.is_none_or(|c| c >= start))
            .cloned()
            .collect();
        ops.reverse();
        let clients: BTreeSet<ClientId> = raft_core::ordered::set_of(ops.iter().map(|h| h.client));
        HistoryData { now_us, ops, clients: clients.into_iter().collect(), flagged }
    }
}

pub fn describe(h: &HistoryOp) -> String {
    let op = h.op.to_string();
    match (&h.op, &h.value, h.completed_us) {
        (_, _, None) => match crate::model::clients::retry_text(h) {
            Some(retry) => tf("history.op-retry", &[("op", &op), ("retry", &retry)]),
            None => tf("history.op-open", &[("op", &op)]),
        },
        (Op::Get { .. }, Some(v), _) => tf("history.op-got", &[("op", &op), ("value", v)]),
        (Op::Get { .. }, None, _) => tf("history.op-got-none", &[("op", &op)]),
        (Op::Put { .. }, Some(v), _) => tf("history.op-was", &[("op", &op), ("value", v)]),
        (Op::Put { .. }, None, _) => op,
    }
}

/// The checker's sentences start in lower case (they follow a colon in the CLI). ASCII only:
/// `char::to_uppercase` would bring Unicode's case tables (8 KB gzipped) into the page.
pub fn capitalized(text: &str) -> String {
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

pub fn client_name(client: ClientId) -> String {
    if client == raft_sim::workload::SCRIPT_CLIENT {
        t("history.you").into()
    } else {
        format!("C{client}")
    }
}

/// The checker's verdict on the whole history so far, as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictView {
    /// "ok", "violation" or "unknown".
    pub verdict: &'static str,
    pub message: String,
    /// The operations that cannot be linearized together, in words.
    pub ops: Vec<String>,
    /// When the last of them was answered (to show it in the window).
    pub culprit_us: Option<Micros>,
    /// How many events the run had when it was checked.
    pub events: u64,
}

impl VerdictView {
    pub fn of(report: &LinearizabilityReport, events: u64) -> VerdictView {
        let verdict = match report.verdict {
            Verdict::Ok => "ok",
            Verdict::Violation => "violation",
            Verdict::Unknown => "unknown",
        };
        let ops = report
            .ops
            .iter()
            .map(|o| {
                let what = match (o.kind, &o.value) {
                    ("put", Some(v)) => format!("put {}={v}", o.key),
                    _ => format!("{} {}", o.kind, o.key),
                };
                let answer = match (o.open, &o.result, o.answered_by) {
                    (true, _, _) => t("history.no-answer").to_string(),
                    (false, r, by) => {
                        let result = r.as_deref().unwrap_or(t("history.none"));
                        match by {
                            Some(s) => tf("history.answer-from", &[("result", result), ("node", &s.to_string())]),
                            None => tf("history.answer", &[("result", result)]),
                        }
                    }
                };
                let end = o.completed_ms.map(|c| format!("{c:.1}")).unwrap_or_else(|| "…".into());
                format!("{}: {what} {answer} ({:.1}–{end} ms)", client_name(o.client), o.invoked_ms)
            })
            .collect();
        let culprit_us = report
            .ops
            .iter()
            .find(|o| Some(o.history_index) == report.culprit)
            .and_then(|o| o.completed_ms)
            .map(|ms| (ms * 1000.0).round() as Micros);
        VerdictView { verdict, message: verdict_text(report), ops, culprit_us, events }
    }
}

/// The checker's verdict in the page's language: the sentence of `report.message`, made from
/// the report's fields through the catalogue (a test checks that English is the message).
pub fn verdict_text(report: &LinearizabilityReport) -> String {
    let key = report.key.as_deref().unwrap_or_default();
    match report.verdict {
        Verdict::Ok => {
            let id = if report.keys == 1 { "history.verdict-ok.one" } else { "history.verdict-ok.many" };
            tf(id, &[("operations", &report.operations.to_string()), ("keys", &report.keys.to_string())])
        }
        Verdict::Unknown => tf("history.verdict-unknown", &[("budget", &report.budget.to_string()), ("key", key)]),
        Verdict::Violation => match report.ops.iter().find(|o| Some(o.history_index) == report.culprit) {
            Some(c) => {
                let what = match &c.value {
                    Some(v) => format!("put {}={v}", c.key),
                    None => format!("get {}", c.key),
                };
                let result = c
                    .result
                    .as_deref()
                    .map_or_else(|| t("history.verdict-nothing").to_string(), |v| format!("\"{v}\""));
                let values = [
                    ("key", key.to_string()),
                    ("op", what),
                    ("client", c.client.to_string()),
                    ("invoked", format!("{:.3}", c.invoked_ms)),
                    ("answered", format!("{:.3}", c.completed_ms.unwrap_or(f64::NAN))),
                    ("node", c.answered_by.map(|n| n.to_string()).unwrap_or_default()),
                    ("result", result),
                    ("count", report.ops.len().to_string()),
                ];
                let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
                let id =
                    if c.answered_by.is_some() { "history.verdict-violation-by" } else { "history.verdict-violation" };
                tf(id, &values)
            }
            None => tf("history.verdict-unordered", &[("key", key)]),
        },
    }
}
