//! The message inspector: every field of a message in flight, named as in Figure 2 of the
//! Raft paper, with buttons to drop it or deliver it twice (and, when manual delivery holds
//! it, to deliver it now).
pub use crate::model::message::MessageDetail;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageInspectorProps {
    pub id: u64,
    /// None once the message has arrived or died.
    pub detail: Option<MessageDetail>,
    pub on_drop: Callback<u64>,
    pub on_duplicate: Callback<u64>,
    pub on_deliver: Callback<u64>,
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
                if d.held {
                    <button data-testid="deliver-message" onclick={props.on_deliver.reform(move |_: MouseEvent| id)}>{ "Deliver it now" }</button>
                }
                <button data-testid="drop-message" onclick={props.on_drop.reform(move |_: MouseEvent| id)}>{ "Drop it" }</button>
                <button data-testid="duplicate-message" onclick={props.on_duplicate.reform(move |_: MouseEvent| id)}>{ "Deliver it twice" }</button>
                <button class="secondary" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
