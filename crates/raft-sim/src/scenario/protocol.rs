//! Which protocol a scenario is for: a top-level `"protocol"` field, `"raft"` when absent, so
//! every Raft scenario file and share link reads as before.
use crate::scenario::format::ScenarioError;
use crate::scenario::shape::Json;

pub const RAFT: &str = "raft";
/// The lecture's flood-based consensus ([`crate::protocols::flood`] is outside this layer).
pub const FLOOD_CONSENSUS: &str = "flood-consensus";
/// The notes' Two Generals' Problem ([`crate::protocols::generals`]).
pub const TWO_GENERALS: &str = "two-generals";
/// Primary-backup replication with an arbitration server ([`crate::protocols::primary_backup`]).
pub const PRIMARY_BACKUP: &str = "primary-backup";
/// Chain replication with a configuration service ([`crate::protocols::chain`]).
pub const CHAIN_REPLICATION: &str = "chain-replication";
/// The Chandy–Lamport snapshot algorithm on a bank ([`crate::protocols::snapshot`]).
pub const CHANDY_LAMPORT: &str = "chandy-lamport";
/// Failure detection by heartbeats and timeouts ([`crate::protocols::detector`]).
pub const FAILURE_DETECTOR: &str = "failure-detector";
/// Every protocol a scenario may name.
pub const PROTOCOLS: &[&str] =
    &[RAFT, FLOOD_CONSENSUS, TWO_GENERALS, PRIMARY_BACKUP, CHANDY_LAMPORT, CHAIN_REPLICATION, FAILURE_DETECTOR];

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
    // The document as written (duplicate keys kept, in order), so that the strict reader
    // still sees everything else exactly, a key given twice included.
    let Json::Object(fields) = Json::parse(text).ok()? else { return None };
    let raft = |(k, v): &(String, Json)| k == "protocol" && *v == Json::Str(RAFT.to_string());
    if !fields.iter().any(raft) {
        return None;
    }
    let kept: Vec<(String, Json)> = fields.into_iter().filter(|f| !raft(f)).collect();
    let mut out = String::with_capacity(text.len());
    write_json(&Json::Object(kept), &mut out);
    Some(out)
}

/// `value` as JSON text (numbers and strings written by serde_json, so they read back the same).
fn write_json(value: &Json, out: &mut String) {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Unsigned(n) => out.push_str(&n.to_string()),
        Json::Negative(n) => out.push_str(&n.to_string()),
        Json::Float(x) => out.push_str(&serde_json::to_string(x).unwrap_or_else(|_| "null".into())),
        Json::Str(s) => out.push_str(&text(s)),
        Json::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&text(k));
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
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
        assert_eq!(protocol_of(r#"{"protocol": "primary-backup"}"#).unwrap(), PRIMARY_BACKUP);
        assert_eq!(protocol_of(r#"{"protocol": "chandy-lamport"}"#).unwrap(), CHANDY_LAMPORT);
        assert_eq!(protocol_of(r#"{"protocol": "failure-detector"}"#).unwrap(), FAILURE_DETECTOR);
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
        assert_eq!(
            without_raft_field(r#"{"protocol": "raft", "n": 1, "n": [2.5, -3, null, "x\"y"]}"#).as_deref(),
            Some(r#"{"n":1,"n":[2.5,-3,null,"x\"y"]}"#),
            "duplicates stay for the strict reader to refuse"
        );
        assert_eq!(without_raft_field(r#"{"protocol": "flood-consensus"}"#), None);
    }
}
