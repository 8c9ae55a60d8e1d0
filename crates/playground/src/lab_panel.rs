//! The failure-model lab: the course notes' hierarchy of failure models (crash-stop inside
//! omission inside crash-recovery inside Byzantine), the link models and the timing models, each
//! applied to the running cluster with one click and explained in a sentence; and the
//! availability figures the run gives (A = MTTF / (MTTF + MTTR), see availability_view.rs).
//! It renders what it is given and dispatches store actions; the availability figures beside
//! it move with time, so they are a component of their own (availability_view.rs).
use crate::store::Action as Do;
use crate::text::{t, tf};
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
            <strong>{ m.name }</strong>{ t("lab_panel.name-separator") }{ &m.allows }
            if let Some(action) = action {
                <button class="secondary" data-testid={format!("lab-apply-{}", m.id)}
                        onclick={on_dispatch.reform(move |_| match action.clone() {
                            Apply::Act(action) => Do::Act(action),
                            Apply::PartiallySynchronousFromNow => Do::GstFromNow { after_ms: 3_000.0, tail_probability: 0.2 },
                        })}>{ t("lab_panel.apply") }</button>
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
            name: t("lab_panel.crash-stop"),
            allows: t("lab_panel.crash-stop-allows").into(),
            action: Some(Apply::Act(Action::CrashLeader { mode: CrashMode::Stop })),
        },
        Model {
            id: "omission",
            name: t("lab_panel.omission"),
            allows: match &omission {
                Some((node, _)) => tf("lab_panel.omission-allows", &[("node", &node.to_string())]),
                None => t("lab_panel.omission-allows-none").into(),
            },
            action: omission.map(|(_, a)| a),
        },
        Model {
            id: "crash-recovery",
            name: t("lab_panel.crash-recovery"),
            allows: t("lab_panel.crash-recovery-allows").into(),
            action: Some(Apply::Act(Action::CrashLeader { mode: CrashMode::Recover })),
        },
        Model {
            id: "byzantine",
            name: t("lab_panel.byzantine"),
            allows: match &byzantine {
                Some((node, _)) => tf("lab_panel.byzantine-allows-apply", &[("node", &node.to_string())]),
                None => t("lab_panel.byzantine-allows").into(),
            },
            action: byzantine.map(|(_, a)| a),
        },
    ];
    let link_models = [
        Model {
            id: "fair-loss",
            name: t("lab_panel.fair-loss"),
            allows: t("lab_panel.fair-loss-allows").into(),
            action: Some(network(0.2, 0.1, 0.1)),
        },
        Model {
            id: "reliable",
            name: t("lab_panel.reliable"),
            allows: t("lab_panel.reliable-allows").into(),
            action: Some(network(0.0, 0.0, 0.0)),
        },
        Model {
            id: "authenticated",
            name: t("lab_panel.authenticated"),
            allows: t("lab_panel.authenticated-allows").into(),
            action: Some(network(0.0, 0.0, 0.0)),
        },
    ];
    let timing_models = [
        Model {
            id: "synchronous",
            name: t("lab_panel.synchronous"),
            allows: t("lab_panel.synchronous-allows").into(),
            action: Some(timing(TimingModel::Synchronous)),
        },
        Model {
            id: "partially-synchronous",
            name: t("lab_panel.partially-synchronous"),
            allows: t("lab_panel.partially-synchronous-allows").into(),
            action: Some(Apply::PartiallySynchronousFromNow),
        },
        Model {
            id: "asynchronous",
            name: t("lab_panel.asynchronous"),
            allows: t("lab_panel.asynchronous-allows").into(),
            action: Some(timing(TimingModel::Asynchronous { tail_probability: 0.2 })),
        },
    ];
    html! {
        <>
            <div class="hierarchy" aria-label={t("lab_panel.hierarchy")}>
                <div class="level byzantine"><span class="label">{ t("lab_panel.byzantine") }</span>
                    <div class="level crash-recovery"><span class="label">{ t("lab_panel.crash-recovery") }</span>
                        <div class="level omission"><span class="label">{ t("lab_panel.omission") }</span>
                            <div class="level crash-stop"><span class="label">{ t("lab_panel.crash-stop") }</span></div>
                        </div>
                    </div>
                </div>
            </div>
            <p class="hint">{ t("lab_panel.hierarchy-hint") }</p>
            { for failure_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
            <h4>{ t("lab_panel.links") }</h4>
            { for link_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
            <h4>{ t("lab_panel.timing") }</h4>
            { for timing_models.iter().map(|m| model_view(m, &props.on_dispatch)) }
        </>
    }
}
