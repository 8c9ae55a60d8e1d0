//! The engine: one event queue on integer virtual time, the network and its faults, drifting
//! clocks, seeded randomness, clients, the run's budget, and the trace with its hash. It runs a
//! [`crate::scenario::format::Scenario`] and knows nothing about checking, built-ins, playback
//! or campaigns (see the layering rule in the crate docs).
//!
//! Two parts: the [`kernel`] (clock, queue, messages in flight, network faults, trace hash),
//! which does not know which protocol it runs, and the Raft host on it ([`sim`]), which owns
//! the servers, clients, operator actions and observers.
pub mod budget;
pub mod byzantine;
pub mod clock;
pub mod digest;
pub mod hash;
pub mod kernel;
pub mod network;
pub mod observe;
pub mod order;
pub mod rng;
pub mod sim;
pub mod trace;
pub mod workload;
