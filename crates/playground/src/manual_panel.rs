//! Manual delivery (as in DSLabs' visual debugger and Runway): a switch that makes every
//! message between servers wait in flight, and the list of waiting messages, each with
//! Deliver, Drop and Duplicate. Timers keep running; the order the student delivers in is the
//! order the servers hear, so any interleaving can be forced, and a share link replays it.
use crate::model::manual::ManualView;
use crate::text::{t, tf};
use raft_sim::scenario::Action as Operator;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ManualPanelProps {
    pub view: ManualView,
    pub on_act: Callback<Operator>,
}

#[function_component(ManualPanel)]
pub fn manual_panel(props: &ManualPanelProps) -> Html {
    crate::test_hook::rendered("manual");
    let on = props.view.on;
    let toggle = props.on_act.reform(move |_: Event| Operator::ManualDelivery { on: !on });
    let button = |label: &'static str, testid: &'static str, what: &str, action: Operator| {
        let act = props.on_act.clone();
        html! {
            <button class="secondary" data-testid={testid} aria-label={tf("manual_panel.button", &[("action", t(label)), ("message", what)])}
                    onclick={Callback::from(move |_: MouseEvent| act.emit(action.clone()))}>{ t(label) }</button>
        }
    };
    html! {
        <div class="manual" data-testid="manual-panel">
            <label class="switch">
                <input type="checkbox" role="switch" data-testid="manual-delivery" checked={on} onchange={toggle} />
                { t("manual_panel.switch") }
            </label>
            if on {
                <p class="hint">{ t("manual_panel.hint") }</p>
                if props.view.rows.is_empty() {
                    <p class="hint" data-testid="held-empty">{ t("manual_panel.empty") }</p>
                }
                <ol class="held" data-testid="held-list" aria-label={t("manual_panel.list")}>
                    { for props.view.rows.iter().map(|r| {
                        let id = r.id;
                        html! {
                            <li key={id} data-testid="held-message" data-id={id.to_string()}>
                                <span>{ r.text.clone() }</span>
                                { button("manual_panel.deliver", "deliver-held", &r.text, Operator::DeliverMessage { message: id }) }
                                { button("manual_panel.drop", "drop-held", &r.text, Operator::DropMessage { message: id }) }
                                { button("manual_panel.duplicate", "duplicate-held", &r.text, Operator::DuplicateMessage { message: id }) }
                            </li>
                        }
                    }) }
                </ol>
                if let Some(note) = &props.view.note {
                    <p class="error" role="status" data-testid="held-full">{ note.clone() }</p>
                }
            }
        </div>
    }
}
