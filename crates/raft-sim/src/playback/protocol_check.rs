//! A campaign for the protocols other than Raft (`raftsim check --scenario NAME`): one scenario
//! run with seed after seed, every check watched after every event, stopping at the lowest seed
//! whose run breaks one. The seed draws everything random in a run (the links' delays and
//! losses, the reordering of a network without FIFO channels, a bank's transfers), so the seeds
//! are that many different runs of the same setting: the working protocols must pass all of
//! them, and their broken variants are caught at some seed, reproducible from it alone.
use crate::playback::protocol_table;
use crate::protocols::said::Said;
use crate::scenario::format::ScenarioError;
use serde::Serialize;

/// A campaign runs at most this many seeds.
pub const MAX_SEEDS: u64 = 1_000_000;

/// The lowest failing seed and what broke first in its run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeedFailure {
    pub seed: u64,
    pub property: &'static str,
    pub at_ms: f64,
    pub event: u64,
    /// What broke, serialized as its English sentence.
    pub detail: Said,
    /// The scenario with that seed, as JSON: `raftsim run` on it shows the failure.
    pub scenario: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeedsOutcome {
    pub protocol: &'static str,
    pub scenario: String,
    pub seeds_run: u64,
    pub events: u64,
    pub failure: Option<SeedFailure>,
}

/// Run the scenario `text` with seeds `start`, `start + 1`, … (`seeds` of them), stopping at the
/// first whose run breaks a check. Err: the text is not another protocol's valid scenario.
pub fn check_seeds(text: &str, start: u64, seeds: u64) -> Result<SeedsOutcome, ScenarioError> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ScenarioError::new("", format!("not JSON: {e}")))?;
    let first = protocol_table::read(text)?;
    let mut outcome = SeedsOutcome {
        protocol: first.protocol(),
        scenario: first.name().to_string(),
        seeds_run: 0,
        events: 0,
        failure: None,
    };
    drop(first);
    for seed in start..start.saturating_add(seeds.min(MAX_SEEDS)) {
        if let Some(o) = value.as_object_mut() {
            o.insert("seed".into(), serde_json::Value::from(seed));
        }
        let seeded = value.to_string();
        // One bare run per seed: its checks already say where and how each first broke, so
        // nothing is watched or replayed, not even for the failing seed.
        let run = protocol_table::read(&seeded)?.bare();
        outcome.seeds_run += 1;
        outcome.events += run.events;
        let first_broken = run
            .checks
            .iter()
            .filter_map(|c| c.broken.as_ref().map(|b| (c.property, b)))
            .min_by_key(|(_, b)| (b.event, b.at_us));
        if let Some((property, b)) = first_broken {
            outcome.failure = Some(SeedFailure {
                seed,
                property,
                at_ms: b.at_us as f64 / 1000.0,
                event: b.event,
                detail: b.detail.clone(),
                scenario: seeded,
            });
            break;
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> &'static str {
        crate::scenario::builtin::EMBEDDED_FILES
            .iter()
            .find(|(n, _)| *n == format!("{name}.json"))
            .map(|(_, t)| *t)
            .expect("a built-in file")
    }

    #[test]
    fn the_working_protocols_pass_every_seed_and_their_broken_variants_are_caught() {
        for name in ["flood-p1-p4", "pb-partition-arbiter", "pb-primary-crash", "cl-bank-snapshot"] {
            let o = check_seeds(text(name), 0, 200).expect("valid");
            assert_eq!(o.failure, None, "{name}");
            assert_eq!(o.seeds_run, 200);
            assert!(o.events > 200, "{name}: {}", o.events);
        }
        let o = check_seeds(text("pb-partition-no-arbiter"), 0, 200).expect("valid");
        let f = o.failure.expect("two primaries");
        assert_eq!((f.seed, f.property), (0, "SinglePrimary"));
        let o = check_seeds(text("cl-broken-not-fifo"), 100, 500).expect("valid");
        let f = o.failure.expect("without FIFO channels some seed breaks the snapshot");
        assert!(matches!(f.property, "ConsistentCut" | "SnapshotTotal"), "{f:?}");
        // The failing seed alone reproduces it.
        let again = check_seeds(&f.scenario, f.seed, 1).expect("valid").failure.expect("again");
        assert_eq!((again.seed, again.property, again.event), (f.seed, f.property, f.event));
        assert_eq!(o.seeds_run, f.seed - 100 + 1, "it stops at the first failing seed");
    }

    #[test]
    fn a_raft_scenario_or_bad_text_is_refused() {
        assert_eq!(check_seeds(r#"{"name": "x"}"#, 0, 1).expect_err("raft").field, "protocol");
        assert_eq!(check_seeds("nope", 0, 1).expect_err("not json").field, "");
    }
}
