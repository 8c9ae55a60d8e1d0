//! The embed view (`?embed`, for iframes in course notes): only the stage, the tour panel and
//! a small control bar. The live cluster draws the stage and the tour panel; this lays them out.
use crate::store::Action as Msg;
use crate::text::t;
use raft_sim::scenario::{Action, CrashMode};
use raft_sim::sim::Simulation;
use yew::prelude::*;

/// What the embed shows once a run is open.
pub struct EmbedBody<'a> {
    pub sim: &'a Simulation,
    pub stage: Html,
    pub tour_panel: Html,
    pub playing: bool,
}

/// `messages`: the notices and errors shown above everything.
/// `drop`: what a file dragged over and dropped on the embed does (a history file opens in
/// the embed as on the page).
pub fn embed_view(
    messages: Html,
    body: Option<EmbedBody<'_>>,
    on: &Callback<Msg>,
    drop: (Callback<DragEvent>, Callback<DragEvent>),
) -> Html {
    let send = |msg: fn() -> Msg| on.reform(move |_: MouseEvent| msg());
    html! {
        <section class="live embed" aria-label={t("embed_view.label")} data-testid="embed" ondragover={drop.0} ondrop={drop.1}>
            { messages }
            if let Some(b) = body {
                { b.stage }
                { b.tour_panel }
                <div class="toolbar mini">
                    <button data-testid="step-back" class="secondary" aria-label={t("embed_view.step-back")} onclick={send(|| Msg::StepBack)}>{ "◀" }</button>
                    <button data-testid="play" onclick={send(|| Msg::TogglePlay)}>{ if b.playing { t("toolbar.pause") } else { t("toolbar.play") } }</button>
                    <button data-testid="step" class="secondary" aria-label={t("embed_view.step")} onclick={send(|| Msg::Step)}>{ "▶" }</button>
                    <button class="secondary" data-testid="crash-leader"
                            onclick={send(|| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ t("toolbar.crash-leader") }</button>
                    <span class="clock" data-testid="clock" data-hash={b.sim.trace_hash_hex()} data-events={b.sim.events().to_string()}>
                        { format!("{:.0} ms", b.sim.now() as f64 / 1000.0) }
                    </span>
                    <button class="link-button" data-testid="open-full" onclick={send(|| Msg::OpenFull)}>{ t("embed_view.open-full") }</button>
                </div>
            }
        </section>
    }
}
