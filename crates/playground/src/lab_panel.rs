//! The failure-model lab: the course notes' hierarchy of failure models (crash-stop inside
//! omission inside crash-recovery inside Byzantine), the link models and the timing models, each
//! applied to the running cluster with one click and explained in a sentence; and the
//! availability figures the run gives (A = MTTF / (MTTF + MTTR)). It renders what it is given
//! and hands actions to the live view.
use raft_core::NodeId;
use raft_sim::availability::Availability;
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, CrashMode, NodeFaults, TimingModel};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub availability: Option<Availability>,
    /// The time now (ms), for a stabilisation time a little in the future.
    pub now_ms: f64,
    /// A running follower to give omission faults to, with its current faults.
    pub follower: Option<NodeFaults>,
    pub on_action: Callback<Action>,
}

/// One model: its name, what it allows, and what applying it does (None: nothing to apply).
struct Model {
    id: &'static str,
    name: &'static str,
    allows: String,
    action: Option<Action>,
}

fn network(loss: f64, duplicate: f64, reorder: f64) -> Action {
    Action::SetNetwork {
        latency_ms: None,
        loss: Some(loss),
        duplicate: Some(duplicate),
        reorder: Some(reorder),
        timing: None,
    }
}

fn timing(model: TimingModel) -> Action {
    Action::SetNetwork { latency_ms: None, loss: None, duplicate: None, reorder: None, timing: Some(model) }
}

fn seconds(us: f64) -> String {
    if us >= 1_000_000.0 {
        format!("{:.2} s", us / 1_000_000.0)
    } else {
        format!("{:.0} ms", us / 1000.0)
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.1}%", x * 100.0))
}

fn model_view(m: &Model, on_action: &Callback<Action>) -> Html {
    let action = m.action.clone();
    html! {
        <div class="model" data-testid={format!("lab-{}", m.id)}>
            <strong>{ m.name }</strong>{ ": " }{ &m.allows }
            if let Some(action) = action {
                <button class="secondary" data-testid={format!("lab-apply-{}", m.id)}
                        onclick={on_action.reform(move |_| action.clone())}>{ "Apply" }</button>
            }
        </div>
    }
}

