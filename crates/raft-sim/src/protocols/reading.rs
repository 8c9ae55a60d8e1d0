//! What every protocol's scenario reader shares: the text's size and JSON, the header every
//! scenario starts with (the fields it may hold, its `"protocol"`, `name`, `description` and
//! `seed`) and the plain values (whole numbers, numbers, objects). Each refusal names the field,
//! in the same words for every protocol, so a protocol's reader says only what is its own.
use crate::scenario::format::{ScenarioError, MAX_SCENARIO_BYTES};
use serde_json::{Map, Value};

pub fn err<T>(field: impl Into<String>, problem: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::new(field, problem))
}

/// The scenario's JSON, refused before parsing when the text is over the scenarios' size limit
/// (a file or a link cannot make the reader hold more than that).
pub fn parse(text: &str) -> Result<Value, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return err("", format!("scenario is {} bytes; the limit is {MAX_SCENARIO_BYTES}", text.len()));
    }
    serde_json::from_str(text).map_err(|e| ScenarioError::new("", format!("not valid JSON: {e}")))
}

/// How a reader words a bad `seed`: the first readers gave the range, the later ones did not
/// (kept as they were: tests and scenario authors read these messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedWords {
    /// "must be a whole number from 0 to 18446744073709551615"
    Range,
    /// "must be a whole number"
    Plain,
}

/// The fields every protocol's scenario starts with, read; `map` holds the rest.
pub struct Header<'a> {
    pub map: &'a Map<String, Value>,
    pub name: String,
    pub description: String,
    /// 1 when absent.
    pub seed: u64,
}

/// Read the header of a scenario of `protocol`: an object holding only `fields`, whose
/// `"protocol"` is `protocol` (`kind` names the protocol in the refusal: "a {kind} scenario"),
/// with a non-empty `name` of at most 100 bytes, a `description` of at most 4000 and a `seed`.
pub fn header<'a>(
    value: &'a Value,
    fields: &[&str],
    protocol: &str,
    kind: &str,
    seed_words: SeedWords,
) -> Result<Header<'a>, ScenarioError> {
    let Value::Object(map) = value else { return err("", "a scenario must be a JSON object") };
    if let Some(key) = map.keys().find(|k| !fields.contains(&k.as_str())) {
        return err(key.as_str(), format!("unknown field (expected {})", fields.join(", ")));
    }
    match map.get("protocol") {
        Some(Value::String(p)) if p == protocol => {}
        _ => return err("protocol", format!("must be \"{protocol}\" for a {kind} scenario")),
    }
    let name = match map.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 100 => s.clone(),
        _ => return err("name", "must be a non-empty string of at most 100 bytes"),
    };
    let description = match map.get("description") {
        None => String::new(),
        Some(Value::String(s)) if s.len() <= 4_000 => s.clone(),
        Some(_) => return err("description", "must be a string of at most 4000 bytes"),
    };
    let seed = match seed_words {
        SeedWords::Range => whole(map.get("seed"), "seed", 0, u64::MAX)?.unwrap_or(1),
        SeedWords::Plain => match map.get("seed") {
            None => 1,
            Some(v) => v.as_u64().ok_or_else(|| ScenarioError::new("seed", "must be a whole number"))?,
        },
    };
    Ok(Header { map, name, description, seed })
}

/// A whole number from `min` to `max`, None when absent.
pub fn whole(v: Option<&Value>, field: &str, min: u64, max: u64) -> Result<Option<u64>, ScenarioError> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|x| (min..=max).contains(&x)) => Ok(n.as_u64()),
        Some(_) => err(field, format!("must be a whole number from {min} to {max}")),
    }
}

/// A finite number from `min` to `max`, None when absent.
pub fn number(v: Option<&Value>, field: &str, min: f64, max: f64) -> Result<Option<f64>, ScenarioError> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x.is_finite() && x >= min && x <= max) => Ok(n.as_f64()),
        Some(_) => err(field, format!("must be a number from {min} to {max}")),
    }
}

/// A `[lowest, highest]` pair of milliseconds, each from `min` to `max` and the second not below
/// the first (each refused as `field[0]` or `field[1]`); `default` when absent.
pub fn range(v: Option<&Value>, field: &str, min: f64, max: f64, default: [f64; 2]) -> Result<[f64; 2], ScenarioError> {
    match v {
        None => Ok(default),
        Some(Value::Array(pair)) if pair.len() == 2 => {
            let lo = number(pair.first(), &format!("{field}[0]"), min, max)?.unwrap_or(min);
            let hi = number(pair.get(1), &format!("{field}[1]"), lo, max)?.unwrap_or(lo);
            Ok([lo, hi])
        }
        Some(_) => err(field, "must be [lowest, highest] in milliseconds"),
    }
}

/// An object holding only `allowed` keys (an unknown one is named as `field.key`).
pub fn object<'a>(v: &'a Value, field: &str, allowed: &[&str]) -> Result<&'a Map<String, Value>, ScenarioError> {
    let Value::Object(map) = v else { return err(field, "must be an object") };
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return err(format!("{field}.{key}"), format!("unknown field (expected {})", allowed.join(", ")));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str, seed_words: SeedWords) -> (String, String) {
        let value = parse(text).expect("json");
        let e = header(&value, &["protocol", "name", "seed"], "p", "P's", seed_words).err().expect("refused");
        (e.field, e.problem)
    }

    #[test]
    fn each_header_field_is_refused_by_name() {
        let (f, p) = refused(r#"{"protocol": "p", "name": "x", "other": 1}"#, SeedWords::Plain);
        assert_eq!((f.as_str(), p.as_str()), ("other", "unknown field (expected protocol, name, seed)"));
        let (f, p) = refused(r#"{"protocol": "q", "name": "x"}"#, SeedWords::Plain);
        assert_eq!((f.as_str(), p.as_str()), ("protocol", "must be \"p\" for a P's scenario"));
        assert_eq!(refused(r#"{"protocol": "p", "name": " "}"#, SeedWords::Plain).0, "name");
        let plain = refused(r#"{"protocol": "p", "name": "x", "seed": -1}"#, SeedWords::Plain);
        assert_eq!(plain.1, "must be a whole number");
        let ranged = refused(r#"{"protocol": "p", "name": "x", "seed": 1.5}"#, SeedWords::Range);
        assert_eq!(ranged.1, format!("must be a whole number from 0 to {}", u64::MAX));
        assert_eq!(parse("[").expect_err("bad").field, "");
        assert_eq!(parse(&" ".repeat(MAX_SCENARIO_BYTES + 1)).expect_err("big").field, "");
        let value = parse(r#"{"protocol": "p", "name": "x"}"#).expect("json");
        let h = header(&value, &["protocol", "name"], "p", "P's", SeedWords::Range).expect("read");
        assert_eq!((h.name.as_str(), h.description.as_str(), h.seed), ("x", "", 1));
        let pair = |text: &str| range(Some(&parse(text).expect("json")), "latency_ms", 0.001, 100.0, [1.0, 2.0]);
        assert_eq!(range(None, "latency_ms", 0.001, 100.0, [1.0, 2.0]).expect("default"), [1.0, 2.0]);
        assert_eq!(pair("[3, 4]").expect("read"), [3.0, 4.0]);
        assert_eq!(pair("[5, 4]").expect_err("falls").field, "latency_ms[1]");
        assert_eq!(pair("[0, 4]").expect_err("zero").field, "latency_ms[0]");
        assert_eq!(pair("[1]").expect_err("one").problem, "must be [lowest, highest] in milliseconds");
    }
}
