//! Runs as documents: a scenario, the operator's actions at their exact points, where the
//! viewer was and how the page looked. The same document is a JSON file (export/import, and
//! `raftsim replay`) and, deflated and base64url-encoded, a share link's URL fragment.
//!
//! Links come from strangers: every size is capped before the next decoding step, and every
//! failure is a message naming what is wrong, never a panic.
use crate::playback::session::{Intervention, Mark, Session};
use crate::scenario::shape;
use crate::scenario::{Scenario, ScenarioError, MAX_SCENARIO_BYTES, MAX_TIMELINE_ACTIONS};
use base64::Engine;
use serde::{Deserialize, Serialize};

pub const RUN_FORMAT: &str = "raft-playground-run";
pub const RUN_VERSION: u32 = 1;
/// Longer fragments are refused before base64 decoding.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// A link or file may ask for a run of at most this many events (a few seconds of replay in
/// the browser); further is refused rather than freezing the page.
pub const MAX_REPLAY_EVENTS: u64 = 1_500_000;
pub use crate::scenario::speed::{check_speed, SPEED_MAX_EXP, SPEED_MIN_EXP};
/// The encoded fragment starts with this, so a future format can be told apart.
const LINK_PREFIX: &str = "run1.";

/// How the page looked: restored when a link is opened.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct View {
    /// The server whose inspector is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<u32>,
    /// Speed as a power of ten (-2 is 0.01x, 2 is 100x).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_exp: Option<f64>,
    pub playing: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunDocument {
    /// Always "raft-playground-run".
    pub format: String,
    pub version: u32,
    pub scenario: Scenario,
    /// Operator actions in the order taken, each at its point of the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Intervention>,
    /// Where the viewer was (default: after the last action, or the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Mark>,
    #[serde(default)]
    pub view: View,
}

impl RunDocument {
    pub fn new(scenario: Scenario, actions: Vec<Intervention>, at: Option<Mark>, view: View) -> RunDocument {
        RunDocument { format: RUN_FORMAT.into(), version: RUN_VERSION, scenario, actions, at, view }
    }

