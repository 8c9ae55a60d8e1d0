//! The failure-model lab: the course notes' hierarchy of failure models (crash-stop inside
//! omission inside crash-recovery inside Byzantine), the link models and the timing models, each
//! applied to the running cluster with one click and explained in a sentence; and the
//! availability figures the run gives (A = MTTF / (MTTF + MTTR), see availability_view.rs).
//! It renders what it is given and dispatches store actions; the availability figures beside
//! it move with time, so they are a component of their own (availability_view.rs).
use crate::store::Action as Do;
use raft_core::NodeId;
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, CrashMode, NodeFaults, TimingModel};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    /// A running follower to give omission faults to, with its current faults.
    pub follower: Option<NodeFaults>,
    pub on_dispatch: Callback<Do>,
}

/// One model: its name, what it allows, and what applying it does (None: nothing to apply).
struct Model {
    id: &'static str,
    name: &'static str,
    allows: String,
    action: Option<Apply>,
}

/// What a model's Apply button does.
#[derive(Clone)]
enum Apply {
    Act(Action),
    /// The partially synchronous model with GST 3 s after the moment the button is pressed
    /// (the panel does not follow the clock).
    PartiallySynchronousFromNow,
}

fn network(loss: f64, duplicate: f64, reorder: f64) -> Apply {
    Apply::Act(Action::SetNetwork {
        latency_ms: None,
        loss: Some(loss),
        duplicate: Some(duplicate),
        reorder: Some(reorder),
        timing: None,
    })
}

fn timing(model: TimingModel) -> Apply {
    Apply::Act(Action::SetNetwork { latency_ms: None, loss: None, duplicate: None, reorder: None, timing: Some(model) })
}

fn model_view(m: &Model, on_dispatch: &Callback<Do>) -> Html {
    let action = m.action.clone();
    html! {
        <div class="model" data-testid={format!("lab-{}", m.id)}>
            <strong>{ m.name }</strong>{ ": " }{ &m.allows }
            if let Some(action) = action {
                <button class="secondary" data-testid={format!("lab-apply-{}", m.id)}
                        onclick={on_dispatch.reform(move |_| match action.clone() {
                            Apply::Act(action) => Do::Act(action),
                            Apply::PartiallySynchronousFromNow => Do::GstFromNow { after_ms: 3_000.0, tail_probability: 0.2 },
                        })}>{ "Apply" }</button>
            }
        </div>
    }
}

#[function_component(LabPanel)]
pub fn lab_panel(props: &LabProps) -> Html {
    crate::test_hook::rendered("lab");
    let omission = props.follower.clone().map(|f| {
        let node: NodeId = f.node;
        (node, Apply::Act(Action::SetFaults(NodeFaults { send_omission: 0.5, receive_omission: 0.5, ..f.clone() })))
    });
    let byzantine = props.follower.clone().map(|f| {
        let node: NodeId = f.node;
        (node, Apply::Act(Action::SetFaults(NodeFaults { byzantine: vec![Behaviour::VoteForAll], ..f })))
    });
    let failure_models = [
        Model {
            id: "crash-stop",
            name: "Crash-stop",
            allows: "a server halts and never comes back. Raft keeps going while a majority is up. Apply: the leader crashes for good."
                .into(),
            action: Some(Apply::Act(Action::CrashLeader { mode: CrashMode::Stop })),
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
            action: Some(Apply::Act(Action::CrashLeader { mode: CrashMode::Recover })),
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
            action: Some(Apply::PartiallySynchronousFromNow),
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
        <>
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
            { for failure_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
            <h4>{ "Links" }</h4>
            { for link_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
            <h4>{ "Timing" }</h4>
            { for timing_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
        </>
    }
}
