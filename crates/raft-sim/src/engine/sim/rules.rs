//! Message rules in the network path: the `message_rule` action installs a rule; every
//! message a server sends to a server while the rule is in force and matches it (kind, sender,
//! receiver) is dropped, delayed or duplicated by the kernel ([`Kernel::send_shaped`]), and the
//! trace says which rule did what to which message. The first rule in force that matches
//! decides (rules are kept in the order they were made). A run without rules never comes
//! here: `Simulation::send` tests one flag.
//!
//! [`Kernel::send_shaped`]: crate::engine::kernel::Kernel::send_shaped
use super::{Payload, Simulation};
use crate::engine::kernel::Shaping;
use crate::engine::network::Endpoint;
use crate::engine::observe::Wants;
use crate::engine::rng::Probability;
use crate::engine::trace::What;
use crate::scenario::format::{ms_to_us, MessageRule, RuleEffect};
use raft_core::{Micros, NodeId};

/// A rule in force.
#[derive(Clone, Debug)]
pub(super) struct ActiveRule {
    /// Rules are numbered from 1 in the order they were made.
    number: u64,
    shaping: Shaping,
    kind: Option<String>,
    from: Option<NodeId>,
    to: Option<NodeId>,
    /// The rule is in force until this time (exclusive); to the end without one.
    until: Option<Micros>,
}

impl ActiveRule {
    fn matches(&self, from: NodeId, to: NodeId, kind: &str) -> bool {
        self.from.is_none_or(|f| f == from)
            && self.to.is_none_or(|t| t == to)
            && self.kind.as_deref().is_none_or(|k| k == kind)
    }
}

impl Simulation {
    /// The `message_rule` action: the rule is in force from now.
    pub(super) fn add_rule(&mut self, rule: &MessageRule) {
        self.rules_made += 1;
        let now = self.kernel.now();
        let shaping = match rule.rule {
            RuleEffect::Drop => Shaping::Drop,
            RuleEffect::Delay => Shaping::Delay(ms_to_us(rule.delay_ms.unwrap_or(0.0)).max(1)),
            RuleEffect::Duplicate => Shaping::Duplicate,
        };
        let until = rule.for_ms.map(|ms| now + ms_to_us(ms).max(1));
        let number = self.rules_made;
        self.rules.push(ActiveRule { number, shaping, kind: rule.kind.clone(), from: rule.from, to: rule.to, until });
        self.watch_sends = true;
        self.log(|| What::Notice { text: format!("message rule {number} in force: {}", rule.describe()) });
    }

    /// Whether sends must be looked at: an observer wants to see them, a rule is in force, or
    /// a trigger waits for a message.
    pub(super) fn sends_watched(&self) -> bool {
        self.observers.want(Wants::MESSAGES)
            || !self.rules.is_empty()
            || self.triggers.as_ref().is_some_and(|t| t.watches_sends())
    }

    /// A send that something looks at (see `send`): the rules shape it, the observers see what
    /// it put in the network, the triggers hear of it.
    #[inline(never)]
    pub(super) fn send_watched(&mut self, from: Endpoint, to: Endpoint, payload: Payload, omission: Probability) {
        let ruled = !self.rules.is_empty() || self.triggers.is_some();
        let (Endpoint::Node(a), Endpoint::Node(b), Payload::Raft(message), true) = (from, to, &payload, ruled) else {
            self.kernel.send(from, to, payload, omission);
            if self.observers.want(Wants::MESSAGES) {
                self.observe_sent(None);
            }
            return;
        };
        let kind = message.kind();
        let now = self.kernel.now();
        if self.rules.iter().any(|r| r.until.is_some_and(|u| u <= now)) {
            self.rules.retain(|r| r.until.is_none_or(|u| now < u));
            self.watch_sends = self.sends_watched();
        }
        match self.rules.iter().find(|r| r.matches(a, b, kind)).map(|r| (r.number, r.shaping)) {
            None => self.kernel.send(from, to, payload, omission),
            Some((number, shaping)) => {
                let id = self.kernel.send_shaped(from, to, payload, omission, shaping);
                let verb = match shaping {
                    Shaping::Drop => "drops".to_string(),
                    Shaping::Delay(us) => format!("delays by {} ms", us as f64 / 1000.0),
                    Shaping::Duplicate => "duplicates".to_string(),
                };
                self.log(|| What::Notice { text: format!("message rule {number} {verb} S{a} -> S{b} {kind} #{id}") });
            }
        }
        if self.observers.want(Wants::MESSAGES) {
            self.observe_sent(None);
        }
        if self.triggers.is_some() {
            self.watch_send(a, b, kind);
        }
    }
}

impl Simulation {
    /// Whether a message rule (drop, delay) is in force now: the liveness checker counts no
    /// network as stable while one is.
    pub fn message_rules_in_force(&self) -> bool {
        let now = self.kernel.now();
        self.rules.iter().any(|r| r.until.is_none_or(|until| until > now))
    }
}
