//! The availability figures of the run so far (A = MTTF / (MTTF + MTTR)), shown in the lab.
//! They change as virtual time passes, so the page draws them beside the lab's models, not as
//! part of the lab panel: a frame redraws these lines, not the whole lab. A plain function,
//! not a component: it is redrawn whenever the page is, which is when time moves.
use crate::text::{t, tf};
use raft_sim::availability::Availability;
use yew::prelude::*;

fn seconds(us: f64) -> String {
    if us >= 1_000_000.0 {
        format!("{:.2} s", us / 1_000_000.0)
    } else {
        format!("{:.0} ms", us / 1000.0)
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.1}%", x * 100.0))
}

/// The figures of `availability` (None: not measured for this run).
pub fn availability_view(availability: Option<&Availability>) -> Html {
    let Some(a) = availability else {
        return html! { <p class="hint">{ t("availability_view.not-measured") }</p> };
    };
    if a.boot_us.is_none() {
        return html! { <p class="hint" data-testid="availability" data-up="false">{ t("availability_view.no-commit-yet") }</p> };
    }
    let (observed, up, down) = (seconds(a.observed_us as f64), seconds(a.up_us as f64), seconds(a.down_us as f64));
    let share = percent(a.measured);
    let now = tf(
        if a.up_now { "availability_view.now-up" } else { "availability_view.now-down" },
        &[("share", &share), ("observed", &observed), ("up", &up), ("down", &down)],
    );
    let (failures, repairs) = (a.failures.to_string(), a.repairs.to_string());
    let failures = match (a.mttf_us, a.mttr_us, a.formula) {
        (Some(f), Some(r), Some(formula)) => tf(
            "availability_view.failures-mttf",
            &[
                ("failures", &failures),
                ("repairs", &repairs),
                ("mttf", &seconds(f)),
                ("mttr", &seconds(r)),
                ("availability", &percent(Some(formula))),
            ],
        ),
        _ => tf("availability_view.failures-no-mttf", &[("failures", &failures), ("repairs", &repairs)]),
    };
    let latency = match a.commit_latency_us {
        Some(l) => {
            tf("availability_view.commit-latency", &[("latency", &seconds(l)), ("answered", &a.answered.to_string())])
        }
        None => t("availability_view.commit-latency-none").to_string(),
    };
    html! {
        <div data-testid="availability" data-up={a.up_now.to_string()} data-failures={a.failures.to_string()}>
            <p>{ now }</p>
            <p>{ failures }</p>
            <p>{ latency }</p>
        </div>
    }
}
