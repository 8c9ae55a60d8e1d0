//! The failure models of the course notes, one group each, turned into simulator actions.
//! Number fields keep the text typed (updated on every keystroke): Yew puts a field's draft back
//! into it on each re-render, which the live cluster does every frame. Numbers are only parsed,
//! on apply; the simulator validates what it is sent.
use raft_core::NodeId;
use raft_sim::scenario::{Action, CrashMode, NetworkSettings, NodeFaults, TimingModel};
use raft_sim::sim::NodeStatus;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    /// Servers are 1..=nodes (1 to 9).
    pub nodes: u32,
    /// The network settings in force.
    pub network: NetworkSettings,
    /// The partition groups in force, None if there is no partition.
    pub groups: Option<Vec<Vec<NodeId>>>,
    /// One-way cut links (from, to) in force.
    pub cuts: Vec<(NodeId, NodeId)>,
    /// Per node, index = id - 1.
    pub faults: Vec<NodeFaults>,
    /// Per node, index = id - 1.
    pub statuses: Vec<NodeStatus>,
    pub on_action: Callback<Action>,
}

/// The scenario format's default tail probability.
const DEFAULT_TAIL: f64 = 0.2;
/// A GST to offer when the network is not partially synchronous yet (virtual ms).
const DEFAULT_GST_MS: f64 = 5_000.0;
const GROUP_NAMES: [&str; 3] = ["A", "B", "C"];

/// Unparsable text becomes NaN, which the simulator rejects with a message.
fn number(text: &str) -> f64 {
    text.trim().parse().unwrap_or(f64::NAN)
}

fn chosen(e: &Event) -> Option<String> {
    Some(e.target_dyn_into::<web_sys::HtmlSelectElement>()?.value())
}

/// Keeps a field's text in a draft as it is typed.
fn edit<T: Clone + 'static>(state: &UseStateHandle<T>, f: impl Fn(&mut T, String) + 'static) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
        let mut next = (*state).clone();
        f(&mut next, input.value());
        state.set(next);
    })
}

/// Sets a node choice from a select.
fn pick(state: &UseStateHandle<NodeId>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(id) = chosen(&e).and_then(|v| v.parse().ok()) {
            state.set(id);
        }
    })
}

/// A choice made for a larger cluster falls back to S1.
fn in_range(id: NodeId, nodes: u32) -> NodeId {
    if (1..=nodes).contains(&id) {
        id
    } else {
        1
    }
}

fn status_of(statuses: &[NodeStatus], id: NodeId) -> Option<NodeStatus> {
    statuses.get((id as usize).wrapping_sub(1)).copied()
}

fn status_text(status: Option<NodeStatus>) -> &'static str {
    match status {
        None => "",
        Some(NodeStatus::Up) => "up",
        Some(NodeStatus::Paused) => "paused",
        Some(NodeStatus::Crashed(CrashMode::Stop)) => "crashed for good",
        Some(NodeStatus::Crashed(CrashMode::Recover)) => "crashed, disk kept",
        Some(NodeStatus::Crashed(CrashMode::Amnesia)) => "crashed, disk lost",
    }
}

fn node_label(statuses: &[NodeStatus], id: NodeId) -> String {
    match status_text(status_of(statuses, id)) {
        "" => format!("S{id}"),
        s => format!("S{id} ({s})"),
    }
}

/// The options of a server select, each with the server's state.
fn node_options(nodes: u32, selected: NodeId, statuses: &[NodeStatus]) -> Html {
    html! {
        <>{ for (1..=nodes).map(|id| html! {
            <option value={id.to_string()} selected={id == selected}>{ node_label(statuses, id) }</option>
        }) }</>
    }
}

fn faults_of(nodes: u32, faults: &[NodeFaults]) -> Vec<NodeFaults> {
    (1..=nodes)
        .map(|id| {
            faults.iter().find(|f| f.node == id).cloned().unwrap_or(NodeFaults { node: id, ..NodeFaults::default() })
        })
        .collect()
}

/// One node's omission and drift fields.
#[derive(Clone, PartialEq)]
struct FaultDraft {
    node: NodeId,
    send: String,
    receive: String,
    drift: String,
}

fn fault_drafts(nodes: u32, faults: &[NodeFaults]) -> Vec<FaultDraft> {
    faults_of(nodes, faults)
        .into_iter()
        .map(|f| FaultDraft {
            node: f.node,
            send: f.send_omission.to_string(),
            receive: f.receive_omission.to_string(),
            drift: f.drift.to_string(),
        })
        .collect()
}

