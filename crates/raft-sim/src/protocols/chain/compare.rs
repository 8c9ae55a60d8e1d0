//! The notes' comparison (Theorem 2.1): "In terms of Latency, Primary-Backup is faster as the
//! request can theoretically be processed in parallel. However, Chain Replication ... allows
//! for a greater degree of Throughput". Both layouts run the same servers, network, service
//! times and workload (the same requests at the same times: the workload has its own stream
//! of the seed), once per rate.
//!
//! Why the model gives the notes' direction: a write in primary-backup travels client →
//! primary → all backups at once → primary → client (4 one-way delays, the primary's execute
//! and one backup's apply); in a chain of n it travels n+1 one-way delays and is applied at
//! every server in turn. Under load, primary-backup's primary executes every write and answers
//! every read, while the chain splits that work: the head executes writes, the tail answers
//! reads, so the chain saturates later.
use super::scenario::{ChainScenario, Layout, Service, Workload};
use super::stats::Stats;
use serde::Serialize;

/// One comparison: the shared settings and the rates to sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub servers: u32,
    pub rates: Vec<f64>,
    pub read_fraction: f64,
    pub duration_ms: f64,
    pub seed: u64,
    pub latency_ms: [f64; 2],
    pub service: Service,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            servers: 3,
            rates: vec![50.0, 200.0, 400.0, 600.0, 800.0, 1000.0],
            read_fraction: 0.5,
            duration_ms: 2_000.0,
            seed: 1,
            latency_ms: [5.0, 15.0],
            service: Service { execute_ms: 2.0, apply_ms: 1.0, read_ms: 1.0 },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub rate_per_s: f64,
    pub layout: Layout,
    pub stats: Stats,
    pub violations: usize,
    pub trace_hash: String,
}

/// The scenario of one layout at one rate (never retries: a retry would add load the other
/// layout does not get).
pub fn scenario(spec: &Spec, layout: Layout, rate_per_s: f64) -> ChainScenario {
    let name = match layout {
        Layout::Chain => format!("compare-chain-{rate_per_s}"),
        Layout::PrimaryBackup => format!("compare-primary-backup-{rate_per_s}"),
    };
    ChainScenario {
        name,
        description: String::new(),
        seed: spec.seed,
        servers: spec.servers,
        layout,
        early_ack: false,
        latency_ms: spec.latency_ms,
        duration_ms: spec.duration_ms,
        retry_ms: super::scenario::MAX_DURATION_MS,
        detect_ms: 0.0,
        service: spec.service,
        requests: Vec::new(),
        workload: Some(Workload {
            rate_per_s,
            read_fraction: spec.read_fraction,
            from_ms: 0.0,
            until_ms: spec.duration_ms,
        }),
        faults: Vec::new(),
    }
}

/// The problem with `spec`, naming the option, if any.
pub fn validate(spec: &Spec) -> Result<(), String> {
    if !(1..=super::scenario::MAX_SERVERS).contains(&spec.servers) {
        return Err(format!("--servers must be from 1 to {}", super::scenario::MAX_SERVERS));
    }
    if spec.rates.is_empty() || spec.rates.len() > 20 {
        return Err("--rates must list from 1 to 20 rates".into());
    }
    for &r in &spec.rates {
        if !(r.is_finite() && r > 0.0 && r * spec.duration_ms / 1000.0 <= super::scenario::MAX_REQUESTS as f64) {
            return Err(format!(
                "--rates: {r} requests a second for {} ms must make at most {} requests",
                spec.duration_ms,
                super::scenario::MAX_REQUESTS
            ));
        }
    }
    if !(0.0..=1.0).contains(&spec.read_fraction) {
        return Err("--read-fraction must be from 0 to 1".into());
    }
    if !(1.0..=super::scenario::MAX_DURATION_MS).contains(&spec.duration_ms) {
        return Err(format!("--duration-ms must be from 1 to {}", super::scenario::MAX_DURATION_MS));
    }
    let [lo, hi] = spec.latency_ms;
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi && hi <= 10_000.0) {
        return Err("--latency-ms must be LOW,HIGH with 0 < LOW <= HIGH <= 10000".into());
    }
    let s = spec.service;
    for (v, flag) in [(s.execute_ms, "--execute-ms"), (s.apply_ms, "--apply-ms"), (s.read_ms, "--read-ms")] {
        if !(v.is_finite() && (0.0..=1_000.0).contains(&v)) {
            return Err(format!("{flag} must be from 0 to 1000"));
        }
    }
    Ok(())
}

/// Primary-backup and the chain at each rate, in that order.
pub fn compare(spec: &Spec) -> Vec<Row> {
    let mut rows = Vec::new();
    for &rate in &spec.rates {
        for layout in [Layout::PrimaryBackup, Layout::Chain] {
            let r = super::run(&scenario(spec, layout, rate));
            rows.push(Row {
                rate_per_s: rate,
                layout,
                stats: r.stats,
                violations: r.violations.len(),
                trace_hash: r.trace_hash,
            });
        }
    }
    rows
}