    /// The document for a session as it stands.
    pub fn of(session: &Session, view: View) -> RunDocument {
        RunDocument::new(
            session.sim().scenario().clone(),
            session.interventions().to_vec(),
            Some(session.position()),
            view,
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parse a run document, or a plain scenario (which becomes a run with no actions).
    pub fn from_json(text: &str) -> Result<RunDocument, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::new(
                "",
                format!("the file is {} bytes; the limit is {MAX_SCENARIO_BYTES}", text.len()),
            ));
        }
        // A run of another protocol is refused by name; a scenario's `"protocol": "raft"` is the
        // default spelled out.
        if let Some(protocol) = crate::scenario::protocol::foreign_protocol(text) {
            return Err(crate::scenario::protocol::not_raft(protocol));
        }
        let stripped = crate::scenario::protocol::without_raft_field(text);
        let text = stripped.as_deref().unwrap_or(text);
        // The type only matters for text that is not JSON: serde then says which field.
        let value = if text.contains("\"format\"") {
            shape::parse_as::<RunDocument>(text)?
        } else {
            shape::parse_as::<Scenario>(text)?
        };
        if value.get("format").is_none() {
            shape::check(&value, &shape::SCENARIO)?;
            let scenario: Scenario = crate::scenario::parse_json(text)?;
            scenario.validate()?;
            return Ok(RunDocument::new(scenario, Vec::new(), None, View::default()));
        }
        shape::check(&value, &shape::RUN_DOCUMENT)?;
        let doc: RunDocument = crate::scenario::parse_json(text)?;
        doc.check()?;
        Ok(doc)
    }

    fn check(&self) -> Result<(), ScenarioError> {
        if self.format != RUN_FORMAT {
            return Err(ScenarioError::new("format", format!("expected \"{RUN_FORMAT}\"")));
        }
        if self.version != RUN_VERSION {
            return Err(ScenarioError::new(
                "version",
                format!("this page reads version {RUN_VERSION}; the run is version {}", self.version),
            ));
        }
        self.scenario.validate().map_err(|e| e.within("scenario"))?;
        if self.actions.len() > MAX_TIMELINE_ACTIONS {
            return Err(ScenarioError::new("actions", format!("at most {MAX_TIMELINE_ACTIONS} actions")));
        }
        let marks = self.actions.iter().enumerate().map(|(i, a)| (format!("actions[{i}].at"), a.at));
        for (field, mark) in marks.chain(self.at.map(|m| ("at".to_string(), m))) {
            if mark.events > MAX_REPLAY_EVENTS {
                return Err(ScenarioError::new(
                    format!("{field}.e"),
                    format!("the run is {} events long; at most {MAX_REPLAY_EVENTS} can be replayed", mark.events),
                ));
            }
            // The page runs at most as long as the longest scenario; replay will also check that
            // the run really is at this point.
            if mark.time_us > crate::scenario::ms_to_us(crate::scenario::MAX_DURATION_MS) {
                return Err(ScenarioError::new(
                    format!("{field}.t"),
                    format!("{} µs is past the longest run (24 h)", mark.time_us),
                ));
            }
        }
        check_speed("view.speed_exp", self.view.speed_exp)?;
        if let Some(node) = self.view.selected {
            if !(1..=self.scenario.nodes).contains(&node) {
                return Err(ScenarioError::new(
                    "view.selected",
                    format!("S{node} does not exist (the run has servers 1 to {})", self.scenario.nodes),
                ));
            }
        }
        Ok(())
    }

    /// Re-create the run: replay every action at its point and stop at `at`. Runs on the page
    /// do not stop at the scenario's duration (the student keeps going), so neither does this.
    /// Each action's point and `at` must be where the replayed run really is (event count and
    /// time), or the document is refused naming the point.
    pub fn replay(&self) -> Result<Session, ScenarioError> {
        self.replay_within(MAX_REPLAY_EVENTS)
    }

    /// `replay` with a smaller event budget (the fuzz tests keep each case short).
    pub fn replay_within(&self, max_events: u64) -> Result<Session, ScenarioError> {
        let mut open_ended = self.scenario.clone();
        open_ended.duration_ms = crate::scenario::MAX_DURATION_MS;
        Session::replay(&open_ended, self.actions.clone(), self.at, max_events.min(MAX_REPLAY_EVENTS))
    }

    /// The URL fragment (without '#') that carries this run: [`RunDocument::link_json`]
    /// deflated (raw deflate, RFC 1951), behind [`fragment_of_packed`]'s prefix.
    #[cfg(feature = "deflate")]
    pub fn to_link_fragment(&self) -> String {
        fragment_of_packed(&miniz_oxide::deflate::compress_to_vec(&self.link_json(), 9))
    }

    /// The JSON a link carries, before it is deflated. The page deflates it with the
    /// browser's `CompressionStream("deflate-raw")` instead of linking a compressor in.
    pub fn link_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Read a share link: a whole URL, or just its fragment, with or without '#'.
    #[cfg(feature = "deflate")]
    pub fn from_link(link: &str) -> Result<RunDocument, ScenarioError> {
        let packed = packed_of_link(link)?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCENARIO_BYTES)
            .map_err(|_| ScenarioError::new("", UNPACK_ERROR))?;
        RunDocument::from_unpacked(&json)
    }

    /// The run in a link's inflated data (see [`packed_of_link`]).
    pub fn from_unpacked(json: &[u8]) -> Result<RunDocument, ScenarioError> {
        let text = std::str::from_utf8(json).map_err(|_| ScenarioError::new("", "the link's data is not text"))?;
        if !text.trim_start().starts_with('{') || !text.contains("\"format\"") {
            return Err(ScenarioError::new("", "the link does not hold a run"));
        }
        RunDocument::from_json(text)
    }
}

/// What a link whose data does not inflate (or inflates past `MAX_SCENARIO_BYTES`) is told.
pub const UNPACK_ERROR: &str = "the link is damaged or truncated: its data does not unpack";

/// The fragment for deflated run JSON: the prefix, then base64url without padding. Any raw
/// deflate stream of [`RunDocument::link_json`] will do: links made natively (miniz_oxide) and
/// by the page (the browser's compressor) differ in bytes but each side reads both.
pub fn fragment_of_packed(packed: &[u8]) -> String {
    format!("{LINK_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
}

/// A share link's deflated data: a whole URL, or just its fragment, with or without '#'. Its
/// length is checked before base64 is decoded; the caller inflates it with a limit of
/// `MAX_SCENARIO_BYTES` and reads it with [`RunDocument::from_unpacked`].
pub fn packed_of_link(link: &str) -> Result<Vec<u8>, ScenarioError> {
    let link = link.trim();
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    let fragment = fragment.strip_prefix("run=").unwrap_or(fragment);
    if fragment.len() > MAX_LINK_CHARS {
        return Err(ScenarioError::new(
            "",
            format!("the link is {} characters long; the limit is {MAX_LINK_CHARS}", fragment.len()),
        ));
    }
    let Some(data) = fragment.strip_prefix(LINK_PREFIX) else {
        return Err(ScenarioError::new("", "this is not a Raft Playground run link (it should start with #run1.)"));
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| ScenarioError::new("", "the link is damaged: it is not valid base64 (was it cut short?)"))
}
