//! The page: the live cluster, and a benchmark of the simulator in this browser.
use raft_sim::bench::{run_bench, BenchConfig, BenchResult};
use yew::prelude::*;

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
    let bench = use_state(|| None::<Result<BenchResult, String>>);
    let on_bench = {
        let bench = bench.clone();
        Callback::from(move |_| {
            bench.set(Some(run_bench(&BenchConfig::quick(), &mut now_seconds).map_err(|e| e.to_string())))
        })
    };
    html! {
        <main class="page">
            <header class="masthead">
                <h1>{ "Raft Playground" }</h1>
                <p class="tagline">{ "A real Raft implementation, compiled to WebAssembly, running a simulated cluster in your browser." }</p>
            </header>
            <crate::live::Live />
            <h2>{ "How fast is the simulator here?" }</h2>
            <section class="controls" aria-label="Benchmark">
                <button data-testid="bench" class="secondary" onclick={on_bench}>{ "Benchmark" }</button>
                <span class="hint">{ "Runs the raftsim bench workload (5 servers, 4 clients, 20 simulated seconds) in this browser." }</span>
            </section>
            { bench_view(&bench) }
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
