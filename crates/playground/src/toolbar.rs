//! The toolbar (scenario, cluster size, tours, play/pause/step, speed, the quick faults, share)
//! and the keyboard help it opens. It reads the store and dispatches every click as a store
//! action (`Msg` here: `Action` is the simulator's operator action).
use crate::seed_field::SeedField;
use crate::store::{Action as Msg, Store};
use raft_sim::scenario::{Action, CrashMode, MAX_NODES};
use raft_sim::share::{SPEED_MAX_EXP, SPEED_MIN_EXP};
use yew::prelude::*;

/// The toolbar for the page in `data`; every control dispatches through `on`.
pub fn toolbar(data: &Store, on: &Callback<Msg>) -> Html {
    let tour = data.tour.as_ref().map(|t| t.tour.id.as_str());
    let send = |msg: fn() -> Msg| on.reform(move |_: MouseEvent| msg());
    let builtin_index = data.builtins.iter().position(|b| b.scenario == data.scenario);
    // Options are valued by the built-in's id (stable in tests and links) and labelled by its
    // title, grouped as the index groups them.
    let ids: Vec<String> = data.builtins.iter().map(|b| b.scenario.name.clone()).collect();
    let on_scenario = send_some(on, move |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        ids.iter().position(|id| *id == select.value()).map(Msg::Load)
    });
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, b) in data.builtins.iter().enumerate() {
        match groups.iter_mut().find(|(g, _)| *g == b.group) {
            Some((_, members)) => members.push(i),
            None => groups.push((&b.group, vec![i])),
        }
    }
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
        crate::number::parse_f64(&input.value()).map(Msg::Speed)
    });
    let speed_text = crate::store::speed_text(crate::store::exp10(data.speed_exp));
    let on_seed = on.reform(Msg::SetSeed);
    let on_new_run = on.reform(|_: MouseEvent| match crate::store::fresh_seed() {
        Ok(seed) => Msg::NewRun(seed),
        Err(why) => Msg::NoSeed(why),
    });
    // Before the built-ins arrive there is no run yet: the scenario held is a placeholder whose
    // seed would read as the run's.
    let loading = data.builtins.is_empty() && data.session.is_none();
    html! {
        <div class="toolbar">
          <span class="group">
            <select aria-label="Scenario" data-testid="live-scenario" onchange={on_scenario}>
                if loading {
                    <option value="" selected=true>{ "Loading the scenarios…" }</option>
                }
                { for groups.iter().map(|(group, members)| html! {
                    <optgroup label={group.to_string()}>
                        { for members.iter().map(|&i| html! {
                            <option value={data.builtins[i].scenario.name.clone()} selected={builtin_index == Some(i)}>
                                { data.builtins[i].title.clone() }
                            </option>
                        }) }
                    </optgroup>
                }) }
                if builtin_index.is_none() && data.session.is_some() {
                    <option value="current" selected=true>{ format!("This run: {}", data.scenario.name) }</option>
                }
            </select>
            <label class="node-count">{ "Servers " }
                <select aria-label="Number of servers" data-testid="node-count" onchange={on_nodes}>
                    { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == nodes}>{ n }</option> }) }
                </select>
            </label>
            <label class="load"><input type="checkbox" data-testid="client-load" checked={load} onchange={on_load} />{ " clients" }</label>
            <select aria-label="Guided tours" data-testid="tour-menu" onchange={on_tour}>
                <option value="" selected={tour.is_none()}>{ "Guided tours…" }</option>
                { for data.tours.iter().map(|t| html! {
                    <option value={t.id.clone()} selected={tour == Some(t.id.as_str())}>{ t.title.clone() }</option>
                }) }
            </select>
          </span>
          <span class="group">
            <button data-testid="back-marker" class="secondary" title="Back to the previous marker: election, leader, crash, violation ([)"
                    onclick={send(|| Msg::PrevMarker)}>{ "◀ Marker" }</button>
            <button data-testid="step-back" class="secondary" title="Step back one event (←)"
                    onclick={send(|| Msg::StepBack)}>{ "‹ 1" }<span class="sr-only">{ " step back one event" }</span></button>
            <button data-testid="play" onclick={send(|| Msg::TogglePlay)}>
                { if data.playing { "Pause" } else { "Play" } }
            </button>
            <button class="secondary" data-testid="step" title="Step one event (→)"
                    onclick={send(|| Msg::Step)}>{ "1 ›" }<span class="sr-only">{ " step one event" }</span></button>
            <button data-testid="next-marker" class="secondary" title="On to the next marker (])"
                    onclick={send(|| Msg::NextMarker)}>{ "Marker ▶" }</button>
            <label class="speed">{ "Speed " }
                <input type="range" data-testid="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()} step="0.1"
                       value={data.speed_exp.to_string()} oninput={on_speed} aria-valuetext={speed_text.clone()} />
                <output>{ speed_text }</output>
            </label>
            <label class="skip-idle" title="Fast through stretches with no message in flight, at your speed while messages cross">
                <input type="checkbox" data-testid="skip-idle" checked={data.skip_idle}
                       onchange={on.reform(|_: Event| Msg::ToggleSkipIdle)} />{ " skip idle" }</label>
            <label class="seed">{ "Seed " }
                <SeedField seed={(!loading).then_some(data.scenario.seed)} on_commit={on_seed} />
            </label>
            <button class="secondary" data-testid="new-run" title="The same scenario with a fresh random seed"
                    disabled={loading} onclick={on_new_run}>{ "New run" }</button>
          </span>
          <span class="group">
            <button class="secondary" data-testid="crash-leader"
                    onclick={send(|| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ "Crash the leader" }</button>
            <button class="secondary" data-testid="align-timers" title="Make every follower time out at the same moment: a split vote"
                    onclick={send(|| Msg::Act(Action::AlignTimers))}>{ "Align timers" }</button>
            <button class="secondary" data-testid="spread-timers" title="Spread the timeouts out: one server clearly times out first"
                    onclick={send(|| Msg::Act(Action::SpreadTimers))}>{ "Spread timers" }</button>
            // Share and its confirmation wrap as one, so "Link copied" never lands on the next
            // row away from the button; the live region is always there so screen readers hear
            // the text when it appears.
            <span class="share-with-status">
              <button data-testid="share" onclick={send(|| Msg::Share)}>{ "Share" }</button>
              <span class="copied" role="status">
                if data.link_copied {
                    <span data-testid="link-copied">{ "Link copied ✓" }</span>
                }
              </span>
            </span>
            <button class="secondary" data-testid="present" title="Presentation mode: large type, the stage and the log, driven by keys (Esc leaves)"
                    onclick={send(|| Msg::TogglePresent)}>{ "Present" }</button>
            <button class="secondary" data-testid="help-button" aria-label="Keyboard shortcuts"
                    onclick={send(|| Msg::ToggleHelp)}>{ "?" }</button>
            { crate::language::menu(data.language, on) }
          </span>
        </div>
    }
}

