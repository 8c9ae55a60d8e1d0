//! A guided tour's current step: its text, where it is in the tour, the "now you try" task and
//! whether it is done, and the buttons to move on. It renders what it is given; the live view
//! runs the step's scenario and checks the task.
//!
//! Glossary terms (the first use of each in the tour, see `model::glossary`) are buttons with a
//! dotted underline; hovering one, focusing it (Tab) or tapping it shows its definition and
//! source in a box under the paragraph, which is also the button's accessible description
//! (`aria-describedby`), so a screen reader reads it with the term. Esc, leaving the term or
//! moving focus away closes it, and so does a second tap or click on the term.
use crate::model::glossary::{Segment, StepText};
pub use crate::model::tour::TourView;
use crate::text::{t, tf};
use yew::prelude::*;

/// Which definition is shown: (step, gloss, held open by focus or a tap rather than a hover).
type Open = Option<(usize, usize, bool)>;

/// A paragraph's words, its glossary terms as buttons.
/// `tapped_open` remembers, from a press on a term, whether its box was already held open: the focus
/// that the press brings re-opens it before the click arrives, so the click alone cannot tell a
/// first tap (open it) from a second one (close it).
fn words(
    segments: &[Segment],
    step: usize,
    open: &UseStateHandle<Open>,
    tapped_open: &std::rc::Rc<std::cell::RefCell<bool>>,
) -> Html {
    html! {
        { for segments.iter().map(|segment| match segment {
            Segment::Text(text) => html! { { text.clone() } },
            Segment::Term { text, gloss } => {
                let g = *gloss;
                let set = |to: Open| { let open = open.clone(); move || open.set(to) };
                let hover = set(Some((step, g, false)));
                let hold = set(Some((step, g, true)));
                let close = set(None);
                let close_too = close.clone();
                let shown = open.is_some_and(|(s, x, _)| (s, x) == (step, g));
                let held = **open == Some((step, g, true));
                let press = { let tapped_open = tapped_open.clone(); move |_: PointerEvent| *tapped_open.borrow_mut() = held };
                let click = {
                    let (tapped_open, hold) = (tapped_open.clone(), hold.clone());
                    move |_: MouseEvent| if tapped_open.replace(false) { close_too() } else { hold() }
                };
                // Hover is a mouse's: a touch screen's tap emulates one, and a box that opened on
                // it would stop the tap's click (and focus) from following.
                let enter = move |e: PointerEvent| if e.pointer_type() == "mouse" { hover() };
                let leave = { let open = open.clone(); move |e: PointerEvent| if e.pointer_type() == "mouse" && *open == Some((step, g, false)) { open.set(None) } };
                let blur = { let open = open.clone(); move |_: FocusEvent| if open.is_some_and(|(s, x, _)| (s, x) == (step, g)) { open.set(None) } };
                html! {
                    <button type="button" class={classes!("gloss-term", shown.then_some("open"))} data-testid="gloss-term"
                            aria-describedby={format!("gloss-{step}-{g}")}
                            onpointerenter={enter} onpointerleave={leave} onpointerdown={press}
                            onfocus={move |_: FocusEvent| hold()} onblur={blur} onclick={click}
                            onkeydown={move |e: KeyboardEvent| if e.key() == "Escape" { close() }}>
                        { text.clone() }
                    </button>
                }
            }
        }) }
    }
}

/// The definitions of the terms in `segments`, each hidden until its term is hovered, focused
/// or tapped (hidden, it still describes the button to screen readers).
fn tips(segments: &[Segment], text: &StepText, step: usize, open: Open) -> Html {
    html! {
        { for segments.iter().filter_map(|s| match s { Segment::Term { gloss, .. } => Some(*gloss), Segment::Text(_) => None }).map(|g| {
            let Some(gloss) = text.glosses.get(g) else { return html! {} };
            let shown = open.is_some_and(|(s, x, _)| (s, x) == (step, g));
            html! {
                <div class="gloss-tip" role="tooltip" id={format!("gloss-{step}-{g}")} data-testid="gloss-tip"
                     data-term={gloss.term.clone()} hidden={!shown}>
                    <strong>{ gloss.term.clone() }</strong>{ ": " }{ gloss.definition.clone() }
                    <span class="gloss-source">{ tf("tour_panel.source", &[("source", &gloss.source)]) }</span>
                </div>
            }
        }) }
    }
}

