//! Manual delivery (as in DSLabs' visual debugger and Runway): a switch that makes every
//! message between servers wait in flight, and the list of waiting messages, each with
//! Deliver, Drop and Duplicate. Timers keep running; the order the student delivers in is the
//! order the servers hear, so any interleaving can be forced, and a share link replays it.
use crate::model::manual::ManualView;
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
            <button class="secondary" data-testid={testid} aria-label={format!("{label} {what}")}
                    onclick={Callback::from(move |_: MouseEvent| act.emit(action.clone()))}>{ label }</button>
        }
    };
    html! {
        <div class="manual" data-testid="manual-panel">
            <label class="switch">
                <input type="checkbox" role="switch" data-testid="manual-delivery" checked={on} onchange={toggle} />
                { " Deliver messages by hand" }
            </label>
            if on {
                <p class="hint">{ "Messages between servers wait until you deliver, drop or duplicate them; timers keep running. Turning this off sends them on." }</p>
                if props.view.rows.is_empty() {
                    <p class="hint" data-testid="held-empty">{ "No message is waiting." }</p>
                }
                <ol class="held" data-testid="held-list" aria-label="Messages waiting to be delivered, oldest first">
                    { for props.view.rows.iter().map(|r| {
                        let id = r.id;
                        html! {
                            <li key={id} data-testid="held-message" data-id={id.to_string()}>
                                <span>{ r.text.clone() }</span>
                                { button("Deliver", "deliver-held", &r.text, Operator::DeliverMessage { message: id }) }
                                { button("Drop", "drop-held", &r.text, Operator::DropMessage { message: id }) }
                                { button("Duplicate", "duplicate-held", &r.text, Operator::DuplicateMessage { message: id }) }
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
