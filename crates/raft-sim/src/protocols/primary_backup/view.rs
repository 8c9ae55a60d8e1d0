//! Primary-backup on the stage, left to right: the client, the servers with their roles and
//! logs, and the arbitration server (CFG) with its flag f.
use super::checks::PbProperty;
use super::message::PbMessage;
use super::scenario::PbScenario;
use super::{PrimaryBackup, Role};
use crate::engine::network::Endpoint;
use crate::protocols::said::Said;
use crate::protocols::view::{Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::PRIMARY_BACKUP;

pub fn property_name(p: PbProperty) -> &'static str {
    match p {
        PbProperty::SinglePrimary => "SinglePrimary",
        PbProperty::NoAckedWriteLost => "NoAckedWriteLost",
    }
}

impl View for PrimaryBackup {
    type Scenario = PbScenario;
    const PROTOCOL: &'static str = PRIMARY_BACKUP;

    fn open(s: &PbScenario) -> Self {
        PrimaryBackup::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Row
    }

    fn nodes(&self) -> Vec<NodeView> {
        let writes = self.scenario.writes.len();
        let client = NodeView {
            at: Endpoint::Client(1),
            name: "client".to_string(),
            status: Status::Up,
            badge: None,
            tone: Tone::Plain,
            facts: vec![
                Fact::new("sends-to", format!("S{}", self.target)),
                Fact::new("acknowledged", format!("{}/{writes}", self.acked.len())),
            ],
        };
        let mut nodes = vec![client];
        for (i, s) in self.servers.iter().enumerate() {
            let id = i as u32 + 1;
            let (badge, tone) = match s.role {
                Role::Primary => ("primary", Tone::Lead),
                Role::Backup => ("backup", Tone::Plain),
                Role::SteppedDown => ("stepped-down", Tone::Warn),
            };
            let log: Vec<&str> = s.log.iter().map(|(_, v)| v.as_str()).collect();
            let mut facts = vec![Fact::new("log", if log.is_empty() { "–".to_string() } else { log.join(" ") })];
            if let Some(q) = s.suspects {
                facts.push(Fact::toned("suspects", format!("S{q}"), Tone::Warn));
            }
            if s.role == Role::Primary && !s.pending.is_empty() {
                facts.push(Fact::toned("awaiting-ack", s.pending.len().to_string(), Tone::Warn));
            }
            nodes.push(NodeView {
                at: Endpoint::Node(id),
                name: format!("S{id}"),
                status: if s.crashed { Status::Crashed } else { Status::Up },
                badge: Some(badge),
                tone: if s.crashed { Tone::Bad } else { tone },
                facts,
            });
        }
        if self.scenario.arbiter {
            nodes.push(NodeView {
                at: Endpoint::Node(self.scenario.cfg()),
                name: "CFG".to_string(),
                status: Status::Up,
                badge: Some("arbiter"),
                tone: Tone::Plain,
                facts: vec![Fact::toned(
                    "flag",
                    format!("f = {}", self.flag),
                    if self.flag == 1 { Tone::Warn } else { Tone::Plain },
                )],
            });
        }
        nodes
    }

    fn words(m: &PbMessage) -> (&'static str, String) {
        match m {
            PbMessage::Write { id, value } => ("Write", format!("#{id} {value}")),
            PbMessage::Ack { id } => ("Ack", format!("#{id}")),
            PbMessage::NotPrimary { id, hint } => {
                ("NotPrimary", hint.map_or(format!("#{id}"), |h| format!("#{id} → S{h}")))
            }
            PbMessage::Forward { id, value } => ("Forward", format!("#{id} {value}")),
            PbMessage::ForwardAck { id } => ("ForwardAck", format!("#{id}")),
            PbMessage::Heartbeat => ("Heartbeat", String::new()),
            PbMessage::HeartbeatAck => ("HeartbeatAck", String::new()),
            PbMessage::TestAndSet => ("TestAndSet", "f, 1".to_string()),
            // The writes it carries, by id, kept short: a whole state would cover the stage.
            PbMessage::NewPrimary { log } => {
                let label = match (log.first(), log.last()) {
                    (Some((a, _)), Some((b, _))) if log.len() > 1 => format!("#{a}…#{b}"),
                    (Some((a, _)), _) => format!("#{a}"),
                    _ => "–".to_string(),
                };
                ("NewPrimary", label)
            }
            PbMessage::TestAndSetReply { .. } => {
                ("TestAndSetReply", Self::said(m).map(|s| s.english()).unwrap_or_default())
            }
        }
    }

    fn said(m: &PbMessage) -> Option<Said> {
        match m {
            PbMessage::TestAndSetReply { won: true } => Some(Said::new("pb.test-and-set-won", [])),
            PbMessage::TestAndSetReply { won: false } => Some(Said::new("pb.test-and-set-lost", [])),
            _ => None,
        }
    }

    fn checks(&self) -> Vec<CheckView> {
        [PbProperty::SinglePrimary, PbProperty::NoAckedWriteLost]
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
        vec![Fact::new("arbiter", if self.scenario.arbiter { "CFG" } else { "–" })]
    }
}
