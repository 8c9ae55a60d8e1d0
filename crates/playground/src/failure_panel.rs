//! The failure models of the course notes, one group each, turned into simulator actions.
//! What is typed is kept in one draft (model/failures.rs) that follows the values in force;
//! numbers are only parsed on apply, and the simulator validates what it is sent.
use crate::model::failures::{
    faults_of, in_range, node_label, number, partition_text, status_of, status_text, FailureDraft, FailureSource,
    Timing, TimingDraft, GROUP_NAMES,
};
use crate::text::{t, tf};
use raft_core::NodeId;
use raft_sim::scenario::{Action, CrashMode, NodeFaults};
use raft_sim::sim::NodeStatus;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    /// The settings and faults in force, which the fields start from.
    pub source: FailureSource,
    /// One-way cut links (from, to) in force.
    pub cuts: Vec<(NodeId, NodeId)>,
    /// Per node, index = id - 1.
    pub statuses: Vec<NodeStatus>,
    pub on_action: Callback<Action>,
}

/// A change to the draft from a field's event (it returns None when the event cannot be read).
type Change = Rc<dyn Fn(&mut FailureDraft, &Event) -> Option<()>>;
/// A change to the draft from the text typed into a field.
type Edit = Rc<dyn Fn(&mut FailureDraft, String)>;

fn chosen(e: &Event) -> Option<String> {
    Some(e.target_dyn_into::<web_sys::HtmlSelectElement>()?.value())
}

/// The options of a server select, each with the server's state.
fn node_options(nodes: u32, selected: NodeId, statuses: &[NodeStatus]) -> Html {
    html! {
        <>{ for (1..=nodes).map(|id| html! {
            <option value={id.to_string()} selected={id == selected}>{ node_label(statuses, id) }</option>
        }) }</>
    }
}

fn timing_help(kind: Timing) -> &'static str {
    match kind {
        Timing::Synchronous => t("failure_panel.synchronous-help"),
        Timing::PartiallySynchronous => t("failure_panel.partially-synchronous-help"),
        Timing::Asynchronous => t("failure_panel.asynchronous-help"),
    }
}

