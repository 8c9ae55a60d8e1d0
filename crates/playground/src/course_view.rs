//! Another protocol's run on the page: its title and description, the time bar, the stage (the
//! nodes in a ring or a row, the messages moving between them), each node's facts, the checks
//! and the run's figures. It draws the view-model (model/course.rs) and dispatches store
//! actions; the space-time diagram beside it is the Raft page's own component.
use crate::model::course::{CourseView, MessageDot, NodeSpot, NODE_R, WIDTH};
use crate::store::{Action, CourseAction};
use crate::text::{t, tf};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CourseProps {
    pub view: CourseView,
    pub on: Callback<Action>,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

#[function_component(CourseStage)]
pub fn course_stage(props: &CourseProps) -> Html {
    crate::test_hook::rendered("course");
    let v = &props.view;
    let on_seek = props.on.reform(|e: InputEvent| {
        let value = e
            .target_dyn_into::<web_sys::HtmlInputElement>()
            .and_then(|i| crate::number::parse_f64(&i.value()))
            .unwrap_or(0.0);
        Action::SeekTime((value.max(0.0) * 1000.0) as u64)
    });
    html! {
        <section class="course" data-testid="course-view" data-protocol={v.protocol} data-scenario={v.scenario.clone()}
                 aria-label={t("course.label")}>
            <div class="caption course-caption">
                <h2>{ v.title.clone() }</h2>
                <p class="course-protocol">{ tf("course.protocol", &[("protocol", v.protocol)]) }</p>
                if !v.description.is_empty() { <p>{ v.description.clone() }</p> }
            </div>
            <div class="course-time">
                <label>{ t("course.time") }
                    <input type="range" data-testid="course-time" min="0" max={f(v.end_us as f64 / 1000.0)} step="0.1"
                           value={f(v.now_us as f64 / 1000.0)} oninput={on_seek} />
                </label>
                <output data-testid="course-clock">{ v.clock.clone() }</output>
            </div>
            <div class="course-body">
                <svg class="course-stage" data-testid="course-stage" viewBox={format!("0 0 {WIDTH} {}", v.height)}
                     role="img" aria-label={t("course.stage")}>
                    { for v.links.iter().map(|(x1, y1, x2, y2)| html! {
                        <line class="course-link" x1={f(*x1)} y1={f(*y1)} x2={f(*x2)} y2={f(*y2)} />
                    }) }
                    { for v.nodes.iter().map(|n| node(n, v.selected == Some(n.index), &props.on)) }
                    { for v.messages.iter().map(message) }
                </svg>
                <div class="course-side">
                    <h3>{ t("course.checks") }</h3>
                    <ul class="course-checks">
                        { for v.checks.iter().map(|c| {
                            let event = c.event;
                            let on = props.on.clone();
                            html! {
                                <li data-testid="course-check" data-property={c.property} data-broken={c.broken.to_string()}
                                    class={classes!(c.broken.then_some("broken"))}>
                                    <strong>{ c.property }</strong>{ ": " }{ c.text.clone() }
                                    if let Some(e) = event {
                                        { " " }
                                        <button class="secondary small" data-testid="course-see-break"
                                                onclick={Callback::from(move |_: MouseEvent| on.emit(Action::SeekEvent(e)))}>
                                            { t("course.see-break") }
                                        </button>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                    if !v.facts.is_empty() {
                        <h3>{ t("course.run-facts") }</h3>
                        <dl class="course-facts" data-testid="course-run-facts">
                            { for v.facts.iter().map(|fact| html! {
                                <><dt>{ fact.label.clone() }</dt><dd class={fact.tone}>{ fact.value.clone() }</dd></>
                            }) }
                        </dl>
                    }
                </div>
            </div>
            <h3>{ t("course.nodes") }</h3>
            <div class="course-cards">
                { for v.nodes.iter().map(|n| card(n, v.selected == Some(n.index), &props.on)) }
            </div>
        </section>
    }
}

fn node(n: &NodeSpot, selected: bool, on: &Callback<Action>) -> Html {
    let index = n.index;
    let onclick = on.reform(move |_: MouseEvent| Action::Course(CourseAction::Select(Some(index))));
    html! {
        <g class={classes!("course-node", n.status, n.tone, selected.then_some("selected"))} data-testid="course-node"
           data-name={n.name.clone()} data-status={n.status} data-badge={n.badge.as_ref().map(|b| b.0)} {onclick}>
            <circle cx={f(n.x)} cy={f(n.y)} r={f(NODE_R)} />
            <text class="name" x={f(n.x)} y={f(n.y + 5.0)}>{ n.name.clone() }</text>
            if let Some((_, words)) = &n.badge {
                <text class="badge" x={f(n.x)} y={f(n.y + NODE_R + 14.0)}>{ words.clone() }</text>
            }
            if n.status == "crashed" {
                <path class="cross" d={format!("M{} {}L{} {}M{} {}L{} {}", f(n.x - 14.0), f(n.y - 14.0), f(n.x + 14.0), f(n.y + 14.0),
                                                f(n.x + 14.0), f(n.y - 14.0), f(n.x - 14.0), f(n.y + 14.0))} />
            }
        </g>
    }
}

fn message(m: &MessageDot) -> Html {
    html! {
        <g class={classes!("course-message", format!("k-{}", m.kind), m.lost.then_some("doomed"))} data-testid="course-message"
           data-id={m.id.to_string()} data-kind={m.kind}>
            <title>{ m.title.clone() }</title>
            <circle cx={f(m.x)} cy={f(m.y)} r="6" />
            if m.show_label {
                <text x={f(m.x + 8.0)} y={f(m.y - 6.0)}>{ m.label.clone() }</text>
            }
        </g>
    }
}

fn card(n: &NodeSpot, selected: bool, on: &Callback<Action>) -> Html {
    let index = n.index;
    let onclick = on.reform(move |_: MouseEvent| Action::Course(CourseAction::Select(Some(index))));
    html! {
        <div class={classes!("course-card", n.status, n.tone, selected.then_some("selected"))} data-testid="course-card"
             data-name={n.name.clone()}>
            <button class="card-name" {onclick}>{ n.name.clone() }
                if let Some((_, words)) = &n.badge { <span class="badge">{ words.clone() }</span> }
            </button>
            <dl>
                { for n.facts.iter().map(|fact| html! {
                    <><dt>{ fact.label.clone() }</dt><dd class={fact.tone} data-fact={fact.label.clone()}>{ fact.value.clone() }</dd></>
                }) }
            </dl>
        </div>
    }
}
