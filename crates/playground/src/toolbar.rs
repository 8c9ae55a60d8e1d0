//! The toolbar (scenario, cluster size, tours, play/pause/step, speed, the quick faults, share)
//! and the keyboard help it opens. It draws what it is given and sends every click to the live
//! cluster as a [`Msg`].
use crate::live::Msg;
use raft_sim::scenario::{Action, CrashMode, MAX_NODES};
use raft_sim::share::{SPEED_MAX_EXP, SPEED_MIN_EXP};
use raft_sim::tour::Tour;
use raft_sim::Scenario;
use yew::prelude::*;

/// What the toolbar shows.
pub struct ToolbarData<'a> {
    pub builtins: &'a [Scenario],
    /// The scenario being run (a built-in or not).
    pub scenario: &'a Scenario,
    pub tours: &'a [Tour],
    /// The id of the tour being followed, if any.
    pub tour: Option<&'a str>,
    pub playing: bool,
    /// The speed as a power of ten.
    pub speed_exp: f64,
}

pub fn toolbar(data: ToolbarData<'_>, on: &Callback<Msg>) -> Html {
    let send = |msg: fn() -> Msg| on.reform(move |_: MouseEvent| msg());
    let builtin_index = data.builtins.iter().position(|s| s == data.scenario);
    let on_scenario = send_some(on, |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        select.value().parse::<usize>().ok().map(Msg::Load)
    });
    let nodes = data.scenario.nodes;
    let load = data.scenario.workload.is_some();
    let on_nodes = send_some(on, move |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        select.value().parse::<u32>().ok().map(|nodes| Msg::Cluster { nodes, load })
    });
    let on_load = send_some(on, move |e: Event| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        Some(Msg::Cluster { nodes, load: input.checked() })
    });
    let on_tour = send_some(on, |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        let id = select.value();
        (!id.is_empty()).then_some(Msg::OpenTour(id))
    });
    let on_speed = send_some(on, |e: InputEvent| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        input.value().parse::<f64>().ok().map(Msg::Speed)
    });
    let speed = 10f64.powf(data.speed_exp);
    let speed_text = if speed < 1.0 { format!("{speed:.2}x") } else { format!("{speed:.0}x") };
    html! {
        <div class="toolbar">
          <span class="group">
            <select aria-label="Scenario" data-testid="live-scenario" onchange={on_scenario}>
                { for data.builtins.iter().enumerate().map(|(i, s)| html! {
                    <option value={i.to_string()} selected={builtin_index == Some(i)}>{ s.name.clone() }</option>
                }) }
                if builtin_index.is_none() {
                    <option value="current" selected=true>{ data.scenario.name.clone() }</option>
                }
            </select>
            <label class="node-count">{ "Servers " }
                <select aria-label="Number of servers" data-testid="node-count" onchange={on_nodes}>
                    { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == nodes}>{ n }</option> }) }
                </select>
            </label>
            <label class="load"><input type="checkbox" data-testid="client-load" checked={load} onchange={on_load} />{ " clients" }</label>
            <select aria-label="Guided tours" data-testid="tour-menu" onchange={on_tour}>
                <option value="" selected={data.tour.is_none()}>{ "Guided tours…" }</option>
                { for data.tours.iter().map(|t| html! {
                    <option value={t.id.clone()} selected={data.tour == Some(t.id.as_str())}>{ t.title.clone() }</option>
                }) }
            </select>
          </span>
          <span class="group">
            <button data-testid="step-back" class="secondary" aria-label="Step back one event" onclick={send(|| Msg::StepBack)}>{ "◀ Back" }</button>
            <button data-testid="play" onclick={send(|| Msg::TogglePlay)}>
                { if data.playing { "Pause" } else { "Play" } }
            </button>
            <button class="secondary" data-testid="step" onclick={send(|| Msg::Step)}>{ "Step ▶" }</button>
            <label class="speed">{ "Speed " }
                <input type="range" data-testid="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()} step="0.1"
                       value={data.speed_exp.to_string()} oninput={on_speed} aria-valuetext={speed_text.clone()} />
                <output>{ speed_text }</output>
            </label>
          </span>
          <span class="group">
            <button class="secondary" data-testid="crash-leader"
                    onclick={send(|| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ "Crash the leader" }</button>
            <button class="secondary" data-testid="align-timers" title="Make every follower time out at the same moment: a split vote"
                    onclick={send(|| Msg::Act(Action::AlignTimers))}>{ "Align timers" }</button>
            <button class="secondary" data-testid="spread-timers" title="Spread the timeouts out: one server clearly times out first"
                    onclick={send(|| Msg::Act(Action::SpreadTimers))}>{ "Spread timers" }</button>
            <button data-testid="share" onclick={send(|| Msg::Share)}>{ "Share" }</button>
            <button class="secondary" data-testid="help-button" aria-label="Keyboard shortcuts"
                    onclick={send(|| Msg::ToggleHelp)}>{ "?" }</button>
          </span>
        </div>
    }
}

/// A callback that sends `f`'s message, when it makes one (an event it cannot read sends none).
pub fn send_some<T: 'static>(on: &Callback<Msg>, f: impl Fn(T) -> Option<Msg> + 'static) -> Callback<T> {
    let on = on.clone();
    Callback::from(move |e: T| {
        if let Some(msg) = f(e) {
            on.emit(msg);
        }
    })
}

/// The keyboard shortcuts (see `listen_keys` in live.rs).
pub fn help(on: &Callback<Msg>) -> Html {
    html! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
            <strong>{ "Keyboard" }</strong>
            <dl>
                <dt><kbd>{ "Space" }</kbd></dt><dd>{ "play / pause" }</dd>
                <dt><kbd>{ "→" }</kbd></dt><dd>{ "step one event forward (pauses)" }</dd>
                <dt><kbd>{ "←" }</kbd></dt><dd>{ "step one event back (pauses)" }</dd>
                <dt><kbd>{ "+" }</kbd>{ " " }<kbd>{ "−" }</kbd></dt><dd>{ "faster / slower" }</dd>
                <dt><kbd>{ "?" }</kbd></dt><dd>{ "show or hide this help" }</dd>
            </dl>
            <button class="secondary" onclick={on.reform(|_: MouseEvent| Msg::ToggleHelp)}>{ "Close" }</button>
        </div>
    }
}
