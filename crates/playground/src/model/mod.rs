//! The view-models: plain Rust functions that turn a snapshot of the simulation into what a
//! component draws. Nothing here touches the browser (no web-sys, no Yew), so it compiles and
//! is tested natively (`cargo test -p playground`); the components only lay it out.
pub mod animation;
pub mod authoring;
pub mod caption;
pub mod clients;
pub mod clock;
pub mod course;
pub mod diagram;
pub mod embed;
pub mod events;
pub mod failures;
pub mod glossary;
pub mod history;
pub mod hunt;
pub mod lab;
pub mod lincheck;
pub mod log;
pub mod manual;
pub mod message;
pub mod monitor;
pub mod picture;
pub mod sim_text;
pub mod stage;
pub mod svg;
pub mod sweep;
pub mod timeline;
pub mod tour;
pub mod translation;

#[cfg(test)]
mod tests;
