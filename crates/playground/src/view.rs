//! Components that render simulator results.
use raft_sim::bench::{run_bench, BenchConfig, BenchResult};
use raft_sim::{builtin, run_scenario, NodeReport, Report, Scenario};
use std::rc::Rc;
use yew::prelude::*;

/// Run a scenario to its end; errors become text (a panic would kill the page).
fn run(scenario: &Scenario) -> Result<Report, String> {
    run_scenario(scenario, None).map_err(|e| format!("{}: {e}", scenario.name))
}

/// Wall-clock seconds from the browser's monotonic clock.
fn now_seconds() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now() / 1000.0)
}

#[function_component(App)]
pub fn app() -> Html {
    if crate::browser::embed_requested() {
        return html! { <crate::live::Live embed=true /> };
    }
    html! { <FullPage /> }
}

#[function_component(FullPage)]
fn full_page() -> Html {
    let scenarios: Rc<Vec<Scenario>> = use_memo((), |_| builtin::list());
    let selected = use_state(|| 0usize);
    let report = {
        let scenarios = scenarios.clone();
        use_state(move || scenarios.first().map(run))
    };
    let bench = use_state(|| None::<Result<BenchResult, String>>);

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            if let Ok(i) = select.value().parse::<usize>() {
                selected.set(i);
            }
        })
    };
    let on_run = {
        let (scenarios, selected, report) = (scenarios.clone(), selected.clone(), report.clone());
        Callback::from(move |_| report.set(scenarios.get(*selected).map(run)))
    };
    let on_bench = {
        let bench = bench.clone();
        Callback::from(move |_| {
            bench.set(Some(run_bench(&BenchConfig::quick(), &mut now_seconds).map_err(|e| e.to_string())))
        })
    };
    let current = scenarios.get(*selected);

    html! {
        <main class="page">
            <header class="masthead">
                <h1>{ "Raft Playground" }</h1>
                <p class="tagline">{ "A real Raft implementation, compiled to WebAssembly, running a simulated cluster in your browser." }</p>
            </header>
            <crate::live::Live />
            <h2>{ "Run a scenario to its end" }</h2>
            <section class="controls" aria-label="Scenario">
                <label for="scenario">{ "Scenario" }</label>
                <select id="scenario" data-testid="scenario-select" onchange={on_select}>
                    { for scenarios.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == *selected}>{ s.name.clone() }</option>
                    }) }
                </select>
                <button data-testid="run" onclick={on_run}>{ "Run" }</button>
                <button data-testid="bench" class="secondary" onclick={on_bench}>{ "Benchmark" }</button>
            </section>
            if let Some(s) = current {
                <p class="description" data-testid="description">{ s.description.clone() }</p>
            }
            { bench_view(&bench) }
            { match &*report {
                Some(Ok(r)) => report_view(r),
                Some(Err(e)) => html! { <p class="error" role="alert" data-testid="error">{ e.clone() }</p> },
                None => html! {},
            } }
        </main>
    }
}

fn bench_view(bench: &Option<Result<BenchResult, String>>) -> Html {
    match bench {
        None => html! {},
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(b)) => html! {
            <p class="bench" data-testid="bench-result" data-events-per-second={format!("{:.0}", b.events_per_second)}>
                { format!(
                    "Benchmark in this browser: {} events in {:.0} simulated s took {:.2} s: {:.0} events/s, {:.0} simulated s per second ({} nodes, {} clients, invariants on).",
                    b.events, b.simulated_seconds, b.wall_seconds, b.events_per_second, b.sim_seconds_per_wall_second, b.config.nodes, b.config.clients
                ) }
            </p>
        },
    }
}

fn report_view(r: &Report) -> Html {
    html! {
        <section class="report" data-testid="report" data-scenario={r.name.clone()}>
            <dl class="facts">
                <div><dt>{ "Trace hash" }</dt><dd><code data-testid="trace-hash">{ r.trace_hash.clone() }</code></dd></div>
                <div><dt>{ "Events" }</dt><dd data-testid="events">{ r.events }</dd></div>
                <div><dt>{ "Ended at" }</dt><dd>{ format!("{:.0} ms", r.end_ms) }</dd></div>
                <div><dt>{ "Seed" }</dt><dd>{ r.seed }</dd></div>
            </dl>
            <div data-testid="violations" data-count={r.violations.len().to_string()}>
                if r.violations.is_empty() {
                    <p class="ok">{ "All safety properties held after every event." }</p>
                } else {
                    <ul class="violations">
                        { for r.violations.iter().map(|v| html! {
                            <li><strong>{ v.property.clone() }</strong>{ format!(" at {:.1} ms: {}", v.time_ms, v.message) }</li>
                        }) }
                    </ul>
                }
            </div>
            <table class="nodes">
                <thead><tr><th>{ "Server" }</th><th>{ "Role" }</th><th>{ "Term" }</th><th>{ "Commit" }</th><th>{ "Log (term: command)" }</th></tr></thead>
                <tbody>{ for r.nodes.iter().map(node_row) }</tbody>
            </table>
        </section>
    }
}

fn node_row(n: &NodeReport) -> Html {
    let role = if n.alive { n.role.clone() } else { "crashed".to_string() };
    html! {
        <tr data-testid="node-row" data-role={role.clone()} class={classes!("node", role.clone())}>
            <th scope="row">{ format!("S{}", n.id) }</th>
            <td>{ role }</td>
            <td>{ n.term }</td>
            <td>{ n.commit_index }</td>
            <td><div class="log">
                { for n.log.iter().enumerate().map(|(i, e)| {
                    let committed = (i as u64) < n.commit_index;
                    // Spread terms over the hue circle so neighbouring terms differ.
                    let hue = (e.term * 137) % 360;
                    let style = format!("--term-hue: {hue}");
                    html! {
                        <span class={classes!("entry", committed.then_some("committed"))} style={style} title={format!("index {}, term {}", i + 1, e.term)}>
                            { format!("{}: {}", e.term, e.command) }
                        </span>
                    }
                }) }
            </div></td>
        </tr>
    }
}