/// Edits one node's draft.
fn edit_node(
    drafts: &UseStateHandle<Vec<FaultDraft>>,
    id: NodeId,
    f: fn(&mut FaultDraft, String),
) -> Callback<InputEvent> {
    edit(drafts, move |all: &mut Vec<FaultDraft>, text| {
        if let Some(d) = all.iter_mut().find(|d| d.node == id) {
            f(d, text);
        }
    })
}

/// Each node's group index (0 = A); nodes left out of the groups form one more group.
fn assignment_of(nodes: u32, groups: &Option<Vec<Vec<NodeId>>>) -> Vec<usize> {
    (1..=nodes)
        .map(|id| match groups {
            None => 0,
            Some(gs) => gs.iter().position(|g| g.contains(&id)).unwrap_or(gs.len()).min(GROUP_NAMES.len() - 1),
        })
        .collect()
}

fn groups_text(nodes: u32, groups: &Option<Vec<Vec<NodeId>>>) -> String {
    let Some(gs) = groups else { return "No partition.".into() };
    let name = |g: &[NodeId]| g.iter().map(|id| format!("S{id}")).collect::<Vec<_>>().join(" ");
    let mut parts: Vec<String> = gs.iter().filter(|g| !g.is_empty()).map(|g| format!("{{{}}}", name(g))).collect();
    let rest: Vec<NodeId> = (1..=nodes).filter(|id| !gs.iter().any(|g| g.contains(id))).collect();
    if !rest.is_empty() {
        parts.push(format!("{{{}}}", name(&rest)));
    }
    format!("Partitioned: {}", parts.join(" | "))
}

fn cuts_text(cuts: &[(NodeId, NodeId)]) -> String {
    if cuts.is_empty() {
        "No one-way cuts.".into()
    } else {
        let list: Vec<String> = cuts.iter().map(|(from, to)| format!("S{from}→S{to}")).collect();
        format!("Cut: {}", list.join(", "))
    }
}

/// The link-fault fields.
#[derive(Clone, PartialEq)]
struct LinkDraft {
    min_ms: String,
    max_ms: String,
    loss: String,
    duplicate: String,
    reorder: String,
}

