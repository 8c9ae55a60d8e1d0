//! The Raft Playground page. It owns no protocol logic: it asks the simulator to run a
//! scenario and renders the report it gets back.
mod authoring_panel;
mod availability_view;
mod bench_page;
mod browser;
mod caption_view;
mod client_panel;
mod course_sweep;
mod course_view;
mod data;
mod diagram;
mod embed_api;
mod embed_view;
mod event_log;
mod export_panel;
mod failure_panel;
mod history_view;
mod hunt_module;
mod hunt_panel;
mod hunt_pool;
mod hunt_wire;
mod inspector;
mod lab_panel;
mod language;
mod legend;
mod lincheck_view;
mod live;
mod log_view;
mod manual_panel;
mod message_view;
mod model;
mod monitor;
mod number;
mod seed_field;
mod settings;
mod share_panel;
mod sim_module;
mod stage;
mod store;
mod test_hook;
mod text;
#[cfg(test)]
mod text_tests;
mod timeline;
mod toolbar;
mod tour_panel;
mod view;

fn main() {
    // Loaded as a module by another page (dist/raft-sim.js, sim_module.rs), the page is not
    // drawn: only the playground's own index.html carries this mark.
    if !is_the_page() {
        return;
    }
    if let Some(runs) = bench_page::requested() {
        return bench_page::run(runs);
    }
    // The page draws once its language's words are here (English is compiled in).
    wasm_bindgen_futures::spawn_local(async {
        language::start(language::wanted()).await;
        yew::Renderer::<view::App>::new().render();
    });
}

/// Whether this document is the playground's page (`<meta name="raft-playground">` in
/// index.html), not a page that imports the simulator as a module.
fn is_the_page() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=raft-playground]").ok().flatten())
        .is_some()
}
