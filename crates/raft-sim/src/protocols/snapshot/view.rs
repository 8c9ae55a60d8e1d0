//! The Chandy–Lamport bank on the stage: the processes around a circle, each with its balance
//! and, once it has recorded, its recorded state and its incoming channels' recordings; the
//! messages are transfers (their amount) and markers; the run's figures are the bank's money,
//! the money in flight and the snapshot's totals.
use super::checks::{ClProperty, CHECKED};
use super::message::ClMessage;
use super::scenario::ClScenario;
use super::{ChandyLamport, Channel, Recording};
use crate::engine::network::Endpoint;
use crate::protocols::view::{ms, Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::CHANDY_LAMPORT;

pub fn property_name(p: ClProperty) -> &'static str {
    match p {
        ClProperty::MoneyConserved => "MoneyConserved",
        ClProperty::ConsistentCut => "ConsistentCut",
        ClProperty::SnapshotTotal => "SnapshotTotal",
    }
}

/// A channel's recorded transfers as data: "p2→p1 [21, 14]".
fn channel_value(c: &Channel) -> String {
    let amounts: Vec<String> = c.recorded.iter().map(|(_, a)| a.to_string()).collect();
    format!("p{}→p{} [{}]", c.from, c.to, amounts.join(", "))
}

fn tick(on: bool) -> &'static str {
    if on {
        "✓"
    } else {
        "✗"
    }
}

impl View for ChandyLamport {
    type Scenario = ClScenario;
    const PROTOCOL: &'static str = CHANDY_LAMPORT;

    fn open(s: &ClScenario) -> Self {
        ChandyLamport::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Ring
    }

    /// Each process: "recorded" once it has recorded its state (the initiator in the lead's
    /// tone), its balance now, its recorded state, and each incoming channel that is being
    /// recorded (or, in the broken variant, ignored) or whose recording is done.
    fn nodes(&self) -> Vec<NodeView> {
        self.processes
            .iter()
            .enumerate()
            .map(|(i, me)| {
                let id = i as u32 + 1;
                let initiator = id == self.scenario.initiator;
                let (badge, tone) = match (me.recorded, initiator) {
                    (Some(_), true) => (Some("recorded"), Tone::Lead),
                    (Some(_), false) => (Some("recorded"), Tone::Good),
                    (None, _) => (None, Tone::Plain),
                };
                let mut facts = vec![Fact::new("balance", me.balance.to_string())];
                if initiator {
                    facts.push(Fact::toned("initiator", ms(ms_to_us(self.scenario.snapshot_at_ms)), Tone::Lead));
                }
                if let Some(state) = me.recorded {
                    facts.push(Fact::toned("recorded-state", state.to_string(), Tone::Good));
                }
                for c in self.channels.values().filter(|c| c.to == id) {
                    let fact = match c.recording {
                        Recording::NotStarted => continue,
                        Recording::Recording => Fact::toned("channel-recording", channel_value(c), Tone::Warn),
                        Recording::Ignored => Fact::toned("channel-ignored", channel_value(c), Tone::Bad),
                        Recording::Done => Fact::toned("channel-recorded", channel_value(c), Tone::Good),
                    };
                    facts.push(fact);
                }
                NodeView { at: Endpoint::Node(id), name: format!("p{id}"), status: Status::Up, badge, tone, facts }
            })
            .collect()
    }

    fn words(m: &ClMessage) -> (&'static str, String) {
        match m {
            ClMessage::Transfer { id, amount } => ("Transfer", format!("#{id} ${amount}")),
            ClMessage::Marker => ("Marker", String::new()),
        }
    }

    fn checks(&self) -> Vec<CheckView> {
        CHECKED
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

    /// The bank's money and where it is now, the variant, and the snapshot's totals so far
    /// (recorded states, recorded channel states) with its completion.
    fn facts(&self) -> Vec<Fact> {
        let s = &self.scenario;
        let states: u64 = self.processes.iter().filter_map(|me| me.recorded).sum();
        let channels: u64 = self.channels.values().map(Channel::recorded_total).sum();
        let mut facts = vec![
            Fact::new("bank-total", s.total().to_string()),
            Fact::new("in-flight", self.in_flight.to_string()),
            Fact::toned("fifo", tick(s.fifo), if s.fifo { Tone::Plain } else { Tone::Bad }),
            Fact::toned(
                "records-channels",
                tick(s.record_channels),
                if s.record_channels { Tone::Plain } else { Tone::Bad },
            ),
        ];
        if self.processes.iter().any(|me| me.recorded.is_some()) {
            facts.push(Fact::new("recorded-states", states.to_string()));
            facts.push(Fact::new("recorded-channels", channels.to_string()));
        }
        if let Some(at) = self.completed_at {
            let adds_up = states + channels == s.total();
            let value = format!("{} + {} = {} ({})", states, channels, states + channels, ms(at));
            facts.push(Fact::toned("snapshot-total", value, if adds_up { Tone::Good } else { Tone::Bad }));
        }
        facts
    }
}
