//! The benchmark: a fixed cluster under client load, timed against a wall clock the caller
//! supplies (std's Instant natively, performance.now() in the browser), so the same code
//! measures both; and the same figures for one scenario of any protocol
//! ([`run_scenario_bench`], `raftsim bench --scenario`).
use crate::engine::sim::Simulation;
use crate::playback::protocol_table::ProtocolScenario;
use crate::scenario::{Scenario, ScenarioError, Workload};
use raft_core::Micros;
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

/// `raftsim bench --scenario` times at least this many events by default: the course's
/// protocols run tens to thousands of events, so one run is too short to time.
pub const DEFAULT_SCENARIO_EVENTS: u64 = 1_000_000;
/// A scenario bench runs its scenario at most this many times (a run of no events stops it).
pub const MAX_SCENARIO_RUNS: u64 = 1_000_000;

/// A scenario to time: Raft's, or another protocol's (read through the protocol table).
pub enum Benched<'a> {
    Raft(&'a Scenario),
    Other(&'a dyn ProtocolScenario),
}

/// The bench on one scenario of any protocol: its run, again and again (one seed: the same
/// run each time) until `min_events` events in all, timed together; checks (Raft's invariants,
/// the protocol's properties) on, as in the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioBenchResult {
    pub protocol: &'static str,
    pub scenario: String,
    pub runs: u64,
    /// Over all runs, as the simulated time.
    pub events: u64,
    pub simulated_seconds: f64,
    pub wall_seconds: f64,
    pub events_per_second: f64,
    pub sim_seconds_per_wall_second: f64,
    /// Violations (Raft) or broken checks (the other protocols) in one run.
    pub violations: u64,
    pub trace_hash: String,
}

impl ScenarioBenchResult {
    pub fn summary(&self) -> String {
        format!(
            "bench: {} ({}), {} run{}: {} events in {:.1} simulated s, {:.3} s wall: {:.0} events/s, \
             {:.1} simulated s per wall s, {} violations (trace {})",
            self.scenario,
            self.protocol,
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            self.events,
            self.simulated_seconds,
            self.wall_seconds,
            self.events_per_second,
            self.sim_seconds_per_wall_second,
            self.violations,
            self.trace_hash
        )
    }
}

/// One run of `benched`: its events, end, violations and trace hash.
fn run_once(benched: &Benched<'_>) -> Result<(u64, Micros, u64, String), ScenarioError> {
    Ok(match benched {
        Benched::Raft(s) => {
            let mut sim = Simulation::new(s)?;
            sim.run_to_end();
            (sim.events(), sim.now(), sim.total_violations(), sim.trace_hash_hex())
        }
        Benched::Other(s) => {
            let run = s.bare();
            let broken = run.checks.iter().filter(|c| c.broken.is_some()).count() as u64;
            (run.events, run.end_us, broken, format!("{:016x}", run.trace_hash))
        }
    })
}

pub fn run_scenario_bench(
    benched: Benched<'_>,
    min_events: u64,
    now_seconds: &mut dyn FnMut() -> f64,
) -> Result<ScenarioBenchResult, ScenarioError> {
    let (protocol, scenario) = match &benched {
        Benched::Raft(s) => (crate::scenario::protocol::RAFT, s.name.clone()),
        Benched::Other(s) => (s.protocol(), s.name().to_string()),
    };
    let (mut runs, mut events, mut simulated_us) = (0u64, 0u64, 0u64);
    let start = now_seconds();
    let (violations, trace_hash) = loop {
        let (n, end_us, violations, hash) = run_once(&benched)?;
        runs += 1;
        events += n;
        simulated_us += end_us;
        if events >= min_events || n == 0 || runs >= MAX_SCENARIO_RUNS {
            break (violations, hash);
        }
    };
    let wall = (now_seconds() - start).max(1e-9);
    let simulated = simulated_us as f64 / 1e6;
    Ok(ScenarioBenchResult {
        protocol,
        scenario,
        runs,
        events,
        simulated_seconds: simulated,
        wall_seconds: wall,
        events_per_second: events as f64 / wall,
        sim_seconds_per_wall_second: simulated / wall,
        violations,
        trace_hash,
    })
}

/// The time-travel benchmark: play a scenario for `minutes` of virtual time the way the page
/// does (one advance per 60 Hz frame at 1x), then jump to random points and time each jump.
#[derive(Clone, Debug, Serialize)]
pub struct SeekBenchResult {
    pub scenario: String,
    pub simulated_minutes: f64,
    pub events: u64,
    pub checkpoints: usize,
    pub play_wall_seconds: f64,
    pub seeks: u32,
    pub seek_mean_ms: f64,
    pub seek_p95_ms: f64,
    pub seek_max_ms: f64,
    /// Every jump re-created the state a fresh replay has there (checked on a sample).
    pub exact: bool,
}

