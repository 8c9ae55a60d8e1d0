//! The client history: one lane per client, each operation a bar from its invocation to its
//! response (open ones run on to "now"), over the last few seconds of virtual time. This is the
//! picture linearizability is defined on: every operation must appear to take effect at one
//! instant inside its bar. Operations a checker flagged are drawn highlighted.
use crate::model::history::{capitalized, client_name, describe};
pub use crate::model::history::{HistoryData, VerdictView, WINDOW_US};
use crate::text::{t, tf};
use raft_core::{ClientId, Micros, Op};
use raft_sim::workload::HistoryOp;
use yew::prelude::*;

const WIDTH: f64 = 1000.0;
const LABEL: f64 = 70.0;
const LANE: f64 = 24.0;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    pub data: HistoryData,
    #[prop_or_default]
    pub verdict: Option<VerdictView>,
    pub on_check: Callback<()>,
    /// Go to the moment the violation shows (the culprit's answer).
    pub on_show: Callback<Micros>,
}

/// A bar's tooltip: who sent what, when, and when it was answered.
fn op_title(h: &HistoryOp, label: &str) -> String {
    let (client, sent) = (client_name(h.client), format!("{:.1}", h.invoked_us as f64 / 1000.0));
    let mut values = vec![("client", client.as_str()), ("op", label), ("sent", sent.as_str())];
    let answered = h.completed_us.map(|c| format!("{:.1}", c as f64 / 1000.0));
    match &answered {
        Some(answered) => {
            values.push(("answered", answered));
            tf("history_view.op-answered", &values)
        }
        None => tf("history_view.op-open", &values),
    }
}

#[function_component(HistoryView)]
pub fn history_view(props: &HistoryProps) -> Html {
    crate::test_hook::rendered("history");
    let d = &props.data;
    let start = d.now_us.saturating_sub(WINDOW_US);
    let x = |t: Micros| LABEL + (t.clamp(start, d.now_us) - start) as f64 / WINDOW_US as f64 * (WIDTH - LABEL - 4.0);
    let height = LANE * d.clients.len().max(1) as f64 + 18.0;
    let lane_of = |client: ClientId| d.clients.iter().position(|&c| c == client).unwrap_or(0) as f64;
    html! {
        <section class="history" aria-label={t("history_view.title")} data-testid="history">
            <h3>{ t("history_view.title") }</h3>
            <p class="hint">{ t("history_view.hint") }</p>
            <div class="actions">
                <button class="secondary" data-testid="check-linearizability" onclick={props.on_check.reform(|_| ())}>{ t("history_view.check") }</button>
            </div>
            if let Some(v) = &props.verdict {
                <div class={classes!("verdict", v.verdict)} data-testid="linearizability" data-verdict={v.verdict} role="status">
                    <p>{ match v.verdict {
                        "ok" => "✓ ",
                        "violation" => "✗ ",
                        _ => "? ",
                    } }{ tf("history_view.verdict", &[("message", &capitalized(&v.message)), ("events", &v.events.to_string())]) }</p>
                    if !v.ops.is_empty() {
                        <ul>{ for v.ops.iter().map(|o| html! { <li>{ o }</li> }) }</ul>
                    }
                    if let Some(at) = v.culprit_us {
                        <button class="secondary" data-testid="show-violation" onclick={props.on_show.reform(move |_| at)}>{ t("history_view.show-moment") }</button>
                    }
                </div>
            }
            if d.ops.is_empty() {
                <p class="hint" data-testid="history-empty">{ t("history_view.empty") }</p>
            } else {
                <div class="history-scroll">
                <svg viewBox={format!("0 0 {WIDTH} {height}")} width="100%" role="img"
                     aria-label={tf("history_view.picture", &[("requests", &d.ops.len().to_string()), ("clients", &d.clients.len().to_string())])}>
                    { for d.clients.iter().enumerate().map(|(i, &c)| html! {
                        <text class="lane-label" x="4" y={format!("{:.1}", LANE * i as f64 + 16.0)}>{ client_name(c) }</text>
                    }) }
                    { for d.ops.iter().map(|h| {
                        let left = x(h.invoked_us);
                        let right = x(h.completed_us.unwrap_or(d.now_us)).max(left + 3.0);
                        let y = LANE * lane_of(h.client) + 4.0;
                        let kind = match h.op { Op::Put { .. } => "put", Op::Get { .. } => "get" };
                        let flagged = d.flagged.contains(&(h.client, h.seq));
                        let class = classes!("op", kind, h.completed_us.is_none().then_some("open"), flagged.then_some("flagged"));
                        let label = describe(h);
                        html! {
                            <g class={class} data-testid="history-op" data-flagged={flagged.to_string()}>
                                <title>{ op_title(h, &label) }</title>
                                <rect x={format!("{left:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", right - left)} height="16" rx="3" />
                                if right - left > 60.0 {
                                    <text x={format!("{:.1}", left + 4.0)} y={format!("{:.1}", y + 12.0)}>{ label }</text>
                                }
                            </g>
                        }
                    }) }
                    <text class="axis" x={format!("{LABEL}")} y={format!("{:.1}", height - 3.0)}>{ format!("{:.1} ms", start as f64 / 1000.0) }</text>
                    <text class="axis end" x={format!("{:.1}", WIDTH - 4.0)} y={format!("{:.1}", height - 3.0)}>{ t("history_view.now") }</text>
                </svg>
                </div>
            }
        </section>
    }
}