impl LinkDraft {
    fn of(n: &NetworkSettings) -> Self {
        LinkDraft {
            min_ms: n.latency_ms[0].to_string(),
            max_ms: n.latency_ms[1].to_string(),
            loss: n.loss.to_string(),
            duplicate: n.duplicate.to_string(),
            reorder: n.reorder.to_string(),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Timing {
    Synchronous,
    PartiallySynchronous,
    Asynchronous,
}

/// The timing fields; GST and tail are kept while the student switches models.
#[derive(Clone, PartialEq)]
struct TimingDraft {
    kind: Timing,
    gst_ms: String,
    tail: String,
}

impl TimingDraft {
    fn of(t: &TimingModel) -> Self {
        let (kind, gst_ms, tail) = match *t {
            TimingModel::Synchronous => (Timing::Synchronous, DEFAULT_GST_MS, DEFAULT_TAIL),
            TimingModel::PartiallySynchronous { gst_ms, tail_probability } => {
                (Timing::PartiallySynchronous, gst_ms, tail_probability)
            }
            TimingModel::Asynchronous { tail_probability } => (Timing::Asynchronous, DEFAULT_GST_MS, tail_probability),
        };
        TimingDraft { kind, gst_ms: gst_ms.to_string(), tail: tail.to_string() }
    }

    fn model(&self) -> TimingModel {
        match self.kind {
            Timing::Synchronous => TimingModel::Synchronous,
            Timing::PartiallySynchronous => {
                TimingModel::PartiallySynchronous { gst_ms: number(&self.gst_ms), tail_probability: number(&self.tail) }
            }
            Timing::Asynchronous => TimingModel::Asynchronous { tail_probability: number(&self.tail) },
        }
    }
}

fn timing_help(kind: Timing) -> &'static str {
    match kind {
        Timing::Synchronous => {
            "Every message arrives within a known bound Δ (here the latency maximum), so silence past Δ means a failure."
        }
        Timing::PartiallySynchronous => {
            "Until GST (a moment of virtual time) some messages take an unbounded, heavy-tailed delay; \
             after GST every delay is bounded again."
        }
        Timing::Asynchronous => {
            "No bound on delay: some messages take a heavy-tailed extra delay, so a slow server cannot be told \
             from a dead one."
        }
    }
}

#[function_component(FailurePanel)]
pub fn failure_panel(props: &FailureProps) -> Html {
    let nodes = props.nodes;
    let stop_node = use_state(|| 1 as NodeId);
    let recover_node = use_state(|| 1 as NodeId);
    let cut_from = use_state(|| 1 as NodeId);
    let cut_to = use_state(|| 2 as NodeId);
    let faults = use_state(|| fault_drafts(nodes, &props.faults));
    let link = use_state(|| LinkDraft::of(&props.network));
    let timing = use_state(|| TimingDraft::of(&props.network.timing));
    let assignment = use_state(|| assignment_of(nodes, &props.groups));
    {
        // Whatever changed in the simulator replaces the draft it belongs to.
        let faults = faults.clone();
        use_effect_with((nodes, props.faults.clone()), move |(n, f)| faults.set(fault_drafts(*n, f)));
        let link = link.clone();
        use_effect_with(LinkDraft::of(&props.network), move |l| link.set(l.clone()));
        let timing = timing.clone();
        use_effect_with(props.network.timing.clone(), move |t| timing.set(TimingDraft::of(t)));
        let assignment = assignment.clone();
        use_effect_with((nodes, props.groups.clone()), move |(n, g)| assignment.set(assignment_of(*n, g)));
    }
    let act = |action: Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let statuses = &props.statuses[..];
    let stop = in_range(*stop_node, nodes);
    let recover = in_range(*recover_node, nodes);
    let (from, to) = (in_range(*cut_from, nodes), in_range(*cut_to, nodes));

    let current_faults = faults_of(nodes, &props.faults);
    let omission_rows = faults.iter().map(|draft| {
        let id = draft.node;
        let current = current_faults.iter().find(|f| f.node == id);
        let apply = act(Action::SetFaults(NodeFaults {
            node: id,
            send_omission: number(&draft.send),
            receive_omission: number(&draft.receive),
            drift: current.map_or(0.0, |f| f.drift),
            // Changing omission keeps a Byzantine server Byzantine.
            byzantine: current.map(|f| f.byzantine.clone()).unwrap_or_default(),
        }));
        html! {
            <tr>
                <th scope="row">{ format!("S{id}") }</th>
                <td><input type="number" min="0" max="1" step="0.05" aria-label={format!("S{id} send omission")}
                           data-testid={format!("send-omission-{id}")} value={draft.send.clone()}
                           oninput={edit_node(&faults, id, |d, text| d.send = text)} /></td>
                <td><input type="number" min="0" max="1" step="0.05" aria-label={format!("S{id} receive omission")}
                           data-testid={format!("receive-omission-{id}")} value={draft.receive.clone()}
                           oninput={edit_node(&faults, id, |d, text| d.receive = text)} /></td>
                <td><button class="secondary" data-testid={format!("apply-omission-{id}")} onclick={apply}>{ "Apply" }</button></td>
            </tr>
        }
    });
    let pause_rows = faults.iter().map(|draft| {
        let id = draft.node;
        let current = current_faults.iter().find(|f| f.node == id).cloned().unwrap_or_default();
        let paused = status_of(statuses, id) == Some(NodeStatus::Paused);
        let toggle = act(if paused { Action::Resume { node: id } } else { Action::Pause { node: id } });
        let apply = act(Action::SetFaults(NodeFaults { node: id, drift: number(&draft.drift), ..current }));
        html! {
            <tr>
                <th scope="row">{ format!("S{id}") }<span class="status">{ status_text(status_of(statuses, id)) }</span></th>
                <td><button class="secondary" data-testid={format!("pause-{id}")} onclick={toggle}>
                    { if paused { "Resume" } else { "Pause" } }</button></td>
                <td><input type="number" min="-0.5" max="0.5" step="0.05" aria-label={format!("S{id} clock drift")}
                           data-testid={format!("drift-{id}")} value={draft.drift.clone()}
                           oninput={edit_node(&faults, id, |d, text| d.drift = text)} /></td>
                <td><button class="secondary" data-testid={format!("apply-drift-{id}")} onclick={apply}>{ "Set drift" }</button></td>
            </tr>
        }
    });
    let group_selects = (1..=nodes).map(|id| {
        let index = (id - 1) as usize;
        let group = assignment.get(index).copied().unwrap_or(0);
        let onchange = {
            let assignment = assignment.clone();
            Callback::from(move |e: Event| {
                let Some(g) = chosen(&e).and_then(|v| v.parse::<usize>().ok()) else { return };
                let mut next = (*assignment).clone();
                if let Some(slot) = next.get_mut(index) {
                    *slot = g;
                }
                assignment.set(next);
            })
        };
        html! {
            <label>{ format!("S{id} ") }
                <select data-testid={format!("group-select-{id}")} onchange={onchange}>
                    { for GROUP_NAMES.iter().enumerate().map(|(g, name)| html! {
                        <option value={g.to_string()} selected={g == group}>{ *name }</option>
                    }) }
                </select></label>
        }
    });
    let partition: Vec<Vec<NodeId>> = (0..GROUP_NAMES.len())
        .map(|g| (1..=nodes).filter(|id| assignment.get((id - 1) as usize).copied().unwrap_or(0) == g).collect())
        .filter(|g: &Vec<NodeId>| !g.is_empty())
        .collect();
    let l = &*link;
    let apply_link = act(Action::SetNetwork {
        latency_ms: Some([number(&l.min_ms), number(&l.max_ms)]),
        loss: Some(number(&l.loss)),
        duplicate: Some(number(&l.duplicate)),
        reorder: Some(number(&l.reorder)),
        timing: None,
    });
    let on_timing = {
        let timing = timing.clone();
        Callback::from(move |e: Event| {
            let kind = match chosen(&e).as_deref() {
                Some("synchronous") => Timing::Synchronous,
                Some("partially_synchronous") => Timing::PartiallySynchronous,
                Some("asynchronous") => Timing::Asynchronous,
                _ => return,
            };
            timing.set(TimingDraft { kind, ..(*timing).clone() });
        })
    };
    let t = &*timing;
    let apply_timing = act(Action::SetNetwork {
        latency_ms: None,
        loss: None,
        duplicate: None,
        reorder: None,
        timing: Some(t.model()),
    });

    html! {
        <section class="failures" data-testid="failure-panel">
            <h3>{ "Failure models" }</h3>
            <details data-testid="model-crash-stop">
                <summary>{ "Crash-stop" }</summary>
                <p class="explain">{ "The server halts and never resumes; the others are not told, they just stop hearing from it." }</p>
                <div class="row">
                    <select aria-label="Server" data-testid="crash-stop-node" onchange={pick(&stop_node)}>{ node_options(nodes, stop, statuses) }</select>
                    <button data-testid="crash-stop" onclick={act(Action::Crash { node: stop, mode: CrashMode::Stop })}>{ "Crash for good" }</button>
                </div>
            </details>
            <details data-testid="model-crash-recovery">
                <summary>{ "Crash-recovery" }</summary>
                <p class="explain">{ "The server halts but can restart: volatile memory is lost, stable storage (currentTerm, votedFor, the log) \
                                      survives, unless it crashes with amnesia and loses its disk too." }</p>
                <div class="row">
                    <select aria-label="Server" data-testid="crash-recovery-node" onchange={pick(&recover_node)}>{ node_options(nodes, recover, statuses) }</select>
                    <button data-testid="crash-recover" onclick={act(Action::Crash { node: recover, mode: CrashMode::Recover })}>{ "Crash (keeps its disk)" }</button>
                    <button data-testid="crash-amnesia" onclick={act(Action::Crash { node: recover, mode: CrashMode::Amnesia })}>{ "Crash with amnesia (loses its disk)" }</button>
                    <button class="secondary" data-testid="restart-node" onclick={act(Action::Restart { node: recover })}>{ "Restart" }</button>
                </div>
            </details>
            <details data-testid="model-omission">
                <summary>{ "Omission" }</summary>
                <p class="explain">{ "The server keeps running but fails to send (send omission) or to receive (receive omission) \
                                      some messages: each is the probability that one message is dropped." }</p>
                <table class="per-node">
                    <thead><tr><th></th><th>{ "send" }</th><th>{ "receive" }</th><th></th></tr></thead>
                    <tbody>{ for omission_rows }</tbody>
                </table>
            </details>
            <details data-testid="model-links">
                <summary>{ "Link faults" }</summary>
                <p class="explain">{ "Fair-loss links: a message may be lost, duplicated or overtaken by later ones, \
                                      but one sent again and again eventually gets through (while loss is below 1)." }</p>
                <div class="fields">
                    <label>{ "Latency min (ms) " }
                        <input type="number" min="0" data-testid="latency-min" value={l.min_ms.clone()}
                               oninput={edit(&link, |d: &mut LinkDraft, text| d.min_ms = text)} /></label>
                    <label>{ "max (ms) " }
                        <input type="number" min="0" data-testid="latency-max" value={l.max_ms.clone()}
                               oninput={edit(&link, |d: &mut LinkDraft, text| d.max_ms = text)} /></label>
                    <label>{ "Loss " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-loss" value={l.loss.clone()}
                               oninput={edit(&link, |d: &mut LinkDraft, text| d.loss = text)} /></label>
                    <label>{ "Duplication " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-duplicate" value={l.duplicate.clone()}
                               oninput={edit(&link, |d: &mut LinkDraft, text| d.duplicate = text)} /></label>
                    <label>{ "Reordering " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-reorder" value={l.reorder.clone()}
                               oninput={edit(&link, |d: &mut LinkDraft, text| d.reorder = text)} /></label>
                </div>
                <button data-testid="apply-links" onclick={apply_link}>{ "Apply" }</button>
            </details>
            <details data-testid="model-partitions">
                <summary>{ "Partitions" }</summary>
                <p class="explain">{ "Servers in different groups cannot exchange messages until the network heals; \
                                      a cut blocks one direction of one link only." }</p>
                <p class="current" data-testid="current-partition">{ groups_text(nodes, &props.groups) }{ " " }{ cuts_text(&props.cuts) }</p>
                <div class="fields">{ for group_selects }</div>
                <div class="row">
                    <button data-testid="apply-partition" onclick={act(Action::Partition { groups: partition })}>{ "Apply partition" }</button>
                    <button class="secondary" data-testid="heal" onclick={act(Action::Heal)}>{ "Heal" }</button>
                </div>
                <div class="row">
                    <label>{ "From " }<select data-testid="cut-from" onchange={pick(&cut_from)}>{ node_options(nodes, from, &[]) }</select></label>
                    <label>{ "to " }<select data-testid="cut-to" onchange={pick(&cut_to)}>{ node_options(nodes, to, &[]) }</select></label>
                    <button data-testid="cut-link" onclick={act(Action::Cut { from, to })}>{ "Cut link" }</button>
                </div>
            </details>
            <details data-testid="model-timing">
                <summary>{ "Timing model" }</summary>
                <div class="fields">
                    <select aria-label="Timing model" data-testid="timing-model" onchange={on_timing}>
                        <option value="synchronous" selected={t.kind == Timing::Synchronous}>{ "synchronous" }</option>
                        <option value="partially_synchronous" selected={t.kind == Timing::PartiallySynchronous}>{ "partially synchronous" }</option>
                        <option value="asynchronous" selected={t.kind == Timing::Asynchronous}>{ "asynchronous" }</option>
                    </select>
                    if t.kind == Timing::PartiallySynchronous {
                        <label>{ "GST (ms) " }
                            <input type="number" min="0" data-testid="timing-gst" value={t.gst_ms.clone()}
                                   oninput={edit(&timing, |d: &mut TimingDraft, text| d.gst_ms = text)} /></label>
                    }
                    if t.kind != Timing::Synchronous {
                        <label>{ "Tail probability " }
                            <input type="number" min="0" max="1" step="0.05" data-testid="timing-tail" value={t.tail.clone()}
                                   oninput={edit(&timing, |d: &mut TimingDraft, text| d.tail = text)} /></label>
                    }
                </div>
                <p class="explain">{ timing_help(t.kind) }</p>
                <button data-testid="apply-timing" onclick={apply_timing}>{ "Apply" }</button>
            </details>
            <details data-testid="model-pauses">
                <summary>{ "Pauses and clock drift" }</summary>
                <p class="explain">{ "A paused server (say, a stop-the-world GC pause) does nothing until resumed, then handles what arrived; \
                                      drift ρ makes its clock run at rate 1 + ρ, so its timers fire early or late." }</p>
                <table class="per-node">
                    <thead><tr><th></th><th></th><th>{ "drift ρ" }</th><th></th></tr></thead>
                    <tbody>{ for pause_rows }</tbody>
                </table>
            </details>
        </section>
    }
}
