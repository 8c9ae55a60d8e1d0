//! The page's language in the browser: picked before the first render (the address's
//! `?lang=`, else the browser's languages, else English) with its UI catalogue fetched and
//! installed; the catalogues fetched when the store asks ([`Effect::FetchLanguage`]); the
//! document and the address marked when it changes; and the language menu. What to show in
//! which language is the store's (store/language.rs, model/translation.rs).
use crate::browser;
use crate::model::translation::{self, Files};
use crate::store::{Action, LanguageFiles};
use crate::text::{self, FALLBACK, LANGUAGES, MAX_BYTES};
use std::cell::RefCell;
use yew::prelude::*;

/// The UI catalogue's file in a language's folder.
const UI_FILE: &str = "ui.json";

thread_local! {
    /// Why the language picked at startup could not be loaded (its tag and the reason): the
    /// store says so once the page is drawn.
    static STARTUP_PROBLEM: RefCell<Option<(&'static str, String)>> = const { RefCell::new(None) };
    /// Told the language each time it changes: the page's root, which redraws what lies
    /// outside the live cluster (the masthead).
    static LISTENER: RefCell<Option<Callback<&'static str>>> = const { RefCell::new(None) };
}

/// The language the reader wants (see `text::pick`), from the address and the browser.
pub fn wanted() -> &'static str {
    let (_, search, _) = browser::location();
    text::pick(translation::asked_language(&search), &browser::languages())
}

/// Fetch and install `language`'s UI catalogue (nothing to fetch for English). On failure the
/// page stays in English and the reason is kept for [`take_startup_problem`].
pub async fn start(language: &'static str) {
    if language != FALLBACK {
        match fetch_ui(language).await {
            Ok(catalogue) => text::install(language, Some(catalogue)),
            Err(why) => STARTUP_PROBLEM.with(|p| *p.borrow_mut() = Some((language, why))),
        }
    }
    browser::set_document_language(text::language());
}

async fn fetch_ui(language: &str) -> Result<text::Catalogue, String> {
    let json = browser::fetch_text(&translation::url(language, UI_FILE), MAX_BYTES).await?;
    text::parse(&json)
}

/// The language picked at startup that could not be loaded, and why (once).
pub fn take_startup_problem() -> Option<(&'static str, String)> {
    STARTUP_PROBLEM.with(|p| p.borrow_mut().take())
}

/// Fetch `language`'s catalogues (the store's [`Effect::FetchLanguage`]) and hand them to the
/// store. Every request starts at once; the answers are read in order.
pub fn fetch(language: &'static str, ui: bool, tours: Vec<String>, dispatch: &Callback<Action>) {
    let dispatch = dispatch.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let start = |file: &str| {
            let url = translation::url(language, file);
            (browser::start_fetch(&url), url)
        };
        let ui_fetch = ui.then(|| start(UI_FILE));
        let glossary_fetch = start(translation::GLOSSARY_FILE);
        let builtins_fetch = start(translation::SCENARIOS_FILE);
        let tour_fetches: Vec<_> = tours.into_iter().map(|id| (start(&translation::tour_file(&id)), id)).collect();
        let ui = match ui_fetch {
            Some((f, url)) => Some(browser::read_fetched(f, &url, MAX_BYTES).await),
            None => None,
        };
        let glossary = browser::read_fetched(glossary_fetch.0, &glossary_fetch.1, MAX_BYTES).await;
        let builtins = browser::read_fetched(builtins_fetch.0, &builtins_fetch.1, MAX_BYTES).await;
        let mut tours = Vec::new();
        for ((f, url), id) in tour_fetches {
            tours.push((id, browser::read_fetched(f, &url, MAX_BYTES).await));
        }
        let files = Files { tours, glossary, builtins };
        dispatch.emit(Action::LanguageLoaded(Box::new(LanguageFiles { language, ui, files })));
    });
}

/// The page is now in `language` (the store's `Effect::LanguageShown`): `<html lang>`, the
/// address's `?lang=` (none for English; no reload, no history entry), and the page's root.
pub fn shown(language: &'static str) {
    browser::set_document_language(language);
    let (_, search, _) = browser::location();
    browser::replace_query(&translation::query_with_language(&search, language));
    if let Some(listener) = LISTENER.with(|l| l.borrow().clone()) {
        listener.emit(language);
    }
}

/// Tell `listener` each language the page changes to.
pub fn listen(listener: Callback<&'static str>) {
    LISTENER.with(|l| *l.borrow_mut() = Some(listener));
}

/// `html` keyed by the language: when it changes, the browser's elements and the components
/// under it are made anew, so a component that redraws only when its data change (the panels)
/// shows the new language too. The run is the store's and stays.
pub fn keyed(mut html: Html, language: &'static str) -> Html {
    if let Html::VTag(tag) = &mut html {
        std::rc::Rc::make_mut(tag).key = Some(language.into());
    }
    html
}

/// The language menu: each shipped language in its own name.
pub fn menu(current: &'static str, on: &Callback<Action>) -> Html {
    let on_change = crate::toolbar::send_some(on, |e: Event| {
        let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
        Some(Action::ChooseLanguage(select.value()))
    });
    html! {
        <label class="language">
            <span class="sr-only">{ text::t("language.menu") }</span>
            <select data-testid="language" aria-label={text::t("language.menu")} title={text::t("language.menu")}
                    onchange={on_change}>
                { for LANGUAGES.iter().map(|&(tag, name)| html! {
                    <option value={tag} lang={tag} selected={tag == current}>{ name }</option>
                }) }
            </select>
        </label>
    }
}