#[derive(Properties, PartialEq)]
pub struct TourProps {
    pub view: TourView,
    pub on_step: Callback<usize>,
    pub on_close: Callback<()>,
    pub on_link: Callback<()>,
    /// A compact panel without the close and link buttons (embed mode).
    #[prop_or_default]
    pub compact: bool,
}

#[function_component(TourPanel)]
pub fn tour_panel(props: &TourProps) -> Html {
    let v = &props.view;
    let last = v.steps.len().saturating_sub(1);
    let go = |to: usize| props.on_step.reform(move |_: MouseEvent| to);
    let open = use_state(|| None::<(usize, usize, bool)>);
    let tapped_open = use_mut_ref(|| false);
    let text = &v.text;
    html! {
        <section class="tour" aria-label={tf("tour_panel.label", &[("title", &v.title)])} data-testid="tour"
                 data-tour={v.id.clone()} data-step={(v.step + 1).to_string()} data-steps={v.steps.len().to_string()}
                 data-paused={v.paused_at_end.to_string()} data-claims={v.claims.map(|(held, of)| format!("{held}/{of}"))}>
            <p class="tour-title">{ &v.title }</p>
            <ol class="tour-progress" aria-label={t("tour_panel.steps")}>
                { for v.steps.iter().enumerate().map(|(i, title)| html! {
                    <li class={classes!((i == v.step).then_some("current"), (i < v.step).then_some("seen"))}>
                        <button class="dot" title={tf("tour_panel.step", &[("step", &(i + 1).to_string()), ("title", title)])}
                                aria-label={tf("tour_panel.step", &[("step", &(i + 1).to_string()), ("title", title)])}
                                aria-current={(i == v.step).then_some("step")} onclick={go(i)}></button>
                    </li>
                }) }
            </ol>
            <h3 data-testid="tour-step-title">{ format!("{}. {}", v.step + 1, v.step_title) }</h3>
            if !text.settings.is_empty() {
                <p class="tour-settings" data-testid="tour-settings">
                    <strong>{ t("tour_panel.settings") }</strong>{ tf("tour_panel.settings-list", &[("settings", &text.settings)]) }
                </p>
            }
            { for text.paragraphs.iter().map(|p| html! {
                <>
                    <p>{ words(p, v.step, &open, &tapped_open) }</p>
                    { tips(p, text, v.step, *open) }
                </>
            }) }
            if let Some(task) = &v.task {
                <div class={classes!("task", task.done.then_some("done"))} data-testid="tour-task" data-done={task.done.to_string()} role="status">
                    if task.done {
                        <strong>{ t("tour_panel.done") }</strong>{ words(&text.success, v.step, &open, &tapped_open) }
                    } else {
                        <strong>{ t("tour_panel.try") }</strong>{ words(&text.prompt, v.step, &open, &tapped_open) }
                    }
                </div>
                { tips(if task.done { &text.success } else { &text.prompt }, text, v.step, *open) }
            }
            <div class="tour-nav">
                <button class="secondary" data-testid="tour-back" disabled={v.step == 0} onclick={go(v.step.saturating_sub(1))}>{ t("tour_panel.back") }</button>
                <button class="secondary" data-testid="tour-restart" onclick={go(v.step)} title={t("tour_panel.restart-title")}>{ t("tour_panel.restart") }</button>
                if v.step > 0 {
                    <button class="secondary" data-testid="tour-start-over" onclick={go(0)}>{ t("tour_panel.start-over") }</button>
                }
                if v.step < last {
                    <button data-testid="tour-next" onclick={go(v.step + 1)}>{ t("tour_panel.next") }</button>
                } else if !props.compact {
                    <button data-testid="tour-finish" onclick={props.on_close.reform(|_| ())}>{ t("tour_panel.finish") }</button>
                }
                <span class="hint">{ tf("tour_panel.position", &[("step", &(v.step + 1).to_string()), ("steps", &v.steps.len().to_string())]) }</span>
            </div>
            if !props.compact {
                <div class="tour-tools">
                    <button class="link-button" data-testid="tour-link" onclick={props.on_link.reform(|_| ())}>{ t("tour_panel.link") }</button>
                    <button class="link-button" data-testid="tour-close" onclick={props.on_close.reform(|_| ())}>{ t("tour_panel.close") }</button>
                </div>
            }
        </section>
    }
}
