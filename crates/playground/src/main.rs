//! The Raft Playground page. It owns no protocol logic: it asks the simulator to run a
//! scenario and renders the report it gets back.
mod authoring_panel;
mod availability_view;
mod bench_page;
mod browser;
mod caption_view;
mod client_panel;
mod data;
mod diagram;
mod embed_view;
mod event_log;
mod export_panel;
mod failure_panel;
mod history_view;
mod inspector;
mod lab_panel;
mod legend;
mod live;
mod log_view;
mod manual_panel;
mod message_view;
mod model;
mod monitor;
mod number;
mod settings;
mod share_panel;
mod stage;
mod store;
mod test_hook;
mod timeline;
mod toolbar;
mod tour_panel;
mod view;

fn main() {
    if let Some(runs) = bench_page::requested() {
        return bench_page::run(runs);
    }
    yew::Renderer::<view::App>::new().render();
}
