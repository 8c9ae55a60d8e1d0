//! The invariant monitor: each safety property green or red, and what broke, in plain words.
use raft_sim::{Property, Violation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MonitorProps {
    pub violations: Vec<Violation>,
}

#[function_component(Monitor)]
pub fn monitor(props: &MonitorProps) -> Html {
    html! {
        <div class="monitor" data-testid="monitor">
            <ul>
                { for Property::ALL.iter().map(|&p| {
                    let broken = props.violations.iter().any(|v| v.property == p);
                    html! {
                        <li class={classes!(if broken { "broken" } else { "holds" })} data-property={p.name()} data-broken={broken.to_string()}
                            title={p.statement()}>
                            { if broken { "✗ " } else { "✓ " } }{ p.name() }
                        </li>
                    }
                }) }
            </ul>
            if let Some(v) = props.violations.first() {
                <div class="explain" role="alert" data-testid="violation">
                    <strong>{ format!("{} broke at {:.1} ms (event {}).", v.property.name(), v.time_us as f64 / 1000.0, v.event) }</strong>
                    <p>{ format!("The property: {}.", v.property.statement()) }</p>
                    <p>{ format!("What happened: {}.", v.message) }</p>
                    <p class="hint">{ "The run paused at the event that broke it." }</p>
                </div>
            }
        </div>
    }
}
