//! What crosses between the page and its hunt workers (web/hunt/worker.js), and what the
//! module exports `huntBatch` and `shrink` (hunt_module.rs) read and return: plain serde
//! structs, written and read as JSON on both sides, so the page's coordinator (store/hunt.rs)
//! is tested natively with the very values a worker sends.
//!
//! A batch is [`raft_sim::campaign::run_batch`]: seeds in order, each through `run_one` (the
//! CLI's per-seed entry), stopping at the first that fails. So a seed finds here what it finds
//! in `raftsim check`.
use raft_core::UnsafeRule;
use raft_sim::campaign::shrink::Size;
use raft_sim::campaign::{CampaignConfig, CampaignOutcome};
use raft_sim::scenario::MAX_NODES;
use serde::{Deserialize, Serialize};

/// At most this many seeds in one batch: a batch runs in one call, so it must stay short.
pub const MAX_BATCH: u64 = 100_000;
/// At most this many candidate runs in one shrink (the CLI's default is 1,000).
pub const MAX_ATTEMPTS: u64 = 100_000;

/// The campaign a hunt runs: `raftsim check`'s flags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignFlags {
    /// Break Raft rules by name (`--unsafe`).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Every scenario's cluster size (`--nodes`); none: drawn per seed.
    #[serde(default)]
    pub nodes: Option<u32>,
    /// `--membership`.
    #[serde(default)]
    pub membership: bool,
    /// `--lease-window`.
    #[serde(default)]
    pub lease_window: bool,
}

/// `huntBatch(options)`: the campaign and the seeds `first` .. `first + count`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchOptions {
    /// As [`CampaignFlags`] (serde cannot refuse unknown fields of a flattened struct).
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub nodes: Option<u32>,
    #[serde(default)]
    pub membership: bool,
    #[serde(default)]
    pub lease_window: bool,
    pub first: u64,
    pub count: u64,
}

impl CampaignFlags {
    /// The rules by name, or what is wrong naming the field.
    pub fn unsafe_rules(&self) -> Result<Vec<UnsafeRule>, String> {
        self.rules
            .iter()
            .map(|name| {
                UnsafeRule::ALL.iter().copied().find(|r| r.name() == name).ok_or_else(|| {
                    let known: Vec<&str> = UnsafeRule::ALL.iter().map(|r| r.name()).collect();
                    format!("rules: '{name}' is not a Break Raft rule ({})", known.join(", "))
                })
            })
            .collect()
    }

    /// The campaign these flags ask for (one thread: a worker is one thread), or what is wrong
    /// naming the field.
    pub fn config(&self, first: u64, seeds: u64) -> Result<CampaignConfig, String> {
        if let Some(n) = self.nodes {
            if !(1..=MAX_NODES).contains(&n) {
                return Err(format!("nodes must be from 1 to {MAX_NODES} (or left out: drawn per seed)"));
            }
        }
        Ok(CampaignConfig {
            first_seed: first,
            seeds,
            nodes: self.nodes,
            unsafe_rules: self.unsafe_rules()?,
            threads: 1,
            membership: self.membership,
            lease_window: self.lease_window,
        })
    }

    /// The same campaign on the command line: `raftsim check --seeds N …` (results do not depend
    /// on `--threads`, so it is left out).
    pub fn command_line(&self, seeds: u64) -> String {
        let mut line = format!("raftsim check --seeds {seeds}");
        for rule in &self.rules {
            line.push_str(&format!(" --unsafe {rule}"));
        }
        if let Some(n) = self.nodes {
            line.push_str(&format!(" --nodes {n}"));
        }
        if self.membership {
            line.push_str(" --membership");
        }
        if self.lease_window {
            line.push_str(" --lease-window");
        }
        line
    }
}

impl BatchOptions {
    pub fn new(flags: &CampaignFlags, first: u64, count: u64) -> BatchOptions {
        BatchOptions {
            rules: flags.rules.clone(),
            nodes: flags.nodes,
            membership: flags.membership,
            lease_window: flags.lease_window,
            first,
            count,
        }
    }

    pub fn flags(&self) -> CampaignFlags {
        CampaignFlags {
            rules: self.rules.clone(),
            nodes: self.nodes,
            membership: self.membership,
            lease_window: self.lease_window,
        }
    }

