//! Scenarios as data: the scenario format ([`format`](mod@format), re-exported here), the
//! strict shape check every document passes first, the bounded reader, the built-in scenarios
//! and the guided tours.
pub mod builtin;
pub mod expect;
pub(crate) mod flat;
pub mod format;
pub mod glossary;
pub mod input;
pub mod message_rule;
pub mod protocol;
pub mod settings;
pub mod shape;
pub mod shows;
pub mod speed;
pub mod target;
pub mod tour;
pub mod tour_text;
pub mod trigger;

pub use format::*;
