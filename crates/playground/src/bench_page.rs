//! The page's own speed: `?bench` runs `raftsim bench`'s workload (the same scenario, so the
//! same trace) in this wasm instead of opening the playground, and shows the result as JSON
//! for `web/bench/wasm-vs-native.mjs` to read beside the native figure. `?bench&runs=N` runs it
//! N times (1 to 10, default 3) and keeps the fastest, as a benchmark does on a shared machine.
use raft_sim::bench::{run_bench, BenchConfig, BenchResult};

/// `?bench` in the address, and how many runs it asks for.
pub fn requested() -> Option<u32> {
    let (_, search, _) = crate::browser::location();
    let params: Vec<&str> = search.trim_start_matches('?').split('&').collect();
    if !params.iter().any(|p| *p == "bench" || p.starts_with("bench=")) {
        return None;
    }
    let runs = params.iter().find_map(|p| p.strip_prefix("runs=")).and_then(|n| n.parse::<u32>().ok());
    Some(runs.unwrap_or(3).clamp(1, 10))
}

/// Run the workload `runs` times and keep the fastest run.
fn fastest(runs: u32) -> Result<BenchResult, String> {
    let config = BenchConfig::default();
    let mut best: Option<BenchResult> = None;
    for _ in 0..runs {
        let result = run_bench(&config, &mut || crate::browser::now_ms() / 1000.0).map_err(|e| e.to_string())?;
        if best.as_ref().is_none_or(|b| result.wall_seconds < b.wall_seconds) {
            best = Some(result);
        }
    }
    best.ok_or_else(|| "no run".to_string())
}

/// Run the benchmark and put its result in the page, in place of the playground.
pub fn run(runs: u32) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let (state, text) = match fastest(runs) {
        Ok(result) => ("done", serde_json::to_string_pretty(&result).unwrap_or_default()),
        Err(e) => ("failed", e),
    };
    body.set_inner_html(
        "<main class=\"page\"><h1>Raft Playground: simulator benchmark</h1>\
         <p>The workload of <code>raftsim bench</code>, run in this page's WebAssembly (fastest of the runs).</p>\
         <pre data-testid=\"bench-result\"></pre></main>",
    );
    if let Ok(Some(pre)) = document.query_selector("[data-testid=bench-result]") {
        pre.set_text_content(Some(&text));
        let _ = pre.set_attribute("data-state", state);
    }
}
