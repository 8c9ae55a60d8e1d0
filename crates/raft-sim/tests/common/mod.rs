//! Helpers shared by the built-in scenario tests.
#![allow(dead_code)]
use raft_sim::trace::What;
use raft_sim::{builtin, Report, Simulation};

/// Run a built-in to its end with the trace recorded.
pub fn run(name: &str) -> (Simulation, Report) {
    let scenario = builtin::by_name(name).expect("built-in exists");
    let mut sim = Simulation::new(&scenario).expect("valid");
    sim.set_record_trace(true);
    sim.run_to_end();
    let report = Report::of(&sim);
    (sim, report)
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
