//! The key to the stage: what each server's look means (its role in a word and a mark) and
//! which message is which (a shape per kind, so colour is never the only sign). The marks and
//! shapes are the stage's own (stage.rs, model/stage.rs), drawn small. Table-driven: one
//! template per list keeps the view code (download size) small.
use crate::model::stage::message_look;
use crate::stage::role_mark;
use crate::text::t;
use yew::prelude::*;

/// (role class, extra class, what it means: a text id)
const SERVERS: [(&str, &str, &str); 8] = [
    ("leader", "", "legend.leader"),
    ("candidate", "", "legend.candidate"),
    ("pre-candidate", "", "legend.pre-candidate"),
    ("follower", "", "stage.role-follower"),
    ("paused", "", "stage.role-paused"),
    ("crashed", "", "legend.crashed"),
    ("follower", "learner", "legend.learner"),
    ("follower", "spot", "legend.spot"),
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
        <section class="legend" aria-label={t("legend.label")} data-testid="legend">
            <h3>{ t("legend.title") }</h3>
            <ul class="keys" aria-label={t("legend.servers")}>
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
                        { t(text) }
                    </li>
                }) }
            </ul>
            <ul class="keys" aria-label={t("legend.messages")}>
                { for MESSAGES.iter().filter(|c| shown(c)).map(|&class| {
                    let (shape, name) = message_look(class);
                    html! {
                        <li>
                            <svg class="key-icon" viewBox="-10 -10 20 20" width="16" height="16" aria-hidden="true">
                                <g class={classes!("message", class)}><path class="shape" d={shape} /></g>
                            </svg>
                            { if class == "append" { t("legend.append") } else { name } }
                        </li>
                    }
                }) }
                <li><span class="key dead" aria-hidden="true">{ "✕" }</span>{ t("stage.lost") }</li>
                <li><span class="key vote-line" aria-hidden="true"></span>{ t("legend.vote-given") }</li>
            </ul>
            <p class="hint">{ t("legend.hint") }</p>
        </section>
    }
}
