//! The failure detector's trade-off figure beside its run: per timeout, the false suspicions and
//! the time live processes were wrongly suspected, and the crash detection time, as bars. It
//! draws the view-model (model/sweep.rs); the rows are raft-sim's sweep of the open scenario.
use crate::model::sweep::SweepView;
use crate::text::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SweepProps {
    pub view: SweepView,
}

fn bar(class: &'static str, width: f64) -> Html {
    html! { <span class={classes!("sweep-bar", class)} style={format!("width: {width:.1}%")}></span> }
}

#[function_component(CourseSweep)]
pub fn course_sweep(props: &SweepProps) -> Html {
    let v = &props.view;
    html! {
        <section class="course-sweep" data-testid="course-sweep" aria-label={t("course.sweep-title")}>
            <h3>{ t("course.sweep-title") }</h3>
            <p class="hint">{ t("course.sweep-note") }</p>
            <table>
                <thead><tr>
                    <th>{ t("course.sweep-timeout") }</th>
                    <th>{ t("course.sweep-false") }</th>
                    <th>{ t("course.sweep-wrong") }</th>
                    if v.has_crash { <th>{ t("course.sweep-detection") }</th> }
                </tr></thead>
                <tbody>
                    { for v.rows.iter().map(|r| html! {
                        <tr data-testid="course-sweep-row" class={classes!(r.current.then_some("current"))}
                            data-timeout={r.timeout.clone()} data-false={r.false_suspicions.clone()}
                            data-detection={r.detection.clone()}>
                            <td>{ r.timeout.clone() }</td>
                            <td>{ r.false_suspicions.clone() }</td>
                            <td>{ bar("bad", r.wrong_bar) }{ r.wrongly_suspected.clone() }</td>
                            if v.has_crash { <td>{ bar("good", r.detection_bar) }{ r.detection.clone() }</td> }
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
