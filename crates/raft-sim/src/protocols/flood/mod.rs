//! Flood-based consensus (the lecture's "Flood-based Consensus"), natively on the engine's
//! kernel: the process group P = {P1, …, Pn} under fail-stop semantics.
//!
//! - **Round r**: each P_i multicasts its known set of commands C_i^r to all others.
//! - **At the end of r**: each P_i merges all received commands into C_i^{r+1}. A process it
//!   heard nothing from in round r is suspected to have crashed and excluded from then on.
//! - After the scenario's rounds (f + 1 when f crashes are tolerated) it decides with the
//!   globally shared deterministic function `select` (here: the smallest command).
//!
//! A crash in the middle of a multicast reaches only some processes: in the lecture's
//! example P1 crashes after sending to P2 only, so "P3 may detect P1 crashed, but does not
//! know if P2 received anything"; the extra round carries what P2 knows to P3 and P4.
//!
//! Rounds are windows of `round_ms` on the virtual clock. The network (with its latency
//! range, drawn from the seed's stream) is the kernel's, as in Raft's simulation; the
//! checks ([`checks`]) run after every event.
pub mod builtin;
pub mod checks;
pub mod message;
pub mod scenario;
pub mod summary;
pub mod view;

use crate::engine::kernel::{self, Envelope, Host, Kernel, Pending, Reception, Shaping};
use crate::engine::network::{Endpoint, Network};
use crate::engine::rng::{Probability, SimRng};
use crate::scenario::format::{ms_to_us, NetworkSettings};
use checks::{Decided, FloodProperty, FloodViolation};
use message::Known;
use scenario::FloodScenario;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A process's wake-ups: the start of a round (it multicasts) and its end (it merges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    Start { process: u32, round: u32 },
    End { process: u32, round: u32 },
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_START: u64 = 1;
const CODE_END: u64 = 2;

/// One process.
#[derive(Clone, Debug)]
struct Process {
    proposal: String,
    /// C_i: what it knows.
    known: BTreeSet<String>,
    /// The round it is in (0 before the first starts; rounds + 1 once all have ended).
    round: u32,
    crashed_in: Option<u32>,
    /// Whom it suspects to have crashed, and since the end of which round.
    suspected: BTreeMap<u32, u32>,
    /// What reached it in its current round: sender and C_sender.
    inbox: BTreeMap<u32, BTreeSet<String>>,
    decision: Option<(String, u32)>,
    /// Messages that came after their round had ended, or from a suspected process: ignored.
    ignored: u64,
}

/// A flood-consensus run.
pub struct FloodConsensus {
    kernel: Kernel<Known, Timer>,
    scenario: FloodScenario,
    processes: Vec<Process>,
    decided_before: Vec<Decided>,
    violations: Vec<FloodViolation>,
}

/// What each process ended with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessReport {
    pub process: u32,
    pub proposal: String,
    pub crashed_in_round: Option<u32>,
    pub decision: Option<String>,
    pub decided_in_round: Option<u32>,
    /// What it knew at the end.
    pub known: Vec<String>,
    /// Whom it suspected to have crashed, and whether that process had.
    pub suspected: Vec<Suspicion>,
    pub ignored_messages: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suspicion {
    pub process: u32,
    /// The round at whose end it was first suspected.
    pub since_round: u32,
    /// Whether it had in fact crashed (false: a false suspicion).
    pub crashed: bool,
}

/// The outcome of a run: `raftsim run`'s summary and `--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FloodReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub f: u32,
    pub rounds: u32,
    pub detector: &'static str,
    pub processes: Vec<ProcessReport>,
    /// Every property checked, in order.
    pub checked: Vec<FloodProperty>,
    pub violations: Vec<FloodViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

