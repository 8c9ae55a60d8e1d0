//! The share panel: the link to this exact run, the embed snippet for course notes, and
//! export/import of the run as a JSON file. The live cluster makes the link and the document;
//! this draws them and dispatches the clicks as store actions (a picked file goes to `on_import`).
use crate::store::Action as Msg;
use crate::text::{t, tf};
use yew::prelude::*;

/// `share_link`: the last link made by Share, if any. `embed_src`: the embed's address (the
/// run as a link, `?embed`, and the page's language), for the snippet, when it is shown.
pub fn share_panel(
    share_link: Option<&str>,
    embed_src: Option<String>,
    on: &Callback<Msg>,
    on_import: &Callback<web_sys::File>,
) -> Html {
    let on_import = crate::toolbar::send_some(on_import, |e: Event| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        let file = input.files()?.get(0)?;
        input.set_value("");
        Some(file)
    });
    html! {
        <section class="share" aria-label={t("share_panel.title")} data-testid="share-panel">
            <h3>{ t("share_panel.title") }</h3>
            if let Some(l) = share_link {
                <p>{ t("share_panel.link-made") }</p>
                <input class="link" readonly=true data-testid="share-link" value={l.to_string()} aria-label={t("share_panel.link")}
                       onfocus={Callback::from(|e: FocusEvent| { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); } })} />
                <p class="hint">{ tf("share_panel.length", &[("count", &l.len().to_string())]) }</p>
            } else {
                <p class="hint">{ t("share_panel.hint") }</p>
            }
            <div class="actions">
                <button class="secondary" data-testid="embed-button" onclick={on.reform(|_: MouseEvent| Msg::ToggleEmbedSnippet)}>{ t("share_panel.embed") }</button>
                <button class="secondary" data-testid="export" onclick={on.reform(|_: MouseEvent| Msg::Export)}>{ t("share_panel.export") }</button>
                <label class="import">{ t("share_panel.import") }
                    <input type="file" accept=".json,application/json,.log,.txt,.edn,text/plain" data-testid="import" onchange={on_import} />
                </label>
            </div>
            if let Some(src) = embed_src {
                <SnippetDialog src={src} />
            }
        </section>
    }
}

/// The embed snippet's height: the README's, and the size the preview shows.
const SNIPPET_HEIGHT: u32 = 460;

#[derive(Properties, PartialEq)]
struct SnippetProps {
    /// The embed's address (the run as it was when the dialog opened, see the store).
    src: String,
}

/// The snippet to paste, a Copy button that says when it copied, and a live preview: the
/// embed itself, in an iframe of the snippet's size, so a teacher sees what students will.
#[function_component(SnippetDialog)]
fn snippet_dialog(props: &SnippetProps) -> Html {
    let copied = use_state(|| false);
    let src = &props.src;
    let snippet = format!(
        "<iframe src=\"{}\" width=\"100%\" height=\"{SNIPPET_HEIGHT}\" style=\"border:0\" title=\"Raft Playground\" loading=\"lazy\"></iframe>",
        src
    );
    let on_copy = {
        let (copied, snippet) = (copied.clone(), snippet.clone());
        Callback::from(move |_: MouseEvent| {
            crate::browser::copy_to_clipboard(&snippet);
            copied.set(true);
        })
    };
    html! {
        <div class="snippet" role="group" aria-label={t("share_panel.snippet")} data-testid="embed-dialog">
            <p>{ t("share_panel.snippet-hint") }</p>
            <textarea readonly=true rows="3" data-testid="embed-snippet" aria-label={t("share_panel.snippet")} value={snippet} />
            <div class="actions">
                <button data-testid="copy-snippet" onclick={on_copy}>{ t("share_panel.copy") }</button>
                <span class="hint" role="status" data-testid="snippet-copied">{ if *copied { t("share_panel.copied") } else { "" } }</span>
            </div>
            <iframe class="preview" data-testid="embed-preview" src={src.clone()} width="100%" height={SNIPPET_HEIGHT.to_string()}
                    title={t("share_panel.preview")} loading="lazy"></iframe>
        </div>
    }
}