impl SeekBenchResult {
    pub fn summary(&self) -> String {
        format!(
            "seek bench: {} for {:.1} simulated min, {} events, {} checkpoints, played in {:.2} s; {} seeks: mean {:.1} ms, p95 {:.1} ms, max {:.1} ms{}",
            self.scenario,
            self.simulated_minutes,
            self.events,
            self.checkpoints,
            self.play_wall_seconds,
            self.seeks,
            self.seek_mean_ms,
            self.seek_p95_ms,
            self.seek_max_ms,
            if self.exact { "" } else { " — STATE MISMATCH" }
        )
    }
}

pub fn run_seek_bench(
    scenario: &Scenario,
    minutes: f64,
    seeks: u32,
    now_seconds: &mut dyn FnMut() -> f64,
) -> Result<SeekBenchResult, ScenarioError> {
    use crate::playback::session::{Session, Target};
    let mut open = scenario.clone();
    open.duration_ms = crate::scenario::MAX_DURATION_MS;
    let mut session = Session::new(&open)?;
    let end = (minutes.clamp(0.0, 60.0) * 60_000_000.0) as u64;
    let started = now_seconds();
    let mut t = 0;
    while t < end {
        t = (t + 16_667).min(end);
        session.advance(t, u64::MAX, false);
    }
    let play_wall_seconds = now_seconds() - started;
    let events = session.sim().events();
    let mut rng = crate::engine::rng::SimRng::new(scenario.seed ^ 0x5eec);
    let mut times = Vec::new();
    let mut exact = true;
    for k in 0..seeks {
        let target = rng.below(events.max(1));
        let before = now_seconds();
        session.seek(Target::Event(target));
        times.push((now_seconds() - before) * 1000.0);
        exact &= session.sim().events() == target;
        if k % 10 == 0 {
            let fresh = Session::replay(&open, session.interventions().to_vec(), Some(session.position()), u64::MAX)?;
            exact &= fresh.sim().trace_hash() == session.sim().trace_hash();
        }
    }
    crate::engine::order::sort_by_key_stable(&mut times, |t| crate::engine::order::f64_key(*t));
    let pick = |q: f64| times.get(((times.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    Ok(SeekBenchResult {
        scenario: scenario.name.clone(),
        simulated_minutes: minutes,
        events,
        checkpoints: session.checkpoints(),
        play_wall_seconds,
        seeks,
        seek_mean_ms: times.iter().sum::<f64>() / times.len().max(1) as f64,
        seek_p95_ms: pick(0.95),
        seek_max_ms: pick(1.0),
        exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::protocol_table;

    /// A clock that moves one second a reading: the bench's wall time is then exactly 1 s.
    fn ticking() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    #[test]
    fn a_scenario_bench_repeats_the_one_run_until_enough_events() {
        let s = protocol_table::builtin("flood-p1-p4").expect("a built-in");
        let one = s.bare();
        let r = run_scenario_bench(Benched::Other(s.as_ref()), 100, &mut ticking()).expect("runs");
        assert_eq!(r.runs, 100u64.div_ceil(one.events));
        assert_eq!(r.events, r.runs * one.events);
        assert_eq!(r.simulated_seconds, (r.runs * one.end_us) as f64 / 1e6);
        assert_eq!((r.wall_seconds, r.events_per_second), (1.0, r.events as f64));
        assert_eq!((r.protocol, r.violations), ("flood-consensus", 0));
        assert_eq!(r.trace_hash, format!("{:016x}", one.trace_hash));
        let broken = protocol_table::builtin("flood-p1-p4-one-round").expect("a built-in");
        let r = run_scenario_bench(Benched::Other(broken.as_ref()), 1, &mut ticking()).expect("runs");
        assert_eq!((r.runs, r.violations), (1, 1), "Agreement broken, reported");
    }

    #[test]
    fn a_raft_scenario_is_benched_as_its_run() {
        let s = crate::scenario::builtin::by_name("steady-load").expect("a built-in");
        let mut sim = Simulation::new(&s).expect("valid");
        sim.run_to_end();
        let r = run_scenario_bench(Benched::Raft(&s), 1, &mut ticking()).expect("runs");
        assert_eq!((r.protocol, r.runs, r.events), ("raft", 1, sim.events()));
        assert_eq!(r.trace_hash, sim.trace_hash_hex());
    }
}
