//! "Author a tour": turn moments of the run into tour steps (store/authoring.rs does the work).
//! The tour's id, title and summary; "Add this moment as a step"; the steps, each with buttons
//! to select, move and delete it; the selected step's title, text, start, highlights, the claim
//! picker (true statements about its moment) and its task; Preview, Export, Import and Link.
//! Every control is a labelled form control or button, so the panel works from the keyboard.
//! It renders what the draft holds: the draft changes only on authoring actions, so playing
//! does not re-render it.
use crate::model::authoring::{goal_sentence, sentence, MESSAGE_KINDS};
use crate::store::{Action, AuthorAction as A, DraftRef};
use crate::text::{t, tf};
use crate::toolbar::send_some;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AuthoringProps {
    pub draft: DraftRef,
    /// Actions recorded so far for a task (None: not recording).
    pub recorded: Option<usize>,
    pub on: Callback<Action>,
    pub on_import: Callback<web_sys::File>,
}

fn input_value(e: InputEvent) -> Option<String> {
    // An input's or a textarea's value, without a web-sys type for each.
    let target: wasm_bindgen::JsValue = e.target()?.into();
    js_sys::Reflect::get(&target, &"value".into()).ok()?.as_string()
}

/// A text field labelled by text id `label` that sends `make(value)` as it is typed.
fn field(on: &Callback<Action>, label: &'static str, id: &'static str, value: &str, make: fn(String) -> A) -> Html {
    html! {
        <label class="author-field">{ t(label) }
            <input type="text" data-testid={id} value={value.to_string()}
                   oninput={send_some(on, move |e: InputEvent| input_value(e).map(|v| Action::Author(make(v))))} />
        </label>
    }
}

/// A button with the words of text id `text`.
fn button(on: &Callback<Action>, id: &'static str, text: &'static str, make: impl Fn() -> A + 'static) -> Html {
    html! {
        <button type="button" class="secondary" data-testid={id}
                onclick={on.reform(move |_: MouseEvent| Action::Author(make()))}>{ t(text) }</button>
    }
}

#[function_component(AuthoringPanel)]
pub fn authoring_panel(props: &AuthoringProps) -> Html {
    let (d, on) = (&*props.draft.0, &props.on);
    let on_import = send_some(&props.on_import, |e: Event| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        let file = input.files()?.get(0)?;
        input.set_value("");
        Some(file)
    });
    let steps = html! {
        <ol class="author-steps" aria-label={t("authoring_panel.steps")} data-testid="author-steps">
            { for d.steps.iter().enumerate().map(|(i, s)| {
                let title = if s.title.trim().is_empty() { t("authoring_panel.untitled").to_string() } else { s.title.clone() };
                let current = d.selected == Some(i);
                html! {
                    <li class={classes!(current.then_some("current"))} data-testid="author-step">
                        <button type="button" class="author-pick" aria-current={current.then_some("step")}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Select(i)))}>
                            { format!("{}. {title}", i + 1) }
                            <span class="hint">{ tf(if s.task.is_some() { "authoring_panel.at-task" } else { "authoring_panel.at" }, &[("ms", &s.pause_ms.to_string())]) }</span>
                        </button>
                        <button type="button" class="secondary small" aria-label={tf("authoring_panel.up", &[("step", &(i + 1).to_string())])} disabled={i == 0}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Move(i, true)))}>{ "↑" }</button>
                        <button type="button" class="secondary small" aria-label={tf("authoring_panel.down", &[("step", &(i + 1).to_string())])} disabled={i + 1 == d.steps.len()}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Move(i, false)))}>{ "↓" }</button>
                        <button type="button" class="secondary small" aria-label={tf("authoring_panel.delete-step", &[("step", &(i + 1).to_string())])} data-testid="author-delete"
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Delete(i)))}>{ t("authoring_panel.delete") }</button>
                    </li>
                }
            }) }
        </ol>
    };
    html! {
        <details class="authoring" data-testid="authoring">
            <summary>{ t("authoring_panel.summary") }</summary>
            <p class="hint">{ t("authoring_panel.hint") }</p>
            <div class="author-tour" role="group" aria-label={t("authoring_panel.tour")}>
                { field(on, "authoring_panel.id", "author-id", &d.id, A::TourId) }
                { field(on, "authoring_panel.title", "author-title", &d.title, A::TourTitle) }
                { field(on, "authoring_panel.tour-summary", "author-summary", &d.summary, A::TourSummary) }
            </div>
            <div class="actions">
                <button type="button" data-testid="author-add" onclick={on.reform(|_: MouseEvent| Action::Author(A::AddMoment))}>
                    { t("authoring_panel.add") }</button>
            </div>
            { steps }
            { d.selected.and_then(|i| d.steps.get(i).map(|s| step_editor(d, i, s, props.recorded, on))).unwrap_or_default() }
            <div class="actions" role="group" aria-label={t("authoring_panel.draft")}>
                { button(on, "author-preview", "authoring_panel.preview", || A::Preview) }
                if d.before_preview.is_some() {
                    { button(on, "author-back", "authoring_panel.back", || A::BackToRun) }
                }
                { button(on, "author-export", "authoring_panel.export", || A::Export) }
                <label class="import">{ t("authoring_panel.import") }
                    <input type="file" accept=".json,application/json" data-testid="author-import" onchange={on_import} />
                </label>
                { button(on, "author-link", "authoring_panel.link", || A::Link) }
            </div>
            if let Some(link) = &d.link {
                <input class="link" readonly=true data-testid="author-link-text" value={link.clone()} aria-label={t("authoring_panel.link-label")} />
            }
            <p class="hint" role="status" data-testid="author-note">{ d.note.clone().unwrap_or_default() }</p>
        </details>
    }
}

