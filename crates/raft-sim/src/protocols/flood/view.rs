//! Flood consensus on the stage: the processes around a circle, each with its proposal, what it
//! knows (C_i), its round, whom it suspects and its decision; a message is C_sender of a round.
use super::checks::FloodProperty;
use super::message::Known;
use super::scenario::{Detector, FloodScenario};
use super::FloodConsensus;
use crate::engine::network::Endpoint;
use crate::protocols::said::Said;
use crate::protocols::view::{set, Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::FLOOD_CONSENSUS;

pub fn property_name(p: FloodProperty) -> &'static str {
    match p {
        FloodProperty::Agreement => "Agreement",
        FloodProperty::Validity => "Validity",
        FloodProperty::Integrity => "Integrity",
        FloodProperty::Termination => "Termination",
    }
}

/// The detector's name, in words (`said::VALUES`).
fn detector_word(d: Detector) -> &'static str {
    match d {
        Detector::Perfect => "flood.detector-perfect",
        Detector::Timeout => "flood.detector-timeout",
    }
}

impl View for FloodConsensus {
    type Scenario = FloodScenario;
    const PROTOCOL: &'static str = FLOOD_CONSENSUS;

    fn open(s: &FloodScenario) -> Self {
        FloodConsensus::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Ring
    }

    fn nodes(&self) -> Vec<NodeView> {
        let last = self.scenario.rounds;
        self.processes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let id = i as u32 + 1;
                let (badge, tone) = match (&p.decision, p.crashed_in) {
                    (_, Some(_)) => (Some("crashed"), Tone::Bad),
                    (Some(_), None) => (Some("decided"), Tone::Good),
                    (None, None) => (None, Tone::Plain),
                };
                let mut facts = vec![Fact::new("proposal", p.proposal.clone()), Fact::new("known", set(&p.known))];
                let round = match p.round {
                    0 => "–".to_string(),
                    r if r > last => format!("{last}/{last} ✓"),
                    r => format!("{r}/{last}"),
                };
                facts.push(Fact::new("round", round));
                if !p.suspected.is_empty() {
                    let crashed = |q: u32| self.processes.get(q as usize - 1).is_some_and(|x| x.crashed_in.is_some());
                    let list: Vec<String> = p.suspected.keys().map(|q| format!("P{q}")).collect();
                    let wrong = p.suspected.keys().any(|&q| !crashed(q));
                    facts.push(Fact::toned("suspects", list.join(", "), if wrong { Tone::Bad } else { Tone::Warn }));
                }
                if let Some((c, r)) = &p.decision {
                    let said = Said::new("flood.decision", [("command", c.clone()), ("round", r.to_string())]);
                    facts.push(Fact::said("decision", said, Tone::Good));
                }
                NodeView {
                    at: Endpoint::Node(id),
                    name: format!("P{id}"),
                    status: if p.crashed_in.is_some() { Status::Crashed } else { Status::Up },
                    badge,
                    tone,
                    facts,
                }
            })
            .collect()
    }

    fn words(m: &Known) -> (&'static str, String) {
        ("Known", format!("r{} {}", m.round, set(&m.commands)))
    }

    fn checks(&self) -> Vec<CheckView> {
        [FloodProperty::Agreement, FloodProperty::Validity, FloodProperty::Integrity, FloodProperty::Termination]
            .into_iter()
            .map(|property| CheckView {
                property: property_name(property),
                broken: self.violations.iter().find(|v| v.property == property).map(|v| Broken {
                    at_us: ms_to_us(v.at_ms),
                    event: v.event,
                    detail: v.detail.clone(),
                }),
            })
            .collect()
    }

    fn facts(&self) -> Vec<Fact> {
        vec![
            Fact::new("f", self.scenario.f.to_string()),
            Fact::new("rounds", self.scenario.rounds.to_string()),
            Fact::said("detector", Said::new(detector_word(self.scenario.detector), []), Tone::Plain),
        ]
    }
}
