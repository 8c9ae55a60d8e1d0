//! Helpers shared by the simulator's integration tests: running a scenario or a built-in to its
//! end, and reading the trace. A test file that needs one adds `mod common;`.
#![allow(dead_code)]
use raft_sim::trace::What;
use raft_sim::{builtin, Report, Scenario, Simulation};

/// Run `scenario` to its end, with the invariant checker attached and the trace recorded.
pub fn run_scenario(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(scenario).expect("valid scenario");
    sim.set_record_trace(true);
    sim.run_to_end();
    sim
}

/// Run `scenario` to its end; the run and its report.
pub fn run_reported(scenario: &Scenario) -> (Simulation, Report) {
    let sim = run_scenario(scenario);
    let report = Report::of(&sim);
    (sim, report)
}

/// A built-in, ready to run, with the trace recorded.
pub fn sim_of(name: &str) -> Simulation {
    let scenario = builtin::by_name(name).expect("built-in exists");
    let mut sim = Simulation::new(&scenario).expect("valid");
    sim.set_record_trace(true);
    sim
}

/// Run a built-in to its end with the trace recorded.
pub fn run(name: &str) -> (Simulation, Report) {
    run_reported(&builtin::by_name(name).expect("built-in exists"))
}

/// (node, term) each time a server took `role`, in order.
pub fn became(sim: &Simulation, role: &str) -> Vec<(u32, u64)> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Became { node, role: r, term } if *r == role => Some((*node, *term)),
            _ => None,
        })
        .collect()
}
