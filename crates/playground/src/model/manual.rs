//! What the manual delivery panel shows: whether messages wait for the student, and each
//! waiting message in words (kind, sender → receiver, term), oldest first. Plain data.
use super::message::endpoint;
use crate::text::tf;
use raft_sim::engine::kernel::MAX_HELD;
use raft_sim::sim::{InFlight, Payload, Simulation};

/// One message waiting to be delivered by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldRow {
    pub id: u64,
    /// "RequestVote S1 → S2, term 2": readable without the stage's colours and shapes.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ManualView {
    pub on: bool,
    pub rows: Vec<HeldRow>,
    /// Why some messages went on without waiting (the hold is full), if they did.
    pub note: Option<String>,
}

/// A held message in words.
pub fn held_text(m: &InFlight) -> String {
    let term = match &m.payload {
        Payload::Raft(message) => tf("manual.term", &[("term", &message.term().to_string())]),
        _ => String::new(),
    };
    format!("{} {} → {}{term}", m.payload.kind(), endpoint(m.from), endpoint(m.to))
}

impl ManualView {
    pub fn of(sim: &Simulation) -> ManualView {
        let rows = sim.held().map(|m| HeldRow { id: m.id, text: held_text(m) }).collect();
        let note = (sim.unheld() > 0)
            .then(|| tf("manual.full", &[("max", &MAX_HELD.to_string()), ("unheld", &sim.unheld().to_string())]));
        ManualView { on: sim.manual_delivery(), rows, note }
    }
}
