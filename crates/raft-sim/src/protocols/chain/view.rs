//! Chain replication on the stage, left to right: the client, the servers in chain order (S1,
//! the head, first) with their role, history, queue and unacknowledged writes, and the
//! configuration service (CFG) with the chain it holds. The primary-backup layout shows the
//! primary and its backups the same way.
use super::checks::{ChainProperty, ALL};
use super::message::ChainMessage;
use super::scenario::{ChainScenario, Layout as ChainLayout};
use super::Chain;
use crate::engine::network::Endpoint;
use crate::protocols::said::Said;
use crate::protocols::view::{Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::CHAIN_REPLICATION;

/// How many of a history's last writes a node shows (the count says how many there are).
const SHOWN: usize = 6;

pub fn property_name(p: ChainProperty) -> &'static str {
    match p {
        ChainProperty::UpdatePropagation => "UpdatePropagation",
        ChainProperty::NoAckedWriteLost => "NoAckedWriteLost",
        ChainProperty::ReadsSeeAckedWrites => "ReadsSeeAckedWrites",
    }
}

/// The badge id of a role as [`Chain::role`] words it.
fn badge(role: &'static str) -> &'static str {
    match role {
        "head and tail" => "head-and-tail",
        other => other,
    }
}

impl View for Chain {
    type Scenario = ChainScenario;
    const PROTOCOL: &'static str = CHAIN_REPLICATION;

    fn open(s: &ChainScenario) -> Self {
        Chain::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Row
    }

    fn nodes(&self) -> Vec<NodeView> {
        let answered = self.requests.iter().filter(|r| r.answer.is_some()).count();
        let sent = self.requests.iter().filter(|r| r.first_us.is_some()).count();
        let client = NodeView {
            at: Endpoint::Client(1),
            name: "client".to_string(),
            status: Status::Up,
            badge: None,
            tone: Tone::Plain,
            facts: vec![
                Fact::new("writes-to", format!("S{}", self.head)),
                Fact::new("reads-to", format!("S{}", self.tail)),
                Fact::new("answered", format!("{answered}/{sent}")),
            ],
        };
        let mut nodes = vec![client];
        for (i, s) in self.servers.iter().enumerate() {
            let id = i as u32 + 1;
            let role = self.role(id);
            let tone = match role {
                _ if s.crashed => Tone::Bad,
                "head" | "head and tail" | "primary" => Tone::Lead,
                "out" => Tone::Warn,
                _ => Tone::Plain,
            };
            let n = s.history.len();
            let last: Vec<&str> = s.history[n.saturating_sub(SHOWN)..].iter().map(|(_, v)| v.as_str()).collect();
            let history = match n {
                0 => "–".to_string(),
                _ if n > SHOWN => format!("({n}) … {}", last.join(" ")),
                _ => last.join(" "),
            };
            let mut facts = vec![Fact::new("history", history)];
            let queued = s.queue.len() + usize::from(s.current.is_some());
            if queued > 0 {
                facts.push(Fact::new("queue", queued.to_string()));
            }
            if !s.sent.is_empty() {
                facts.push(Fact::toned("unacknowledged", s.sent.len().to_string(), Tone::Warn));
            }
            if !s.waiting.is_empty() {
                facts.push(Fact::toned("awaiting-ack", s.waiting.len().to_string(), Tone::Warn));
            }
            if s.resent > 0 {
                facts.push(Fact::new("resent", s.resent.to_string()));
            }
            nodes.push(NodeView {
                at: Endpoint::Node(id),
                name: format!("S{id}"),
                status: if s.crashed { Status::Crashed } else { Status::Up },
                badge: Some(badge(role)),
                tone,
                facts,
            });
        }
        if self.scenario.layout == ChainLayout::Chain {
            let chain: Vec<String> = self.chain.iter().map(|s| format!("S{s}")).collect();
            nodes.push(NodeView {
                at: Endpoint::Node(self.cfg),
                name: "CFG".to_string(),
                status: Status::Up,
                badge: Some("configuration"),
                tone: Tone::Plain,
                facts: vec![Fact::new("chain", if chain.is_empty() { "–".to_string() } else { chain.join(" → ") })],
            });
        }
        nodes
    }

    fn words(m: &ChainMessage) -> (&'static str, String) {
        match m {
            ChainMessage::Write { id, value } => ("Write", format!("#{id} {value}")),
            ChainMessage::Read { id } => ("Read", format!("#{id}")),
            ChainMessage::Reply { id } => ("Reply", format!("#{id}")),
            ChainMessage::ReadReply { .. } => ("ReadReply", Self::said(m).map(|s| s.english()).unwrap_or_default()),
            ChainMessage::Forward { seq, value, .. } => ("Forward", format!("{seq}: {value}")),
            ChainMessage::Ack { seq } => ("Ack", format!("≤ {seq}")),
            ChainMessage::Neighbours { pred, succ } => {
                let name = |s: &u32| if *s == 0 { "–".to_string() } else { format!("S{s}") };
                ("Neighbours", format!("{} ← · → {}", name(pred), name(succ)))
            }
            ChainMessage::Config { head, tail } => ("Config", format!("S{head} … S{tail}")),
        }
    }

    fn said(m: &ChainMessage) -> Option<Said> {
        match m {
            ChainMessage::ReadReply { id, len } => {
                Some(Said::new("chain.read-reply", [("id", id.to_string()), ("len", len.to_string())]))
            }
            _ => None,
        }
    }

    fn checks(&self) -> Vec<CheckView> {
        ALL.into_iter()
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
        let layout = match self.scenario.layout {
            ChainLayout::Chain if self.scenario.early_ack => "chain.layout-early-ack",
            ChainLayout::Chain => "chain.layout-chain",
            ChainLayout::PrimaryBackup => "chain.layout-primary-backup",
        };
        vec![Fact::said("layout", Said::new(layout, []), Tone::Plain)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::protocol_run;

    #[test]
    fn the_middle_crash_on_the_stage_the_cfg_drops_s2_and_s1_resends() {
        let mut run = protocol_run::open_builtin("chain-middle-crash").expect("a built-in");
        // Just after the crash, before the CFG notices: S2 is down, S1 holds unacknowledged writes.
        run.seek_time(250_000);
        let p = run.picture();
        let names: Vec<&str> = p.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["client", "S1", "S2", "S3", "CFG"]);
        assert_eq!(p.nodes[2].status, Status::Crashed);
        assert!(p.nodes[1].facts.iter().any(|f| f.label == "unacknowledged"), "{:?}", p.nodes[1].facts);
        assert!(p.nodes[4].facts.iter().any(|f| f.value == "S1 → S2 → S3"));
        // At the end: the chain is S1 → S3, S1 resent three writes, every check holds.
        run.seek_event(run.total_events());
        let p = run.picture();
        assert!(p.nodes[4].facts.iter().any(|f| f.value == "S1 → S3"), "{:?}", p.nodes[4].facts);
        assert_eq!(p.nodes[2].badge, Some("out"));
        assert_eq!((p.nodes[1].badge, p.nodes[3].badge), (Some("head"), Some("tail")));
        assert!(p.nodes[1].facts.iter().any(|f| f.label == "resent" && f.value == "3"));
        assert!(p.nodes[3].facts.iter().any(|f| f.label == "history" && f.value == "x=1 y=2 z=3 x=4 y=5"));
        assert_eq!(p.checks.len(), 3);
        assert!(p.checks.iter().all(|c| c.broken.is_none()), "{:?}", p.checks);
        // The diagram saw S1's resends to S3 after the CFG's message.
        let resends = run
            .spacetime()
            .events()
            .iter()
            .filter(|e| e.node == 2 && e.time_us > 340_000 && e.time_us < 400_000)
            .filter(|e| matches!(e.what, crate::playback::spacetime::Happening::Send { to: 4, kind: "Forward", .. }))
            .count();
        assert_eq!(resends, 3, "S1 (lane 2) resends three Forwards to S3 (lane 4)");
    }

    #[test]
    fn the_early_ack_on_the_stage_shows_both_broken_checks_at_their_events() {
        let mut run = protocol_run::open_builtin("chain-early-ack").expect("a built-in");
        run.seek_event(run.total_events());
        let p = run.picture();
        let broken: Vec<&str> = p.checks.iter().filter(|c| c.broken.is_some()).map(|c| c.property).collect();
        assert_eq!(broken, ["NoAckedWriteLost", "ReadsSeeAckedWrites"]);
        assert!(p.facts.iter().any(|f| f.value == "chain, early ack"));
        let stale = p.checks[2].broken.clone().expect("broken");
        run.seek_event(stale.event - 1);
        assert!(run.picture().checks[2].broken.is_none(), "not broken before its event");
        // A message in flight is worded: the head's early Reply is on its way at 115 ms.
        run.seek_time(115_000);
        let p = run.picture();
        assert!(p.messages.iter().any(|m| m.kind == "Reply" && m.label == "#1"), "{:?}", p.messages);
    }
}
