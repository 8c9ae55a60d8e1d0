//! A guided tour's current step: its text, where it is in the tour, the "now you try" task and
//! whether it is done, and the buttons to move on. It renders what it is given; the live view
//! runs the step's scenario and checks the task.
pub use crate::model::tour::TourView;
use yew::prelude::*;

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
    html! {
        <section class="tour" aria-label={format!("Guided tour: {}", v.title)} data-testid="tour"
                 data-tour={v.id.clone()} data-step={(v.step + 1).to_string()} data-steps={v.steps.len().to_string()}
                 data-paused={v.paused_at_end.to_string()} data-claims={v.claims.map(|(held, of)| format!("{held}/{of}"))}>
            <p class="tour-title">{ &v.title }</p>
            <ol class="tour-progress" aria-label="Steps">
                { for v.steps.iter().enumerate().map(|(i, title)| html! {
                    <li class={classes!((i == v.step).then_some("current"), (i < v.step).then_some("seen"))}>
                        <button class="dot" title={format!("Step {}: {title}", i + 1)} aria-label={format!("Step {}: {title}", i + 1)}
                                aria-current={(i == v.step).then_some("step")} onclick={go(i)}></button>
                    </li>
                }) }
            </ol>
            <h3 data-testid="tour-step-title">{ format!("{}. {}", v.step + 1, v.step_title) }</h3>
            { for v.text.iter().map(|p| html! { <p>{ p }</p> }) }
            if let Some(task) = &v.task {
                <div class={classes!("task", task.done.then_some("done"))} data-testid="tour-task" data-done={task.done.to_string()} role="status">
                    if task.done {
                        <strong>{ "✓ Well done. " }</strong>{ &task.success }
                    } else {
                        <strong>{ "Now you try: " }</strong>{ &task.prompt }
                    }
                </div>
            }
            <div class="tour-nav">
                <button class="secondary" data-testid="tour-back" disabled={v.step == 0} onclick={go(v.step.saturating_sub(1))}>{ "◀ Previous step" }</button>
                <button class="secondary" data-testid="tour-restart" onclick={go(v.step)} title="Replay this step from its start">{ "↺ Replay step" }</button>
                if v.step > 0 {
                    <button class="secondary" data-testid="tour-start-over" onclick={go(0)}>{ "⟲ Start over" }</button>
                }
                if v.step < last {
                    <button data-testid="tour-next" onclick={go(v.step + 1)}>{ "Next step ▶" }</button>
                } else if !props.compact {
                    <button data-testid="tour-finish" onclick={props.on_close.reform(|_| ())}>{ "Finish the tour" }</button>
                }
                <span class="hint">{ format!("Step {} of {}", v.step + 1, v.steps.len()) }</span>
            </div>
            if !props.compact {
                <div class="tour-tools">
                    <button class="link-button" data-testid="tour-link" onclick={props.on_link.reform(|_| ())}>{ "Link to this step" }</button>
                    <button class="link-button" data-testid="tour-close" onclick={props.on_close.reform(|_| ())}>{ "Leave the tour" }</button>
                </div>
            }
        </section>
    }
}
