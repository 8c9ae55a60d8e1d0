//! The stage: servers in a ring and the messages between them, drawn as SVG from a plain
//! snapshot of the simulation (see model/stage.rs). No protocol logic: it draws what it is given.
//! Roles and message kinds are shown by shape and word as well as colour (see the legend), and
//! servers and messages are buttons: focusable, and Enter or Space picks them.
use crate::model::stage::{drawn_progress, message_look, role_caption};
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

/// The mark beside a server that names its role by shape: a crown for the leader, a letter for
/// a (pre-)candidate, two bars for a paused server, a cross over a crashed one. Drawn at the
/// origin; the stage and the legend place it. One template for all (view code is download size).
pub fn role_mark(state: &str) -> Html {
    // (a badge circle, its letter, a path)
    let (badge, letter, path) = match state {
        "leader" => (false, "", "M-11 5 L-11 -6 L-5.5 -1 L0 -9 L5.5 -1 L11 -6 L11 5 Z"),
        "candidate" => (true, "C", ""),
        "pre-candidate" => (true, "P", ""),
        "paused" => (true, "", "M-4 -5 V5 M4 -5 V5"),
        "crashed" => (false, "", "M-18 -18 L18 18 M18 -18 L-18 18"),
        _ => return html! {},
    };
    html! {
        <g class={if badge { "badge" } else if state == "leader" { "crown" } else { "cross" }}>
            if badge { <circle r="10" /> }
            if !letter.is_empty() { <text y="4">{ letter }</text> }
            if !path.is_empty() { <path d={path} /> }
        </g>
    }
}

