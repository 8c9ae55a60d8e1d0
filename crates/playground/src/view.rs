//! The page: the live cluster, or in embed mode only its stage.
use crate::text::t;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    // Redrawn when the language changes (language.rs): the masthead is outside the live
    // cluster, which redraws itself.
    let language = use_state(crate::text::language);
    {
        let language = language.clone();
        use_effect_with((), move |_| crate::language::listen(Callback::from(move |l| language.set(l))));
    }
    if crate::browser::embed_requested() {
        return html! { <crate::live::Live embed=true /> };
    }
    html! { <FullPage language={*language} /> }
}

#[derive(Properties, PartialEq)]
struct FullPageProps {
    /// The language the page is in: the masthead is drawn again when it changes.
    language: &'static str,
}

#[function_component(FullPage)]
fn full_page(_props: &FullPageProps) -> Html {
    html! {
        <main class="page">
            <header class="masthead">
                <h1>{ t("view.title") }</h1>
                <p class="tagline">{ t("view.tagline") }</p>
            </header>
            <crate::live::Live />
        </main>
    }
}
