//! Which protocol a scenario is for: a top-level `"protocol"` field, `"raft"` when absent, so
//! every Raft scenario file and share link reads as before.
use crate::scenario::format::ScenarioError;

pub const RAFT: &str = "raft";
/// The lecture's flood-based consensus ([`crate::protocols::flood`] is outside this layer).
pub const FLOOD_CONSENSUS: &str = "flood-consensus";
/// Every protocol a scenario may name.
pub const PROTOCOLS: &[&str] = &[RAFT, FLOOD_CONSENSUS];

/// The protocol `text` names. Only a document that mentions `"protocol"` is parsed for it, so
/// reading a Raft scenario costs one substring search more than before. Text that is not a
/// JSON object is left to the scenario reader to refuse (it is "raft" here).
pub fn protocol_of(text: &str) -> Result<&'static str, ScenarioError> {
    if !text.contains("\"protocol\"") {
        return Ok(RAFT);
    }
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok(RAFT);
    };
    match map.get("protocol") {
        None => Ok(RAFT),
        Some(serde_json::Value::String(p)) => PROTOCOLS.iter().copied().find(|k| k == p).ok_or_else(|| {
            ScenarioError::new(
                "protocol",
                format!("unknown protocol '{p}' (expected one of: {})", PROTOCOLS.join(", ")),
            )
        }),
        Some(_) => Err(ScenarioError::new("protocol", format!("must be a string: one of {}", PROTOCOLS.join(", ")))),
    }
}

/// `text` without its top-level `"protocol": "raft"`, if it has one (the Raft reader's strict
/// shape does not list the field, so that a Raft scenario is written exactly as before).
pub fn without_raft_field(text: &str) -> Option<String> {
    if !text.contains("\"protocol\"") {
        return None;
    }
    let serde_json::Value::Object(mut map) = serde_json::from_str::<serde_json::Value>(text).ok()? else {
        return None;
    };
    if map.get("protocol")?.as_str()? != RAFT {
        return None;
    }
    map.remove("protocol");
    serde_json::to_string(&serde_json::Value::Object(map)).ok()
}

/// The protocol other than Raft that a scenario file, or a run document's `scenario`, names
/// (for the readers of Raft runs: the page's files and links, `raftsim replay`). An unknown
/// name is left to the reader, whose error names the field.
pub fn foreign_protocol(text: &str) -> Option<&'static str> {
    if !text.contains("\"protocol\"") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let named = value.get("protocol").or_else(|| value.get("scenario")?.get("protocol"))?;
    PROTOCOLS.iter().copied().find(|&p| p != RAFT && Some(p) == named.as_str())
}

/// The error a Raft-only reader (the page, `check`, `tour`, `shrink`) gives for a scenario
/// of another protocol.
pub fn not_raft(protocol: &str) -> ScenarioError {
    ScenarioError::new(
        "protocol",
        format!("this is a '{protocol}' scenario; only Raft scenarios are read here (`raftsim run` runs it)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_field_is_raft_and_other_names_are_read_or_refused_with_the_field() {
        assert_eq!(protocol_of(r#"{"name": "x", "nodes": 3}"#).unwrap(), RAFT);
        assert_eq!(protocol_of(r#"{"description": "the \"protocol\" word", "nodes": 3}"#).unwrap(), RAFT);
        assert_eq!(protocol_of(r#"{"protocol": "flood-consensus"}"#).unwrap(), FLOOD_CONSENSUS);
        assert_eq!(protocol_of(r#"{"protocol": "paxos"}"#).unwrap_err().field, "protocol");
        assert_eq!(protocol_of(r#"{"protocol": 7}"#).unwrap_err().field, "protocol");
        assert_eq!(protocol_of("not json \"protocol\"").unwrap(), RAFT);
        assert_eq!(foreign_protocol(r#"{"protocol": "flood-consensus"}"#), Some(FLOOD_CONSENSUS));
        assert_eq!(
            foreign_protocol(r#"{"format": "x", "scenario": {"protocol": "flood-consensus"}}"#),
            Some(FLOOD_CONSENSUS)
        );
        assert_eq!(foreign_protocol(r#"{"protocol": "raft"}"#), None);
        assert_eq!(foreign_protocol(r#"{"protocol": "paxos"}"#), None);
        assert_eq!(without_raft_field(r#"{"protocol": "raft", "n": 1}"#).as_deref(), Some(r#"{"n":1}"#));
        assert_eq!(without_raft_field(r#"{"protocol": "flood-consensus"}"#), None);
    }
}
