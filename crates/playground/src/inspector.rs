//! The server inspector: the selected server's Figure 2 state (or, crashed, what is on its
//! disk) and the buttons that break it, move leadership or change the membership, grouped by
//! failure model (Byzantine faults apart: Raft does not tolerate them). On a phone it is a
//! bottom sheet over the page (styles.css), so it has its own Close button.
use crate::stage::node_state;
use crate::text::{t, tf};
use raft_core::Configuration;
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, ClientOpKind, CrashMode, NodeFaults};
use raft_sim::sim::Simulation;
use yew::prelude::*;

/// The inspector for server `selected` (a hint when none is selected); every button hands its
/// operator action to `on_act`; Close hands the server to `on_close` (selecting it again
/// deselects it).
pub fn inspector(sim: &Simulation, selected: Option<u32>, on_act: &Callback<Action>, on_close: &Callback<u32>) -> Html {
    let Some(id) = selected else {
        return html! { <p class="hint">{ t("inspector.hint") }</p> };
    };
    let Some(slot) = sim.node(id) else { return html! {} };
    let act = |action: Action| {
        let on_act = on_act.clone();
        Callback::from(move |_: MouseEvent| on_act.emit(action.clone()))
    };
    let faults = &slot.faults;
    let flip = |p: f64| if p > 0.0 { 0.0 } else { 1.0 };
    let state = node_state(slot);
    let disk = &slot.disk;
    let running = slot.raft.is_some();
    let group = |title: &'static str, class: &'static str, buttons: Html| {
        html! {
            <fieldset class={classes!("act-group", class)}>
                <legend>{ t(title) }</legend>
                <div class="actions">{ buttons }</div>
            </fieldset>
        }
    };
    let crash = group(
        "inspector.crash-group",
        "crash",
        html! {
            if running {
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Recover })}>{ t("inspector.crash") }</button>
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Stop })}>{ t("inspector.crash-stop") }</button>
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Amnesia })}>{ t("inspector.crash-amnesia") }</button>
            } else {
                <button onclick={act(Action::Restart { node: id })}>{ t("inspector.restart") }</button>
            }
        },
    );
    let pause = group(
        "inspector.pause-group",
        "pause",
        html! {
            if state == "paused" {
                <button onclick={act(Action::Resume { node: id })}>{ tf("inspector.resume", &[("node", &id.to_string())]) }</button>
            } else if running {
                <button onclick={act(Action::Pause { node: id })}>{ tf("inspector.pause", &[("node", &id.to_string())]) }</button>
            }
        },
    );
    let network = group(
        "inspector.network-group",
        "network",
        html! {
            <>
                <button onclick={act(Action::Isolate { node: id })}>{ t("inspector.isolate") }</button>
                <button onclick={act(Action::Heal)}>{ t("inspector.heal") }</button>
                <button onclick={act(Action::SetFaults(NodeFaults { send_omission: flip(faults.send_omission), ..faults.clone() }))}>
                    { if faults.send_omission > 0.0 { t("inspector.send-omission-stop") } else { t("inspector.send-omission") } }
                </button>
                <button onclick={act(Action::SetFaults(NodeFaults { receive_omission: flip(faults.receive_omission), ..faults.clone() }))}>
                    { if faults.receive_omission > 0.0 { t("inspector.receive-omission-stop") } else { t("inspector.receive-omission") } }
                </button>
            </>
        },
    );
    let leader_config = sim.leader().and_then(|l| sim.node(l)).and_then(|s| s.raft.as_ref()).map(|r| r.configuration());
    let cluster = group(
        "inspector.cluster-group",
        "cluster",
        html! {
            <>
                if running {
                    <button onclick={act(Action::Timeout { node: id })}>{ t("inspector.timeout") }</button>
                }
                if sim.leader().is_some_and(|l| l != id) && running {
                    <button data-testid="transfer-leadership" title={t("inspector.transfer-title")}
                            onclick={act(Action::TransferLeadership { node: id })}>{ t("inspector.transfer") }</button>
                }
                <button data-testid="inspector-put" onclick={act(Action::Client { node: id, op: ClientOpKind::Put, key: "x".into(), value: Some(format!("{}", sim.events())), retry_ms: None })}>
                    { t("inspector.put") }
                </button>
                if let Some(leader_config) = leader_config {
                    // As the leader sees it (a removed server may not know it was removed).
                    if leader_config.is_voter(id) {
                        <button data-testid="remove-server" title={t("inspector.remove-title")}
                                onclick={act(Action::RemoveServer { node: id, via: None })}>{ t("inspector.remove") }</button>
                    } else {
                        <button data-testid="add-server" title={t("inspector.add-title")}
                                onclick={act(Action::AddServer { node: id, via: None })}>{ t("inspector.add") }</button>
                        { replace_buttons(leader_config, id, on_act) }
                    }
                }
            </>
        },
    );
    let byzantine = group(
        "inspector.byzantine-group",
        "byzantine",
        html! {
            { for Behaviour::ALL.iter().map(|&b| {
                let on = faults.byzantine.contains(&b);
                let mut next = faults.byzantine.clone();
                if on { next.retain(|x| *x != b) } else { next.push(b) }
                html! {
                    <button class={classes!(on.then_some("byzantine-on"))} data-testid="byzantine" data-behaviour={b.name()}
                            aria-pressed={on.to_string()}
                            title={t("inspector.byzantine-title")}
                            onclick={act(Action::SetFaults(NodeFaults { byzantine: next, ..faults.clone() }))}>
                        { tf(if on { "inspector.byzantine-stop" } else { "inspector.byzantine" }, &[("lie", byzantine_label(b))]) }
                    </button>
                }
            }) }
        },
    );
    let actions = html! { <>{ crash }{ pause }{ network }{ cluster }{ byzantine }</> };
    html! {
        <div class="inspector server-inspector" data-testid="inspector" role="region" aria-label={tf("inspector.label", &[("node", &id.to_string())])}>
            <div class="sheet-head">
                <h3>{ format!("S{id} · {}", crate::model::stage::state_text(state)) }</h3>
                <button class="secondary close" data-testid="inspector-close" aria-label={tf("inspector.close", &[("node", &id.to_string())])}
                        onclick={on_close.reform(move |_: MouseEvent| id)}>{ "✕" }</button>
            </div>
            if let Some(r) = &slot.raft {
                <dl>
                    <dt>{ "currentTerm" }</dt><dd>{ r.current_term() }</dd>
                    <dt>{ "votedFor" }</dt><dd>{ r.voted_for().map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                    <dt>{ "log" }</dt><dd>{ tf("inspector.log", &[("entries", &r.log().last_index().to_string()), ("term", &r.log().last_term().to_string())]) }</dd>
                    <dt>{ "commitIndex" }</dt><dd>{ r.commit_index() }</dd>
                    <dt>{ "lastApplied" }</dt><dd>{ r.last_applied() }</dd>
                    if r.role() == raft_core::Role::Leader {
                        <dt>{ "nextIndex" }</dt><dd>{ r.next_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                        <dt>{ "matchIndex" }</dt><dd>{ r.match_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                    }
                    if r.role() == raft_core::Role::Candidate {
                        <dt>{ t("inspector.votes-granted") }</dt><dd>{ r.votes_granted().iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(" ") }</dd>
                    }
                    <dt>{ t("inspector.configuration") }</dt><dd data-testid="inspector-configuration">{ r.configuration().to_string().trim_start_matches("config ").to_string() }</dd>
                    <dt>{ t("inspector.kv") }</dt><dd>{ r.kv().data().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ") }</dd>
                </dl>
            } else {
                <dl>
                    <dt>{ t("inspector.disk-term") }</dt><dd>{ disk.current_term }</dd>
                    <dt>{ "votedFor" }</dt><dd>{ disk.voted_for.map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                    <dt>{ "log" }</dt><dd>{ tf("inspector.disk-log", &[("entries", &disk.log.last_index().to_string())]) }</dd>
                </dl>
            }
            { actions }
        </div>
    }
}

/// For a server outside the cluster: "replace S_v with it", one button per voter, as one
/// membership change (joint consensus swaps both at once).
fn replace_buttons(config: &Configuration, id: u32, on_act: &Callback<Action>) -> Html {
    html! {
        { for config.voters.iter().copied().map(|old| {
            let action = Action::ChangeMembership { voters: config.voters_replacing(old, id), via: None };
            let on_act = on_act.clone();
            html! {
                <button data-testid="replace-server" data-old={old.to_string()}
                        title={tf("inspector.replace-title", &[("old", &old.to_string()), ("node", &id.to_string())])}
                        onclick={Callback::from(move |_: MouseEvent| on_act.emit(action.clone()))}>{ tf("inspector.replace", &[("old", &old.to_string())]) }</button>
            }
        }) }
    }
}

fn byzantine_label(b: Behaviour) -> &'static str {
    match b {
        Behaviour::InflateTerm => t("inspector.lie-term"),
        Behaviour::VoteForAll => t("inspector.lie-vote"),
        Behaviour::ForgeEntries => t("inspector.lie-entries"),
        Behaviour::ForgeCommit => t("inspector.lie-commit"),
        Behaviour::LieInReplies => t("inspector.lie-replies"),
    }
}
