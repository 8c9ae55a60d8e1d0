//! The share panel: the link to this exact run, the embed snippet for course notes, and
//! export/import of the run as a JSON file. The live cluster makes the link and the document;
//! this draws them and dispatches the clicks as store actions (a picked file goes to `on_import`).
use crate::store::Action as Msg;
use yew::prelude::*;

/// `share_link`: the last link made by Share, if any. `embed_fragment`: the run as a link
/// fragment, for the snippet, when it is shown.
pub fn share_panel(
    share_link: Option<&str>,
    embed_fragment: Option<String>,
    on: &Callback<Msg>,
    on_import: &Callback<web_sys::File>,
) -> Html {
    let on_import = crate::toolbar::send_some(on_import, |e: Event| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        let file = input.files()?.get(0)?;
        input.set_value("");
        Some(file)
    });
    let (base, _, _) = crate::browser::location();
    html! {
        <section class="share" aria-label="Share, embed, export" data-testid="share-panel">
            <h3>{ "Share, embed, export" }</h3>
            if let Some(l) = share_link {
                <p>{ "The link reproduces this run exactly, up to this moment (it is in the address bar and copied to your clipboard)." }</p>
                <input class="link" readonly=true data-testid="share-link" value={l.to_string()} aria-label="Share link"
                       onfocus={Callback::from(|e: FocusEvent| { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); } })} />
                <p class="hint">{ format!("{} characters.", l.len()) }</p>
            } else {
                <p class="hint">{ "Share makes a link to this exact run: the scenario, everything you did, and this moment." }</p>
            }
            <div class="actions">
                <button class="secondary" data-testid="embed-button" onclick={on.reform(|_: MouseEvent| Msg::ToggleEmbedSnippet)}>{ "Embed in course notes" }</button>
                <button class="secondary" data-testid="export" onclick={on.reform(|_: MouseEvent| Msg::Export)}>{ "Export JSON" }</button>
                <label class="import">{ "Import JSON " }
                    <input type="file" accept=".json,application/json" data-testid="import" onchange={on_import} />
                </label>
            </div>
            if let Some(fragment) = embed_fragment {
                <p>{ "Paste this into a page: it shows only the stage and a small control bar, starting from this run." }</p>
                <textarea readonly=true rows="3" data-testid="embed-snippet" aria-label="Embed snippet"
                    value={format!(
                        "<iframe src=\"{base}?embed#{fragment}\" width=\"100%\" height=\"460\" style=\"border:0\" title=\"Raft Playground\" loading=\"lazy\"></iframe>"
                    )} />
            }
        </section>
    }
}
