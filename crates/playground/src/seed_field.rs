//! The toolbar's seed field. It is its own component because the toolbar re-renders on every
//! frame of a playing run, and Yew writes a bound `value` back into the DOM whenever it differs
//! from what is shown: a frame landing between two keystrokes would put the run's seed back
//! and lose the student's typing. Here the field is written only when the run's seed changes.
use crate::text::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SeedFieldProps {
    /// The run's seed, or None before the built-ins arrive (no run yet: the field is empty and
    /// disabled).
    pub seed: Option<u64>,
    /// The text typed, once the student commits it (Enter or leaving the field).
    pub on_commit: Callback<String>,
}

#[function_component(SeedField)]
pub fn seed_field(props: &SeedFieldProps) -> Html {
    let field = use_node_ref();
    // Counts commits, so that a refused seed (not a whole number) is replaced by the run's,
    // which the error message names, even though the run's seed did not change.
    let commits = use_state(|| 0u32);
    {
        let field = field.clone();
        // Also runs after the first render: that is what fills the field at all.
        use_effect_with((props.seed, *commits), move |(seed, _)| {
            if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                input.set_value(&seed.map(|s| s.to_string()).unwrap_or_default());
            }
        });
    }
    let on_change = {
        let (on_commit, commits) = (props.on_commit.clone(), commits.clone());
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                on_commit.emit(input.value());
            }
            commits.set(*commits + 1);
        })
    };
    html! {
        <input type="text" inputmode="numeric" data-testid="seed" aria-label={t("seed_field.label")} size="8" ref={field}
               disabled={props.seed.is_none()} onchange={on_change} />
    }
}
