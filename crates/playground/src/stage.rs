//! The stage: servers in a ring and the messages between them, drawn as SVG from a plain
//! snapshot of the simulation (see model/stage.rs). No protocol logic: it draws what it is given.
pub use crate::model::stage::{node_state, StageData};
use yew::prelude::*;

const CENTER: f64 = 200.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 30.0;

fn position(index: usize, count: usize) -> (f64, f64) {
    if count == 1 {
        return (CENTER, CENTER);
    }
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count as f64;
    (CENTER + RING * angle.cos(), CENTER + RING * angle.sin())
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub data: StageData,
    pub selected: Option<u32>,
    pub on_select: Callback<u32>,
    #[prop_or_default]
    pub selected_message: Option<u64>,
    #[prop_or_default]
    pub on_select_message: Option<Callback<u64>>,
    /// Servers a tour step points at.
    #[prop_or_default]
    pub highlight_nodes: Vec<u32>,
    /// Message kinds a tour step points at; the others are drawn faint.
    #[prop_or_default]
    pub highlight_messages: Vec<String>,
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    crate::test_hook::rendered("stage");
    let count = props.data.nodes.len();
    let pos = |id: u32| position((id as usize).saturating_sub(1), count);
    html! {
        <svg class="stage" viewBox="0 0 400 420" role="img" aria-label="The cluster: servers in a ring, messages in flight" data-testid="stage">
            <defs>
                <marker id="cut-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                </marker>
                <marker id="vote-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="vote-arrow" />
                </marker>
            </defs>
            <text class={classes!("config-caption", props.data.joint.then_some("joint"))} x="200" y="414" data-testid="configuration"
                  data-joint={props.data.joint.to_string()}>{ &props.data.configuration }</text>
            { for props.data.cuts.iter().map(|c| {
                let ((x1, y1), (x2, y2)) = (pos(c.from), pos(c.to));
                // Stop short of the circles so a one-way arrow head stays visible.
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let k = (NODE_R + 8.0) / len;
                let (ax, ay, bx, by) = (x1 + dx * k, y1 + dy * k, x2 - dx * k, y2 - dy * k);
                html! {
                    <line class={classes!("cut", (!c.both_ways).then_some("one-way"))} data-testid="cut"
                          x1={format!("{ax:.1}")} y1={format!("{ay:.1}")} x2={format!("{bx:.1}")} y2={format!("{by:.1}")}
                          marker-end={(!c.both_ways).then_some("url(#cut-arrow)")}>
                        <title>{ if c.both_ways { format!("S{} and S{} cannot talk", c.from, c.to) } else { format!("S{} → S{} is cut", c.from, c.to) } }</title>
                    </line>
                }
            }) }
            { for props.data.nodes.iter().flat_map(|n| n.votes_from.iter().map(move |&v| (v, n.id))).map(|(voter, candidate)| {
                let ((x1, y1), (x2, y2)) = (pos(voter), pos(candidate));
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let k = (NODE_R + 6.0) / len;
                let (ax, ay, bx, by) = (x1 + dx * k, y1 + dy * k, x2 - dx * k, y2 - dy * k);
                html! {
                    <line class="vote-line" data-testid="vote-line" x1={format!("{ax:.1}")} y1={format!("{ay:.1}")}
                          x2={format!("{bx:.1}")} y2={format!("{by:.1}")} marker-end="url(#vote-arrow)">
                        <title>{ format!("S{voter} voted for S{candidate} in this term") }</title>
                    </line>
                }
            }) }
            { for props.data.nodes.iter().enumerate().map(|(i, n)| {
                let (x, y) = position(i, count);
                let id = n.id;
                let onclick = props.on_select.reform(move |_: MouseEvent| id);
                let circumference = std::f64::consts::TAU * (NODE_R + 5.0);
                let dash = format!("{:.1} {:.1}", circumference * n.timer_left, circumference);
                let selected = props.selected == Some(n.id);
                let spot = props.highlight_nodes.contains(&n.id);
                html! {
                    <g class={classes!("server", n.state, selected.then_some("selected"), spot.then_some("spot"), n.membership)} transform={format!("translate({x:.1},{y:.1})")}
                       onclick={onclick} data-testid="stage-node" data-id={n.id.to_string()} data-state={n.state} data-term={n.term.to_string()}
                       data-membership={n.membership}>
                        <title>{ format!("S{}: {} in term {}, log {} entries, commit {}", n.id, n.state, n.term, n.last_index, n.commit_index) }</title>
                        if n.state != "crashed" {
                            <circle class="timer" r={format!("{}", NODE_R + 5.0)} stroke-dasharray={dash} transform="rotate(-90)" />
                        }
                        <circle class="body" r={NODE_R.to_string()} />
                        <text class="name" y="-4">{ format!("S{}", n.id) }</text>
                        <text class="term" y="13">{ format!("term {}", n.term) }</text>
                        if n.membership != "voter" {
                            <text class="membership" y={format!("{}", -NODE_R - 10.0)}>{ match n.membership {
                                "outside" => "not in the cluster",
                                other => other,
                            } }</text>
                        }
                        if n.state == "candidate" {
                            <text class="votes" y={format!("{}", NODE_R + 18.0)}>{ format!("{} vote{}", n.votes, if n.votes == 1 { "" } else { "s" }) }</text>
                        } else if let (Some(v), "follower") = (n.voted_for, n.state) {
                            <text class="votes" y={format!("{}", NODE_R + 18.0)}>{ format!("voted S{v}") }</text>
                        }
                    </g>
                }
            }) }
            // Messages last: drawn over the servers, so a message just sent can still be clicked.
            { for props.data.messages.iter().map(|m| {
                // From rim to rim, so messages never cover a server (both stay clickable).
                let ((cx1, cy1), (cx2, cy2)) = (pos(m.from), pos(m.to));
                let (dx, dy) = (cx2 - cx1, cy2 - cy1);
                let k = NODE_R / (dx * dx + dy * dy).sqrt().max(1.0);
                let (x1, y1, x2, y2) = (cx1 + dx * k, cy1 + dy * k, cx2 - dx * k, cy2 - dy * k);
                let dead = m.dies_at.filter(|&d| m.progress >= d);
                let p = dead.unwrap_or(m.progress);
                let (x, y) = (x1 + (x2 - x1) * p, y1 + (y2 - y1) * p);
                let id = m.id;
                let onclick = props.on_select_message.as_ref().map(|cb| cb.reform(move |e: MouseEvent| {
                    e.stop_propagation();
                    id
                }));
                let selected = props.selected_message == Some(m.id);
                let faint = !props.highlight_messages.is_empty() && !props.highlight_messages.iter().any(|k| k == m.kind);
                let title = format!("{} S{} → S{}{} (click to inspect)", m.kind, m.from, m.to, if dead.is_some() { ", lost" } else { "" });
                if dead.is_some() {
                    html! {
                        <g class={classes!("message", "dead", selected.then_some("picked"), faint.then_some("faint"))} transform={format!("translate({x:.1},{y:.1})")}
                           data-testid="message" data-id={m.id.to_string()} data-dead="true" onclick={onclick}>
                            <title>{ title }</title>
                            <path d="M -5 -5 L 5 5 M 5 -5 L -5 5" />
                        </g>
                    }
                } else {
                    html! {
                        <circle class={classes!("message", m.class, selected.then_some("picked"), faint.then_some("faint"))} cx={format!("{x:.1}")} cy={format!("{y:.1}")}
                                r={if selected { "8" } else { "6" }} data-testid="message" data-id={m.id.to_string()} data-dead="false" onclick={onclick}>
                            <title>{ title }</title>
                        </circle>
                    }
                }
            }) }
        </svg>
    }
}
