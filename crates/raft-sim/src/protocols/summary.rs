//! What the command line (`raftsim run`, `raftsim list`) says of a protocol's scenario and
//! run, for every protocol alike: each protocol's `summary.rs` implements [`Summary`] for its
//! host, and `playback::protocol_table` lists the hosts.
use crate::protocols::said::Said;
use crate::protocols::view::View;
use serde::Serialize;
use std::fmt::Debug;

/// A whole run, reported: the protocol's report as JSON (`raftsim run --json`), the summary's
/// lines (`raftsim run`), and whether a check broke (exit code 3).
#[derive(Clone, Debug, PartialEq)]
pub struct Reported {
    pub json: serde_json::Value,
    pub lines: Vec<String>,
    pub violated: bool,
}

impl Reported {
    pub fn new(report: &impl Serialize, lines: Vec<String>, violated: bool) -> Reported {
        let json = serde_json::to_value(report).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}));
        Reported { json, lines, violated }
    }
}

/// What a protocol's host says of its scenarios and runs, beside drawing them ([`View`]).
pub trait Summary: View {
    /// A scenario's settings in a few words, for `raftsim list` ("3 processes, rounds: 2").
    fn about(s: &Self::Scenario) -> String;
    /// Run `s` to its end, bare, and report it.
    fn report(s: &Self::Scenario) -> Reported;
}

/// One line per checked property, in order: "holds", or when and how it first broke
/// (`broken` gives its time in ms, the event and the detail).
pub fn check_lines<'v, P: Debug>(checked: &[P], broken: impl Fn(&P) -> Option<(f64, u64, &'v Said)>) -> Vec<String> {
    checked
        .iter()
        .map(|property| match broken(property) {
            Some((at_ms, event, detail)) => {
                format!("  {property:?}: VIOLATED at {at_ms:.1} ms (event {event}): {detail}")
            }
            None => format!("  {property:?}: holds"),
        })
        .collect()
}
