//! The space-time diagram: a lane per server, time running right, an arrow per message from
//! its send to its receipt (a lost one ends in ✕), marks for timeouts, elections, commits,
//! crashes and restarts, and on request each event's Lamport timestamp and vector clock.
//! It shows the window the store chose (model/diagram.rs): clicking the background jumps the
//! run there, clicking an arrow inspects that message in flight, clicking an event shows what
//! happened before it, after it, and concurrently. Zoom and pan by the buttons, the wheel, a
//! drag, or the keyboard (+ − ← → End) with the diagram focused.
use crate::model::diagram::{Arrow, Chunk, DiagramAction, DiagramView, Dot, Fate, LANE, LEFT};
use crate::text::{t, tf};
use raft_sim::spacetime::MAX_EVENTS;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    /// None while the diagram is closed.
    pub view: Option<DiagramView>,
    pub on_action: Callback<DiagramAction>,
    pub on_seek_time: Callback<u64>,
    /// (message, the event count right after its send)
    pub on_inspect: Callback<(u64, u64)>,
}

/// A pointer press on the drawing: where it started (client x), and whether it moved enough
/// to be a drag rather than a click.
#[derive(Clone, Copy, Default)]
struct Press {
    start_x: Option<f64>,
    dragged: bool,
}

/// The press, shared by the drawing and its arrows and events (equal only to itself, so
/// handing it down does not make them draw again).
#[derive(Clone, Default)]
pub struct Pressed(Rc<Cell<Press>>);

