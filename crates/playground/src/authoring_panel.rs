//! "Author a tour": turn moments of the run into tour steps (store/authoring.rs does the work).
//! The tour's id, title and summary; "Add this moment as a step"; the steps, each with buttons
//! to select, move and delete it; the selected step's title, text, start, highlights, the claim
//! picker (true statements about its moment) and its task; Preview, Export, Import and Link.
//! Every control is a labelled form control or button, so the panel works from the keyboard.
//! It renders what the draft holds: the draft changes only on authoring actions, so playing
//! does not re-render it.
use crate::model::authoring::{goal_sentence, sentence, MESSAGE_KINDS};
use crate::store::{Action, AuthorAction as A, DraftRef};
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

/// A text field that sends `make(value)` as it is typed.
fn field(on: &Callback<Action>, label: &str, id: &'static str, value: &str, make: fn(String) -> A) -> Html {
    html! {
        <label class="author-field">{ label }
            <input type="text" data-testid={id} value={value.to_string()}
                   oninput={send_some(on, move |e: InputEvent| input_value(e).map(|v| Action::Author(make(v))))} />
        </label>
    }
}

fn button(on: &Callback<Action>, id: &'static str, text: &str, make: impl Fn() -> A + 'static) -> Html {
    html! {
        <button type="button" class="secondary" data-testid={id}
                onclick={on.reform(move |_: MouseEvent| Action::Author(make()))}>{ text.to_string() }</button>
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
        <ol class="author-steps" aria-label="Steps of the tour" data-testid="author-steps">
            { for d.steps.iter().enumerate().map(|(i, s)| {
                let title = if s.title.trim().is_empty() { "(untitled)".to_string() } else { s.title.clone() };
                let current = d.selected == Some(i);
                html! {
                    <li class={classes!(current.then_some("current"))} data-testid="author-step">
                        <button type="button" class="author-pick" aria-current={current.then_some("step")}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Select(i)))}>
                            { format!("{}. {title}", i + 1) }
                            <span class="hint">{ format!(" at {} ms{}", s.pause_ms, if s.task.is_some() { ", task" } else { "" }) }</span>
                        </button>
                        <button type="button" class="secondary small" aria-label={format!("Move step {} up", i + 1)} disabled={i == 0}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Move(i, true)))}>{ "↑" }</button>
                        <button type="button" class="secondary small" aria-label={format!("Move step {} down", i + 1)} disabled={i + 1 == d.steps.len()}
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Move(i, false)))}>{ "↓" }</button>
                        <button type="button" class="secondary small" aria-label={format!("Delete step {}", i + 1)} data-testid="author-delete"
                                onclick={on.reform(move |_: MouseEvent| Action::Author(A::Delete(i)))}>{ "Delete" }</button>
                    </li>
                }
            }) }
        </ol>
    };
    html! {
        <details class="authoring" data-testid="authoring">
            <summary>{ "Author a tour" }</summary>
            <p class="hint">{ "Play a run and pause at a moment worth explaining: add it as a step, write what it shows, \
                               and pick the claims that back your text (only statements true at that moment are offered). \
                               A task's solution is what you do after the step's moment." }</p>
            <div class="author-tour" role="group" aria-label="The tour">
                { field(on, "Id", "author-id", &d.id, A::TourId) }
                { field(on, "Title", "author-title", &d.title, A::TourTitle) }
                { field(on, "Summary", "author-summary", &d.summary, A::TourSummary) }
            </div>
            <div class="actions">
                <button type="button" data-testid="author-add" onclick={on.reform(|_: MouseEvent| Action::Author(A::AddMoment))}>
                    { "Add this moment as a step" }</button>
            </div>
            { steps }
            { d.selected.and_then(|i| d.steps.get(i).map(|s| step_editor(d, i, s, props.recorded, on))).unwrap_or_default() }
            <div class="actions" role="group" aria-label="The draft">
                { button(on, "author-preview", "Preview", || A::Preview) }
                if d.before_preview.is_some() {
                    { button(on, "author-back", "Back to my run", || A::BackToRun) }
                }
                { button(on, "author-export", "Export", || A::Export) }
                <label class="import">{ "Import " }
                    <input type="file" accept=".json,application/json" data-testid="author-import" onchange={on_import} />
                </label>
                { button(on, "author-link", "Link", || A::Link) }
            </div>
            if let Some(link) = &d.link {
                <input class="link" readonly=true data-testid="author-link-text" value={link.clone()} aria-label="Tour link" />
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
            <legend>{ format!("Step {}", i + 1) }</legend>
            { field(on, "Title", "author-step-title", &s.title, A::StepTitle) }
            <label class="author-field">{ "Text (a blank line between paragraphs)" }
                <textarea rows="4" data-testid="author-step-text" value={s.text.clone()} oninput={on_text} />
            </label>
            <label class="author-field short">{ "Starts at (ms)" }
                <input type="number" min="0" step="any" data-testid="author-step-start" value={s.start_text.clone()} oninput={on_start} />
                <span class="hint">{ format!(" and pauses at {} ms", s.pause_ms) }</span>
            </label>
            <fieldset class="author-group">
                <legend>{ "Highlight servers" }</legend>
                { for (1..=s.servers).map(|n| check(html! { { format!("S{n}") } },
                    s.highlight.nodes.contains(&n), A::ToggleNode(n), "author-node")) }
            </fieldset>
            <fieldset class="author-group">
                <legend>{ "Highlight messages" }</legend>
                { for MESSAGE_KINDS.iter().map(|k| check(html! { { *k } },
                    s.highlight.messages.iter().any(|m| m == k), A::ToggleKind(k.to_string()), "author-kind")) }
            </fieldset>
            <fieldset class="author-group claims" data-testid="author-claims">
                <legend>{ format!("Claims: true at {} ms ({} picked)", s.pause_ms, s.offered.iter().filter(|(_, on)| *on).count()) }</legend>
                { for s.offered.iter().enumerate().map(|(k, (c, picked))| check(html! { { sentence(c) } },
                    *picked, A::ToggleClaim(k), "author-claim")) }
                if s.differs > 0 {
                    <p class="hint">{ format!("{} statements true on screen are left out: the step's replay (as the tour will run it) differs there.", s.differs) }</p>
                }
                if !s.kept.is_empty() {
                    <p class="hint">{ format!("{} claims at other moments are kept as they are.", s.kept.len()) }</p>
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
    if let Some(t) = &s.task {
        return html! {
            <div class="author-task" data-testid="author-task">
                <p>{ "Now you try: " }{ t.prompt.clone() }</p>
                <p class="hint">{ format!("Goal: {}. Solution: {} action(s), within {} ms.", goal_sentence(&t.goal), t.solution.len(), t.within_ms) }</p>
                { button(on, "author-task-remove", "Remove the task", || A::RemoveTask) }
            </div>
        };
    }
    let Some(t) = d.task.as_ref().filter(|t| t.step == i) else {
        return html! {
            <div class="author-task">{ button(on, "author-task-record", "Record a task from this moment", || A::RecordTask) }</div>
        };
    };
    let Some(goals) = &t.goals else {
        return html! {
            <div class="author-task" data-testid="author-task">
                <p role="status">{ format!("Recording the solution: {} action(s) so far.", recorded.unwrap_or(0)) }</p>
                { button(on, "author-task-finish", "Finish", || A::FinishTask) }
                { button(on, "author-task-cancel", "Cancel", || A::CancelTask) }
            </div>
        };
    };
    html! {
        <div class="author-task" data-testid="author-task">
            <fieldset class="author-group">
                <legend>{ format!("Goal (reached by your {} action(s))", t.solution.len()) }</legend>
                { for goals.iter().enumerate().map(|(k, g)| html! {
                    <label class="author-check">
                        <input type="radio" name="author-goal" data-testid="author-goal" checked={t.picked == Some(k)}
                               onchange={on.reform(move |_: Event| Action::Author(A::PickGoal(k)))} />
                        { goal_sentence(g) }
                    </label>
                }) }
            </fieldset>
            { field(on, "Prompt (after \"Now you try:\")", "author-task-prompt", &t.prompt, A::TaskPrompt) }
            { field(on, "Success message", "author-task-success", &t.success, A::TaskSuccess) }
            { button(on, "author-task-save", "Save the task", || A::SaveTask) }
            { button(on, "author-task-cancel", "Cancel", || A::CancelTask) }
        </div>
    }
}
