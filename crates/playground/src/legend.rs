//! The key to the stage: what each server's look means (its role in a word and a mark) and
//! which message is which (a shape per kind, so colour is never the only sign). The marks and
//! shapes are the stage's own (stage.rs, model/stage.rs), drawn small. Table-driven: one
//! template per list keeps the view code (download size) small.
use crate::model::stage::message_look;
use crate::stage::role_mark;
use yew::prelude::*;

/// (role class, extra class, what it means)
const SERVERS: [(&str, &str, &str); 8] = [
    ("leader", "", "leader (crown)"),
    ("candidate", "", "candidate (C)"),
    ("pre-candidate", "", "pre-candidate (P)"),
    ("follower", "", "follower"),
    ("paused", "", "paused"),
    ("crashed", "", "crashed (✕)"),
    ("follower", "learner", "learner (dashed)"),
    ("follower", "spot", "pointed out by the tour"),
];

const MESSAGES: [&str; 11] = [
    "request-vote",
    "pre-vote",
    "timeout-now",
    "vote-granted",
    "vote-denied",
    "heartbeat",
    "append",
    "append-ok",
    "append-fail",
    "snapshot",
    "snapshot-ack",
];

/// The key; pre-candidates, PreVote and InstallSnapshot appear only when the settings use them.
pub fn legend(pre_vote: bool, snapshots: bool) -> Html {
    let shown = |class: &str| (pre_vote || !class.starts_with("pre")) && (snapshots || !class.starts_with("snapshot"));
    html! {
        <section class="legend" aria-label="Key to the stage" data-testid="legend">
            <h3>{ "Key" }</h3>
            <ul class="keys" aria-label="Servers">
                { for SERVERS.iter().filter(|(state, ..)| shown(state)).map(|&(state, extra, text)| html! {
                    <li>
                        <svg class="key-icon" viewBox="-25 -25 50 50" width="30" height="30" aria-hidden="true">
                            <g class={classes!("server", state, extra)}>
                                if extra == "spot" { <circle class="spot-ring" r="23" /> }
                                <circle class="body" r="16" />
                                <g transform={match state {
                                    "leader" => "translate(0,-17)",
                                    "crashed" => "scale(0.8)",
                                    _ => "translate(14,-14)",
                                }}>{ role_mark(state) }</g>
                            </g>
                        </svg>
                        { text }
                    </li>
                }) }
            </ul>
            <ul class="keys" aria-label="Messages">
                { for MESSAGES.iter().filter(|c| shown(c)).map(|&class| {
                    let (shape, name) = message_look(class);
                    html! {
                        <li>
                            <svg class="key-icon" viewBox="-10 -10 20 20" width="16" height="16" aria-hidden="true">
                                <g class={classes!("message", class)}><path class="shape" d={shape} /></g>
                            </svg>
                            { if class == "append" { "AppendEntries with entries" } else { name } }
                        </li>
                    }
                }) }
                <li><span class="key dead" aria-hidden="true">{ "✕" }</span>{ "lost" }</li>
                <li><span class="key vote-line" aria-hidden="true"></span>{ "vote given" }</li>
            </ul>
            <p class="hint">{ "Hover over or focus a message to see its name (Tab reaches the messages, ← → move between them); Enter inspects it." }</p>
        </section>
    }
}