#[function_component(LabPanel)]
pub fn lab_panel(props: &LabProps) -> Html {
    let omission = props.follower.clone().map(|f| {
        let node: NodeId = f.node;
        (node, Action::SetFaults(NodeFaults { send_omission: 0.5, receive_omission: 0.5, ..f.clone() }))
    });
    let byzantine = props.follower.clone().map(|f| {
        let node: NodeId = f.node;
        (node, Action::SetFaults(NodeFaults { byzantine: vec![Behaviour::VoteForAll], ..f }))
    });
    let failure_models = [
        Model {
            id: "crash-stop",
            name: "Crash-stop",
            allows: "a server halts and never comes back. Raft keeps going while a majority is up. Apply: the leader crashes for good."
                .into(),
            action: Some(Action::CrashLeader { mode: CrashMode::Stop }),
        },
        Model {
            id: "omission",
            name: "Omission",
            allows: match &omission {
                Some((node, _)) => format!("a server keeps running but some messages it should send or receive are lost. Apply: S{node} drops half of what it sends and half of what it receives."),
                None => "a server keeps running but some messages it should send or receive are lost (no follower is running to apply it to).".into(),
            },
            action: omission.map(|(_, a)| a),
        },
        Model {
            id: "crash-recovery",
            name: "Crash-recovery",
            allows: "a server halts and later restarts with what was on its stable storage (currentTerm, votedFor, the log). Apply: the leader crashes; restart it from its inspector."
                .into(),
            action: Some(Action::CrashLeader { mode: CrashMode::Recover }),
        },
        Model {
            id: "byzantine",
            name: "Byzantine",
            allows: format!(
                "a server may do anything, lie included. Raft does not tolerate it: it assumes servers fail only by stopping. Tolerating f lying servers takes Byzantine fault-tolerant protocols and 3f+1 servers.{}",
                match &byzantine {
                    Some((node, _)) => format!(" Apply: S{node} votes for every candidate; then Align timers, and watch two leaders win one term."),
                    None => String::new(),
                }
            ),
            action: byzantine.map(|(_, a)| a),
        },
    ];
    let link_models = [
        Model {
            id: "fair-loss",
            name: "Fair-loss links",
            allows: "messages may be lost or duplicated (and here reordered), but one sent again and again eventually arrives. Raft's retries make it work on them. Apply: 20% loss, 10% duplication, 10% reordering."
                .into(),
            action: Some(network(0.2, 0.1, 0.1)),
        },
        Model {
            id: "reliable",
            name: "Reliable links",
            allows: "every message between correct servers arrives exactly once. Apply: no loss, duplication or reordering.".into(),
            action: Some(network(0.0, 0.0, 0.0)),
        },
        Model {
            id: "authenticated",
            name: "Authenticated links",
            allows: "reliable, and a receiver knows who really sent a message. This simulator never forges a sender, so its links are always authenticated; Apply makes them reliable too."
                .into(),
            action: Some(network(0.0, 0.0, 0.0)),
        },
    ];
    let timing_models = [
        Model {
            id: "synchronous",
            name: "Synchronous",
            allows: "every message arrives within a known bound (the latency maximum).".into(),
            action: Some(timing(TimingModel::Synchronous)),
        },
        Model {
            id: "partially-synchronous",
            name: "Partially synchronous",
            allows: "delays are unbounded until an unknown global stabilisation time (GST), bounded after. Raft stays safe throughout and elects a stable leader after GST. Apply: GST 3 s from now."
                .into(),
            action: Some(timing(TimingModel::PartiallySynchronous {
                gst_ms: (props.now_ms + 3_000.0).round(),
                tail_probability: 0.2,
            })),
        },
        Model {
            id: "asynchronous",
            name: "Asynchronous",
            allows: "no bound on delays at all. No consensus algorithm can guarantee progress (FLP); Raft stays safe and usually elects a leader anyway."
                .into(),
            action: Some(timing(TimingModel::Asynchronous { tail_probability: 0.2 })),
        },
    ];
    html! {
        <details class="lab" data-testid="lab">
            <summary>{ "Failure-model lab" }</summary>
            <div class="hierarchy" aria-label="Failure models, each inside the next">
                <div class="level byzantine"><span class="label">{ "Byzantine" }</span>
                    <div class="level crash-recovery"><span class="label">{ "Crash-recovery" }</span>
                        <div class="level omission"><span class="label">{ "Omission" }</span>
                            <div class="level crash-stop"><span class="label">{ "Crash-stop" }</span></div>
                        </div>
                    </div>
                </div>
            </div>
            <p class="hint">{ "Each model allows everything the one inside it does, and more." }</p>
            { for failure_models.iter().map(|m| model_view(m, &props.on_action)) }
            <h4>{ "Links" }</h4>
            { for link_models.iter().map(|m| model_view(m, &props.on_action)) }
            <h4>{ "Timing" }</h4>
            { for timing_models.iter().map(|m| model_view(m, &props.on_action)) }
            <h4>{ "Availability of this run" }</h4>
            { availability_view(props.availability.as_ref()) }
        </details>
    }
}

fn availability_view(a: Option<&Availability>) -> Html {
    let Some(a) = a else { return html! { <p class="hint">{ "Not measured for this run." }</p> } };
    if a.boot_us.is_none() {
        return html! { <p class="hint" data-testid="availability" data-up="false">{ "No leader has been able to commit yet." }</p> };
    }
    html! {
        <div data-testid="availability" data-up={a.up_now.to_string()} data-failures={a.failures.to_string()}>
            <p>{ format!("Now {}. ", if a.up_now { "up: a leader can commit" } else { "down: no leader can reach a majority" }) }
               { format!("Up {} of the {} since the first leader ({} up, {} down).", percent(a.measured), seconds(a.observed_us as f64), seconds(a.up_us as f64), seconds(a.down_us as f64)) }</p>
            <p>{ format!("Failures {}, repairs {}.", a.failures, a.repairs) }
               if let (Some(f), Some(r), Some(formula)) = (a.mttf_us, a.mttr_us, a.formula) {
                   { format!(" MTTF {}, MTTR {}: A = MTTF / (MTTF + MTTR) = {}.", seconds(f), seconds(r), percent(Some(formula))) }
               } else {
                   { " MTTF and MTTR appear after the first failure (crash the leader, or cut it off)." }
               }
            </p>
            <p>{ match a.commit_latency_us {
                Some(l) => format!("Commit latency: {} on average over {} answered requests.", seconds(l), a.answered),
                None => "Commit latency: no request answered yet (turn on clients).".into(),
            } }</p>
        </div>
    }
}
