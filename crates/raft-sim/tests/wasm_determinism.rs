//! The same scenarios give the same traces in the browser as natively: every built-in scenario,
//! generated check scenarios covering every fault model, and the benchmark workload runs here, in wasm in headless Chromium, and its trace hash is
//! compared with the native one that scripts/test.sh computes with `raftsim` and passes in at
//! compile time.
#![cfg(target_arch = "wasm32")]

use raft_sim::bench::{run_bench, BenchConfig};
use raft_sim::{campaign, run_scenario};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn builtin_scenarios_hash_as_natively() {
    let native = option_env!("RAFTSIM_NATIVE_HASHES")
        .expect("RAFTSIM_NATIVE_HASHES is not set: run this test through scripts/test.sh");
    let mut compared = 0;
    for scenario in campaign::determinism_probes() {
        let prefix = format!("{} ", scenario.name);
        let expected = native
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no native hash for {}", scenario.name));
        let report = run_scenario(&scenario, None).expect("built-in scenarios are valid");
        assert_eq!(report.trace_hash, expected.trim(), "{}: wasm and native traces differ", scenario.name);
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} scenarios compared");
}

#[wasm_bindgen_test]
fn bench_workload_hashes_as_natively() {
    let native = option_env!("RAFTSIM_NATIVE_BENCH_HASH")
        .expect("RAFTSIM_NATIVE_BENCH_HASH is not set: run this test through scripts/test.sh");
    let config = BenchConfig { seconds: 5.0, ..BenchConfig::default() };
    // The wall clock does not matter to the trace; the page measures real time.
    let result = run_bench(&config, &mut || 0.0).expect("valid bench config");
    assert!(result.events > 1_000);
    assert_eq!(result.violations, 0);
    assert_eq!(result.trace_hash, native.trim());
}

/// A run's budget counts the same in wasm as natively (fixed sizes per item, no `size_of`): the
/// heaviest workload with a 4 MiB budget stops at the same event with the same trace.
#[wasm_bindgen_test]
fn a_budget_stops_a_run_where_it_does_natively() {
    let native = option_env!("RAFTSIM_NATIVE_BUDGET_STOP")
        .expect("RAFTSIM_NATIVE_BUDGET_STOP is not set: run this test through scripts/test.sh");
    let scenario = raft_sim::Scenario::from_json(include_str!("data/heaviest-24h.json")).expect("valid");
    let mut sim = raft_sim::Simulation::new(&scenario).expect("valid");
    sim.set_budget(raft_sim::budget::Budget { max_events: raft_sim::budget::DEFAULT_MAX_EVENTS, max_bytes: 4 << 20 });
    sim.run_to_end();
    assert_eq!(sim.stopped(), Some(raft_sim::budget::Stopped::MemoryBudget));
    assert_eq!(format!("{} {}", sim.events(), sim.trace_hash_hex()), native.trim());
}
