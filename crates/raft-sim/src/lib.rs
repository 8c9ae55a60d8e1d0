//! A deterministic simulator for clusters of [`raft_core::RaftNode`]s.
//!
//! One seed reproduces everything: virtual time in integer microseconds, one event queue,
//! randomness only from [`engine::rng::SimRng`] streams derived from the scenario's seed, and
//! invariants checked after every event (in the spirit of FoundationDB's simulator and
//! TigerBeetle's VOPR).
//!
//! # Layers
//!
//! The crate is five layers, one folder each, from the bottom up:
//!
//! | layer        | holds                                                                                  |
//! |--------------|----------------------------------------------------------------------------------------|
//! | [`engine`]   | a protocol-agnostic kernel ([`engine::kernel`]), the Raft host on it ([`engine::sim`]), network, clocks, PRNG, faults, clients, budget, trace and hash |
//! | [`check`]    | invariants, linearizability, availability                                              |
//! | [`scenario`] | the scenario format, its strict shapes and bounded reader, built-ins, tours            |
//! | [`playback`] | sessions (time travel), run documents and share links, reports, the benchmark          |
//! | [`campaign`] | randomized check campaigns, the generated scenarios built on them, and the shrinker      |
//! | [`protocols`] | protocols other than Raft, each a host on the kernel with its own format and checks (flood-based consensus, the Two Generals' Problem, primary-backup with an arbitration server) |
//!
//! **The rule: no layer names one above it.** Exactly:
//! - `engine` names only `engine`, and the scenario *format* (`scenario::format`: the
//!   `Scenario`, `Action` and settings types it runs). Not the built-ins, tours, shapes or reader.
//! - `check` names `engine`, `check` and `scenario::format`.
//! - `scenario` names `engine`, `check` and `scenario`.
//! - `playback` and `campaign` are both on top: each may name every layer below, but not each
//!   other.
//! - `protocols` names `engine` and `scenario` (the format's errors, the protocol names, the
//!   shared index of built-ins); no layer names it.
//!
//! Where a lower layer needs a result from a higher one, the higher one asks: the report and
//! the tours call [`check::linearizability::check_run`] with the engine's history, and the
//! scenarios for comparing builds, which include campaign-generated ones, are
//! [`campaign::determinism_probes`]. Inside the crate, paths name the layer
//! (`crate::engine::sim`, never the flat re-exports below). Unit tests (`#[cfg(test)]`
//! modules) may use any layer. `tests/layering.rs` enforces all of this.
//!
//! The checks watch a run without the engine naming them: the engine calls every attached
//! [`engine::observe::Observer`] after each event, and the invariant checker and availability
//! tracker are observers ([`check::observers`], which also defines `Simulation::new`: the engine
//! with the invariant checker attached).
//!
//! For the crates above (the CLI, the page, the tests) the modules are also re-exported flat
//! (`raft_sim::sim`, `raft_sim::share`), so a module can move between layers without changing
//! their imports.

pub mod campaign;
pub mod check;
pub mod engine;
pub mod playback;
pub mod protocols;
pub mod scenario;

pub use check::{availability, invariants, linearizability, linearizability as lincheck, liveness};
pub use engine::{budget, byzantine, clock, digest, hash, network, order, rng, sim, trace, workload};
pub use playback::{bench, events, narrate, report, session, share, spacetime, story};
pub use scenario::{builtin, expect, glossary, input, shape, tour, tour_text};

pub use check::invariants::{Property, Violation};
pub use engine::sim::Simulation;
pub use playback::report::{run_scenario, ConfigurationReport, EntryReport, NodeReport, Report, ViolationReport};
pub use scenario::format::{Action, Scenario, ScenarioError, TimedAction};
