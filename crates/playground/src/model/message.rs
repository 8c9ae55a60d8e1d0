//! What the message inspector shows: every field of a message in flight, named as raft-core
//! describes it, and what will become of it. Plain data (no web types).
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
        Endpoint::Client(0) => "you (client)".into(),
        Endpoint::Client(c) => format!("client {c}"),
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
                vec![("seq", request.seq.to_string()), ("command", request.op.to_string())]
            }
            Payload::Reply { reply, .. } => vec![("reply", reply.to_string())],
        };
        let fate = match (m.lost, m.dropped_us) {
            _ if m.held => "waiting for you to deliver, drop or duplicate it (manual delivery)".to_string(),
            (_, Some(_)) => "dropped by you: it will not arrive".to_string(),
            (Some(cause), _) => format!("will not arrive ({cause})"),
            (None, _) => format!("arrives in {:.2} ms", m.arrive_us.saturating_sub(now_us) as f64 / 1000.0),
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