    /// Read from JSON text (a JS object written by `JSON.stringify`), checked: every field named
    /// in what is wrong.
    pub fn from_json(text: &str) -> Result<(BatchOptions, CampaignConfig), String> {
        let map = object_of(text, &BATCH_FIELDS)?;
        let options = BatchOptions {
            rules: field(&map, "rules")?.unwrap_or_default(),
            nodes: field(&map, "nodes")?,
            membership: field(&map, "membership")?.unwrap_or(false),
            lease_window: field(&map, "leaseWindow")?.unwrap_or(false),
            first: field(&map, "first")?.ok_or("options: first is required (the first seed)")?,
            count: field(&map, "count")?.ok_or("options: count is required (how many seeds)")?,
        };
        if !(1..=MAX_BATCH).contains(&options.count) {
            return Err(format!("options: count must be from 1 to {MAX_BATCH}"));
        }
        if options.first.checked_add(options.count).is_none() {
            return Err("options: first + count must be below 2^64".into());
        }
        let config = options.flags().config(options.first, options.count).map_err(|e| format!("options: {e}"))?;
        Ok((options, config))
    }
}

/// The fields `huntBatch`'s options may have.
const BATCH_FIELDS: [&str; 6] = ["rules", "nodes", "membership", "leaseWindow", "first", "count"];

/// JSON text as an object with only `known` fields, or what is wrong, naming the field.
fn object_of(text: &str, known: &[&str]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("options: {e}"))?;
    let serde_json::Value::Object(map) = value else { return Err("options must be an object".into()) };
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("options: unknown field '{key}' ({})", known.join(", ")));
    }
    Ok(map)
}

/// One field read as `T` (absent or null: None), or what is wrong with it, naming it.
fn field<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<Option<T>, String> {
    match map.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| format!("options: {name}: {e}")),
    }
}

/// A violation found: the seed, the property (its name, as `raftsim check` prints it), when,
/// in words, and the scenario that reproduces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub seed: u64,
    pub property: String,
    pub time_us: u64,
    pub event: u64,
    pub message: String,
    /// The scenario (as its JSON file holds it).
    pub scenario: serde_json::Value,
}

/// What `huntBatch` returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchReply {
    /// The batch asked for: seeds `first` .. `first + count`.
    pub first: u64,
    pub count: u64,
    pub seeds_run: u64,
    pub events: u64,
    pub linearizability_unknown: u64,
    /// Seeds on which a liveness property was judged (held for a whole bound).
    pub liveness_judged: u64,
    /// The batch's failing seed (it stopped there), if any.
    pub failure: Option<Found>,
    /// A seed that went past the campaigns' event budget (the batch stopped there), if any.
    pub runaway_seed: Option<u64>,
}

impl BatchReply {
    pub fn of(first: u64, count: u64, outcome: &CampaignOutcome) -> BatchReply {
        BatchReply {
            first,
            count,
            seeds_run: outcome.seeds_run,
            events: outcome.events,
            linearizability_unknown: outcome.linearizability_unknown,
            liveness_judged: outcome.liveness_judged,
            failure: outcome.failure.as_ref().map(|f| Found {
                seed: f.scenario.seed,
                property: f.violation.property.name().to_string(),
                time_us: f.violation.time_us,
                event: f.violation.event,
                message: f.violation.message.clone(),
                scenario: serde_json::from_str(&f.scenario.to_json()).unwrap_or_default(),
            }),
            runaway_seed: outcome.runaway.as_ref().map(|s| s.seed),
        }
    }
}

/// `shrink(scenario, options)`'s options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShrinkOptions {
    /// Candidate runs at most (default: the CLI's, 1,000).
    #[serde(default)]
    pub max_attempts: Option<u64>,
}

impl ShrinkOptions {
    pub fn from_json(text: &str) -> Result<u64, String> {
        let map = object_of(text, &["maxAttempts"])?;
        let default = raft_sim::campaign::shrink::ShrinkConfig::default().max_attempts;
        match field::<u64>(&map, "maxAttempts")? {
            None => Ok(default),
            Some(n) if (1..=MAX_ATTEMPTS).contains(&n) => Ok(n),
            Some(_) => Err(format!("options: maxAttempts must be from 1 to {MAX_ATTEMPTS}")),
        }
    }
}

/// What `shrink` returns: the shrunk scenario, the violation it still breaks, the sizes before
/// and after, the search's figures, and the shrunk run as a story (English, as `raftsim shrink`
/// prints it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShrinkReply {
    pub scenario: serde_json::Value,
    pub property: String,
    pub time_us: u64,
    pub event: u64,
    pub message: String,
    pub before: Size,
    pub after: Size,
    pub attempts: u64,
    pub steps: usize,
    /// The attempt budget ran out before a round kept nothing.
    pub exhausted: bool,
    pub story: Vec<String>,
}

impl ShrinkReply {
    pub fn of(outcome: &raft_sim::campaign::shrink::ShrinkOutcome) -> ShrinkReply {
        ShrinkReply {
            scenario: serde_json::from_str(&outcome.scenario.to_json()).unwrap_or_default(),
            property: outcome.violation.property.name().to_string(),
            time_us: outcome.violation.time_us,
            event: outcome.violation.event,
            message: outcome.violation.message.clone(),
            before: outcome.before,
            after: outcome.after,
            attempts: outcome.attempts,
            steps: outcome.steps.len(),
            exhausted: outcome.exhausted,
            story: raft_sim::story::story(&outcome.scenario, &outcome.violation),
        }
    }
}

