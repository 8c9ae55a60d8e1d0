//! Scenarios for comparing builds: every built-in plus generated ones. They live with the
//! campaigns because the generated ones come from the campaign generator, and the built-ins'
//! layer (scenario) must not call up into campaigns.
use crate::scenario::{builtin, Scenario};
use raft_core::UnsafeRule;

/// The scenarios whose trace hashes must agree between native and wasm builds: every built-in,
/// plus generated check scenarios that exercise what the built-ins do not (heavy-tailed delays,
/// drift, omission, loss, duplication, reordering, pauses, amnesia).
pub fn determinism_probes() -> Vec<Scenario> {
    let mut probes = builtin::list();
    for seed in 0..8 {
        let rules: &[UnsafeRule] = if seed % 4 == 3 { &[UnsafeRule::NoPersist] } else { &[] };
        probes.push(super::generate(seed, None, rules));
    }
    // Membership changes, in both modes, with spare servers.
    for seed in 0..3 {
        probes.push(super::generate_membership(seed, None, &[]));
    }
    probes
}
