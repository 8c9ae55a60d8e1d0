//! The toolbar (scenario, cluster size, tours, play/pause/step, speed, the quick faults, share)
//! and the keyboard help it opens. It reads the store and dispatches every click as a store
//! action (`Msg` here: `Action` is the simulator's operator action).
use crate::seed_field::SeedField;
use crate::store::{Action as Msg, CourseAction, Store};
use crate::text::{t, tf};
use raft_sim::scenario::{Action, CrashMode, MAX_NODES};
use raft_sim::share::{SPEED_MAX_EXP, SPEED_MIN_EXP};
use yew::prelude::*;

/// The toolbar for the page in `data`; every control dispatches through `on`.
pub fn toolbar(data: &Store, on: &Callback<Msg>) -> Html {
    let tour = data.tour.as_ref().map(|t| t.tour.id.as_str());
    let send = |msg: fn() -> Msg| on.reform(move |_: MouseEvent| msg());
    let course = data.course.as_ref();
    let builtin_index = data.builtins.iter().position(|b| b.scenario == data.scenario).filter(|_| course.is_none());
    let course_id = course.and_then(|c| c.builtin.clone());
    // Options are valued by the built-in's id (stable in tests and links) and labelled by its
    // title, grouped as the index groups them; the other protocols' built-ins come after
    // Raft's, in their own groups.
    let ids: Vec<String> = data.builtins.iter().map(|b| b.scenario.name.clone()).collect();
    let course_ids: Vec<String> = data.course_builtins.iter().map(|b| b.id.clone()).collect();
    let on_scenario = send_some(on, move |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        let value = select.value();
        match ids.iter().position(|id| *id == value) {
            Some(i) => Some(Msg::Load(i)),
            None => course_ids.contains(&value).then_some(Msg::Course(CourseAction::Open(value))),
        }
    });
    let mut course_groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for b in &data.course_builtins {
        let (title, _, group) = data.course_words(b);
        match course_groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push((b.id.clone(), title)),
            None => course_groups.push((group, vec![(b.id.clone(), title)])),
        }
    }
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
    let loading = data.builtins.is_empty() && data.session.is_none() && data.course.is_none();
    html! {
        <div class="toolbar">
          <span class="group">
            <select aria-label={t("toolbar.scenario")} data-testid="live-scenario" onchange={on_scenario}>
                if loading {
                    <option value="" selected=true>{ t("toolbar.loading") }</option>
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
                { for course_groups.iter().map(|(group, members)| html! {
                    <optgroup label={group.clone()}>
                        { for members.iter().map(|(id, title)| html! {
                            <option value={id.clone()} selected={course_id.as_ref() == Some(id)}>{ title.clone() }</option>
                        }) }
                    </optgroup>
                }) }
                if let Some(c) = course.filter(|c| c.builtin.is_none()) {
                    <option value="current" selected=true>{ tf("toolbar.this-run", &[("name", c.run.scenario_name())]) }</option>
                } else if builtin_index.is_none() && data.session.is_some() && course.is_none() {
                    <option value="current" selected=true>{ tf("toolbar.this-run", &[("name", &data.scenario.name)]) }</option>
                }
            </select>
            if course.is_none() {
            <label class="node-count">{ t("toolbar.servers") }
                <select aria-label={t("toolbar.servers-number")} data-testid="node-count" onchange={on_nodes}>
                    { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == nodes}>{ n }</option> }) }
                </select>
            </label>
            <label class="load"><input type="checkbox" data-testid="client-load" checked={load} onchange={on_load} />{ t("toolbar.clients") }</label>
            }
            <select aria-label={t("toolbar.tours")} data-testid="tour-menu" onchange={on_tour}>
                <option value="" selected={tour.is_none()}>{ t("toolbar.tours-pick") }</option>
                { for data.tours.iter().map(|t| html! {
                    <option value={t.id.clone()} selected={tour == Some(t.id.as_str())}>{ t.title.clone() }</option>
                }) }
            </select>
          </span>
          <span class="group">
            if course.is_none() {
            <button data-testid="back-marker" class="secondary" title={t("toolbar.back-marker-title")}
                    onclick={send(|| Msg::PrevMarker)}>{ t("toolbar.back-marker") }</button>
            }
            <button data-testid="step-back" class="secondary" title={t("toolbar.step-back-title")}
                    onclick={send(|| Msg::StepBack)}>{ "‹ 1" }<span class="sr-only">{ t("toolbar.step-back-sr") }</span></button>
            <button data-testid="play" onclick={send(|| Msg::TogglePlay)}>
                { if data.playing { t("toolbar.pause") } else { t("toolbar.play") } }
            </button>
            <button class="secondary" data-testid="step" title={t("toolbar.step-title")}
                    onclick={send(|| Msg::Step)}>{ "1 ›" }<span class="sr-only">{ t("toolbar.step-sr") }</span></button>
            if course.is_none() {
            <button data-testid="next-marker" class="secondary" title={t("toolbar.next-marker-title")}
                    onclick={send(|| Msg::NextMarker)}>{ t("toolbar.next-marker") }</button>
            }
            <label class="speed">{ t("toolbar.speed") }
                <input type="range" data-testid="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()} step="0.1"
                       value={data.speed_exp.to_string()} oninput={on_speed} aria-valuetext={speed_text.clone()} />
                <output>{ speed_text }</output>
            </label>
            if course.is_none() {
            <label class="skip-idle" title={t("toolbar.skip-idle-title")}>
                <input type="checkbox" data-testid="skip-idle" checked={data.skip_idle}
                       onchange={on.reform(|_: Event| Msg::ToggleSkipIdle)} />{ t("toolbar.skip-idle") }</label>
            <label class="seed">{ t("toolbar.seed") }
                <SeedField seed={(!loading).then_some(data.scenario.seed)} on_commit={on_seed} />
            </label>
            <button class="secondary" data-testid="new-run" title={t("toolbar.new-run-title")}
                    disabled={loading} onclick={on_new_run}>{ t("toolbar.new-run") }</button>
            }
          </span>
          <span class="group">
            if course.is_none() {
            <button class="secondary" data-testid="crash-leader"
                    onclick={send(|| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ t("toolbar.crash-leader") }</button>
            <button class="secondary" data-testid="align-timers" title={t("toolbar.align-timers-title")}
                    onclick={send(|| Msg::Act(Action::AlignTimers))}>{ t("toolbar.align-timers") }</button>
            <button class="secondary" data-testid="spread-timers" title={t("toolbar.spread-timers-title")}
                    onclick={send(|| Msg::Act(Action::SpreadTimers))}>{ t("toolbar.spread-timers") }</button>
            }
            // Share and its confirmation wrap as one, so "Link copied" never lands on the next
            // row away from the button; the live region is always there so screen readers hear
            // the text when it appears.
            <span class="share-with-status">
              <button data-testid="share" onclick={send(|| Msg::Share)}>{ t("toolbar.share") }</button>
              <span class="copied" role="status">
                if data.link_copied {
                    <span data-testid="link-copied">{ t("toolbar.link-copied") }</span>
                }
              </span>
            </span>
            if course.is_none() {
            <button class="secondary" data-testid="present" title={t("toolbar.present-title")}
                    onclick={send(|| Msg::TogglePresent)}>{ t("toolbar.present") }</button>
            }
            <button class="secondary" data-testid="help-button" aria-label={t("toolbar.keys")}
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

/// The help's sections: a title (a text id), a test id, and rows of (keys, whether they are
/// keys rather than words (words are text ids), what they do (a text id)). A table with one template, not markup per row: every element of
/// view code adds to the page's download.
type HelpRows = &'static [(&'static [&'static str], bool, &'static str)];
const HELP: [(&str, &str, HelpRows); 4] = [
    (
        "toolbar.help-keys",
        "help-keys",
        &[
            (&["Space"], true, "toolbar.help-play"),
            (&["→"], true, "toolbar.help-step"),
            (&["←"], true, "toolbar.help-step-back"),
            (&["[", "]"], true, "toolbar.help-markers"),
            (&["+", "−"], true, "toolbar.help-speed"),
            (&["?"], true, "toolbar.help-help"),
            (&["Esc"], true, "toolbar.help-esc"),
        ],
    ),
    (
        "toolbar.help-stage",
        "help-stage",
        &[
            (&["Tab"], true, "toolbar.help-stage-tab"),
            (&["←", "→", "Home", "End"], true, "toolbar.help-stage-arrows"),
            (&["Enter"], true, "toolbar.help-stage-enter"),
        ],
    ),
    (
        "toolbar.help-diagram",
        "help-diagram",
        &[
            (&["+", "−"], true, "toolbar.help-diagram-zoom"),
            (&["←", "→"], true, "toolbar.help-diagram-pan"),
            (&["End"], true, "toolbar.help-diagram-end"),
            (&["Esc"], true, "toolbar.help-diagram-esc"),
            (&["toolbar.help-click"], false, "toolbar.help-diagram-click"),
            (&["toolbar.help-clocks"], false, "toolbar.help-diagram-clocks"),
        ],
    ),
    (
        "toolbar.help-present",
        "help-present",
        &[
            (&["toolbar.present"], false, "toolbar.help-present-button"),
            (&["Space", "←", "→", "[", "]"], true, "toolbar.help-present-keys"),
            (&["Esc"], true, "toolbar.help-present-esc"),
        ],
    ),
];

/// The keyboard shortcuts (see [`key_action`]), the stage's and the diagram's keys and mouse
/// actions, and the presentation mode's keys.
pub fn help(on: &Callback<Msg>) -> Html {
    html! {
        <div class="help" role="dialog" aria-label={t("toolbar.keys")} data-testid="help">
            { for HELP.iter().map(|&(title, id, rows)| html! {
                <>
                    <strong>{ t(title) }</strong>
                    <dl data-testid={id}>
                        { for rows.iter().map(|&(keys, kbd, what)| html! {
                            <>
                                <dt>{ for keys.iter().map(|&k| if kbd { html! { <><kbd>{ k }</kbd>{ " " }</> } } else { html! { t(k) } }) }</dt>
                                <dd>{ t(what) }</dd>
                            </>
                        }) }
                    </dl>
                </>
            }) }
            <button class="secondary" onclick={on.reform(|_: MouseEvent| Msg::ToggleHelp)}>{ t("toolbar.close") }</button>
        </div>
    }
}
