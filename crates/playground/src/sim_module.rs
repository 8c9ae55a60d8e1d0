//! The simulator as a JavaScript module (README, "The simulator as a JS module"): the page's own
//! wasm exports `run(scenario, options)` and `check(scenario, options)`, so an interactive
//! textbook can compute its own figures. `dist/raft-sim.js` (written by trunk's post-build
//! hook, scripts/module-entry.sh) loads the wasm and re-exports them; loaded that way the page
//! itself is not drawn (see `main`).
//!
//! A scenario is given as a JS object or its JSON text and read by the same bounded, strict
//! reader as a file (at most `MAX_SCENARIO_BYTES`, the format's limits on servers and
//! duration); the run has the budget every run has (`raft_sim::budget`, as `raftsim run`), so
//! the same scenario gives the same trace hash here and natively. The options are read into a
//! typed struct through `serde-wasm-bindgen`.
use raft_sim::budget::Budget;
use raft_sim::scenario::MAX_SCENARIO_BYTES;
use raft_sim::{Report, Scenario, Simulation};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `options` of `run` and `check`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Options {
    /// Stop at this virtual time (ms) instead of the scenario's end.
    until_ms: Option<f64>,
    /// At most this many events (at most the default budget's).
    max_events: Option<f64>,
}

/// What a run gives back.
#[derive(Serialize)]
struct Outcome<'a> {
    report: &'a Report,
    /// The session's milestones: elections, leaders, crashes, restarts, violations, actions.
    events: &'a [raft_sim::sim::Milestone],
}

fn error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// The scenario from a JS object or JSON text, through the bounded reader.
fn scenario(value: &JsValue) -> Result<Scenario, JsValue> {
    let text = if value.is_string() {
        value.clone()
    } else if value.is_object() {
        js_sys::JSON::stringify(value)
            .map(JsValue::from)
            .map_err(|_| error("the scenario cannot be written as JSON"))?
    } else {
        return Err(error("run(scenario): the scenario must be an object or its JSON text"));
    };
    let text = text.dyn_into::<js_sys::JsString>().map_err(|_| error("the scenario cannot be written as JSON"))?;
    if text.length() as usize > MAX_SCENARIO_BYTES {
        return Err(error(format!("the scenario is longer than {MAX_SCENARIO_BYTES} characters")));
    }
    Scenario::from_json(&String::from(text)).map_err(error)
}

/// Run to the end (or `untilMs`) and return `{report, history, events}`.
fn simulate(scenario_value: &JsValue, options: JsValue) -> Result<(Report, JsValue), JsValue> {
    let options: Options = if options.is_undefined() || options.is_null() {
        Options::default()
    } else {
        // serde-wasm-bindgen reads only the fields a struct names: any other is refused here.
        for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !["untilMs", "maxEvents"].contains(&key.as_str()) {
                return Err(error(format!("options: unknown field '{key}' (untilMs, maxEvents)")));
            }
        }
        serde_wasm_bindgen::from_value(options).map_err(|e| error(format!("options: {e}")))?
    };
    let scenario = scenario(scenario_value)?;
    let mut sim = Simulation::new(&scenario).map_err(error)?;
    let mut budget = Budget::default();
    if let Some(n) = options.max_events {
        if !(1.0..=budget.max_events as f64).contains(&n) {
            return Err(error(format!("options: maxEvents must be from 1 to {}", budget.max_events)));
        }
        budget.max_events = n as u64;
        sim.set_budget(budget);
    }
    let until = match options.until_ms {
        Some(ms) if ms.is_finite() && ms >= 0.0 => raft_sim::scenario::ms_to_us(ms).min(sim.end()),
        Some(_) => return Err(error("options: untilMs must be a number of ms from 0")),
        None => sim.end(),
    };
    sim.run_until(until);
    let report = Report::of(&sim);
    let outcome = Outcome { report: &report, events: sim.milestones() };
    // Written by serde_json (already in the page for run documents) and read by the browser's
    // JSON.parse: a second serializer for the report's types would add to the download.
    let json = serde_json::to_string(&outcome).map_err(error)?;
    let value = js_sys::JSON::parse(&json).map_err(|_| error("the report could not be read back"))?;
    let report_js = js_sys::Reflect::get(&value, &"report".into()).unwrap_or(JsValue::UNDEFINED);
    let history = js_sys::Reflect::get(&report_js, &"history".into()).unwrap_or(JsValue::UNDEFINED);
    let _ = js_sys::Reflect::set(&value, &"history".into(), &history);
    Ok((report, value))
}

/// `run(scenario, options?)`: the run's report (as `raftsim run --json` prints it), its client
/// history and its events (milestones). Throws an Error saying what is wrong with the scenario.
#[wasm_bindgen]
pub fn run(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    simulate(&scenario, options).map(|(_, value)| value)
}

/// `check(scenario, options?)`: as `run`, with a verdict: `ok` (no property broke, the history
/// is linearizable, the run was not stopped by its budget) and `problems`, each in words.
#[wasm_bindgen]
pub fn check(scenario: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (report, value) = simulate(&scenario, options)?;
    let problems = js_sys::Array::new();
    for v in &report.violations {
        problems.push(&JsValue::from_str(&format!("{}: {}", v.property, v.message)));
    }
    if report.linearizability.is_violation() {
        problems.push(&JsValue::from_str(&report.linearizability.message));
    }
    if let Some(message) = &report.stopped_message {
        problems.push(&JsValue::from_str(&format!("the run has {message}")));
    }
    let _ = js_sys::Reflect::set(&value, &"ok".into(), &(problems.length() == 0).into());
    let _ = js_sys::Reflect::set(&value, &"problems".into(), &problems);
    Ok(value)
}