impl FloodConsensus {
    pub fn new(s: &FloodScenario) -> FloodConsensus {
        let n = s.processes();
        let settings = NetworkSettings { latency_ms: s.latency_ms, ..NetworkSettings::default() };
        // The same stream numbers as Raft's host: 1 for the network, 3 for the faults.
        let network = Network::new(settings, n, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        let round_us = ms_to_us(s.round_ms).max(1);
        // Every round's ends are queued before the next round's starts, so at a boundary a
        // process merges round r before it multicasts in round r + 1.
        for round in 1..=s.rounds {
            for process in 1..=n {
                kernel.schedule((round as u64 - 1) * round_us, Pending::Wake(Timer::Start { process, round }));
            }
            for process in 1..=n {
                kernel.schedule(round as u64 * round_us, Pending::Wake(Timer::End { process, round }));
            }
        }
        let processes = s
            .proposals
            .iter()
            .map(|p| Process {
                proposal: p.clone(),
                known: BTreeSet::from([p.clone()]),
                round: 0,
                crashed_in: None,
                suspected: BTreeMap::new(),
                inbox: BTreeMap::new(),
                decision: None,
                ignored: 0,
            })
            .collect();
        let mut sim = FloodConsensus {
            kernel,
            scenario: s.clone(),
            processes,
            decided_before: Vec::new(),
            violations: Vec::new(),
        };
        sim.decided_before = sim.decided();
        sim
    }

    /// Run every event (the last round's end is the last the protocol schedules; messages
    /// still on their way after it arrive and are ignored).
    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    pub fn trace_hash(&self) -> u64 {
        self.kernel.hash().value()
    }

    pub fn violations(&self) -> &[FloodViolation] {
        &self.violations
    }

    fn decided(&self) -> Vec<Decided> {
        self.processes
            .iter()
            .enumerate()
            .map(|(i, p)| Decided {
                process: i as u32 + 1,
                crashed: p.crashed_in.is_some(),
                decision: p.decision.clone(),
            })
            .collect()
    }

    fn process(&mut self, id: u32) -> Option<&mut Process> {
        self.processes.get_mut((id as usize).checked_sub(1)?)
    }

    /// Round `round` starts for `p`: it multicasts C_p to all others, unless it crashes in
    /// this round, when only the processes it reached before crashing get it.
    fn start(&mut self, p: u32, round: u32) {
        let Some(me) = self.process(p) else { return };
        me.round = round;
        me.inbox.clear();
        let message = Known { round, commands: me.known.clone() };
        let n = self.scenario.processes();
        let (targets, crashes): (Vec<u32>, bool) = match self.scenario.crash_of(p) {
            Some(c) if c.round == round => (c.sent_to.clone(), true),
            _ => ((1..=n).filter(|&q| q != p).collect(), false),
        };
        let extra = self.scenario.extra_delay_us(p);
        for q in targets {
            let (from, to) = (Endpoint::Node(p), Endpoint::Node(q));
            if extra == 0 {
                self.kernel.send(from, to, message.clone(), Probability::NEVER);
            } else {
                self.kernel.send_shaped(from, to, message.clone(), Probability::NEVER, Shaping::Delay(extra));
            }
        }
        if crashes {
            if let Some(me) = self.process(p) {
                me.crashed_in = Some(round);
            }
        }
    }

    /// Round `round` ends for `p`: it merges what it received from processes it does not
    /// suspect, suspects every other process it heard nothing from, and after the last round
    /// decides.
    fn end(&mut self, p: u32, round: u32) {
        let n = self.scenario.processes();
        let last = self.scenario.rounds;
        let Some(me) = self.process(p) else { return };
        let inbox = std::mem::take(&mut me.inbox);
        // Whoever said nothing this round is suspected: with fail-stop and a synchronous
        // network only a crashed process is silent; with a timeout it may only be slow.
        for q in (1..=n).filter(|&q| q != p && !inbox.contains_key(&q)) {
            me.suspected.entry(q).or_insert(round);
        }
        for (_, commands) in inbox {
            me.known.extend(commands);
        }
        me.round = round + 1;
        if round == last && me.decision.is_none() {
            // select(C): the globally shared deterministic function.
            if let Some(first) = me.known.first() {
                me.decision = Some((first.clone(), round));
            }
        }
    }

    fn fold_state(&mut self, p: u32) {
        let Some(me) = self.processes.get((p as usize).wrapping_sub(1)) else { return };
        let mut h = crate::engine::hash::StableHash::new();
        for c in &me.known {
            h.str(c);
        }
        let decided = me.decision.as_ref().map_or(0, |(c, r)| {
            let mut d = crate::engine::hash::StableHash::new();
            d.str(c).word(*r as u64);
            d.finish()
        });
        let (known, suspected, crashed) = (h.finish(), me.suspected.len() as u64, me.crashed_in.unwrap_or(0) as u64);
        self.kernel.hash_mut().words().word(p as u64).word(known).word(suspected).word(crashed).word(decided);
    }

    /// The run's outcome.
    pub fn report(&self) -> FloodReport {
        let s = &self.scenario;
        let crashed = |q: u32| self.processes.get(q as usize - 1).is_some_and(|p| p.crashed_in.is_some());
        FloodReport {
            protocol: crate::scenario::protocol::FLOOD_CONSENSUS,
            scenario: s.name.clone(),
            seed: s.seed,
            f: s.f,
            rounds: s.rounds,
            detector: s.detector.name(),
            processes: self
                .processes
                .iter()
                .enumerate()
                .map(|(i, p)| ProcessReport {
                    process: i as u32 + 1,
                    proposal: p.proposal.clone(),
                    crashed_in_round: p.crashed_in,
                    decision: p.decision.as_ref().map(|(c, _)| c.clone()),
                    decided_in_round: p.decision.as_ref().map(|(_, r)| *r),
                    known: p.known.iter().cloned().collect(),
                    suspected: p
                        .suspected
                        .iter()
                        .map(|(&q, &since)| Suspicion { process: q, since_round: since, crashed: crashed(q) })
                        .collect(),
                    ignored_messages: p.ignored,
                })
                .collect(),
            checked: vec![
                FloodProperty::Agreement,
                FloodProperty::Validity,
                FloodProperty::Integrity,
                FloodProperty::Termination,
            ],
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: self.kernel.now() as f64 / 1000.0,
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

/// Run a scenario to its end.
pub fn run(s: &FloodScenario) -> FloodReport {
    let mut sim = FloodConsensus::new(s);
    sim.run();
    sim.report()
}

impl Host for FloodConsensus {
    type Message = Known;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<Known, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<Known, Timer> {
        &mut self.kernel
    }

    fn reception(&self, node: u32) -> Option<Reception> {
        let p = self.processes.get((node as usize).checked_sub(1)?)?;
        Some(if p.crashed_in.is_some() { Reception::Down } else { Reception::Up(Probability::NEVER) })
    }

    /// Nobody is ever paused in this protocol.
    fn defer(&mut self, _node: u32, _event: Pending<Timer>) {}

    fn on_message(&mut self, m: Envelope, payload: Known) {
        let (Endpoint::Node(to), Endpoint::Node(from)) = (m.to, m.from) else { return };
        let Some(me) = self.process(to) else { return };
        // A message from an excluded process, or one whose round is over, is not merged.
        if me.suspected.contains_key(&from) || payload.round != me.round {
            me.ignored += 1;
        } else {
            me.inbox.insert(from, payload.commands);
        }
        self.fold_state(to);
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        let (process, round) = match timer {
            Timer::Start { process, round } | Timer::End { process, round } => (process, round),
        };
        // A crashed process does nothing more: its wake-ups are stale.
        if self.processes.get((process as usize).wrapping_sub(1)).is_none_or(|p| p.crashed_in.is_some()) {
            return false;
        }
        match timer {
            Timer::Start { .. } => {
                self.kernel.begin_event(CODE_START, process as u64, round as u64);
                self.start(process, round);
            }
            Timer::End { .. } => {
                self.kernel.begin_event(CODE_END, process as u64, round as u64);
                self.end(process, round);
            }
        }
        self.fold_state(process);
        true
    }

    /// The checks, after every counted event (as Raft's invariant checker observes).
    fn event_done(&mut self) {
        let now = self.decided();
        // Over once every process has crashed or ended the last round (its round is past it).
        let last = self.scenario.rounds;
        let over = self.processes.iter().all(|p| p.crashed_in.is_some() || p.round > last);
        for (property, detail) in checks::check(&self.decided_before, &now, &self.scenario.proposals, over) {
            if !self.violations.iter().any(|v| v.property == property) {
                let at_ms = self.kernel.now() as f64 / 1000.0;
                self.violations.push(FloodViolation { property, detail, at_ms, event: self.kernel.events() });
            }
        }
        self.decided_before = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_round_queues_a_start_and_an_end_per_process() {
        let s = FloodScenario::from_json(
            r#"{"protocol": "flood-consensus", "name": "t", "proposals": ["a", "b"], "f": 0, "round_ms": 50}"#,
        )
        .expect("valid");
        let sim = FloodConsensus::new(&s);
        assert_eq!(sim.kernel.queued(), 4, "one start and one end per process and round");
    }
}
