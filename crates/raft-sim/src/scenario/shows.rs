//! What a tour step about another protocol (flood consensus, the Two Generals, primary-backup…)
//! claims its run shows at a moment: the same picture the page draws and `raftsim run
//! --until-ms` prints (`protocols::view::Picture`), and the space-time diagram's clocks. The
//! claims are plain data here; `playback::course_tour` evaluates them, natively for `raftsim
//! tour` and the tests, and in wasm on the page.
//!
//! One flat struct read in one pass (see flat.rs for why not serde's tagged enums); the shape
//! (shape.rs `SHOWS`) has already required each kind's fields and refused the others.
use serde::{Deserialize, Serialize};

/// The kinds of claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShowsKind {
    /// `node` wears `badge` ("decided", "primary"; null: none).
    Badge,
    /// `node` is `status` ("up", "paused", "crashed").
    Status,
    /// `node`'s fact `fact` is `value` (without `node`: a figure of the whole run).
    Fact,
    /// `property` is broken by now (`broken`: true), or holds so far (false).
    Check,
    /// `count` messages of kind `kind` are in flight (from `from`, to `to`, when given).
    InFlight,
    /// The `event`-th event on `node`'s lane (from 1) has these clocks.
    Clock,
    /// Event `event` on `node` and event `other_event` on `other` are in this causal `order`
    /// ("before": the first happened before the second; "after"; "concurrent").
    Order,
}

/// One claim about the picture at a moment (the step's pause, or `at_ms`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shows {
    pub shows: ShowsKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<f64>,
    /// A node by the name the notes give it (P3, A1, S2, CFG, client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lamport: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_event: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

impl Shows {
    /// What is missing or out of place for its kind (the shape checks a file; this checks a
    /// claim made in code, as the tests do).
    pub fn problem(&self) -> Option<String> {
        let need =
            |present: bool, field: &str| (!present).then(|| format!("a '{:?}' claim needs '{field}'", self.shows));
        match self.shows {
            ShowsKind::Badge => need(self.node.is_some(), "node"),
            ShowsKind::Status => need(self.node.is_some(), "node").or_else(|| need(self.status.is_some(), "status")),
            ShowsKind::Fact => need(self.fact.is_some(), "fact").or_else(|| need(self.value.is_some(), "value")),
            ShowsKind::Check => {
                need(self.property.is_some(), "property").or_else(|| need(self.broken.is_some(), "broken"))
            }
            ShowsKind::InFlight => need(self.kind.is_some(), "kind").or_else(|| need(self.count.is_some(), "count")),
            ShowsKind::Clock => need(self.node.is_some(), "node").or_else(|| need(self.event.is_some(), "event")),
            ShowsKind::Order => need(self.node.is_some(), "node")
                .or_else(|| need(self.event.is_some(), "event"))
                .or_else(|| need(self.other.is_some(), "other"))
                .or_else(|| need(self.other_event.is_some(), "other_event"))
                .or_else(|| need(self.order.is_some(), "order")),
        }
    }
}