/// A scenario carried as a JSON value, read back through the bounded, strict reader.
pub fn scenario_of(value: &serde_json::Value) -> Result<raft_sim::Scenario, String> {
    raft_sim::Scenario::from_json(&value.to_string()).map_err(|e| e.to_string())
}

/// Shrink `scenario` within `max_attempts` candidate runs (as `raftsim shrink`).
pub fn shrink(scenario: &raft_sim::Scenario, max_attempts: u64) -> Result<ShrinkReply, String> {
    let config = raft_sim::campaign::shrink::ShrinkConfig { max_attempts, ..Default::default() };
    raft_sim::campaign::shrink::shrink(scenario, &config, &mut |_| {})
        .map(|o| ShrinkReply::of(&o))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_naming_the_field() {
        let ok = BatchOptions::from_json(r#"{"rules":["commit-old-terms"],"first":5,"count":3}"#).unwrap();
        assert_eq!(ok.1.unsafe_rules, vec![UnsafeRule::CommitOldTerms]);
        assert_eq!((ok.1.first_seed, ok.1.seeds, ok.1.nodes), (5, 3, None));
        let err = |text: &str| BatchOptions::from_json(text).unwrap_err();
        assert!(err(r#"{"rules":["nope"],"first":0,"count":1}"#).contains("rules: 'nope'"));
        assert!(err(r#"{"first":0,"count":0}"#).contains("count must be"));
        assert!(err(r#"{"first":0,"count":1,"nodes":12}"#).contains("nodes must be"));
        assert!(
            err(r#"{"first":0,"count":1,"seeds":3}"#).contains("seeds"),
            "{}",
            err(r#"{"first":0,"count":1,"seeds":3}"#)
        );
        assert!(err(r#"{"count":1}"#).contains("first"));
        assert!(err(r#"{"first":18446744073709551615,"count":2}"#).contains("first + count"));
        assert_eq!(ShrinkOptions::from_json("{}"), Ok(1_000));
        assert!(ShrinkOptions::from_json(r#"{"maxAttempts":0}"#).unwrap_err().contains("maxAttempts"));
        assert!(ShrinkOptions::from_json(r#"{"max":3}"#).unwrap_err().contains("max"));
        // A value of the wrong type names its field too.
        assert!(ShrinkOptions::from_json(r#"{"maxAttempts":-1}"#).unwrap_err().contains("maxAttempts"));
        assert!(err(r#"{"first":"zero","count":1}"#).contains("first"));
        assert!(err(r#"{"first":0,"count":1,"rules":"commit-old-terms"}"#).contains("rules"));
        assert!(err(r#"{"first":0,"count":1,"leaseWindow":1}"#).contains("leaseWindow"));
        assert!(err("[1]").contains("object"));
        assert_eq!(BatchOptions::from_json(r#"{"first":0,"count":1,"nodes":null}"#).unwrap().1.nodes, None);
    }

    #[test]
    fn the_command_line_names_every_flag() {
        let flags = CampaignFlags {
            rules: vec!["commit-old-terms".into(), "no-persist".into()],
            nodes: Some(5),
            membership: true,
            lease_window: true,
        };
        assert_eq!(
            flags.command_line(20_000),
            "raftsim check --seeds 20000 --unsafe commit-old-terms --unsafe no-persist --nodes 5 --membership --lease-window"
        );
        assert_eq!(CampaignFlags::default().command_line(200), "raftsim check --seeds 200");
    }

    #[test]
    fn a_batch_and_its_shrink_cross_as_json_and_back() {
        let (_, config) = BatchOptions::from_json(r#"{"rules":["forget-vote"],"first":0,"count":200}"#).unwrap();
        let outcome = raft_sim::campaign::run_batch(&config, 0, 200);
        let reply = BatchReply::of(0, 200, &outcome);
        let back: BatchReply = serde_json::from_str(&serde_json::to_string(&reply).unwrap()).unwrap();
        assert_eq!(back, reply);
        let found = reply.failure.expect("forget-vote is found within 200 seeds");
        assert_eq!(found.property, "Election Safety");
        let scenario = scenario_of(&found.scenario).unwrap();
        assert_eq!(scenario, outcome.failure.unwrap().scenario);
        let shrunk = shrink(&scenario, 200).unwrap();
        assert_eq!(shrunk.property, found.property);
        assert!(shrunk.after.within(&shrunk.before));
        assert!(shrunk.story.last().is_some_and(|l| l.contains("VIOLATION Election Safety")));
        assert!(scenario_of(&shrunk.scenario).is_ok());
    }
}
