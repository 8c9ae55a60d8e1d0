//! Randomized check campaigns: each seed generates a whole scenario — cluster size, Raft
//! settings, network, faults, a timeline of crashes, partitions and pauses, client load — runs
//! it with invariants and liveness checks on, and stops at the first violation with the
//! scenario that reproduces it. A seed reports, in this order: the first invariant violation;
//! else a non-linearizable history; else the first liveness failure (check/liveness.rs).
//! [`shrink`] then reduces that scenario to a smaller one that breaks the same property.
mod probes;
pub mod shrink;
pub use probes::determinism_probes;

use crate::check::invariants::{Property, Violation};
use crate::check::linearizability::{self, Verdict};
use crate::check::liveness::Status;
use crate::engine::rng::SimRng;
use crate::engine::sim::Simulation;
use crate::scenario::{Action, CrashMode, LinkOverride, NodeFaults, Scenario, TimedAction, TimingModel, Workload};
use raft_core::{Backtrack, MembershipMode, NodeId, ReadMode, UnsafeRule};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Clone, Debug)]
pub struct CampaignConfig {
    pub first_seed: u64,
    pub seeds: u64,
    pub nodes: Option<u32>,
    pub unsafe_rules: Vec<UnsafeRule>,
    pub threads: usize,
    /// Also perform random membership changes (see [`generate_membership`]). On by itself when
    /// `unsafe-single-server-change` is broken.
    pub membership: bool,
    /// Aim at the lease window instead (see [`generate_lease_window`]).
    pub lease_window: bool,
}

#[derive(Clone, Debug)]
pub struct Failure {
    pub scenario: Scenario,
    pub violation: Violation,
}

#[derive(Clone, Debug, Default)]
pub struct CampaignOutcome {
    pub seeds_run: u64,
    pub events: u64,
    /// The violation of the lowest failing seed, if any.
    pub failure: Option<Failure>,
    /// The lowest seed that exceeded the event budget, if any.
    pub runaway: Option<Scenario>,
    /// Seeds whose history the linearizability checker could not decide within its budget.
    pub linearizability_unknown: u64,
    /// Seeds where a liveness property was judged (the network was stable for a whole bound):
    /// the others passed without their liveness being tested.
    pub liveness_judged: u64,
}

