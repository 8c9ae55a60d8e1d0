//! The Two Generals' Problem (the notes' "Two Generals' Problem"), natively on the engine's
//! kernel: armies A1 and A2 on opposite sides of the city "can only communicate through
//! messengers, but their messengers may be captured" (a fair-loss link: the kernel's network
//! loss, drawn from the seed's stream, or a scenario's `lose` list).
//!
//! The protocol: A1 sends messenger 1, "Attack at 09:00 on August 4". The general who
//! receives messenger n sends back messenger n + 1, its acknowledgement, until k messengers
//! (the scenario's `messages`) have been sent. At the scenario's decision time each general
//! applies its decision rule: **attack if I have received the last messenger addressed to
//! me** (A1, when k = 1, expects none and attacks on its own proposal).
//!
//! The notes' argument, which the checks ([`checks`]) show: whatever k is, the sender of
//! messenger k attacks without being able to tell whether it arrived; if it is captured, the
//! other general does not attack, and the generals disagree. "No matter how many
//! acknowledgment messages are sent, neither general can have sufficient reason to believe
//! that their messenger has not been captured."
pub mod builtin;
pub mod checks;
pub mod message;
pub mod scenario;
pub mod summary;
pub mod view;

use crate::engine::kernel::{self, Envelope, Host, InFlight, Kernel, Pending, Reception, Shaping};
use crate::engine::network::{Endpoint, LossCause, Network};
use crate::engine::rng::{Probability, SimRng};
use crate::scenario::format::{ms_to_us, NetworkSettings};
use checks::{GeneralsProperty, GeneralsViolation};
use message::Messenger;
use scenario::GeneralsScenario;
use serde::Serialize;
use std::collections::BTreeSet;

/// The generals' wake-ups: A1 sends its proposal, and each general decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    Propose,
    Decide { general: u32 },
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_PROPOSE: u64 = 1;
const CODE_DECIDE: u64 = 2;

/// A general's name: node 1 is A1, node 2 is A2.
pub fn general_name(g: u32) -> &'static str {
    if g == 1 {
        "A1"
    } else {
        "A2"
    }
}

/// Who sends messenger `n`: A1 the odd ones (the proposal first), A2 the even ones.
pub fn sender_of(n: u32) -> u32 {
    if n % 2 == 1 {
        1
    } else {
        2
    }
}

/// The last of the k messengers addressed to general `g`, if any: what its rule waits for.
pub fn last_expected(g: u32, k: u32) -> Option<u32> {
    (1..=k).rev().find(|&n| sender_of(n) != g)
}

#[derive(Clone, Debug, Default)]
struct General {
    sent: BTreeSet<u32>,
    received: BTreeSet<u32>,
    /// Messengers that came after the decision: too late to count.
    late: u64,
    decision: Option<bool>,
}

/// A Two Generals' run.
pub struct TwoGenerals {
    kernel: Kernel<Messenger, Timer>,
    scenario: GeneralsScenario,
    generals: [General; 2],
    captured: BTreeSet<u32>,
    violations: Vec<GeneralsViolation>,
}

/// What each general did and ended with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneralReport {
    pub general: &'static str,
    /// Messenger numbers, in order.
    pub sent: Vec<u32>,
    pub received: Vec<u32>,
    /// The messenger its decision rule waits for (none: A1 with k = 1).
    pub last_expected: Option<u32>,
    pub attacks: bool,
    /// The last messenger it sent and never saw acknowledged: it cannot tell whether that
    /// one arrived (the notes' argument; the sender of the last messenger always has one).
    pub unconfirmed: Option<u32>,
    pub late_messages: u64,
}

/// One messenger's fate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessengerReport {
    pub number: u32,
    pub from: &'static str,
    pub to: &'static str,
    /// "arrived", "captured" or "not sent" (the one before it did not arrive).
    pub fate: &'static str,
}

/// The outcome of a run: `raftsim run`'s summary and `--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneralsReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub attack_time: String,
    pub messages: u32,
    pub loss: f64,
    pub lose: Vec<u32>,
    pub generals: Vec<GeneralReport>,
    pub messengers: Vec<MessengerReport>,
    pub checked: Vec<GeneralsProperty>,
    pub violations: Vec<GeneralsViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