impl PartialEq for Pressed {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Pressed {
    fn get(&self) -> Press {
        self.0.get()
    }
    fn set(&self, p: Press) {
        self.0.set(p)
    }
    /// Whether the press just ended was a click (not the end of a drag); forgets it.
    fn clicked(&self) -> bool {
        let p = self.get();
        self.set(Press::default());
        !p.dragged
    }
}

/// The fraction (0..1) of the drawing's width at client x, and the drawing's width in pixels.
fn across(svg: &NodeRef, client_x: f64) -> Option<(f64, f64)> {
    let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (((client_x - rect.left()) / rect.width()).clamp(0.0, 1.0), rect.width()))
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// The zoom and pan buttons: test id, text, the id of what it does in words, the action.
const CONTROLS: [(&str, &str, &str, DiagramAction); 4] = [
    ("diagram-zoom-out", "−", "diagram.zoom-out", DiagramAction::Zoom { factor: 2.0, anchor: 1.0 }),
    ("diagram-zoom-in", "+", "diagram.zoom-in", DiagramAction::Zoom { factor: 0.5, anchor: 1.0 }),
    ("diagram-back", "◀", "diagram.earlier", DiagramAction::Pan(-0.5)),
    ("diagram-forward", "▶", "diagram.later", DiagramAction::Pan(0.5)),
];

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    crate::test_hook::rendered("diagram");
    let svg = use_node_ref();
    // Drawn in CSS pixels: measure the drawing when it opens (reading its width after every
    // render would force the browser to lay the page out again each frame).
    {
        let (svg, on, width) = (svg.clone(), props.on_action.clone(), props.view.as_ref().map(|v| v.width));
        use_effect_with(width.is_some(), move |_| {
            if let (Some(el), Some(width)) = (svg.cast::<web_sys::Element>(), width) {
                let measured = el.client_width() as f64;
                if measured > 0.0 && (measured - width).abs() > 1.0 {
                    on.emit(DiagramAction::Resize(measured));
                }
            }
        });
    }
    // ...and when the window is resized while the run stands still (nothing renders then).
    {
        let (svg, on) = (svg.clone(), props.on_action.clone());
        use_effect_with((), move |_| {
            use wasm_bindgen::JsCast;
            let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if let Some(el) = svg.cast::<web_sys::Element>() {
                    if el.client_width() > 0 {
                        on.emit(DiagramAction::Resize(el.client_width() as f64));
                    }
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    let press = (*use_memo((), |_| Pressed::default())).clone();
    let act = |a: DiagramAction| props.on_action.reform(move |_: MouseEvent| a.clone());
    let open = props.view.is_some();
    let bar = html! {
        <div class="diagram-bar">
            <button class="secondary" data-testid="diagram-toggle" aria-expanded={open.to_string()}
                    onclick={act(DiagramAction::Toggle)}>
                { if open { "▾ " } else { "▸ " } }{ t("diagram.title") }
            </button>
            if let Some(v) = &props.view {
                <span class="diagram-controls" role="group" aria-label={t("diagram.controls")}>
                    { for CONTROLS.iter().map(|(id, text, label, action)| html! {
                        <button class="secondary" data-testid={*id} aria-label={t(label)} title={t(label)}
                                onclick={act(action.clone())}>{ *text }</button>
                    }) }
                    <button class="secondary" data-testid="diagram-follow" disabled={v.following}
                            title={t("diagram.follow-help")} onclick={act(DiagramAction::Follow)}>{ t("diagram.follow") }</button>
                    <button class={classes!("secondary", v.clocks.then_some("on"))} data-testid="diagram-clocks"
                            aria-pressed={v.clocks.to_string()} onclick={act(DiagramAction::ToggleClocks)}>
                        { t("diagram.clocks") }
                    </button>
                </span>
                <span class="diagram-window" data-testid="diagram-window">
                    { format!("{:.1} – {:.1} ms", v.start_us as f64 / 1000.0, v.end_us as f64 / 1000.0) }
                </span>
            }
        </div>
    };
    let Some(v) = &props.view else {
        return html! { <section class="diagram closed" data-testid="diagram">{ bar }</section> };
    };

    let onkeydown = {
        let on = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            let action = match e.key().as_str() {
                "+" | "=" => DiagramAction::Zoom { factor: 0.5, anchor: 1.0 },
                "-" | "_" => DiagramAction::Zoom { factor: 2.0, anchor: 1.0 },
                "ArrowLeft" => DiagramAction::Pan(-0.25),
                "ArrowRight" => DiagramAction::Pan(0.25),
                "End" => DiagramAction::Follow,
                "Escape" => DiagramAction::Select(None),
                _ => return,
            };
            // The page's own keys (step, speed) stay out of it while the diagram has focus.
            e.prevent_default();
            e.stop_propagation();
            on.emit(action);
        })
    };
    let width = v.width;
    let onwheel = {
        let (on, svg) = (props.on_action.clone(), svg.clone());
        Callback::from(move |e: WheelEvent| {
            let Some((at, _)) = across(&svg, e.client_x() as f64) else { return };
            e.prevent_default();
            if e.shift_key() || e.delta_x().abs() > e.delta_y().abs() {
                let d = if e.delta_x().abs() > e.delta_y().abs() { e.delta_x() } else { e.delta_y() };
                on.emit(DiagramAction::Pan(d.signum() * 0.1));
            } else if e.delta_y() != 0.0 {
                let factor = if e.delta_y() > 0.0 { 1.25 } else { 0.8 };
                let anchor = ((at * width - LEFT) / (width - LEFT)).clamp(0.0, 1.0);
                on.emit(DiagramAction::Zoom { factor, anchor });
            }
        })
    };
    let onpointerdown = {
        let press = press.clone();
        Callback::from(move |e: PointerEvent| press.set(Press { start_x: Some(e.client_x() as f64), dragged: false }))
    };
    let onpointermove = {
        let press = press.clone();
        Callback::from(move |e: PointerEvent| {
            let p = press.get();
            if let Some(start) = p.start_x {
                if (e.client_x() as f64 - start).abs() > 4.0 && !p.dragged {
                    press.set(Press { dragged: true, ..p });
                }
            }
        })
    };
    let onpointerup = {
        let (press, on, svg) = (press.clone(), props.on_action.clone(), svg.clone());
        Callback::from(move |e: PointerEvent| {
            let p = press.get();
            press.set(Press { start_x: None, dragged: p.dragged });
            let (Some(start), true) = (p.start_x, p.dragged) else { return };
            let Some((_, pixels)) = across(&svg, e.client_x() as f64) else { return };
            // Dragging right shows earlier times, as when pulling a sheet of paper.
            let fraction = -(e.client_x() as f64 - start) / (pixels * (width - LEFT) / width);
            on.emit(DiagramAction::Pan(fraction));
        })
    };
    let on_background = {
        let (seek, svg, press) = (props.on_seek_time.clone(), svg.clone(), press.clone());
        let view = v.clone();
        Callback::from(move |e: MouseEvent| {
            // A click that ends a drag is not a click.
            if !press.clicked() {
                return;
            }
            if let Some((at, _)) = across(&svg, e.client_x() as f64) {
                seek.emit(view.time_at(at));
            }
        })
    };

    let height = v.height;
    let bottom = height - 6.0;
    // Wide enough for every x the model gives (its origin moves on every eight windows).
    let sheet = (width - LEFT) * 10.0;
    html! {
        <section class="diagram" data-testid="diagram" aria-label={t("diagram.title")}>
            { bar }
            <div class="diagram-scroll">
                <div class="diagram-frame" data-testid="diagram-svg" tabindex="0" role="group"
                     aria-label={t("diagram.frame-label")}
                     {onkeydown} {onwheel} {onpointerdown} {onpointermove} {onpointerup}>
                <svg ref={svg} class="diagram-svg" viewBox={format!("0 0 {} {}", f(width), f(height))}>
                    <defs>
                        <marker id="dg-head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="dg-head" />
                        </marker>
                    </defs>
                    <rect class="dg-bg" data-testid="diagram-bg" x="0" y="0" width={f(width)} height={f(height)}
                          onclick={on_background} />
                    if let Some(bx) = v.blank_before_x {
                        <rect class="dg-blank" data-testid="diagram-blank" x={f(LEFT)} y="0" width={f((bx - LEFT).max(0.0))} height={f(bottom - 12.0)} />
                    }
                    { for v.ticks.iter().map(|(x, label)| html! {
                        <g class="dg-tick">
                            <line x1={f(*x)} x2={f(*x)} y1="8" y2={f(bottom - 12.0)} />
                            <text x={f(*x)} y={f(bottom)}>{ label.clone() }</text>
                        </g>
                    }) }
                    { for (1..=v.lanes).map(|n| {
                        let y = crate::model::diagram::TOP + (n - 1) as f64 * LANE;
                        html! {
                            <g class="dg-lane">
                                <line x1={f(LEFT)} x2={f(width)} y1={f(y)} y2={f(y)} />
                                <text x="4" y={f(y + 4.0)}>{ crate::model::diagram::lane_name(&v.names, n) }</text>
                            </g>
                        }
                    }) }
                    if let Some(x) = v.now_x {
                        <line class="dg-now" x1={f(x)} x2={f(x)} y1="4" y2={f(bottom - 12.0)} />
                    }
                </svg>
                // What happened, on a sheet that slides under the window: moving it is a CSS
                // transform the browser does without drawing the sheet again.
                <div class="dg-sheet-window" style={format!("left: {}px", f(LEFT - 8.0))}>
                    <svg class={classes!("dg-sheet", v.clocks.then_some("with-clocks"))}
                         width={f(sheet)} height={f(height)} viewBox={format!("0 0 {} {}", f(sheet), f(height))}
                         style={format!("transform: translateX({}px)", f(v.shift - LEFT + 8.0))}>
                        { for slots(&v.chunks).into_iter().map(|chunk| html! {
                            <ChunkView {chunk} names={v.names.clone()} on_inspect={props.on_inspect.clone()}
                                       on_action={props.on_action.clone()} press={press.clone()} />
                        }) }
                        <g class="dg-flying">
                            { for v.flying.iter().map(|a| arrow(a, &v.names, &props.on_inspect, &press)) }
                        </g>
                    </svg>
                </div>
                </div>
            </div>
            { notes(v) }
        </section>
    }
}

/// Stretches kept apart in slots by their number, so each one stays at the same place in the
/// list from frame to frame and Yew reuses its component (a keyed list was measured to mount
/// many of them again each frame). More slots than a window has stretches (16, one partly
/// clipped, and up to 8 of receipts after a panned window).
const SLOTS: usize = 32;

fn slots(chunks: &[Chunk]) -> Vec<Option<Chunk>> {
    let mut slots = vec![None; SLOTS];
    for c in chunks {
        slots[(c.key % SLOTS as u64) as usize] = Some(c.clone());
    }
    slots
}

#[derive(Properties, PartialEq)]
struct ChunkProps {
    chunk: Option<Chunk>,
    names: Rc<Vec<String>>,
    on_inspect: Callback<(u64, u64)>,
    on_action: Callback<DiagramAction>,
    press: Pressed,
}

/// One stretch of time: its own component, so a stretch already drawn is not drawn again as
/// time moves (its props stay equal).
#[function_component(ChunkView)]
fn chunk_view(props: &ChunkProps) -> Html {
    crate::test_hook::rendered("diagram-chunk");
    let Some(c) = &props.chunk else { return html! {} };
    html! {
        <g class="dg-chunk">
            { for c.arrows.iter().map(|a| arrow(a, &props.names, &props.on_inspect, &props.press)) }
            { for c.dots.iter().map(|d| dot(d, &props.names, &props.on_action, &props.press)) }
        </g>
    }
}

fn arrow(a: &Arrow, names: &[String], on_inspect: &Callback<(u64, u64)>, press: &Pressed) -> Html {
    let (message, sent) = (a.message, a.sent_events);
    let onclick = {
        let (on, press) = (on_inspect.clone(), press.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if press.clicked() {
                on.emit((message, sent));
            }
        })
    };
    let fate = a.fate_name();
    html! {
        <g class={classes!("dg-arrow", fate, a.relation.class(), format!("k-{}", a.kind))} data-testid="diagram-arrow"
           data-message={message.to_string()} data-fate={fate} {onclick}>
            <title>{ tf("diagram.arrow-title", &[("message", &a.label(names))]) }</title>
            <line class="hit" x1={f(a.x1)} y1={f(a.y1)} x2={f(a.x2)} y2={f(a.y2)} />
            <line class="shaft" x1={f(a.x1)} y1={f(a.y1)} x2={f(a.x2)} y2={f(a.y2)}
                  marker-end={(a.fate == Fate::Delivered).then_some("url(#dg-head)")} />
            if matches!(a.fate, Fate::Lost(_)) {
                <text class="dg-cross" data-testid="diagram-lost" x={f(a.x2)} y={f(a.y2 + 4.0)}>{ "✕" }</text>
            }
        </g>
    }
}

fn dot(d: &Dot, names: &[String], on_action: &Callback<DiagramAction>, press: &Pressed) -> Html {
    let seq = d.seq;
    let onclick = {
        let (on, press) = (on_action.clone(), press.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if press.clicked() {
                on.emit(DiagramAction::Select(Some(seq)));
            }
        })
    };
    let (kind, vector) = (d.kind(), d.vector.to_string());
    html! {
        <g class={classes!("dg-event", kind, d.relation.class())} data-testid="diagram-event"
           data-seq={seq.to_string()} data-kind={kind} data-lamport={d.lamport.to_string()}
           data-vector={vector.clone()} data-relation={d.relation.class()} {onclick}>
            <title>{ d.label(names) }</title>
            if let Some(g) = d.glyph() {
                <circle class="halo" cx={f(d.x)} cy={f(d.y)} r="8" />
                <text class="glyph" x={f(d.x)} y={f(d.y + 4.0)}>{ g }</text>
            } else {
                <circle cx={f(d.x)} cy={f(d.y)} r="3.5" />
            }
            if d.show_clocks {
                <text class="lamport" data-testid="diagram-lamport" x={f(d.x)} y={f(d.y - 11.0)}>{ d.lamport.to_string() }</text>
                <text class="vector" data-testid="diagram-vector" x={f(d.x)} y={f(d.y + 19.0)}>{ vector }</text>
            }
        </g>
    }
}

