//! The time scrubber: the whole run so far as a slider, with markers for elections, new
//! leaders, crashes, operator actions and violations (see model/timeline.rs). Dragging
//! re-creates the state at that moment; clicking a marker jumps to its event. Each marker is a
//! 24 px target with a short visible mark (E, ★, ✕, ↻, ⌫, !) and its full label as name and
//! tooltip; `[` and `]` (and the toolbar's ◀ Back / Next ▶) jump between them.
pub use crate::model::timeline::MarkerView;
use crate::text::{t, tf};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub now_us: u64,
    /// The furthest point of the run (the right end).
    pub end_us: u64,
    pub markers: Vec<MarkerView>,
    pub on_seek_time: Callback<u64>,
    pub on_seek_event: Callback<u64>,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    crate::test_hook::rendered("timeline");
    let end = props.end_us.max(1);
    let on_input = props.on_seek_time.reform(|e: InputEvent| {
        e.target_dyn_into::<web_sys::HtmlInputElement>()
            .and_then(|i| crate::number::parse_f64(&i.value()))
            .unwrap_or(0.0) as u64
    });
    let percent = |t: u64| (t.min(end) as f64 / end as f64 * 100.0).clamp(0.0, 100.0);
    html! {
        <div class="timeline" data-testid="timeline">
            <div class="track">
                { for props.markers.iter().map(|m| {
                    let events = m.events;
                    let onclick = props.on_seek_event.reform(move |_: MouseEvent| events);
                    html! {
                        <button class={classes!("marker", m.kind)} style={format!("left: {:.2}%", percent(m.time_us))}
                                title={m.label.clone()} aria-label={m.label.clone()} data-testid="marker" data-kind={m.kind}
                                data-events={m.events.to_string()} onclick={onclick}><span aria-hidden="true">{ m.glyph }</span></button>
                    }
                }) }
            </div>
            <input type="range" data-testid="scrubber" aria-label={t("timeline.scrubber")} min="0" max={end.to_string()} step="1"
                   value={props.now_us.min(end).to_string()} oninput={on_input}
                   aria-valuetext={tf("timeline.position", &[("now", &format!("{:.1}", props.now_us as f64 / 1000.0)), ("end", &format!("{:.1}", end as f64 / 1000.0))])} />
        </div>
    }
}
