//! The stage: servers in a ring and the messages between them, drawn as SVG from a plain
//! snapshot of the simulation (see model/stage.rs). No protocol logic: it draws what it is given.
//! Roles and message kinds are shown by shape and word as well as colour (see the legend), and
//! servers and messages are buttons: focusable, and Enter or Space picks them.
use crate::model::stage::{
    link, membership_text, message_look, message_xy, position, role_caption, role_mark_class, role_mark_parts, CENTER,
    NODE_R,
};
pub use crate::model::stage::{node_state, StageData};
use crate::text::{t, tf};
use yew::prelude::*;

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
    let Some((badge, letter, path, _)) = role_mark_parts(state) else { return html! {} };
    html! {
        <g class={role_mark_class(state, badge)}>
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

/// Move the keyboard focus to message `id`, on the stage that holds `from` (the focused one).
fn focus_message(from: Option<web_sys::EventTarget>, id: u64) {
    use wasm_bindgen::JsCast;
    let found = from
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("svg").ok().flatten())
        .and_then(|svg| svg.query_selector(&format!("[data-testid=\"message\"][data-id=\"{id}\"]")).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::SvgElement>().ok());
    if let Some(el) = found {
        let _ = el.focus();
    }
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    crate::test_hook::rendered("stage");
    let reduced = crate::browser::prefers_reduced_motion();
    let count = props.data.nodes.len();
    let clickable = props.on_select_message.is_some();
    // Each message where it is drawn: (message, x, y, dead).
    let placed: Vec<_> = props
        .data
        .messages
        .iter()
        .map(|m| {
            let (x, y, dead) = message_xy(m, count, reduced);
            (m, x, y, dead)
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
    // The messages are one Tab stop (a roving tabindex, as WAI-ARIA describes for a group of
    // items): the one last focused, else the one inspected, else the oldest in flight takes
    // Tab; the arrow keys move between them. Hundreds can fly at once: a Tab stop each would
    // make the rest of the page unreachable by keyboard.
    let active = use_state(|| None::<u64>);
    let ids: Vec<u64> = placed.iter().map(|p| p.0.id).collect();
    let rover =
        [*active, props.selected_message].into_iter().flatten().find(|id| ids.contains(id)).or(ids.first().copied());
    let on_focus = {
        let (point, active) = (point.clone(), active.clone());
        Callback::from(move |e: FocusEvent| {
            if let Some(id) = picked(e.target(), "message") {
                if *active != Some(id) {
                    active.set(Some(id));
                }
            }
            point.emit(e.target());
        })
    };
    // Enter or Space on a focused server or message does what a click does (and the page's
    // own Space shortcut, play or pause, does not fire as well); the arrow keys, Home and End
    // move the focus along the messages.
    let on_key = {
        let (select, select_message) = (props.on_select.clone(), props.on_select_message.clone());
        Callback::from(move |e: KeyboardEvent| {
            let (key, target) = (e.key(), e.target());
            if key != "Enter" && key != " " {
                let Some(at) = picked(target.clone(), "message").and_then(|id| ids.iter().position(|&i| i == id))
                else {
                    return;
                };
                let to = match key.as_str() {
                    "ArrowRight" | "ArrowDown" => (at + 1).min(ids.len() - 1),
                    "ArrowLeft" | "ArrowUp" => at.saturating_sub(1),
                    "Home" => 0,
                    "End" => ids.len() - 1,
                    _ => return,
                };
                focus_message(target, ids[to]);
            } else if let Some(id) = picked(target.clone(), "stage-node") {
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
        <svg class={classes!("stage", (count > 5).then_some("crowded"))} viewBox="0 0 400 420" role="group" aria-label={t("stage.label")}
             data-testid="stage" data-motion={if reduced { "reduced" } else { "full" }} onkeydown={on_key}
             onmouseover={point.reform(|e: MouseEvent| e.target())} onmouseleave={point.reform(|_: MouseEvent| None)}
             onfocusin={on_focus} onfocusout={point.reform(|_: FocusEvent| None)}>
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
                // Stop short of the circles so a one-way arrow head stays visible.
                let (ax, ay, bx, by) = link(c.from, c.to, count, NODE_R + 8.0);
                html! {
                    <line class={classes!("cut", (!c.both_ways).then_some("one-way"))} data-testid="cut"
                          x1={format!("{ax:.1}")} y1={format!("{ay:.1}")} x2={format!("{bx:.1}")} y2={format!("{by:.1}")}
                          marker-end={(!c.both_ways).then_some("url(#cut-arrow)")}>
                        <title>{ tf(if c.both_ways { "stage.cut-both" } else { "stage.cut-one" }, &[("from", &c.from.to_string()), ("to", &c.to.to_string())]) }</title>
                    </line>
                }
            }) }
            { for props.data.nodes.iter().flat_map(|n| n.votes_from.iter().map(move |&v| (v, n.id))).map(|(voter, candidate)| {
                let (ax, ay, bx, by) = link(voter, candidate, count, NODE_R + 6.0);
                html! {
                    <line class="vote-line" data-testid="vote-line" x1={format!("{ax:.1}")} y1={format!("{ay:.1}")}
                          x2={format!("{bx:.1}")} y2={format!("{by:.1}")} marker-end="url(#vote-arrow)">
                        <title>{ tf("stage.voted", &[("voter", &voter.to_string()), ("candidate", &candidate.to_string())]) }</title>
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
                let membership = membership_text(n.membership);
                // The accessible name (the title) starts with what the server shows: its name, term and role.
                let label = tf("stage.server", &[("id", &n.id.to_string()), ("term", &n.term.to_string()), ("role", role),
                    ("detail", &detail.as_ref().map(|d| tf("stage.server-detail", &[("detail", d)])).unwrap_or_default()),
                    ("last", &n.last_index.to_string()), ("commit", &n.commit_index.to_string()),
                    ("membership", &membership.map(|m| tf("stage.server-membership", &[("membership", m)])).unwrap_or_default())]);
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
                        <text class="term" y="13">{ tf("stage.term", &[("term", &n.term.to_string())]) }</text>
                        if let Some((.., (mx, my))) = role_mark_parts(n.state) {
                            <g class="mark" transform={format!("translate({mx:.1},{my:.1})")}>{ role_mark(n.state) }</g>
                        }
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
            // In a group of their own, and the labels in another: a label appearing must not
            // shift the messages' elements (Yew matches siblings outside a keyed list by
            // place), or the one focused would turn into its neighbour.
            <g class="messages">
            { for placed.iter().map(|&(m, x, y, dead)| {
                let id = m.id;
                let onclick = props.on_select_message.as_ref().map(|cb| cb.reform(move |e: MouseEvent| {
                    e.stop_propagation();
                    id
                }));
                let selected = props.selected_message == Some(m.id);
                let faint = !props.highlight_messages.is_empty() && !props.highlight_messages.iter().any(|k| k == m.kind);
                let shape = if dead { "M -5 -5 L 5 5 M 5 -5 L -5 5" } else { message_look(m.class).0 };
                let state = if dead { t("stage.message-lost") } else if m.held { t("stage.message-held") } else { "" };
                let title = tf("stage.message", &[("kind", m.kind), ("from", &m.from.to_string()), ("to", &m.to.to_string()), ("state", state)]);
                html! {
                    // Keyed by the message: as others arrive and leave, the focused message
                    // keeps its element (and the focus).
                    <g key={m.id} class={classes!("message", m.class, dead.then_some("dead"), m.held.then_some("held"), selected.then_some("picked"), faint.then_some("faint"))}
                       transform={format!("translate({x:.1},{y:.1})")} tabindex={clickable.then_some(if rover == Some(m.id) { "0" } else { "-1" })}
                       role={clickable.then_some("button")}
                       data-testid="message" data-id={m.id.to_string()} data-dead={dead.to_string()} data-held={m.held.then_some("true")} onclick={onclick}>
                        <title>{ title }</title>
                        // A larger, invisible target: a moving 12 px shape is hard to hit.
                        <circle class="hit" r="12" />
                        <path class="shape" d={shape} />
                        if m.held {
                            // A pause mark beside it: it waits for the student.
                            <path class="pause-mark" d="M9 -6 V2 M13 -6 V2" />
                        }
                    </g>
                }
            }) }
            </g>
            // The name of the message pointed at, focused or picked: one label, not one per
            // message (hundreds fly under load, and each would cost every frame).
            <g class="tags">
            { for placed.iter().filter(|(m, ..)| Some(m.id) == *tagged || Some(m.id) == props.selected_message).map(|&(m, x, y, dead)| {
                // On the side away from the ring's centre, so it covers no server.
                let end = x < CENTER;
                html! {
                    <text class="tag" data-testid="message-tag" x={format!("{:.1}", if end { x - 10.0 } else { x + 10.0 })} y={format!("{:.1}", y + 4.0)}
                          text-anchor={if end { "end" } else { "start" }}>
                        { format!("{} S{}→S{}", if dead { t("stage.lost") } else { message_look(m.class).1 }, m.from, m.to) }
                    </text>
                }
            }) }
            </g>
        </svg>
    }
}
