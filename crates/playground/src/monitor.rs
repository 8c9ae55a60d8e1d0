//! The invariant monitor: each safety property green or red, and what broke, in plain words:
//! each distinct violation once, from the event where it began (and, for a lasting condition
//! such as two leaders in one term, until when). Below, in a section of their own, the liveness
//! properties: holding, not yet judged, off, or failed at a moment with what was seen.
use crate::model::monitor::{span_text, LivenessRow};
use crate::model::sim_text::{property_name, property_statement, violation_text};
use crate::text::{t, tf};
use raft_sim::{Property, Violation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MonitorProps {
    /// The properties broken so far.
    pub broken: Vec<Property>,
    /// The first distinct violations, in the order they began; the first one is explained.
    pub violations: Vec<Violation>,
    /// How many distinct violations there are (listed or not).
    pub total: u64,
    /// The liveness properties and where each stands.
    pub liveness: Vec<LivenessRow>,
    /// Jump to an event (the one that broke the property).
    pub on_jump: Callback<u64>,
}

#[function_component(Monitor)]
pub fn monitor(props: &MonitorProps) -> Html {
    crate::test_hook::rendered("monitor");
    let jump = |event: u64| props.on_jump.reform(move |_: MouseEvent| event);
    html! {
        <div class="monitor" data-testid="monitor">
            <ul>
                { for Property::ALL.iter().map(|&p| {
                    let broken = props.broken.contains(&p);
                    html! {
                        <li class={classes!(if broken { "broken" } else { "holds" })} data-property={p.name()} data-broken={broken.to_string()}
                            title={property_statement(p)}>
                            { if broken { "✗ " } else { "✓ " } }{ property_name(p) }
                        </li>
                    }
                }) }
            </ul>
            if let Some(v) = props.violations.first() {
                <div class="explain" role="alert" data-testid="violation">
                    <strong>{ tf("monitor.broke", &[("property", property_name(v.property)), ("span", &span_text(v))]) }</strong>
                    <p>{ tf("monitor.statement", &[("statement", property_statement(v.property))]) }</p>
                    <p>{ tf("monitor.what-happened", &[("message", &violation_text(v))]) }</p>
                    <p class="hint">{ t("monitor.paused") }
                        <button class="secondary" data-testid="jump-violation" onclick={jump(v.event)}>
                            { t("monitor.show-event") }
                        </button>
                    </p>
                </div>
            }
            if props.violations.len() > 1 {
                <ol class="violations" data-testid="violation-list" data-total={props.total.to_string()}>
                    { for props.violations.iter().map(|v| html! {
                        <li data-property={v.property.name()} data-began={v.event.to_string()}>
                            <button class="link" onclick={jump(v.event)}>{ span_text(v) }</button>
                            { format!(" — {}: {}", property_name(v.property), violation_text(v)) }
                        </li>
                    }) }
                </ol>
                if props.total > props.violations.len() as u64 {
                    <p class="hint">{ tf("monitor.more", &[("count", &(props.total - props.violations.len() as u64).to_string())]) }</p>
                }
            }
            <section class="liveness" data-testid="liveness" aria-label={t("monitor.liveness")}>
                <h4>{ t("monitor.liveness") }</h4>
                <ul>
                    { for props.liveness.iter().map(|row| {
                        html! {
                            <li class={classes!(row.class)} data-property={row.property.name()} data-status={row.status}
                                title={row.statement}>
                                { row.mark }<strong>{ row.name }</strong>{ " — " }{ row.text.clone() }
                                if let Some(event) = row.event {
                                    { " " }
                                    <button class="link" data-testid="jump-liveness" onclick={jump(event)}>
                                        { t("monitor.show-event") }
                                    </button>
                                }
                            </li>
                        }
                    }) }
                </ul>
                <p class="hint">{ t("monitor.liveness-hint") }</p>
            </section>
        </div>
    }
}
