//! The Two Generals on the stage: A1 and A2 either side of the valley, each with the
//! messengers it sent and received, the one its rule waits for, and its decision.
use super::checks::GeneralsProperty;
use super::message::Messenger;
use super::scenario::GeneralsScenario;
use super::{general_name, last_expected, TwoGenerals};
use crate::engine::network::Endpoint;
use crate::protocols::view::{Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::TWO_GENERALS;
use std::collections::BTreeSet;

fn numbers(s: &BTreeSet<u32>) -> String {
    if s.is_empty() {
        return "–".to_string();
    }
    s.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ")
}

impl View for TwoGenerals {
    type Scenario = GeneralsScenario;
    const PROTOCOL: &'static str = TWO_GENERALS;

    fn open(s: &GeneralsScenario) -> Self {
        TwoGenerals::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Row
    }

    fn nodes(&self) -> Vec<NodeView> {
        let k = self.scenario.messages;
        self.generals
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let id = i as u32 + 1;
                let (badge, tone) = match g.decision {
                    Some(true) => (Some("attack"), Tone::Good),
                    Some(false) => (Some("retreat"), Tone::Warn),
                    None => (None, Tone::Plain),
                };
                let waits = last_expected(id, k).map_or("–".to_string(), |n| format!("#{n}"));
                let mut facts = vec![
                    Fact::new("sent", numbers(&g.sent)),
                    Fact::new("received", numbers(&g.received)),
                    Fact::new("waits-for", waits),
                ];
                let heard = g.received.last().copied().unwrap_or(0);
                if let Some(n) = g.sent.iter().copied().rfind(|&n| n > heard) {
                    facts.push(Fact::toned("unconfirmed", format!("#{n}"), Tone::Warn));
                }
                NodeView {
                    at: Endpoint::Node(id),
                    name: general_name(id).to_string(),
                    status: Status::Up,
                    badge,
                    tone,
                    facts,
                }
            })
            .collect()
    }

    fn words(m: &Messenger) -> (&'static str, String) {
        ("Messenger", format!("#{} {}", m.number, m.attack_time))
    }

    fn checks(&self) -> Vec<CheckView> {
        vec![CheckView {
            property: "Agreement",
            broken: self.violations.iter().find(|v| v.property == GeneralsProperty::Agreement).map(|v| Broken {
                at_us: ms_to_us(v.at_ms),
                event: v.event,
                detail: v.detail.clone(),
            }),
        }]
    }

    fn facts(&self) -> Vec<Fact> {
        let captured = numbers(&self.captured);
        vec![
            Fact::new("messengers", self.scenario.messages.to_string()),
            Fact::new("attack-time", self.scenario.attack_time.clone()),
            Fact::toned("captured", captured, if self.captured.is_empty() { Tone::Plain } else { Tone::Warn }),
        ]
    }
}