/// The selected step: its text, start, highlights, claims and task.
fn step_editor(
    d: &crate::store::Draft,
    i: usize,
    s: &crate::store::DraftStep,
    recorded: Option<usize>,
    on: &Callback<Action>,
) -> Html {
    let on_text = send_some(on, |e: InputEvent| input_value(e).map(|v| Action::Author(A::StepText(v))));
    let on_start = send_some(on, |e: InputEvent| input_value(e).map(|v| Action::Author(A::StepStart(v))));
    let check = |label: Html, checked: bool, action: A, testid: &'static str| {
        html! {
            <label class="author-check">
                <input type="checkbox" data-testid={testid} checked={checked}
                       onchange={on.reform(move |_: Event| Action::Author(action.clone()))} />
                { label }
            </label>
        }
    };
    html! {
        <fieldset class="author-step" data-testid="author-editor">
            <legend>{ tf("authoring_panel.step", &[("step", &(i + 1).to_string())]) }</legend>
            { field(on, "authoring_panel.title", "author-step-title", &s.title, A::StepTitle) }
            <label class="author-field">{ t("authoring_panel.text") }
                <textarea rows="4" data-testid="author-step-text" value={s.text.clone()} oninput={on_text} />
            </label>
            <label class="author-field short">{ t("authoring_panel.start") }
                <input type="number" min="0" step="any" data-testid="author-step-start" value={s.start_text.clone()} oninput={on_start} />
                <span class="hint">{ tf("authoring_panel.pauses", &[("ms", &s.pause_ms.to_string())]) }</span>
            </label>
            <fieldset class="author-group">
                <legend>{ t("authoring_panel.servers") }</legend>
                { for (1..=s.servers).map(|n| check(html! { { format!("S{n}") } },
                    s.highlight.nodes.contains(&n), A::ToggleNode(n), "author-node")) }
            </fieldset>
            <fieldset class="author-group">
                <legend>{ t("authoring_panel.messages") }</legend>
                { for MESSAGE_KINDS.iter().map(|k| check(html! { { *k } },
                    s.highlight.messages.iter().any(|m| m == k), A::ToggleKind(k.to_string()), "author-kind")) }
            </fieldset>
            <fieldset class="author-group claims" data-testid="author-claims">
                <legend>{ tf("authoring_panel.claims", &[("ms", &s.pause_ms.to_string()), ("picked", &s.offered.iter().filter(|(_, on)| *on).count().to_string())]) }</legend>
                { for s.offered.iter().enumerate().map(|(k, (c, picked))| check(html! { { sentence(c) } },
                    *picked, A::ToggleClaim(k), "author-claim")) }
                if s.differs > 0 {
                    <p class="hint">{ tf("authoring_panel.differs", &[("count", &s.differs.to_string())]) }</p>
                }
                if !s.kept.is_empty() {
                    <p class="hint">{ tf("authoring_panel.kept", &[("count", &s.kept.len().to_string())]) }</p>
                }
            </fieldset>
            { task_editor(d, i, s, recorded, on) }
        </fieldset>
    }
}

/// The step's task: saved, being recorded, being given its goal, or none yet.
fn task_editor(
    d: &crate::store::Draft,
    i: usize,
    s: &crate::store::DraftStep,
    recorded: Option<usize>,
    on: &Callback<Action>,
) -> Html {
    if let Some(task) = &s.task {
        return html! {
            <div class="author-task" data-testid="author-task">
                <p>{ t("tour_panel.try") }{ task.prompt.clone() }</p>
                <p class="hint">{ tf("authoring_panel.task", &[("goal", &goal_sentence(&task.goal)), ("actions", &task.solution.len().to_string()), ("ms", &task.within_ms.to_string())]) }</p>
                { button(on, "author-task-remove", "authoring_panel.task-remove", || A::RemoveTask) }
            </div>
        };
    }
    let Some(task) = d.task.as_ref().filter(|t| t.step == i) else {
        return html! {
            <div class="author-task">{ button(on, "author-task-record", "authoring_panel.task-record", || A::RecordTask) }</div>
        };
    };
    let Some(goals) = &task.goals else {
        return html! {
            <div class="author-task" data-testid="author-task">
                <p role="status">{ tf("authoring_panel.recording", &[("actions", &recorded.unwrap_or(0).to_string())]) }</p>
                { button(on, "author-task-finish", "authoring_panel.task-finish", || A::FinishTask) }
                { button(on, "author-task-cancel", "authoring_panel.task-cancel", || A::CancelTask) }
            </div>
        };
    };
    html! {
        <div class="author-task" data-testid="author-task">
            <fieldset class="author-group">
                <legend>{ tf("authoring_panel.goal", &[("actions", &task.solution.len().to_string())]) }</legend>
                { for goals.iter().enumerate().map(|(k, g)| html! {
                    <label class="author-check">
                        <input type="radio" name="author-goal" data-testid="author-goal" checked={task.picked == Some(k)}
                               onchange={on.reform(move |_: Event| Action::Author(A::PickGoal(k)))} />
                        { goal_sentence(g) }
                    </label>
                }) }
            </fieldset>
            { field(on, "authoring_panel.prompt", "author-task-prompt", &task.prompt, A::TaskPrompt) }
            { field(on, "authoring_panel.success", "author-task-success", &task.success, A::TaskSuccess) }
            { button(on, "author-task-save", "authoring_panel.task-save", || A::SaveTask) }
            { button(on, "author-task-cancel", "authoring_panel.task-cancel", || A::CancelTask) }
        </div>
    }
}