/// A callback that sends `f`'s message, when it makes one (an event it cannot read sends none).
pub fn send_some<T: 'static, M: 'static>(on: &Callback<M>, f: impl Fn(T) -> Option<M> + 'static) -> Callback<T> {
    let on = on.clone();
    Callback::from(move |e: T| {
        if let Some(msg) = f(e) {
            on.emit(msg);
        }
    })
}

/// What a key does: Space plays or pauses, → and ← step one event, [ and ] jump to the
/// previous / next marker, + and - change the speed, ? shows the keys (the help below lists
/// them), Esc leaves the presentation mode or closes the help.
pub fn key_action(key: &str) -> Option<Msg> {
    Some(match key {
        " " => Msg::TogglePlay,
        "ArrowRight" => Msg::Step,
        "ArrowLeft" => Msg::StepBack,
        "[" => Msg::PrevMarker,
        "]" => Msg::NextMarker,
        "+" | "=" => Msg::SpeedBy(0.1),
        "-" | "_" => Msg::SpeedBy(-0.1),
        "?" => Msg::ToggleHelp,
        "Escape" => Msg::Escape,
        _ => return None,
    })
}

/// The help's sections: a title, a test id, and rows of (keys, whether they are keys rather
/// than words, what they do). A table with one template, not markup per row: every element of
/// view code adds to the page's download.
type HelpRows = &'static [(&'static [&'static str], bool, &'static str)];
const HELP: [(&str, &str, HelpRows); 4] = [
    ("Keyboard", "help-keys", &[
        (&["Space"], true, "play / pause"),
        (&["→"], true, "step one event forward (pauses)"),
        (&["←"], true, "step one event back (pauses)"),
        (&["[", "]"], true, "previous / next marker: election, leader, crash, overwritten entries, violation"),
        (&["+", "−"], true, "faster / slower"),
        (&["?"], true, "show or hide this help"),
        (&["Esc"], true, "close this help; leave the presentation mode"),
    ]),
    ("Stage", "help-stage", &[
        (&["Tab"], true, "the servers one by one, then the messages in flight as one stop"),
        (&["←", "→", "Home", "End"], true, "on a message: the previous / next / first / last message"),
        (&["Enter"], true, "inspect the focused server or message (a click does the same)"),
    ]),
    ("Space-time diagram", "help-diagram", &[
        (&["+", "−"], true, "zoom in / out, with the diagram focused (or the mouse wheel, or the + − buttons)"),
        (&["←", "→"], true, "earlier / later (or drag it, Shift + wheel, ◀ ▶)"),
        (&["End"], true, "follow the present again (Now)"),
        (&["Esc"], true, "clear the selected event"),
        (&["click"], false, "the background: jump there; an arrow: inspect its message in flight; an event: what happened before, after and concurrently with it"),
        (&["Clocks"], false, "Lamport timestamps above each event, vector clocks below"),
    ]),
    ("Presentation mode", "help-present", &[
        (&["Present"], false, "large type, the stage and the log only (or open the page with ?present)"),
        (&["Space", "←", "→", "[", "]"], true, "play / pause, step, markers, as above"),
        (&["Esc"], true, "leave"),
    ]),
];

/// The keyboard shortcuts (see [`key_action`]), the stage's and the diagram's keys and mouse
/// actions, and the presentation mode's keys.
pub fn help(on: &Callback<Msg>) -> Html {
    html! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
            { for HELP.iter().map(|&(title, id, rows)| html! {
                <>
                    <strong>{ title }</strong>
                    <dl data-testid={id}>
                        { for rows.iter().map(|&(keys, kbd, what)| html! {
                            <>
                                <dt>{ for keys.iter().map(|&k| if kbd { html! { <><kbd>{ k }</kbd>{ " " }</> } } else { html! { k } }) }</dt>
                                <dd>{ what }</dd>
                            </>
                        }) }
                    </dl>
                </>
            }) }
            <button class="secondary" onclick={on.reform(|_: MouseEvent| Msg::ToggleHelp)}>{ "Close" }</button>
        </div>
    }
}
