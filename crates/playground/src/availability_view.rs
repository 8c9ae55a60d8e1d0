//! The availability figures of the run so far (A = MTTF / (MTTF + MTTR)), shown in the lab.
//! They change as virtual time passes, so the page draws them beside the lab's models, not as
//! part of the lab panel: a frame redraws these lines, not the whole lab. A plain function,
//! not a component: it is redrawn whenever the page is, which is when time moves.
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
        return html! { <p class="hint">{ "Not measured for this run." }</p> };
    };
    if a.boot_us.is_none() {
        return html! { <p class="hint" data-testid="availability" data-up="false">{ "No leader has been able to commit yet." }</p> };
    }
    html! {
        <div data-testid="availability" data-up={a.up_now.to_string()} data-failures={a.failures.to_string()}>
            <p>{ format!("Now {}. ", if a.up_now { "up: a leader can commit" } else { "down: no leader can reach a majority" }) }
               { format!("Up {} of the {} since the first leader ({} up, {} down).", percent(a.measured), seconds(a.observed_us as f64), seconds(a.up_us as f64), seconds(a.down_us as f64)) }</p>
            <p>{ format!("Failures {}, repairs {}.", a.failures, a.repairs) }
               if let (Some(f), Some(r), Some(formula)) = (a.mttf_us, a.mttr_us, a.formula) {
                   { format!(" MTTF {}, MTTR {}: A = MTTF / (MTTF + MTTR) = {}.", seconds(f), seconds(r), percent(Some(formula))) }
               } else {
                   { " MTTF and MTTR appear after the first failure (crash the leader, or cut it off)." }
               }
            </p>
            <p>{ match a.commit_latency_us {
                Some(l) => format!("Commit latency: {} on average over {} answered requests.", seconds(l), a.answered),
                None => "Commit latency: no request answered yet (turn on clients).".into(),
            } }</p>
        </div>
    }
}
