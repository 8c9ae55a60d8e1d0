//! The server inspector: the selected server's Figure 2 state (or, crashed, what is on its
//! disk) and the buttons that break it, move leadership or change the membership, grouped by
//! failure model (Byzantine faults apart: Raft does not tolerate them). On a phone it is a
//! bottom sheet over the page (styles.css), so it has its own Close button.
use crate::stage::node_state;
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
        return html! { <p class="hint">{ "Click a server to inspect it and break it; click a message to inspect, drop or duplicate it." }</p> };
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
                <legend>{ title }</legend>
                <div class="actions">{ buttons }</div>
            </fieldset>
        }
    };
    let crash = group(
        "Crash and restart",
        "crash",
        html! {
            if running {
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Recover })}>{ "Crash" }</button>
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Stop })}>{ "Crash-stop" }</button>
                <button onclick={act(Action::Crash { node: id, mode: CrashMode::Amnesia })}>{ "Crash, disk lost" }</button>
            } else {
                <button onclick={act(Action::Restart { node: id })}>{ "Restart" }</button>
            }
        },
    );
    let pause = group(
        "Pause (a long GC pause)",
        "pause",
        html! {
            if state == "paused" {
                <button onclick={act(Action::Resume { node: id })}>{ format!("Resume S{id}") }</button>
            } else if running {
                <button onclick={act(Action::Pause { node: id })}>{ format!("Pause S{id}") }</button>
            }
        },
    );
    let network = group(
        "Network and omission",
        "network",
        html! {
            <>
                <button onclick={act(Action::Isolate { node: id })}>{ "Isolate" }</button>
                <button onclick={act(Action::Heal)}>{ "Heal the network" }</button>
                <button onclick={act(Action::SetFaults(NodeFaults { send_omission: flip(faults.send_omission), ..faults.clone() }))}>
                    { if faults.send_omission > 0.0 { "Stop send omission" } else { "Send omission (drop all it sends)" } }
                </button>
                <button onclick={act(Action::SetFaults(NodeFaults { receive_omission: flip(faults.receive_omission), ..faults.clone() }))}>
                    { if faults.receive_omission > 0.0 { "Stop receive omission" } else { "Receive omission (drop all it receives)" } }
                </button>
            </>
        },
    );
    let leader_config = sim.leader().and_then(|l| sim.node(l)).and_then(|s| s.raft.as_ref()).map(|r| r.configuration());
    let cluster = group(
        "Elections, clients, membership",
        "cluster",
        html! {
            <>
                if running {
                    <button onclick={act(Action::Timeout { node: id })}>{ "Time out now" }</button>
                }
                if sim.leader().is_some_and(|l| l != id) && running {
                    <button data-testid="transfer-leadership" title="The leader brings this server's log up to date, then tells it to start an election at once (TimeoutNow)"
                            onclick={act(Action::TransferLeadership { node: id })}>{ "Make it leader (transfer)" }</button>
                }
                <button data-testid="inspector-put" onclick={act(Action::Client { node: id, op: ClientOpKind::Put, key: "x".into(), value: Some(format!("{}", sim.events())), retry_ms: None })}>
                    { "Send it a put x=…" }
                </button>
                if let Some(leader_config) = leader_config {
                    // As the leader sees it (a removed server may not know it was removed).
                    if leader_config.is_voter(id) {
                        <button data-testid="remove-server" title="Ask the leader to remove this server from the configuration (it keeps running)"
                                onclick={act(Action::RemoveServer { node: id, via: None })}>{ "Remove from the cluster" }</button>
                    } else {
                        <button data-testid="add-server" title="Ask the leader to add this server: it joins as a learner, catches up, then becomes a voter"
                                onclick={act(Action::AddServer { node: id, via: None })}>{ "Add to the cluster" }</button>
                        { replace_buttons(leader_config, id, on_act) }
                    }
                }
            </>
        },
    );
    let byzantine = group(
        "Byzantine: lies Raft does not tolerate",
        "byzantine",
        html! {
            { for Behaviour::ALL.iter().map(|&b| {
                let on = faults.byzantine.contains(&b);
                let mut next = faults.byzantine.clone();
                if on { next.retain(|x| *x != b) } else { next.push(b) }
                html! {
                    <button class={classes!(on.then_some("byzantine-on"))} data-testid="byzantine" data-behaviour={b.name()}
                            aria-pressed={on.to_string()}
                            title="Byzantine: not a failure Raft tolerates (it assumes servers never lie)"
                            onclick={act(Action::SetFaults(NodeFaults { byzantine: next, ..faults.clone() }))}>
                        { format!("{} {}", if on { "Stop:" } else { "Byzantine:" }, byzantine_label(b)) }
                    </button>
                }
            }) }
        },
    );
    let actions = html! { <>{ crash }{ pause }{ network }{ cluster }{ byzantine }</> };
    html! {
        <div class="inspector server-inspector" data-testid="inspector" role="region" aria-label={format!("Server S{id}")}>
            <div class="sheet-head">
                <h3>{ format!("S{id} · {state}") }</h3>
                <button class="secondary close" data-testid="inspector-close" aria-label={format!("Close the S{id} panel")}
                        onclick={on_close.reform(move |_: MouseEvent| id)}>{ "✕" }</button>
            </div>
            if let Some(r) = &slot.raft {
                <dl>
                    <dt>{ "currentTerm" }</dt><dd>{ r.current_term() }</dd>
                    <dt>{ "votedFor" }</dt><dd>{ r.voted_for().map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                    <dt>{ "log" }</dt><dd>{ format!("{} entries (last term {})", r.log().last_index(), r.log().last_term()) }</dd>
                    <dt>{ "commitIndex" }</dt><dd>{ r.commit_index() }</dd>
                    <dt>{ "lastApplied" }</dt><dd>{ r.last_applied() }</dd>
                    if r.role() == raft_core::Role::Leader {
                        <dt>{ "nextIndex" }</dt><dd>{ r.next_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                        <dt>{ "matchIndex" }</dt><dd>{ r.match_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                    }
                    if r.role() == raft_core::Role::Candidate {
                        <dt>{ "votes granted" }</dt><dd>{ r.votes_granted().iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(" ") }</dd>
                    }
                    <dt>{ "configuration" }</dt><dd data-testid="inspector-configuration">{ r.configuration().to_string().trim_start_matches("config ").to_string() }</dd>
                    <dt>{ "key-value state" }</dt><dd>{ r.kv().data().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ") }</dd>
                </dl>
            } else {
                <dl>
                    <dt>{ "on disk: currentTerm" }</dt><dd>{ disk.current_term }</dd>
                    <dt>{ "votedFor" }</dt><dd>{ disk.voted_for.map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                    <dt>{ "log" }</dt><dd>{ format!("{} entries", disk.log.last_index()) }</dd>
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
                        title={format!("One membership change: S{old} leaves, S{id} joins (it first catches up as a learner)")}
                        onclick={Callback::from(move |_: MouseEvent| on_act.emit(action.clone()))}>{ format!("Replace S{old} with it") }</button>
            }
        }) }
    }
}

fn byzantine_label(b: Behaviour) -> &'static str {
    match b {
        Behaviour::InflateTerm => "claim a higher term",
        Behaviour::VoteForAll => "vote for every candidate",
        Behaviour::ForgeEntries => "forge entries",
        Behaviour::ForgeCommit => "forge the commit index",
        Behaviour::LieInReplies => "lie in replies",
    }
}
