//! The operator as a client: send one put or get to a chosen server, see what became of it,
//! and watch every server's key-value store apply the commands once they are committed.
use crate::model::clients::{redirect_text, result_text, SHOWN};
use crate::text::{t, tf};
use raft_core::NodeId;
use raft_sim::scenario::{Action, ClientOpKind};
use raft_sim::workload::HistoryOp;
use std::collections::{BTreeMap, BTreeSet};
use yew::prelude::*;

/// How long a request sent from the panel waits for an answer before it is sent again
/// (simulated time: longer than an election with the built-ins' timeouts).
const RETRY_MS: f64 = 500.0;

#[derive(Properties, PartialEq)]
pub struct ClientProps {
    pub nodes: u32,
    pub leader: Option<NodeId>,
    /// The operator's own requests (HistoryOp with client == 0), oldest first.
    pub history: Vec<HistoryOp>,
    /// Per request of `history`: what became of it when no answer will come (model/clients.rs).
    #[prop_or_default]
    pub fates: Vec<Option<String>>,
    /// Each node's key-value state machine (None if the node is crashed), index = id-1.
    pub kv: Vec<Option<BTreeMap<String, String>>>,
    pub on_action: Callback<Action>,
}

fn text(e: &InputEvent) -> Option<String> {
    Some(e.target_dyn_into::<web_sys::HtmlInputElement>()?.value())
}

fn chosen(e: &Event) -> Option<String> {
    Some(e.target_dyn_into::<web_sys::HtmlSelectElement>()?.value())
}

#[function_component(ClientPanel)]
pub fn client_panel(props: &ClientProps) -> Html {
    crate::test_hook::rendered("clients");
    // None until the student picks a server: until then requests go to the leader.
    let picked = use_state(|| None::<NodeId>);
    let op = use_state(|| ClientOpKind::Put);
    let key = use_state(|| "x".to_string());
    let value = use_state(|| "1".to_string());
    let nodes = props.nodes;
    let node = (*picked).or(props.leader).filter(|id| (1..=nodes).contains(id)).unwrap_or(1);

    let on_node = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            if let Some(id) = chosen(&e).and_then(|v| v.parse().ok()) {
                picked.set(Some(id));
            }
        })
    };
    let on_op = {
        let op = op.clone();
        Callback::from(move |e: Event| {
            op.set(if chosen(&e).as_deref() == Some("get") { ClientOpKind::Get } else { ClientOpKind::Put })
        })
    };
    let on_text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = text(&e) {
                state.set(v);
            }
        })
    };
    let on_send = {
        let on_action = props.on_action.clone();
        let action = Action::Client {
            node,
            op: *op,
            key: (*key).clone(),
            value: (*op == ClientOpKind::Put).then(|| (*value).clone()),
            // Unanswered, the request is sent again as a client library would (to the leader
            // last heard of, else the next server), so a crashed or deposed leader does not
            // leave it pending for ever.
            retry_ms: Some(RETRY_MS),
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_action.emit(action.clone());
        })
    };

    let skip = props.history.len().saturating_sub(SHOWN);
    let recent = &props.history[skip..];
    let fate = |i: usize| props.fates.get(skip + i).and_then(|f| f.as_deref());
    let keys: BTreeSet<&String> = raft_core::ordered::set_of(props.kv.iter().flatten().flat_map(|kv| kv.keys()));
    let store = |id: NodeId| props.kv.get((id as usize).wrapping_sub(1)).and_then(|kv| kv.as_ref());
    let column_class =
        |id: NodeId| classes!(store(id).is_none().then_some("down"), (props.leader == Some(id)).then_some("leader"));

    html! {
        <section class="clients" data-testid="client-panel">
            <h3>{ t("client_panel.title") }</h3>
            <form class="row" onsubmit={on_send}>
                <label>{ t("client_panel.send-to") }{ " " }
                    <select data-testid="client-node" onchange={on_node}>
                        { for (1..=nodes).map(|id| html! {
                            <option value={id.to_string()} selected={id == node}>
                                { if props.leader == Some(id) { tf("client_panel.node-leader", &[("node", &id.to_string())]) } else { format!("S{id}") } }
                            </option>
                        }) }
                    </select></label>
                <select aria-label={t("client_panel.operation")} data-testid="client-op" onchange={on_op}>
                    <option value="put" selected={*op == ClientOpKind::Put}>{ t("client_panel.put") }</option>
                    <option value="get" selected={*op == ClientOpKind::Get}>{ t("client_panel.get") }</option>
                </select>
                <label>{ t("client_panel.key") }{ " " }
                    <input type="text" size="6" data-testid="client-key" value={(*key).clone()} oninput={on_text(&key)} /></label>
                if *op == ClientOpKind::Put {
                    <label>{ t("client_panel.value") }{ " " }
                        <input type="text" size="6" data-testid="client-value" value={(*value).clone()} oninput={on_text(&value)} /></label>
                }
                <button type="submit" data-testid="client-send">{ t("client_panel.send") }</button>
            </form>
            <p class="explain">{ t("client_panel.redirect-explain") }</p>
            if recent.is_empty() {
                <p class="hint">{ t("client_panel.no-requests") }</p>
            } else {
                <div class="scroll">
                    <table data-testid="client-history">
                        <thead><tr><th>{ t("client_panel.request") }</th><th>{ t("client_panel.sent-at") }</th><th>{ t("client_panel.redirects") }</th><th>{ t("client_panel.result") }</th></tr></thead>
                        <tbody>
                            { for recent.iter().enumerate().map(|(i, h)| html! {
                                <tr data-testid="client-op-row" class={classes!(h.completed_us.is_none().then_some("pending"))}
                                    data-fate={fate(i).map(|_| "overwritten")}>
                                    <td><code>{ h.op.to_string() }</code></td>
                                    <td class="time">{ format!("{:.1} ms", h.invoked_us as f64 / 1000.0) }</td>
                                    <td>{ redirect_text(h.redirects) }</td>
                                    <td>{ result_text(h, fate(i)) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            <p class="explain">{ t("client_panel.stores-explain") }</p>
            <div class="scroll">
                <table data-testid="kv-table">
                    <thead><tr>
                        <th>{ t("client_panel.key-column") }</th>
                        { for (1..=nodes).map(|id| html! {
                            <th class={column_class(id)} title={store(id).is_none().then(|| t("client_panel.crashed"))}>{ format!("S{id}") }</th>
                        }) }
                    </tr></thead>
                    <tbody>
                        if keys.is_empty() {
                            <tr><td colspan={nodes.saturating_add(1).to_string()} class="hint">{ t("client_panel.no-keys") }</td></tr>
                        }
                        { for keys.iter().map(|k| html! {
                            <tr>
                                <th scope="row"><code>{ (*k).clone() }</code></th>
                                { for (1..=nodes).map(|id| html! {
                                    <td class={column_class(id)}>{ store(id).and_then(|kv| kv.get(*k)).cloned().unwrap_or_default() }</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
