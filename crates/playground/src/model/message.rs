//! What the message inspector shows: every field of a message in flight, named as raft-core
//! describes it, and what will become of it. Plain data (no web types).
use crate::text::{t, tf};
use raft_sim::network::Endpoint;
use raft_sim::sim::{InFlight, Payload};

#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetail {
    pub id: u64,
    pub title: String,
    pub fields: Vec<(&'static str, String)>,
    pub fate: String,
    /// Waiting to be delivered by hand (manual delivery): the inspector offers Deliver.
    pub held: bool,
}

/// A message's end in words: a server, the operator's client, or a workload client.
pub fn endpoint(e: Endpoint) -> String {
    match e {
        Endpoint::Node(n) => format!("S{n}"),
        Endpoint::Client(0) => t("message.you").into(),
        Endpoint::Client(c) => tf("message.client", &[("client", &c.to_string())]),
    }
}

impl MessageDetail {
    pub fn of(m: &InFlight, now_us: u64) -> MessageDetail {
        let fields: Vec<(&'static str, String)> = match &m.payload {
            Payload::Raft(message) => message
                .fields()
                .iter()
                .map(|f| match f.note {
                    Some(note) => (f.name, format!("{} ({note})", f.value)),
                    None => (f.name, f.value.to_string()),
                })
                .collect(),
            Payload::Request { request, .. } => {
                vec![("seq", request.seq.to_string()), (t("message.command"), request.op.to_string())]
            }
            Payload::Reply { reply, .. } => vec![(t("message.reply"), reply.to_string())],
        };
        let fate = match (m.lost, m.dropped_us) {
            _ if m.held => t("message.held").to_string(),
            (_, Some(_)) => t("message.dropped").to_string(),
            (Some(cause), _) => tf("message.lost", &[("cause", &cause.to_string())]),
            (None, _) => {
                tf("message.arrives", &[("ms", &format!("{:.2}", m.arrive_us.saturating_sub(now_us) as f64 / 1000.0))])
            }
        };
        MessageDetail {
            id: m.id,
            title: format!("{} #{} · {} → {}", m.payload.kind(), m.id, endpoint(m.from), endpoint(m.to)),
            fields,
            fate,
            held: m.held,
        }
    }
}