impl TwoGenerals {
    pub fn new(s: &GeneralsScenario) -> TwoGenerals {
        let settings = NetworkSettings { latency_ms: s.latency_ms, loss: s.loss, ..NetworkSettings::default() };
        // The same stream numbers as Raft's host: 1 for the network, 3 for the faults.
        let network = Network::new(settings, 2, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        kernel.schedule(0, Pending::Wake(Timer::Propose));
        let decide = ms_to_us(s.decide_at_ms);
        for general in 1..=2 {
            kernel.schedule(decide, Pending::Wake(Timer::Decide { general }));
        }
        TwoGenerals {
            kernel,
            scenario: s.clone(),
            generals: Default::default(),
            captured: BTreeSet::new(),
            violations: Vec::new(),
        }
    }

    /// Run every event (the decisions are the last the protocol schedules).
    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    pub fn violations(&self) -> &[GeneralsViolation] {
        &self.violations
    }

    fn general(&mut self, g: u32) -> Option<&mut General> {
        self.generals.get_mut((g as usize).checked_sub(1)?)
    }

    /// Send messenger `n` from its sender across the valley (captured for certain if the
    /// scenario loses it, else as the link decides).
    fn send(&mut self, n: u32) {
        if n > self.scenario.messages {
            return;
        }
        let from = sender_of(n);
        let to = 3 - from;
        if let Some(me) = self.general(from) {
            me.sent.insert(n);
        }
        let m = Messenger { number: n, attack_time: self.scenario.attack_time.clone() };
        let (a, b) = (Endpoint::Node(from), Endpoint::Node(to));
        if self.scenario.lose.contains(&n) {
            self.kernel.send_shaped(a, b, m, Probability::NEVER, Shaping::Drop);
        } else {
            self.kernel.send(a, b, m, Probability::NEVER);
        }
    }

    /// The decision rule: attack if the last messenger addressed to me has arrived.
    fn decide(&mut self, g: u32) {
        let k = self.scenario.messages;
        let Some(me) = self.general(g) else { return };
        if me.decision.is_none() {
            me.decision = Some(last_expected(g, k).is_none_or(|n| me.received.contains(&n)));
        }
    }

    fn fold_state(&mut self, g: u32) {
        let Some(me) = self.generals.get((g as usize).wrapping_sub(1)) else { return };
        let last = |s: &BTreeSet<u32>| s.last().copied().unwrap_or(0) as u64;
        let decided = me.decision.map_or(0, |a| 1 + a as u64);
        let (sent, received) = (last(&me.sent), last(&me.received));
        self.kernel.hash_mut().words().word(g as u64).word(sent).word(received).word(decided);
    }

    /// The run's outcome.
    pub fn report(&self) -> GeneralsReport {
        let s = &self.scenario;
        let generals = self
            .generals
            .iter()
            .enumerate()
            .map(|(i, me)| {
                let g = i as u32 + 1;
                let heard = me.received.last().copied().unwrap_or(0);
                GeneralReport {
                    general: general_name(g),
                    sent: me.sent.iter().copied().collect(),
                    received: me.received.iter().copied().collect(),
                    last_expected: last_expected(g, s.messages),
                    attacks: me.decision.unwrap_or(false),
                    unconfirmed: me.sent.iter().copied().rfind(|&n| n > heard),
                    late_messages: me.late,
                }
            })
            .collect();
        let sent = |n: u32| self.generals.get(sender_of(n) as usize - 1).is_some_and(|g| g.sent.contains(&n));
        let messengers = (1..=s.messages)
            .map(|n| MessengerReport {
                number: n,
                from: general_name(sender_of(n)),
                to: general_name(3 - sender_of(n)),
                fate: if self.captured.contains(&n) {
                    "captured"
                } else if sent(n) {
                    "arrived"
                } else {
                    "not sent"
                },
            })
            .collect();
        GeneralsReport {
            protocol: crate::scenario::protocol::TWO_GENERALS,
            scenario: s.name.clone(),
            seed: s.seed,
            attack_time: s.attack_time.clone(),
            messages: s.messages,
            loss: s.loss,
            lose: s.lose.clone(),
            generals,
            messengers,
            checked: vec![GeneralsProperty::Agreement],
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: self.kernel.now() as f64 / 1000.0,
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

/// Run a scenario to its end.
pub fn run(s: &GeneralsScenario) -> GeneralsReport {
    let mut sim = TwoGenerals::new(s);
    sim.run();
    sim.report()
}

impl Host for TwoGenerals {
    type Message = Messenger;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<Messenger, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<Messenger, Timer> {
        &mut self.kernel
    }

    /// Neither general ever crashes: only the valley loses messengers.
    fn reception(&self, node: u32) -> Option<Reception> {
        (1..=2).contains(&node).then_some(Reception::Up(Probability::NEVER))
    }

    /// Nobody is ever paused in this protocol.
    fn defer(&mut self, _node: u32, _event: Pending<Timer>) {}

    fn on_message(&mut self, m: Envelope, payload: Messenger) {
        let Endpoint::Node(to) = m.to else { return };
        let Some(me) = self.general(to) else { return };
        // After the decision a messenger changes nothing (the attack time has come).
        if me.decision.is_some() {
            me.late += 1;
        } else {
            me.received.insert(payload.number);
            self.send(payload.number + 1);
        }
        self.fold_state(to);
    }

    fn on_lost(&mut self, message: &InFlight<Messenger>, _cause: LossCause) {
        self.captured.insert(message.payload.number);
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        match timer {
            Timer::Propose => {
                self.kernel.begin_event(CODE_PROPOSE, 1, 1);
                self.send(1);
                self.fold_state(1);
            }
            Timer::Decide { general } => {
                self.kernel.begin_event(CODE_DECIDE, general as u64, 0);
                self.decide(general);
                self.fold_state(general);
            }
        }
        true
    }

    /// The check, after every counted event (as Raft's invariant checker observes).
    fn event_done(&mut self) {
        let [a1, a2] = [self.generals[0].decision, self.generals[1].decision];
        for (property, detail) in checks::check(a1, a2) {
            if !self.violations.iter().any(|v| v.property == property) {
                let at_ms = self.kernel.now() as f64 / 1000.0;
                self.violations.push(GeneralsViolation { property, detail, at_ms, event: self.kernel.events() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_sends_the_odd_messengers_and_each_rule_waits_for_the_last_addressed_to_it() {
        assert_eq!((sender_of(1), sender_of(2), sender_of(3)), (1, 2, 1));
        assert_eq!((last_expected(1, 1), last_expected(2, 1)), (None, Some(1)));
        assert_eq!((last_expected(1, 4), last_expected(2, 4)), (Some(4), Some(3)));
    }
}