/// Generate the scenario for one seed.
pub fn generate(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> Scenario {
    let mut s = generate_without_snapshots(seed, nodes, unsafe_rules);
    snapshot_settings(seed, &mut s);
    s
}

/// The scenario for one seed as it was before snapshots existed (snapshots off).
pub fn generate_without_snapshots(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> Scenario {
    let mut rng = SimRng::stream(seed, 0xC4EC);
    let n = nodes.unwrap_or_else(|| rng.between(3, 7) as u32);
    let mut s = Scenario::new(&format!("check-{seed}"), n, seed);
    s.description = format!("Randomized check scenario for seed {seed}.");
    let duration = rng.between(10_000, 15_000);
    s.duration_ms = duration as f64;

    // Raft settings: the defaults' neighbourhood, varied.
    let et_min = rng.between(100, 300) as f64;
    s.raft.election_timeout_ms = [et_min, et_min * 2.0];
    s.raft.heartbeat_ms = rng.between(20, (et_min as u64 / 2).max(21)) as f64;
    s.raft.backtrack = if rng.below(2) == 0 { Backtrack::OneByOne } else { Backtrack::ConflictTerm };
    s.raft.noop_on_election = rng.below(3) != 0;
    s.raft.max_entries_per_message = *rng.pick(&[1usize, 2, 4, 64]).unwrap_or(&64);
    s.raft.unsafe_rules = unsafe_rules.to_vec();

    // Network.
    let lat_min = rng.between(1, 10) as f64;
    s.network.latency_ms = [lat_min, lat_min + rng.between(0, 30) as f64];
    let p =
        |rng: &mut SimRng, max_pct: u64| if rng.below(2) == 0 { 0.0 } else { rng.between(0, max_pct) as f64 / 100.0 };
    s.network.loss = p(&mut rng, 10);
    s.network.duplicate = p(&mut rng, 5);
    s.network.reorder = p(&mut rng, 10);
    s.network.timing = match rng.below(3) {
        0 => TimingModel::Synchronous,
        1 => {
            TimingModel::PartiallySynchronous { gst_ms: rng.between(1_000, duration / 2) as f64, tail_probability: 0.2 }
        }
        _ => TimingModel::Asynchronous { tail_probability: rng.between(1, 10) as f64 / 100.0 },
    };
    if rng.below(4) == 0 {
        let (from, to) = (rng.between(1, n as u64) as NodeId, rng.between(1, n as u64) as NodeId);
        s.network.links.push(LinkOverride {
            from,
            to,
            latency_ms: None,
            loss: Some(rng.between(10, 60) as f64 / 100.0),
            duplicate: None,
            reorder: None,
        });
    }
    // Omission and drift on a few nodes.
    for node in 1..=n {
        if rng.below(4) == 0 {
            s.faults.push(NodeFaults {
                node,
                send_omission: p(&mut rng, 20),
                receive_omission: p(&mut rng, 20),
                drift: (rng.between(0, 40) as f64 - 20.0) / 100.0,
                // Never Byzantine: campaigns check Raft under the faults it is designed for.
                byzantine: Vec::new(),
            });
        }
    }
    s.workload = Some(Workload {
        clients: rng.between(1, 3) as u32,
        interval_ms: rng.between(10, 100) as f64,
        keys: rng.between(1, 5) as u32,
        get_ratio: 0.3,
        timeout_ms: 300.0,
        start_ms: 0.0,
    });

    // The timeline. Most seeds get a fault every few hundred milliseconds; one in three is a
    // "storm": leaders crash within milliseconds of taking writes and come back quickly, the
    // churn under which Figure 8-style histories (and the bugs they expose) arise.
    let storm = rng.below(3) == 0;
    if storm {
        if let Some(w) = s.workload.as_mut() {
            w.interval_ms = rng.between(2, 20) as f64;
        }
    }
    let amnesia = unsafe_rules.contains(&UnsafeRule::NoPersist);
    let mut t = rng.between(100, 800);
    while t < duration {
        let node = rng.between(1, n as u64) as NodeId;
        let action =
            if storm { storm_action(&mut rng, node, amnesia) } else { calm_action(&mut rng, node, n, amnesia) };
        s = s.at(t as f64, action);
        t += if storm { rng.between(5, 300) } else { rng.between(100, 1_200) };
    }
    // Bring everyone back near the end so the run also exercises recovery.
    let end = duration.saturating_sub(2_000) as f64;
    s = s.at(end, Action::Heal);
    for node in 1..=n {
        s = s.at(end, Action::Resume { node }).at(end, Action::Restart { node });
    }
    // Safe campaigns also exercise disruption control. Campaigns with a broken rule keep the
    // plain scenarios: PreVote, CheckQuorum and leader liveliness exist to calm the churn those
    // bugs need (and their timelines force elections while leaders are heard).
    if unsafe_rules.is_empty() {
        add_disruption_control(&mut s, seed, duration);
    } else {
        s.raft.leader_liveliness = false;
    }
    s
}

/// PreVote and CheckQuorum each on for about half the seeds, leader liveliness on for three in
/// four (it is on by default), and a few leadership transfers. Drawn from streams of their own,
/// so every draw above (and so the rest of the scenario) is what it was before these features
/// existed.
fn add_disruption_control(s: &mut Scenario, seed: u64, duration: u64) {
    s.raft.leader_liveliness = SimRng::stream(seed, 0x11FE_11E5).below(4) != 0;
    let mut rng = SimRng::stream(seed, 0xD15C_0BED);
    s.raft.pre_vote = rng.below(2) == 0;
    s.raft.check_quorum = rng.below(2) == 0;
    for _ in 0..rng.below(5) {
        let at = rng.between(100, duration.saturating_sub(500).max(100)) as f64;
        let node = rng.between(1, s.nodes as u64) as NodeId;
        // Appended: each action is scheduled at its own time, whatever its place in the list.
        s.timeline.push(TimedAction { at_ms: at, action: Action::TransferLeadership { node } });
    }
}

/// The PRNG stream of the lease-window draws.
const STREAM_LEASE_WINDOW: u64 = 0x1EA5_E000;

/// A scenario aimed at the lease window (thesis §6.4.1): every seed reads with leases, clocks
/// drift, and the timeline keeps taking the leader away just after writes — isolating a server,
/// pausing it, transferring leadership, crashing the leader — so that an old leader still
/// holding a lease meets a new leader's writes. With the rules in force the lease's drift bound
/// covers every clock's drift (|drift| ≤ bound / 2) and no read may be stale. With `stale-reads`
/// among `unsafe_rules` the lease's own assumption is broken instead of the rule being switched
/// on: some clocks drift beyond the bound (slow ones make a leader's lease outlast its
/// followers' promise; fast followers let their promise go early), and the campaign must find
/// the stale read a lease then allows.
pub fn generate_lease_window(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> Scenario {
    let mut rng = SimRng::stream(seed, STREAM_LEASE_WINDOW);
    let broken_clocks = unsafe_rules.contains(&UnsafeRule::StaleReads);
    let n = nodes.unwrap_or_else(|| if rng.below(2) == 0 { 3 } else { 5 });
    let mut s = Scenario::new(&format!("check-lease-window-{seed}"), n, seed);
    s.description = format!("Randomized lease-window check scenario for seed {seed}.");
    let duration = rng.between(4_000, 8_000);
    s.duration_ms = duration as f64;
    let et_min = rng.between(100, 250);
    s.raft.election_timeout_ms = [et_min as f64, (et_min + rng.between(20, 150)) as f64];
    s.raft.heartbeat_ms = rng.between(10, et_min / 3) as f64;
    s.raft.unsafe_rules = unsafe_rules.iter().copied().filter(|&r| r != UnsafeRule::StaleReads).collect();
    s.raft.read_mode = ReadMode::Lease;
    s.raft.pre_vote = rng.below(2) == 0;
    s.raft.check_quorum = rng.below(2) == 0;
    s.raft.leader_liveliness = rng.below(4) != 0;
    let lat_min = rng.between(1, 5);
    s.network.latency_ms = [lat_min as f64, (lat_min + rng.between(0, 10)) as f64];
    // Clocks: every server drifts a little; the bound covers it. Broken: one to all servers
    // drift well beyond a small bound, slow or fast.
    let bound_pct = if broken_clocks { rng.between(0, 10) } else { rng.between(2, 40) };
    s.raft.lease_drift_bound = bound_pct as f64 / 100.0;
    let wild = if broken_clocks { rng.between(1, n as u64) } else { 0 };
    for node in 1..=n {
        let pct = if (node as u64) <= wild {
            let beyond = rng.between(bound_pct + 20, 50) as f64; // the simulator allows |drift| ≤ 0.5
            if rng.below(3) == 0 {
                beyond
            } else {
                -beyond
            }
        } else {
            let half = bound_pct / 2;
            rng.between(0, 2 * half) as f64 - half as f64
        };
        s.faults.push(NodeFaults { node, drift: pct / 100.0, ..Default::default() });
    }
    // Many gets on one or two keys, so a read at an old leader often meets a newer write.
    s.workload = Some(Workload {
        clients: rng.between(2, 4) as u32,
        interval_ms: rng.between(3, 20) as f64,
        keys: rng.between(1, 2) as u32,
        get_ratio: rng.between(50, 80) as f64 / 100.0,
        timeout_ms: rng.between(50, 300) as f64,
        start_ms: 0.0,
    });
    // Episodes around leader changes. The leader is not known in advance: a random server is
    // taken away, the leader about one time in n (CrashLeader always takes it).
    let mut t = rng.between(300, 600);
    while t + 200 < duration {
        let node = rng.between(1, n as u64) as NodeId;
        let away = rng.between(et_min / 2, 4 * et_min);
        match rng.below(8) {
            0..=2 => {
                s = s.at(t as f64, Action::Isolate { node }).at((t + away) as f64, Action::Heal);
            }
            3 => {
                let mut ids: Vec<NodeId> = (1..=n).collect();
                for i in (1..ids.len()).rev() {
                    let j = rng.below(i as u64 + 1) as usize;
                    ids.swap(i, j);
                }
                let minority = (n as usize - 1) / 2;
                let groups = vec![ids[..minority].to_vec(), ids[minority..].to_vec()];
                s = s.at(t as f64, Action::Partition { groups }).at((t + away) as f64, Action::Heal);
            }
            4 | 5 => {
                s = s.at(t as f64, Action::Pause { node }).at((t + away) as f64, Action::Resume { node });
            }
            6 => s = s.at(t as f64, Action::TransferLeadership { node }),
            _ => {
                s = s
                    .at(t as f64, Action::CrashLeader { mode: CrashMode::Recover })
                    .at((t + away) as f64, Action::Restart { node });
            }
        }
        t += away + rng.between(50, 3 * et_min);
    }
    // Everyone back near the end.
    let end = duration.saturating_sub(150) as f64;
    s = s.at(end, Action::Heal);
    for node in 1..=n {
        s = s.at(end, Action::Resume { node }).at(end, Action::Restart { node });
    }
    s
}

/// The PRNG stream of the membership draws: separate, so the scenario shapes above stay the same.
const STREAM_MEMBERSHIP: u64 = 0x4D45_4D42;

/// The scenario of [`generate`] plus membership changes: some servers may start outside the
/// cluster (spares), and the timeline asks the leader to add, remove and replace servers, in
/// joint or single-server mode (always single-server when `unsafe-single-server-change` is
/// broken). Crashes, partitions and load come from [`generate`].
pub fn generate_membership(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> Scenario {
    let mut s = generate(seed, nodes, unsafe_rules);
    s.name = format!("check-membership-{seed}");
    s.description = format!("Randomized check scenario with membership changes for seed {seed}.");
    let mut rng = SimRng::stream(seed, STREAM_MEMBERSHIP);
    let n = s.nodes;
    let hunting = unsafe_rules.contains(&UnsafeRule::UnsafeSingleServerChange);
    s.raft.membership_mode =
        if hunting || rng.below(2) == 0 { MembershipMode::SingleServer } else { MembershipMode::Joint };
    let spares = (rng.below(3) as u32).min(n - 1);
    if spares > 0 {
        s.members = Some((1..=n - spares).collect());
    }
    let duration = s.duration_ms as u64;
    let last = duration.saturating_sub(2_500).max(301);
    for _ in 0..rng.between(2, 8) {
        let t = rng.between(300, last);
        let node = rng.between(1, n as u64) as NodeId;
        let action = match rng.below(5) {
            0 | 1 => Action::AddServer { node, via: None },
            2 | 3 => Action::RemoveServer { node, via: None },
            _ => {
                let mut voters: Vec<NodeId> = (1..=n).filter(|_| rng.below(2) == 0).collect();
                if voters.is_empty() {
                    voters.push(node);
                }
                Action::ChangeMembership { voters, via: None }
            }
        };
        s = s.at(t as f64, action);
    }
    if hunting {
        s = hunt_single_server_bug(s, &mut rng, last);
    }
    s
}

/// Episodes shaped like the 2015 bug, with random servers and delays: A leads and starts a
/// change, A crashes before the change reaches a majority, C is elected and changes the
/// configuration again at once (before its no-op commits), A comes back and campaigns.
fn hunt_single_server_bug(mut s: Scenario, rng: &mut SimRng, last: u64) -> Scenario {
    let n = s.nodes as u64;
    let change = |rng: &mut SimRng, via: Option<NodeId>| {
        let node = rng.between(1, n) as NodeId;
        if rng.below(2) == 0 {
            Action::RemoveServer { node, via }
        } else {
            Action::AddServer { node, via }
        }
    };
    let mut t = rng.between(300, 1_000);
    while t < last {
        let a = rng.between(1, n) as NodeId;
        let c = (a as u64 + rng.between(1, n.max(2) - 1) - 1) % n + 1;
        let c = c as NodeId;
        let first = change(rng, Some(a));
        let second = change(rng, None);
        let mut at = t + 150;
        s = s.at(t as f64, Action::Timeout { node: a }).at(at as f64, first);
        at += rng.between(1, 30);
        s = s.at(at as f64, Action::Crash { node: a, mode: CrashMode::Recover });
        at += rng.between(1, 20);
        s = s.at(at as f64, Action::Timeout { node: c });
        at += rng.between(1, 40);
        s = s.at(at as f64, second);
        at += rng.between(50, 300);
        s = s.at(at as f64, Action::Restart { node: a });
        for _ in 0..2 {
            at += rng.between(1, 80);
            s = s.at(at as f64, Action::Timeout { node: a });
        }
        t = at + rng.between(300, 2_000);
    }
    s
}

/// The stream for read-mode draws, apart from `generate`'s so its scenarios stay as they were.
const READS_STREAM: u64 = 0x2EAD_5EED;

/// The scenario a check campaign runs for one seed: [`generate`]'s, plus a read mode drawn from a
/// stream of its own: a third of the seeds read through the log, a third use ReadIndex and a
/// third leases. Seeds with reads outside the log (or the `stale-reads` rule) send more gets.
/// Lease seeds get a drift bound that covers their clocks' drift (every |drift| ≤ bound / 2),
/// and lose the timeline's forced timeouts: an operator forcing an election is leadership
/// transfer by hand, which a lease cannot survive (thesis §6.4.1).
pub fn generate_for_check(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> Scenario {
    let mut s = generate(seed, nodes, unsafe_rules);
    let mut rng = SimRng::stream(seed, READS_STREAM);
    s.raft.read_mode = match rng.below(3) {
        0 => ReadMode::Log,
        1 => ReadMode::ReadIndex,
        _ => ReadMode::Lease,
    };
    let stale_reads = unsafe_rules.contains(&UnsafeRule::StaleReads);
    if s.raft.read_mode != ReadMode::Log || stale_reads {
        let get_ratio = rng.between(30, 80) as f64 / 100.0;
        if let Some(w) = s.workload.as_mut() {
            w.get_ratio = get_ratio;
            if stale_reads {
                // Few keys, so a read at a deposed leader often meets a newer write.
                w.keys = w.keys.min(2);
            }
        }
    }
    if s.raft.read_mode == ReadMode::Lease {
        let max_drift = s.faults.iter().map(|f| (f.drift.abs() * 100.0).round() as u64).max().unwrap_or(0);
        s.raft.lease_drift_bound = ((2 * max_drift + rng.between(1, 10)) as f64 / 100.0).min(0.9);
        s.timeline.retain(|t| !matches!(t.action, Action::Timeout { .. }));
        s.description.push_str(" Lease reads; no forced timeouts.");
    }
    s
}

/// Half the seeds run with log compaction: small thresholds, so servers snapshot often and
/// lagging or restarted ones need InstallSnapshot, and chunk sizes from a few bytes (many
/// chunks) to more than a whole snapshot. Drawn from a stream of its own, so the rest of the
/// scenario is the same as without snapshots.
fn snapshot_settings(seed: u64, s: &mut Scenario) {
    let mut rng = SimRng::stream(seed, 0x5A4B_5407);
    if rng.below(2) == 0 {
        s.raft.snapshot_threshold = rng.between(5, 50) as usize;
        s.raft.snapshot_chunk_bytes = *rng.pick(&[16usize, 64, 100, 256, 4096]).unwrap_or(&64);
    }
}

fn crash_mode(rng: &mut SimRng, amnesia: bool) -> CrashMode {
    match rng.below(10) {
        0 => CrashMode::Stop,
        1..=3 if amnesia => CrashMode::Amnesia,
        _ => CrashMode::Recover,
    }
}

fn storm_action(rng: &mut SimRng, node: NodeId, amnesia: bool) -> Action {
    match rng.below(10) {
        0..=2 => Action::CrashLeader {
            mode: if amnesia && rng.below(3) == 0 { CrashMode::Amnesia } else { CrashMode::Recover },
        },
        3..=6 => Action::Restart { node },
        7 | 8 => Action::Timeout { node },
        _ => Action::Heal,
    }
}

fn calm_action(rng: &mut SimRng, node: NodeId, n: u32, amnesia: bool) -> Action {
    match rng.below(13) {
        0 | 1 => Action::Crash { node, mode: crash_mode(rng, amnesia) },
        2 | 3 => Action::Restart { node },
        4 => Action::Pause { node },
        5 => Action::Resume { node },
        6 => {
            let mut ids: Vec<NodeId> = (1..=n).collect();
            // Shuffle, then split at a random point.
            for i in (1..ids.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                ids.swap(i, j);
            }
            let cut = rng.between(1, n as u64 - 1) as usize;
            Action::Partition { groups: vec![ids[..cut].to_vec(), ids[cut..].to_vec()] }
        }
        7 => Action::Cut { from: node, to: rng.between(1, n as u64) as NodeId },
        8 | 9 => Action::Heal,
        10 => Action::Timeout { node },
        11 => Action::CrashLeader { mode: crash_mode(rng, amnesia) },
        _ => Action::Isolate { node },
    }
}

/// A seed that generates more events than this is stopped and reported: with the flow control
/// of the core, a 15 s scenario takes well under a million events, so this means a message storm.
pub const EVENT_BUDGET: u64 = 20_000_000;

/// What one seed found.
#[derive(Clone, Debug)]
pub enum SeedResult {
    Passed {
        events: u64,
        /// The linearizability checker ran out of budget on the history.
        linearizability_unknown: bool,
        /// A liveness property was judged (and held) in the run.
        liveness_judged: bool,
    },
    Violated(Box<Failure>),
    /// Exceeded [`EVENT_BUDGET`] before its end.
    Runaway {
        scenario: Box<Scenario>,
        events: u64,
    },
}

/// Run one seed with invariants on, then check its client history for linearizability.
pub fn run_seed(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> SeedResult {
    run_generated(seed, generate_for_check(seed, nodes, unsafe_rules))
}

/// Run one seed of a lease-window campaign ([`generate_lease_window`]).
pub fn run_lease_window_seed(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> SeedResult {
    run_generated(seed, generate_lease_window(seed, nodes, unsafe_rules))
}

/// Run one seed of a membership campaign ([`generate_membership`]) with invariants on.
pub fn run_membership_seed(seed: u64, nodes: Option<u32>, unsafe_rules: &[UnsafeRule]) -> SeedResult {
    run_generated(seed, generate_membership(seed, nodes, unsafe_rules))
}

/// Check any scenario as a campaign checks a seed's: invariants, then linearizability, then
/// liveness (a built-in, a scenario file, a shrunk one).
pub fn run_scenario(scenario: Scenario) -> SeedResult {
    run_generated(scenario.seed, scenario)
}

fn run_generated(seed: u64, scenario: Scenario) -> SeedResult {
    let mut sim = match Simulation::new(&scenario) {
        Ok(sim) => sim,
        // Generated scenarios are valid (a test checks it); if one is not, say so loudly.
        Err(e) => panic!("campaign generated an invalid scenario for seed {seed}: {e}"),
    };
    while sim.step() {
        if let Some(violation) = sim.violations().first() {
            return SeedResult::Violated(Box::new(Failure { scenario, violation: violation.clone() }));
        }
        if sim.events() > EVENT_BUDGET {
            return SeedResult::Runaway { scenario: Box::new(scenario), events: sim.events() };
        }
    }
    let report = linearizability::check_run(&sim, linearizability::DEFAULT_BUDGET);
    let unknown = report.verdict == Verdict::Unknown;
    if let Some(violation) = linearizability_violation(&sim, report) {
        return SeedResult::Violated(Box::new(Failure { scenario, violation }));
    }
    // Liveness last: a run that breaks safety reports that, whatever else it did.
    if let Some(failure) = sim.liveness_failure() {
        return SeedResult::Violated(Box::new(Failure { scenario, violation: failure.violation() }));
    }
    let liveness_judged = sim.liveness().iter().any(|(_, s)| matches!(s, Status::Holding { .. }));
    SeedResult::Passed { events: sim.events(), linearizability_unknown: unknown, liveness_judged }
}

/// A non-linearizable client history as a campaign reports it: a violation of
/// Linearizability at the answer that made it so, by the server that gave it. None for any
/// other verdict. The shrinker keeps a candidate by the same report.
pub(crate) fn linearizability_violation(
    sim: &Simulation,
    report: linearizability::LinearizabilityReport,
) -> Option<Violation> {
    if report.verdict != Verdict::Violation {
        return None;
    }
    let culprit = report.ops.iter().find(|o| Some(o.history_index) == report.culprit);
    let time_us = culprit.and_then(|o| o.completed_ms).unwrap_or(0.0) * 1000.0;
    Some(Violation::new(
        Property::Linearizability,
        time_us as u64,
        sim.events(),
        culprit.and_then(|o| o.answered_by).into_iter().collect(),
        Vec::new(),
        report.message,
    ))
}

/// The scenario a campaign with `config` generates for `seed`: the shape its flags ask for.
pub fn scenario_for(config: &CampaignConfig, seed: u64) -> Scenario {
    let membership = config.membership || config.unsafe_rules.contains(&UnsafeRule::UnsafeSingleServerChange);
    if config.lease_window {
        generate_lease_window(seed, config.nodes, &config.unsafe_rules)
    } else if membership {
        generate_membership(seed, config.nodes, &config.unsafe_rules)
    } else {
        generate_for_check(seed, config.nodes, &config.unsafe_rules)
    }
}

/// Run one seed of a campaign with `config`. Every runner of campaigns — [`run`]'s threads,
/// the page's Web Workers — goes through here, so a seed finds the same thing everywhere.
pub fn run_one(config: &CampaignConfig, seed: u64) -> SeedResult {
    run_generated(seed, scenario_for(config, seed))
}

impl CampaignOutcome {
    /// Count one seed's result in, keeping the lowest failing (and runaway) seed. True when the
    /// seed stops a campaign: a violation or a runaway.
    pub fn add(&mut self, outcome: SeedResult) -> bool {
        self.seeds_run += 1;
        match outcome {
            SeedResult::Passed { events, linearizability_unknown, liveness_judged } => {
                self.events += events;
                self.linearizability_unknown += linearizability_unknown as u64;
                self.liveness_judged += liveness_judged as u64;
                false
            }
            SeedResult::Violated(f) => {
                self.events += f.violation.event;
                if self.failure.as_ref().is_none_or(|old| f.scenario.seed < old.scenario.seed) {
                    self.failure = Some(*f);
                }
                true
            }
            SeedResult::Runaway { scenario, events } => {
                self.events += events;
                if self.runaway.as_ref().is_none_or(|old| scenario.seed < old.seed) {
                    self.runaway = Some(*scenario);
                }
                true
            }
        }
    }
}

/// Run `count` seeds of a campaign from `first`, in order, on this thread, stopping at the
/// first that fails (a violation or a runaway): a batch of the page's hunt (one Web Worker
/// runs one batch at a time). The seeds below a failure in a batch all ran, so the coordinator
/// that hands batches out in order can report the lowest failing seed, as [`run`] does.
pub fn run_batch(config: &CampaignConfig, first: u64, count: u64) -> CampaignOutcome {
    let mut outcome = CampaignOutcome::default();
    for seed in first..first.saturating_add(count) {
        if outcome.add(run_one(config, seed)) {
            break;
        }
    }
    outcome
}

/// Run a campaign over `threads` workers. Seeds are handed out in order; the reported failure
/// is the lowest failing seed among those run, so the result does not depend on threading.
pub fn run(config: &CampaignConfig) -> CampaignOutcome {
    let next = AtomicU64::new(config.first_seed);
    let end = config.first_seed.saturating_add(config.seeds);
    let stop = AtomicBool::new(false);
    let result = Mutex::new(CampaignOutcome::default());
    std::thread::scope(|scope| {
        for _ in 0..config.threads.max(1) {
            scope.spawn(|| loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= end {
                    return;
                }
                let outcome = run_one(config, seed);
                let mut r = result.lock().unwrap_or_else(|e| e.into_inner());
                if r.add(outcome) {
                    stop.store(true, Ordering::Relaxed);
                }
            });
        }
    });
    result.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_scenarios_are_valid_and_deterministic() {
        for seed in 0..300 {
            let s = generate(seed, None, &[UnsafeRule::NoPersist]);
            assert!(s.validate().is_ok(), "seed {seed}: {:?}", s.validate());
            assert_eq!(s, generate(seed, None, &[UnsafeRule::NoPersist]));
            assert!((3..=7).contains(&s.nodes));
        }
        assert_eq!(generate(5, Some(9), &[]).nodes, 9);
    }

    #[test]
    fn membership_scenarios_are_valid_deterministic_and_change_the_cluster() {
        let mut changed = 0;
        for seed in 0..100 {
            let s = generate_membership(seed, None, &[]);
            assert!(s.validate().is_ok(), "seed {seed}: {:?}", s.validate());
            assert_eq!(s, generate_membership(seed, None, &[]));
            // The draws of `generate` are untouched: same cluster, same faults, same load.
            let plain = generate(seed, None, &[]);
            assert_eq!((s.nodes, &s.faults, &s.workload), (plain.nodes, &plain.faults, &plain.workload));
            assert!(s.timeline.iter().any(|t| matches!(
                t.action,
                Action::AddServer { .. } | Action::RemoveServer { .. } | Action::ChangeMembership { .. }
            )));
            let mut sim = Simulation::new(&s).unwrap();
            sim.run_to_end();
            assert!(sim.violations().is_empty(), "seed {seed}: {:?}", sim.violations().first());
            let configs =
                sim.nodes().iter().filter_map(|n| n.raft.as_ref()).map(|r| r.configuration_index()).max().unwrap_or(0);
            changed += (configs > 0) as u32;
        }
        assert!(changed >= 50, "only {changed} of 100 runs changed their configuration");
        let hunting = generate_membership(3, None, &[UnsafeRule::UnsafeSingleServerChange]);
        assert_eq!(hunting.raft.membership_mode, MembershipMode::SingleServer);
    }

    #[test]
    fn the_single_server_bug_is_found_and_its_scenario_reproduces_it() {
        let rule = [UnsafeRule::UnsafeSingleServerChange];
        let found = run(&CampaignConfig {
            first_seed: 0,
            seeds: 2_000,
            nodes: None,
            unsafe_rules: rule.to_vec(),
            threads: 2,
            membership: false,
            lease_window: false,
        });
        let failure = found.failure.expect("the 2015 bug is found");
        let mut replay = Simulation::new(&failure.scenario).unwrap();
        assert!(replay.run_until_violation(), "the written scenario reproduces it");
        // And the same scenario with the rule in force is safe.
        let mut safe = failure.scenario.clone();
        safe.raft.unsafe_rules.clear();
        let mut sim = Simulation::new(&safe).unwrap();
        assert!(!sim.run_until_violation(), "{:?}", sim.violations().first());
    }

    #[test]
    fn the_bug_hunting_shapes_are_safe_with_the_rule_in_force() {
        for seed in 0..150 {
            let mut s = generate_membership(seed, None, &[UnsafeRule::UnsafeSingleServerChange]);
            s.raft.unsafe_rules.clear();
            let mut sim = Simulation::new(&s).unwrap();
            assert!(!sim.run_until_violation(), "seed {seed}: {:?}", sim.violations().first());
        }
    }

    #[test]
    fn batches_in_order_find_what_the_threads_find() {
        let config = CampaignConfig {
            first_seed: 0,
            seeds: 60,
            nodes: None,
            unsafe_rules: vec![UnsafeRule::ForgetVote],
            threads: 2,
            membership: false,
            lease_window: false,
        };
        let whole = run(&config);
        let lowest = whole.failure.as_ref().map(|f| f.scenario.seed).expect("forget-vote is found in 60 seeds");
        // Batches of 4 in order, each stopping at its first failure, as the page's workers run them.
        let mut merged = CampaignOutcome::default();
        let mut first = 0;
        while first < 60 && merged.failure.is_none() {
            let batch = run_batch(&config, first, 4);
            merged.seeds_run += batch.seeds_run;
            merged.events += batch.events;
            merged.failure = batch.failure;
            first += 4;
        }
        let failure = merged.failure.expect("the batches find it too");
        assert_eq!(failure.scenario.seed, lowest);
        assert_eq!(failure.violation, whole.failure.unwrap().violation);
        assert_eq!(merged.seeds_run, lowest + 1, "a batch stops at its failure");
        // A safe batch counts every seed and its events, as the campaign does.
        let safe = CampaignConfig { unsafe_rules: vec![], seeds: 8, ..config };
        let (batch, whole) = (run_batch(&safe, 0, 8), run(&safe));
        assert_eq!((batch.seeds_run, batch.events, batch.failure.is_none()), (whole.seeds_run, whole.events, true));
    }

    #[test]
    fn a_small_safe_campaign_passes_and_forget_vote_is_caught() {
        let safe = run(&CampaignConfig {
            first_seed: 0,
            seeds: 30,
            nodes: None,
            unsafe_rules: vec![],
            threads: 2,
            membership: false,
            lease_window: false,
        });
        assert_eq!(safe.seeds_run, 30);
        assert!(safe.failure.is_none() && safe.runaway.is_none());
        let broken = run(&CampaignConfig {
            first_seed: 0,
            seeds: 200,
            nodes: None,
            unsafe_rules: vec![UnsafeRule::ForgetVote],
            threads: 2,
            membership: false,
            lease_window: false,
        });
        let failure = broken.failure.expect("two leaders in a term are found quickly");
        assert_eq!(failure.violation.property, crate::check::invariants::Property::ElectionSafety);
    }
}