#[function_component(FailurePanel)]
pub fn failure_panel(props: &FailureProps) -> Html {
    crate::test_hook::rendered("failures");
    let nodes = props.source.nodes;
    let stored = use_state(|| FailureDraft::of(&props.source));
    // The draft as typed, where the values it was started from still hold (no effect re-syncs it).
    let draft = Rc::new((*stored).clone().synced(&props.source));
    let change = |f: Change| {
        let (stored, draft) = (stored.clone(), draft.clone());
        Callback::from(move |e: Event| {
            let mut next = (*draft).clone();
            if f(&mut next, &e).is_some() {
                stored.set(next);
            }
        })
    };
    let edit = |f: Edit| {
        change(Rc::new(move |d, e| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
            f(d, input.value());
            Some(())
        }))
        .reform(|e: InputEvent| Event::from(e))
    };
    let edit_node = |id: NodeId, f: fn(&mut crate::model::failures::FaultDraft, String)| {
        edit(Rc::new(move |d, text| {
            if let Some(fd) = d.faults.iter_mut().find(|fd| fd.node == id) {
                f(fd, text);
            }
        }))
    };
    let pick = |f: fn(&mut FailureDraft, NodeId)| {
        change(Rc::new(move |d, e| {
            f(d, chosen(e)?.parse().ok()?);
            Some(())
        }))
    };
    let act = |action: Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let statuses = &props.statuses[..];
    let stop = in_range(draft.stop_node, nodes);
    let recover = in_range(draft.recover_node, nodes);
    let (from, to) = (in_range(draft.cut_from, nodes), in_range(draft.cut_to, nodes));

    let current_faults = faults_of(nodes, &props.source.faults);
    let omission_rows = draft.faults.iter().map(|fd| {
        let id = fd.node;
        let current = current_faults.iter().find(|f| f.node == id);
        let apply = act(Action::SetFaults(NodeFaults {
            node: id,
            send_omission: number(&fd.send),
            receive_omission: number(&fd.receive),
            drift: current.map_or(0.0, |f| f.drift),
            // Changing omission keeps a Byzantine server Byzantine.
            byzantine: current.map(|f| f.byzantine.clone()).unwrap_or_default(),
        }));
        html! {
            <tr>
                <th scope="row">{ format!("S{id}") }</th>
                <td><input type="number" min="0" max="1" step="0.05" aria-label={tf("failure_panel.send-omission-label", &[("node", &id.to_string())])}
                           data-testid={format!("send-omission-{id}")} value={fd.send.clone()}
                           oninput={edit_node(id, |d, text| d.send = text)} /></td>
                <td><input type="number" min="0" max="1" step="0.05" aria-label={tf("failure_panel.receive-omission-label", &[("node", &id.to_string())])}
                           data-testid={format!("receive-omission-{id}")} value={fd.receive.clone()}
                           oninput={edit_node(id, |d, text| d.receive = text)} /></td>
                <td><button class="secondary" data-testid={format!("apply-omission-{id}")} onclick={apply}>{ t("failure_panel.apply") }</button></td>
            </tr>
        }
    });
    let pause_rows = draft.faults.iter().map(|fd| {
        let id = fd.node;
        let current = current_faults.iter().find(|f| f.node == id).cloned().unwrap_or_default();
        let paused = status_of(statuses, id) == Some(NodeStatus::Paused);
        let toggle = act(if paused { Action::Resume { node: id } } else { Action::Pause { node: id } });
        let apply = act(Action::SetFaults(NodeFaults { node: id, drift: number(&fd.drift), ..current }));
        html! {
            <tr>
                <th scope="row">{ format!("S{id}") }<span class="status">{ status_text(status_of(statuses, id)) }</span></th>
                <td><button class="secondary" data-testid={format!("pause-{id}")} onclick={toggle}>
                    { if paused { t("failure_panel.resume") } else { t("failure_panel.pause") } }</button></td>
                <td><input type="number" min="-0.5" max="0.5" step="0.05" aria-label={tf("failure_panel.drift-label", &[("node", &id.to_string())])}
                           data-testid={format!("drift-{id}")} value={fd.drift.clone()}
                           oninput={edit_node(id, |d, text| d.drift = text)} /></td>
                <td><button class="secondary" data-testid={format!("apply-drift-{id}")} onclick={apply}>{ t("failure_panel.set-drift") }</button></td>
            </tr>
        }
    });
    let group_selects = (1..=nodes).map(|id| {
        let index = (id - 1) as usize;
        let group = draft.assignment.get(index).copied().unwrap_or(0);
        let onchange = change(Rc::new(move |d, e| {
            let g = chosen(e)?.parse::<usize>().ok()?;
            *d.assignment.get_mut(index)? = g;
            Some(())
        }));
        html! {
            <label>{ format!("S{id} ") }
                <select data-testid={format!("group-select-{id}")} onchange={onchange}>
                    { for GROUP_NAMES.iter().enumerate().map(|(g, name)| html! {
                        <option value={g.to_string()} selected={g == group}>{ *name }</option>
                    }) }
                </select></label>
        }
    });
    let partition = draft.partition();
    let l = &draft.link;
    let apply_link = act(Action::SetNetwork {
        latency_ms: Some([number(&l.min_ms), number(&l.max_ms)]),
        loss: Some(number(&l.loss)),
        duplicate: Some(number(&l.duplicate)),
        reorder: Some(number(&l.reorder)),
        timing: None,
    });
    let on_timing = change(Rc::new(|d, e| {
        d.timing.kind = match chosen(e)?.as_str() {
            "synchronous" => Timing::Synchronous,
            "partially_synchronous" => Timing::PartiallySynchronous,
            "asynchronous" => Timing::Asynchronous,
            _ => return None,
        };
        Some(())
    }));
    let timing: &TimingDraft = &draft.timing;
    let apply_timing = act(Action::SetNetwork {
        latency_ms: None,
        loss: None,
        duplicate: None,
        reorder: None,
        timing: Some(timing.model()),
    });

    html! {
        <section class="failures" data-testid="failure-panel">
            <h3>{ t("failure_panel.title") }</h3>
            <details data-testid="model-crash-stop">
                <summary>{ t("failure_panel.crash-stop") }</summary>
                <p class="explain">{ t("failure_panel.crash-stop-explain") }</p>
                <div class="row">
                    <select aria-label={t("failure_panel.server")} data-testid="crash-stop-node" onchange={pick(|d, id| d.stop_node = id)}>{ node_options(nodes, stop, statuses) }</select>
                    <button data-testid="crash-stop" onclick={act(Action::Crash { node: stop, mode: CrashMode::Stop })}>{ t("failure_panel.crash-for-good") }</button>
                </div>
            </details>
            <details data-testid="model-crash-recovery">
                <summary>{ t("failure_panel.crash-recovery") }</summary>
                <p class="explain">{ t("failure_panel.crash-recovery-explain") }</p>
                <div class="row">
                    <select aria-label={t("failure_panel.server")} data-testid="crash-recovery-node" onchange={pick(|d, id| d.recover_node = id)}>{ node_options(nodes, recover, statuses) }</select>
                    <button data-testid="crash-recover" onclick={act(Action::Crash { node: recover, mode: CrashMode::Recover })}>{ t("failure_panel.crash-recover") }</button>
                    <button data-testid="crash-amnesia" onclick={act(Action::Crash { node: recover, mode: CrashMode::Amnesia })}>{ t("failure_panel.crash-amnesia") }</button>
                    <button class="secondary" data-testid="restart-node" onclick={act(Action::Restart { node: recover })}>{ t("failure_panel.restart") }</button>
                </div>
            </details>
            <details data-testid="model-omission">
                <summary>{ t("failure_panel.omission") }</summary>
                <p class="explain">{ t("failure_panel.omission-explain") }</p>
                <table class="per-node">
                    <thead><tr><th></th><th>{ t("failure_panel.send") }</th><th>{ t("failure_panel.receive") }</th><th></th></tr></thead>
                    <tbody>{ for omission_rows }</tbody>
                </table>
            </details>
            <details data-testid="model-links">
                <summary>{ t("failure_panel.link-faults") }</summary>
                <p class="explain">{ t("failure_panel.link-faults-explain") }</p>
                <div class="fields">
                    <label>{ t("failure_panel.latency-min") }{ " " }
                        <input type="number" min="0" data-testid="latency-min" value={l.min_ms.clone()}
                               oninput={edit(Rc::new(|d, text| d.link.min_ms = text))} /></label>
                    <label>{ t("failure_panel.latency-max") }{ " " }
                        <input type="number" min="0" data-testid="latency-max" value={l.max_ms.clone()}
                               oninput={edit(Rc::new(|d, text| d.link.max_ms = text))} /></label>
                    <label>{ t("failure_panel.loss") }{ " " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-loss" value={l.loss.clone()}
                               oninput={edit(Rc::new(|d, text| d.link.loss = text))} /></label>
                    <label>{ t("failure_panel.duplication") }{ " " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-duplicate" value={l.duplicate.clone()}
                               oninput={edit(Rc::new(|d, text| d.link.duplicate = text))} /></label>
                    <label>{ t("failure_panel.reordering") }{ " " }
                        <input type="number" min="0" max="1" step="0.05" data-testid="link-reorder" value={l.reorder.clone()}
                               oninput={edit(Rc::new(|d, text| d.link.reorder = text))} /></label>
                </div>
                <button data-testid="apply-links" onclick={apply_link}>{ t("failure_panel.apply") }</button>
            </details>
            <details data-testid="model-partitions">
                <summary>{ t("failure_panel.partitions") }</summary>
                <p class="explain">{ t("failure_panel.partitions-explain") }</p>
                <p class="current" data-testid="current-partition">{ partition_text(nodes, &props.source.groups, &props.cuts) }</p>
                <div class="fields">{ for group_selects }</div>
                <div class="row">
                    <button data-testid="apply-partition" onclick={act(Action::Partition { groups: partition })}>{ t("failure_panel.apply-partition") }</button>
                    <button class="secondary" data-testid="heal" onclick={act(Action::Heal)}>{ t("failure_panel.heal") }</button>
                </div>
                <div class="row">
                    <label>{ t("failure_panel.cut-from") }{ " " }<select data-testid="cut-from" onchange={pick(|d, id| d.cut_from = id)}>{ node_options(nodes, from, &[]) }</select></label>
                    <label>{ t("failure_panel.cut-to") }{ " " }<select data-testid="cut-to" onchange={pick(|d, id| d.cut_to = id)}>{ node_options(nodes, to, &[]) }</select></label>
                    <button data-testid="cut-link" onclick={act(Action::Cut { from, to })}>{ t("failure_panel.cut-link") }</button>
                </div>
            </details>
            <details data-testid="model-timing">
                <summary>{ t("failure_panel.timing-model") }</summary>
                <div class="fields">
                    <select aria-label={t("failure_panel.timing-model")} data-testid="timing-model" onchange={on_timing}>
                        <option value="synchronous" selected={timing.kind == Timing::Synchronous}>{ t("failure_panel.synchronous") }</option>
                        <option value="partially_synchronous" selected={timing.kind == Timing::PartiallySynchronous}>{ t("failure_panel.partially-synchronous") }</option>
                        <option value="asynchronous" selected={timing.kind == Timing::Asynchronous}>{ t("failure_panel.asynchronous") }</option>
                    </select>
                    if timing.kind == Timing::PartiallySynchronous {
                        <label>{ t("failure_panel.gst") }{ " " }
                            <input type="number" min="0" data-testid="timing-gst" value={timing.gst_ms.clone()}
                                   oninput={edit(Rc::new(|d, text| d.timing.gst_ms = text))} /></label>
                    }
                    if timing.kind != Timing::Synchronous {
                        <label>{ t("failure_panel.tail") }{ " " }
                            <input type="number" min="0" max="1" step="0.05" data-testid="timing-tail" value={timing.tail.clone()}
                                   oninput={edit(Rc::new(|d, text| d.timing.tail = text))} /></label>
                    }
                </div>
                <p class="explain">{ timing_help(timing.kind) }</p>
                <button data-testid="apply-timing" onclick={apply_timing}>{ t("failure_panel.apply") }</button>
            </details>
            <details data-testid="model-pauses">
                <summary>{ t("failure_panel.pauses") }</summary>
                <p class="explain">{ t("failure_panel.pauses-explain") }</p>
                <table class="per-node">
                    <thead><tr><th></th><th></th><th>{ t("failure_panel.drift") }</th><th></th></tr></thead>
                    <tbody>{ for pause_rows }</tbody>
                </table>
            </details>
        </section>
    }
}
