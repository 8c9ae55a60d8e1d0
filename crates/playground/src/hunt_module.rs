//! The hunt's exports of the simulator module (dist/raft-sim.js, beside `run` and `check` of
//! sim_module.rs): `huntBatch(options)` runs seeds of a `raftsim check` campaign and
//! `shrink(scenario, options)` shrinks a scenario that breaks a property. The page's hunt
//! workers (web/hunt/worker.js) call them; any page may. Arguments are read as JSON into the
//! checked structs of hunt_wire.rs: a bad one throws an Error naming the field, never a panic.
use crate::hunt_wire::{self, BatchOptions, BatchReply, ShrinkOptions};
use wasm_bindgen::prelude::*;

fn error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// A JS object (or nothing: `{}`) as JSON text.
fn json_of(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok("{}".into());
    }
    if !value.is_object() {
        return Err(error(format!("{what} must be an object")));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error(format!("{what} cannot be written as JSON")))
}

/// Our JSON text as a JS object (parsed by the browser: no second serializer in the wasm).
fn object_of(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(error)?;
    js_sys::JSON::parse(&json).map_err(|_| error("the result could not be read back"))
}

/// `huntBatch({rules, nodes, membership, leaseWindow, first, count})`: run seeds `first` ..
/// `first + count` of the campaign `raftsim check --unsafe RULE… --nodes N --membership
/// --lease-window` runs, in order, stopping at the first that fails. Returns `{first, count,
/// seedsRun, events, linearizabilityUnknown, failure: {seed, property, timeUs, event, message, scenario}
/// | null, runawaySeed}`.
#[wasm_bindgen(js_name = huntBatch)]
pub fn hunt_batch(options: JsValue) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Err(error("huntBatch(options): options are required (first, count)"));
    }
    let (options, config) = BatchOptions::from_json(&json_of(&options, "options")?).map_err(error)?;
    let outcome = raft_sim::campaign::run_batch(&config, options.first, options.count);
    object_of(&BatchReply::of(options.first, options.count, &outcome))
}

/// `shrink(scenario, {maxAttempts}?)`: the smaller scenario that breaks the same property
/// (as `raftsim shrink`, at most `maxAttempts` candidate runs, 1,000 by default). Returns
/// `{scenario, property, timeUs, event, message, before, after, attempts, steps, exhausted,
/// story}`; throws if the scenario is invalid or breaks nothing.
#[wasm_bindgen]
pub fn shrink(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let text = if scenario.is_string() {
        scenario.as_string().unwrap_or_default()
    } else {
        json_of(&scenario, "the scenario")?
    };
    if text.len() > raft_sim::scenario::MAX_SCENARIO_BYTES {
        return Err(error(format!(
            "the scenario is longer than {} characters",
            raft_sim::scenario::MAX_SCENARIO_BYTES
        )));
    }
    let scenario = raft_sim::Scenario::from_json(&text).map_err(error)?;
    let max_attempts = ShrinkOptions::from_json(&json_of(&options, "options")?).map_err(error)?;
    object_of(&hunt_wire::shrink(&scenario, max_attempts).map_err(error)?)
}

/// `lincheck(text)`: judge a history file's text (Jepsen's log or Porcupine's key-value
/// format) as `raftsim lincheck --json` does, within the page's step budget. Returns the
/// judgement's JSON text; throws if the text is not a history (the error names line and field).
/// The page's workers run it for a history opened on the page (store/lincheck.rs).
#[wasm_bindgen]
pub fn lincheck(text: String) -> Result<String, JsValue> {
    if text.len() > raft_sim::lincheck::MAX_HISTORY_BYTES {
        return Err(error(format!("the history is longer than {} bytes", raft_sim::lincheck::MAX_HISTORY_BYTES)));
    }
    let history = raft_sim::lincheck::parse(&text, None).map_err(error)?;
    let judgement = raft_sim::lincheck::check(&history, crate::store::lincheck::BUDGET);
    serde_json::to_string(&judgement).map_err(error)
}
