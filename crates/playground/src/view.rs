//! The page: the live cluster, or in embed mode only its stage.
use crate::text::t;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    if crate::browser::embed_requested() {
        return html! { <crate::live::Live embed=true /> };
    }
    html! { <FullPage /> }
}

#[function_component(FullPage)]
fn full_page() -> Html {
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
