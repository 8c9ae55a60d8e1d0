//! The benchmark: a fixed cluster under client load, timed against a wall clock the caller
//! supplies (std's Instant natively, performance.now() in the browser), so the same code
//! measures both.
use crate::scenario::{Scenario, ScenarioError, Workload};
use crate::sim::Simulation;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchConfig {
    pub nodes: u32,
    pub latency_ms: [f64; 2],
    pub election_timeout_ms: [f64; 2],
    pub heartbeat_ms: f64,
    pub client_interval_ms: f64,
    pub clients: u32,
    /// Simulated duration.
    pub seconds: f64,
    pub invariants: bool,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            nodes: 5,
            latency_ms: [1.0, 5.0],
            election_timeout_ms: [150.0, 300.0],
            heartbeat_ms: 50.0,
            client_interval_ms: 10.0,
            clients: 4,
            seconds: 120.0,
            invariants: true,
        }
    }
}

impl BenchConfig {
    /// A shorter run of the same workload, for the page's button.
    pub fn quick() -> Self {
        BenchConfig { seconds: 20.0, ..Self::default() }
    }

    pub fn scenario(&self) -> Scenario {
        let mut s = Scenario::new("bench", self.nodes, 1);
        s.duration_ms = self.seconds * 1000.0;
        s.network.latency_ms = self.latency_ms;
        s.raft.election_timeout_ms = self.election_timeout_ms;
        s.raft.heartbeat_ms = self.heartbeat_ms;
        s.workload =
            Some(Workload { clients: self.clients, interval_ms: self.client_interval_ms, ..Workload::default() });
        s
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchResult {
    pub config: BenchConfig,
    pub events: u64,
    pub simulated_seconds: f64,
    pub wall_seconds: f64,
    pub events_per_second: f64,
    pub sim_seconds_per_wall_second: f64,
    pub committed_operations: u64,
    pub violations: u64,
    pub trace_hash: String,
}

impl BenchResult {
    pub fn summary(&self) -> String {
        format!(
            "bench: {} nodes, {} clients every {} ms, latency {:?} ms, invariants {}: {} events in {:.1} simulated s, \
             {:.3} s wall: {:.0} events/s, {:.1} simulated s per wall s, {} operations completed, {} violations (trace {})",
            self.config.nodes,
            self.config.clients,
            self.config.client_interval_ms,
            self.config.latency_ms,
            if self.config.invariants { "on" } else { "off" },
            self.events,
            self.simulated_seconds,
            self.wall_seconds,
            self.events_per_second,
            self.sim_seconds_per_wall_second,
            self.committed_operations,
            self.violations,
            self.trace_hash
        )
    }
}

pub fn run_bench(config: &BenchConfig, now_seconds: &mut dyn FnMut() -> f64) -> Result<BenchResult, ScenarioError> {
    let mut sim = Simulation::new(&config.scenario())?;
    sim.set_check_invariants(config.invariants);
    let start = now_seconds();
    sim.run_to_end();
    let wall = (now_seconds() - start).max(1e-9);
    let simulated = sim.now() as f64 / 1e6;
    Ok(BenchResult {
        config: config.clone(),
        events: sim.events(),
        simulated_seconds: simulated,
        wall_seconds: wall,
        events_per_second: sim.events() as f64 / wall,
        sim_seconds_per_wall_second: simulated / wall,
        committed_operations: sim.history().iter().filter(|h| h.completed_us.is_some()).count() as u64,
        violations: sim.total_violations(),
        trace_hash: sim.trace_hash_hex(),
    })
}