/// The id of the server or message (`testid`: stage-node or message) an event happened in.
fn picked(target: Option<web_sys::EventTarget>, testid: &str) -> Option<u64> {
    use wasm_bindgen::JsCast;
    target?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&format!("[data-testid=\"{testid}\"]"))
        .ok()??
        .get_attribute("data-id")?
        .parse()
        .ok()
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    crate::test_hook::rendered("stage");
    let reduced = crate::browser::prefers_reduced_motion();
    let count = props.data.nodes.len();
    let pos = |id: u32| position((id as usize).saturating_sub(1), count);
    let clickable = props.on_select_message.is_some();
    // Each message where it is drawn: (message, x, y, dead).
    let placed: Vec<_> = props
        .data
        .messages
        .iter()
        .map(|m| {
            // From rim to rim, so messages never cover a server (both stay clickable).
            let ((cx1, cy1), (cx2, cy2)) = (pos(m.from), pos(m.to));
            let (dx, dy) = (cx2 - cx1, cy2 - cy1);
            let k = NODE_R / (dx * dx + dy * dy).sqrt().max(1.0);
            let (x1, y1, x2, y2) = (cx1 + dx * k, cy1 + dy * k, cx2 - dx * k, cy2 - dy * k);
            let dead = m.dies_at.filter(|&d| m.progress >= d);
            let p = dead.unwrap_or_else(|| drawn_progress(m.progress, reduced));
            (m, x1 + (x2 - x1) * p, y1 + (y2 - y1) * p, dead.is_some())
        })
        .collect();
    // The message under the pointer or the focus, named by one label (see below). Listened
    // for once on the stage, not on each message.
    let tagged = use_state(|| None::<u64>);
    let point = {
        let tagged = tagged.clone();
        Callback::from(move |target: Option<web_sys::EventTarget>| {
            let id = picked(target, "message");
            if *tagged != id {
                tagged.set(id);
            }
        })
    };
    // Enter or Space on a focused server or message does what a click does (and the page's
    // own Space shortcut, play or pause, does not fire as well).
    let on_key = {
        let (select, select_message) = (props.on_select.clone(), props.on_select_message.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" && e.key() != " " {
                return;
            }
            let target = e.target();
            if let Some(id) = picked(target.clone(), "stage-node") {
                select.emit(id as u32);
            } else if let (Some(id), Some(cb)) = (picked(target, "message"), &select_message) {
                cb.emit(id);
            } else {
                return;
            }
            e.prevent_default();
            e.stop_propagation();
        })
    };
    html! {
        // Past five servers the ring is crowded: the captions shrink (styles.css).
        <svg class={classes!("stage", (count > 5).then_some("crowded"))} viewBox="0 0 400 420" role="group" aria-label="The cluster: servers in a ring, messages in flight"
             data-testid="stage" data-motion={if reduced { "reduced" } else { "full" }} onkeydown={on_key}
             onmouseover={point.reform(|e: MouseEvent| e.target())} onmouseleave={point.reform(|_: MouseEvent| None)}
             onfocusin={point.reform(|e: FocusEvent| e.target())} onfocusout={point.reform(|_: FocusEvent| None)}>
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
                let (role, detail) = role_caption(n);
                let membership = match n.membership {
                    "voter" => None,
                    "outside" => Some("not in the cluster"),
                    other => Some(other),
                };
                // The accessible name (the title) starts with what the server shows: its name, term and role.
                let label = format!("S{} term {} {}{}: log {} entries, commit {}{}", n.id, n.term, role,
                    detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(), n.last_index, n.commit_index,
                    membership.map(|m| format!(", {m}")).unwrap_or_default());
                html! {
                    <g class={classes!("server", n.state, selected.then_some("selected"), spot.then_some("spot"), n.membership)} transform={format!("translate({x:.1},{y:.1})")}
                       onclick={onclick} tabindex="0" role="button" aria-pressed={selected.to_string()}
                       data-testid="stage-node" data-id={n.id.to_string()} data-state={n.state} data-term={n.term.to_string()}
                       data-membership={n.membership}>
                        <title>{ label }</title>
                        if spot {
                            <circle class="spot-ring" r={format!("{}", NODE_R + 9.0)} />
                        }
                        if n.state != "crashed" {
                            <circle class="timer" r={format!("{}", NODE_R + 5.0)} stroke-dasharray={dash} transform="rotate(-90)" />
                        }
                        <circle class="body" r={NODE_R.to_string()} />
                        <text class="name" y="-4">{ format!("S{}", n.id) }</text>
                        <text class="term" y="13">{ format!("term {}", n.term) }</text>
                        <g class="mark" transform={if n.state == "leader" || n.state == "crashed" { format!("translate(0,{})", if n.state == "leader" { -NODE_R - 11.0 } else { 0.0 }) } else { format!("translate({:.1},{:.1})", NODE_R * 0.8, -NODE_R * 0.8) }}>
                            { role_mark(n.state) }
                        </g>
                        if let Some(m) = membership {
                            <text class="membership" y={format!("{}", -NODE_R - if n.state == "leader" { 24.0 } else { 9.0 })}>{ m }</text>
                        }
                        <text class="role" y={format!("{}", NODE_R + 20.0)} data-testid="role">{ role }</text>
                        if let Some(d) = detail {
                            <text class="votes" y={format!("{}", NODE_R + 32.0)}>{ d }</text>
                        }
                    </g>
                }
            }) }
            // Messages last: drawn over the servers, so a message just sent can still be clicked.
            { for placed.iter().map(|&(m, x, y, dead)| {
                let id = m.id;
                let onclick = props.on_select_message.as_ref().map(|cb| cb.reform(move |e: MouseEvent| {
                    e.stop_propagation();
                    id
                }));
                let selected = props.selected_message == Some(m.id);
                let faint = !props.highlight_messages.is_empty() && !props.highlight_messages.iter().any(|k| k == m.kind);
                let shape = if dead { "M -5 -5 L 5 5 M 5 -5 L -5 5" } else { message_look(m.class).0 };
                let title = format!("{} S{} → S{}{} (click or Enter to inspect)", m.kind, m.from, m.to, if dead { ", lost" } else { "" });
                html! {
                    <g class={classes!("message", m.class, dead.then_some("dead"), selected.then_some("picked"), faint.then_some("faint"))}
                       transform={format!("translate({x:.1},{y:.1})")} tabindex={clickable.then_some("0")} role={clickable.then_some("button")}
                       data-testid="message" data-id={m.id.to_string()} data-dead={dead.to_string()} onclick={onclick}>
                        <title>{ title }</title>
                        // A larger, invisible target: a moving 12 px shape is hard to hit.
                        <circle class="hit" r="12" />
                        <path class="shape" d={shape} />
                    </g>
                }
            }) }
            // The name of the message pointed at, focused or picked: one label, not one per
            // message (hundreds fly under load, and each would cost every frame).
            { for placed.iter().filter(|(m, ..)| Some(m.id) == *tagged || Some(m.id) == props.selected_message).map(|&(m, x, y, dead)| {
                // On the side away from the ring's centre, so it covers no server.
                let end = x < CENTER;
                html! {
                    <text class="tag" data-testid="message-tag" x={format!("{:.1}", if end { x - 10.0 } else { x + 10.0 })} y={format!("{:.1}", y + 4.0)}
                          text-anchor={if end { "end" } else { "start" }}>
                        { format!("{} S{}→S{}", if dead { "lost" } else { message_look(m.class).1 }, m.from, m.to) }
                    </text>
                }
            }) }
        </svg>
    }
}
