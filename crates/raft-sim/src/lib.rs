//! A deterministic simulator for clusters of [`raft_core::RaftNode`]s.
//!
//! One seed reproduces everything: virtual time in integer microseconds, one event queue,
//! randomness only from [`rng::SimRng`] streams derived from the scenario's seed, and
//! invariants checked after every event (in the spirit of FoundationDB's simulator and
//! TigerBeetle's VOPR).

pub mod availability;
pub mod bench;
pub mod budget;
pub mod builtin;
pub mod builtin_byzantine;
pub mod builtin_disruption;
pub mod byzantine;
pub mod campaign;
pub mod clock;
pub mod digest;
pub mod hash;
pub mod input;
pub mod invariants;
pub mod linearizability;
pub mod network;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod session;
pub mod shape;
pub mod share;
pub mod sim;
pub mod tour;
pub mod trace;
pub mod workload;

pub use invariants::{Property, Violation};
pub use report::{run_scenario, ConfigurationReport, EntryReport, NodeReport, Report, ViolationReport};
pub use scenario::{Action, Scenario, ScenarioError, TimedAction};
pub use sim::Simulation;
