//! The invariant monitor: each safety property green or red, and what broke, in plain words.
use raft_sim::{Property, Violation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MonitorProps {
    /// The properties broken so far.
    pub broken: Vec<Property>,
    /// The first violation, explained.
    pub first: Option<Violation>,
    /// Jump to an event (the one that broke the property).
    pub on_jump: Callback<u64>,
}

#[function_component(Monitor)]
pub fn monitor(props: &MonitorProps) -> Html {
    html! {
        <div class="monitor" data-testid="monitor">
            <ul>
                { for Property::ALL.iter().map(|&p| {
                    let broken = props.broken.contains(&p);
                    html! {
                        <li class={classes!(if broken { "broken" } else { "holds" })} data-property={p.name()} data-broken={broken.to_string()}
                            title={p.statement()}>
                            { if broken { "✗ " } else { "✓ " } }{ p.name() }
                        </li>
                    }
                }) }
            </ul>
            if let Some(v) = &props.first {
                <div class="explain" role="alert" data-testid="violation">
                    <strong>{ format!("{} broke at {:.1} ms (event {}).", v.property.name(), v.time_us as f64 / 1000.0, v.event) }</strong>
                    <p>{ format!("The property: {}.", v.property.statement()) }</p>
                    <p>{ format!("What happened: {}.", v.message) }</p>
                    <p class="hint">{ "The run paused at the event that broke it. " }
                        <button class="secondary" data-testid="jump-violation" onclick={props.on_jump.reform({ let e = v.event; move |_: MouseEvent| e })}>
                            { "Show that event" }
                        </button>
                    </p>
                </div>
            }
        </div>
    }
}
