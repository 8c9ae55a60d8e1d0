//! The message inspector: every field of a message in flight, named as in Figure 2 of the
//! Raft paper, with buttons to drop it or deliver it twice.
use raft_sim::network::Endpoint;
use raft_sim::sim::{InFlight, Payload};
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetail {
    pub id: u64,
    pub title: String,
    pub fields: Vec<(&'static str, String)>,
    pub fate: String,
}

fn endpoint(e: Endpoint) -> String {
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
            (_, Some(_)) => "dropped by you: it will not arrive".to_string(),
            (Some(cause), _) => format!("will not arrive ({cause})"),
            (None, _) => format!("arrives in {:.2} ms", m.arrive_us.saturating_sub(now_us) as f64 / 1000.0),
        };
        MessageDetail {
            id: m.id,
            title: format!("{} #{} · {} → {}", m.payload.kind(), m.id, endpoint(m.from), endpoint(m.to)),
            fields,
            fate,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct MessageInspectorProps {
    pub id: u64,
    /// None once the message has arrived or died.
    pub detail: Option<MessageDetail>,
    pub on_drop: Callback<u64>,
    pub on_duplicate: Callback<u64>,
    pub on_close: Callback<()>,
}

#[function_component(MessageInspector)]
pub fn message_inspector(props: &MessageInspectorProps) -> Html {
    let id = props.id;
    let close = props.on_close.reform(|_: MouseEvent| ());
    let Some(d) = &props.detail else {
        return html! {
            <div class="inspector message-inspector" data-testid="message-inspector">
                <p>{ format!("Message #{id} is no longer in flight (it arrived or died).") }</p>
                <button class="secondary" onclick={close}>{ "Close" }</button>
            </div>
        };
    };
    html! {
        <div class="inspector message-inspector" data-testid="message-inspector">
            <h3>{ d.title.clone() }</h3>
            <dl>
                { for d.fields.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v.clone() }</dd></> }) }
            </dl>
            <p class="hint" data-testid="message-fate">{ d.fate.clone() }</p>
            <div class="actions">
                <button data-testid="drop-message" onclick={props.on_drop.reform(move |_: MouseEvent| id)}>{ "Drop it" }</button>
                <button data-testid="duplicate-message" onclick={props.on_duplicate.reform(move |_: MouseEvent| id)}>{ "Deliver it twice" }</button>
                <button class="secondary" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