/// What the drawing leaves out, the key, and the clocks explained.
fn notes(v: &DiagramView) -> Html {
    html! {
        <div class="diagram-notes">
            if v.hidden_arrows > 0 || v.hidden_dots > 0 {
                <p class="hint" data-testid="diagram-capped">
                    { tf("diagram.capped", &[
                        ("messages", &v.arrows().count().to_string()),
                        ("events", &v.dots().count().to_string()),
                        ("hidden_messages", &v.hidden_arrows.to_string()),
                        ("hidden_events", &v.hidden_dots.to_string()),
                    ]) }
                </p>
            }
            if v.coarse {
                <p class="hint" data-testid="diagram-coarse">
                    { t("diagram.coarse") }
                </p>
            }
            if v.blank_before_x.is_some() {
                <p class="hint" data-testid="diagram-not-kept">
                    { tf("diagram.not-kept", &[("events", &MAX_EVENTS.to_string())]) }
                </p>
            }
            <p class="legend dg-key">
                { t(v.key) }
            </p>
            if v.clocks {
                <p class="dg-explain" data-testid="diagram-clock-rules">
                    { t("diagram.clock-rules") }
                    if v.unlabelled > 0 {
                        { tf("diagram.unlabelled", &[("events", &v.unlabelled.to_string())]) }
                    }
                </p>
            }
            if let Some(s) = &v.selected {
                <div class="dg-selected" data-testid="diagram-selected">
                    <p><strong>{ s.label.clone() }</strong>{ tf("diagram.selected-clocks", &[("lamport", &s.lamport.to_string()), ("vector", &s.vector)]) }</p>
                    <p>
                        <span class="dg-swatch before"></span>{ tf("diagram.before", &[("events", &s.before.to_string())]) }
                        <span class="dg-swatch after"></span>{ tf("diagram.after", &[("events", &s.after.to_string())]) }
                        <span class="dg-swatch concurrent"></span>{ tf("diagram.concurrent", &[("events", &s.concurrent.to_string())]) }
                    </p>
                    if s.concurrent_lower_lamport > 0 {
                        <p data-testid="diagram-lamport-note">{ tf("diagram.lamport-note", &[("events", &s.concurrent_lower_lamport.to_string())]) }</p>
                    }
                </div>
            }
        </div>
    }
}
