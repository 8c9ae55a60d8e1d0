//! Checking: the invariants of Figure 3 and the membership rules, checked event by event; the
//! liveness properties (a leader is elected and requests answered once the network is stable),
//! also event by event; the linearizability of the client history; the cluster's availability.
//! Reads what the engine produces; never drives a run.
pub mod availability;
pub mod finding;
pub mod invariants;
pub mod linearizability;
pub mod liveness;
pub mod observers;
