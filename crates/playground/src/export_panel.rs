//! The teacher's kit: "Export image" (the stage, the log or the space-time diagram of this
//! moment, as SVG or PNG, with a caption naming the scenario, the seed and the time), and
//! "Animate the last N seconds" (the stage as a looping animated SVG). The store keeps the two
//! fields and makes the files (store/kit.rs); this draws them and dispatches. A plain function,
//! not a component with hooks: its props are the store's few values.
use crate::store::{Action, Picture, Store};
use crate::text::t;
use crate::toolbar::send_some;
use yew::prelude::*;

pub fn export_panel(s: &Store, on: &Callback<Action>) -> Html {
    let on_view = send_some(on, |e: Event| {
        let id = e.target_dyn_into::<web_sys::HtmlSelectElement>()?.value();
        Picture::ALL.into_iter().find(|p| p.id() == id).map(Action::KitPicture)
    });
    let on_seconds = send_some(on, |e: InputEvent| {
        Some(Action::KitSeconds(e.target_dyn_into::<web_sys::HtmlInputElement>()?.value()))
    });
    let picture = s.kit_picture;
    html! {
        <section class="kit" aria-label={t("export_panel.title")} data-testid="kit">
            <h3>{ t("export_panel.title") }</h3>
            <div class="actions">
                <label>{ t("export_panel.export-image") }{ " " }
                    <select data-testid="export-view" onchange={on_view}>
                        { for Picture::ALL.iter().map(|p| html! { <option value={p.id()} selected={*p == picture}>{ p.title() }</option> }) }
                    </select>
                </label>
                <button class="secondary" data-testid="export-svg"
                        onclick={on.reform(move |_: MouseEvent| Action::ExportPicture { picture, png: false })}>{ t("export_panel.svg") }</button>
                <button class="secondary" data-testid="export-png"
                        onclick={on.reform(move |_: MouseEvent| Action::ExportPicture { picture, png: true })}>{ t("export_panel.png") }</button>
            </div>
            <div class="actions">
                <label>{ t("export_panel.animate-before") }{ " " }
                    <input type="number" min="0.1" max="60" step="0.1" value={s.kit_seconds.clone()} data-testid="animate-seconds"
                           oninput={on_seconds} />
                    { " " }{ t("export_panel.animate-after") }
                </label>
                <button class="secondary" data-testid="animate" onclick={on.reform(|_: MouseEvent| Action::Animate)}>{ t("export_panel.animate") }</button>
            </div>
            <p class="hint" role="status" data-testid="kit-note">{ s.kit_note.clone().unwrap_or_default() }</p>
        </section>
    }
}
