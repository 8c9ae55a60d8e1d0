//! The message inspector: every field of a message in flight, named as in Figure 2 of the
//! Raft paper, with buttons to drop it or deliver it twice (and, when manual delivery holds
//! it, to deliver it now).
pub use crate::model::message::MessageDetail;
use crate::text::{t, tf};
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
                <p>{ tf("message_view.gone", &[("id", &id.to_string())]) }</p>
                <button class="secondary" onclick={close}>{ t("toolbar.close") }</button>
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
                    <button data-testid="deliver-message" onclick={props.on_deliver.reform(move |_: MouseEvent| id)}>{ t("message_view.deliver") }</button>
                }
                <button data-testid="drop-message" onclick={props.on_drop.reform(move |_: MouseEvent| id)}>{ t("message_view.drop") }</button>
                <button data-testid="duplicate-message" onclick={props.on_duplicate.reform(move |_: MouseEvent| id)}>{ t("message_view.duplicate") }</button>
                <button class="secondary" onclick={close}>{ t("toolbar.close") }</button>
            </div>
        </div>
    }
}
