//! The teacher's kit: "Export image" (the stage, the log or the space-time diagram of this
//! moment, as SVG or PNG, with a caption naming the scenario, the seed and the time), and
//! "Animate the last N seconds" (the stage as a looping animated SVG). The store makes the
//! files (store/kit.rs); this reads the two fields and dispatches.
use crate::store::{Action, Picture};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    /// What the kit last saved, or why it could not.
    pub note: Option<String>,
    pub on: Callback<Action>,
}

#[function_component(ExportPanel)]
pub fn export_panel(props: &ExportProps) -> Html {
    let (view, seconds) = (use_node_ref(), use_node_ref());
    let export = |png: bool| {
        let (view, on) = (view.clone(), props.on.clone());
        Callback::from(move |_: MouseEvent| {
            let id = view.cast::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let picture = Picture::ALL.into_iter().find(|p| p.id() == id).unwrap_or(Picture::Stage);
            on.emit(Action::ExportPicture { picture, png });
        })
    };
    let animate = {
        let (seconds, on) = (seconds.clone(), props.on.clone());
        Callback::from(move |_: MouseEvent| {
            let text = seconds.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            on.emit(Action::Animate(text));
        })
    };
    html! {
        <section class="kit" aria-label="Teacher's kit" data-testid="kit">
            <h3>{ "Teacher's kit" }</h3>
            <div class="actions">
                <label>{ "Export image of " }
                    <select ref={view.clone()} data-testid="export-view">
                        { for Picture::ALL.iter().map(|p| html! { <option value={p.id()}>{ p.title() }</option> }) }
                    </select>
                </label>
                <button class="secondary" data-testid="export-svg" onclick={export(false)}>{ "SVG" }</button>
                <button class="secondary" data-testid="export-png" onclick={export(true)}>{ "PNG" }</button>
            </div>
            <div class="actions">
                <label>{ "Animate the last " }
                    <input ref={seconds.clone()} type="number" min="0.1" max="60" step="0.1" value="5" data-testid="animate-seconds" />
                    { " s of virtual time" }
                </label>
                <button class="secondary" data-testid="animate" onclick={animate}>{ "Animate (SVG)" }</button>
            </div>
            <p class="hint" role="status" data-testid="kit-note">{ props.note.clone().unwrap_or_default() }</p>
        </section>
    }
}
