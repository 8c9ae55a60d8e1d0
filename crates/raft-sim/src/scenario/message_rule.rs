//! Message rules: the `message_rule` action. From the moment it runs, for `for_ms` (or to the
//! end of the run), every message between servers that matches it (its `kind`, its sender
//! `from`, its receiver `to`; each left out matches any) is dropped, delayed by `delay_ms`, or
//! duplicated. The engine applies rules where a server's message enters the network
//! (engine/sim/rules.rs); the trace says which rule did what to which message.
use raft_core::NodeId;
use serde::{Deserialize, Serialize};

/// What a rule does to the messages it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleEffect {
    /// The message is lost on the way (reported as a loss: `MessageRule`).
    Drop,
    /// The message takes `delay_ms` longer (later messages on the link may overtake it).
    Delay,
    /// One more copy of the message arrives, after the original.
    Duplicate,
}

impl RuleEffect {
    pub fn name(self) -> &'static str {
        match self {
            RuleEffect::Drop => "drop",
            RuleEffect::Delay => "delay",
            RuleEffect::Duplicate => "duplicate",
        }
    }
}

/// The kinds of message between servers the formats name: a rule's or a trigger's `kind`, and
/// a tour step's highlighted messages.
pub const MESSAGE_KINDS: &[&str] = &[
    "RequestVote",
    "RequestVoteReply",
    "AppendEntries",
    "AppendEntriesReply",
    "PreVote",
    "PreVoteReply",
    "TimeoutNow",
    "InstallSnapshot",
    "InstallSnapshotReply",
];

/// The longest a rule may delay a message.
pub const MAX_RULE_DELAY_MS: f64 = 60_000.0;

/// A `message_rule` action's settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageRule {
    pub rule: RuleEffect,
    /// A message kind (one of [`MESSAGE_KINDS`]); any when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The sender; any when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NodeId>,
    /// The receiver; any when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NodeId>,
    /// For `delay` (required there, refused elsewhere): how much longer the message takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<f64>,
    /// How long the rule lasts from the moment the action runs; to the end of the run when
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_ms: Option<f64>,
}

impl MessageRule {
    /// "drop AppendEntries S1 → S2 for 200 ms", for traces.
    pub fn describe(&self) -> String {
        let end = |n: Option<NodeId>| n.map(|n| format!("S{n}"));
        let mut text = self.what(end(self.from), end(self.to));
        match self.for_ms {
            Some(ms) => text.push_str(&format!(" for {ms} ms")),
            None => text.push_str(" to the end of the run"),
        }
        text
    }

    /// What the rule does to which messages, with the sender and receiver named as given (a
    /// role's name, before it is resolved): "drop AppendEntries leader → any".
    pub fn what(&self, from: Option<String>, to: Option<String>) -> String {
        let mut text = self.rule.name().to_string();
        text.push(' ');
        text.push_str(self.kind.as_deref().unwrap_or("every message"));
        if from.is_some() || to.is_some() {
            let any = || "any".to_string();
            text.push_str(&format!(" {} → {}", from.unwrap_or_else(any), to.unwrap_or_else(any)));
        }
        if let (RuleEffect::Delay, Some(ms)) = (self.rule, self.delay_ms) {
            text.push_str(&format!(" by {ms} ms"));
        }
        text
    }
}

/// Whether a `message_rule` action fits the scenario; `f` names it in errors.
pub(crate) fn check(
    scenario: &crate::scenario::format::Scenario,
    f: &str,
    rule: &MessageRule,
) -> Result<(), crate::scenario::format::ScenarioError> {
    use crate::scenario::format::{check_ms, ScenarioError, MAX_DURATION_MS};
    if let Some(kind) = rule.kind.as_deref().filter(|k| !MESSAGE_KINDS.contains(k)) {
        return Err(ScenarioError::new(
            format!("{f}.kind"),
            format!("unknown message kind \"{kind}\"; expected one of: {}", MESSAGE_KINDS.join(", ")),
        ));
    }
    for (name, node) in [("from", rule.from), ("to", rule.to)] {
        if let Some(node) = node {
            scenario.check_node(&format!("{f}.{name}"), node)?;
        }
    }
    match (rule.rule, rule.delay_ms) {
        (RuleEffect::Delay, None) => {
            return Err(ScenarioError::new(format!("{f}.delay_ms"), "is missing: a delay rule says how long"))
        }
        (RuleEffect::Delay, Some(ms)) => check_ms(&format!("{f}.delay_ms"), ms, 0.001, MAX_RULE_DELAY_MS)?,
        (other, Some(_)) => {
            return Err(ScenarioError::new(
                format!("{f}.delay_ms"),
                format!("only a delay rule has a delay; this rule is \"{}\"", other.name()),
            ))
        }
        (_, None) => {}
    }
    if let Some(ms) = rule.for_ms {
        check_ms(&format!("{f}.for_ms"), ms, 0.001, MAX_DURATION_MS)?;
    }
    Ok(())
}

/// "message rule: drop AppendEntries leader → a follower until 1400 ms", for the settings line
/// (settings.rs): the rule a timeline action taken at `taken_ms` holds at `at_ms`, if it is a
/// rule and still in force then.
pub fn in_force(action: &crate::scenario::format::Action, taken_ms: f64, at_ms: f64) -> Option<String> {
    use crate::scenario::format::Action;
    use crate::scenario::target::Slot;
    let (rule, roles) = match action {
        Action::MessageRule(rule) => (rule, &[][..]),
        Action::Targeted(t) => match &t.action {
            Action::MessageRule(rule) => (rule, &t.roles[..]),
            _ => return None,
        },
        _ => return None,
    };
    if rule.for_ms.is_some_and(|ms| taken_ms + ms <= at_ms) {
        return None;
    }
    let name = |slot: Slot, id: Option<NodeId>| {
        let role = roles.iter().find(|(s, _)| *s == slot).map(|(_, r)| r.name().to_string());
        role.or_else(|| id.map(|n| format!("S{n}")))
    };
    let what = rule.what(name(Slot::From, rule.from), name(Slot::To, rule.to));
    Some(match rule.for_ms {
        Some(ms) => format!("message rule: {what} until {} ms", taken_ms + ms),
        None => format!("message rule: {what}"),
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::format::Scenario;
    use crate::scenario::settings::line_at;

    #[test]
    fn the_settings_line_names_the_rules_in_force_as_written() {
        let s = Scenario::from_json(
            r#"{"name": "r", "nodes": 3, "timeline": [
                {"at_ms": 100, "action": "message_rule", "rule": "drop", "kind": "AppendEntries",
                 "from": "leader", "to": 2, "for_ms": 300},
                {"at_ms": 200, "action": "message_rule", "rule": "delay", "delay_ms": 40}
            ]}"#,
        )
        .expect("valid");
        assert_eq!(line_at(&s, 50.0), "");
        assert_eq!(line_at(&s, 150.0), "message rule: drop AppendEntries leader → S2 until 400 ms");
        assert_eq!(
            line_at(&s, 250.0),
            "message rule: drop AppendEntries leader → S2 until 400 ms; message rule: delay every message by 40 ms"
        );
        assert_eq!(line_at(&s, 400.0), "message rule: delay every message by 40 ms");
    }
}
