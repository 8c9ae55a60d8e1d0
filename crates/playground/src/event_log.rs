//! The event log: the run in plain sentences (model/events.rs), filterable by topic; each line
//! jumps to its moment. A polite live region repeats the latest line for screen readers.
pub use crate::model::events::EventLogData;
use crate::model::events::FILTERS;
use crate::text::{t, tf};
use raft_sim::narrate::Topic;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub data: EventLogData,
    pub on_filter: Callback<Option<Topic>>,
    pub on_seek_event: Callback<u64>,
    pub on_seek_time: Callback<u64>,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    crate::test_hook::rendered("event-log");
    let data = &props.data;
    html! {
        <section class="event-log" aria-label={t("event_log.label")} data-testid="event-log">
            <h3>{ t("event_log.title") }</h3>
            <p class="sr-only" aria-live="polite" data-testid="event-summary">{ data.latest.clone().unwrap_or_default() }</p>
            <div class="filters" role="group" aria-label={t("event_log.filters")}>
                { for FILTERS.iter().map(|&(label, topic)| {
                    let on = props.on_filter.reform(move |_: MouseEvent| topic);
                    html! {
                        <button class={classes!("secondary", (data.filter == topic).then_some("on"))} aria-pressed={(data.filter == topic).to_string()}
                                data-testid="event-filter" data-topic={topic.map_or("all", Topic::name)} onclick={on}>{ t(label) }</button>
                    }
                }) }
            </div>
            if data.lines.is_empty() {
                <p class="hint">{ t("event_log.empty") }</p>
            }
            <ol data-testid="event-lines">
                { for data.lines.iter().rev().map(|l| {
                    let onclick = match l.events {
                        Some(e) => props.on_seek_event.reform(move |_: MouseEvent| e),
                        None => { let t = l.time_us; props.on_seek_time.reform(move |_: MouseEvent| t) }
                    };
                    html! {
                        <li class={classes!(l.topic, l.ahead.then_some("ahead"))} data-testid="event-line" data-topic={l.topic}
                            data-events={l.events.map(|e| e.to_string())} data-time={l.time_us.to_string()}>
                            <button class="link" onclick={onclick} title={t("event_log.go")}>
                                <span class="when">{ format!("{:.1} ms", l.time_us as f64 / 1000.0) }</span>
                                { " " }{ l.text.clone() }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if data.hidden > 0 {
                <p class="hint">{ tf("event_log.hidden", &[("count", &data.hidden.to_string())]) }</p>
            }
        </section>
    }
}
