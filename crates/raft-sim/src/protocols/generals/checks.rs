//! What the two generals must achieve, checked after every event: **Agreement**, both attack
//! or neither (the notes' table: one army attacking alone "will fail").
//!
//! The check reads only the decisions (plain values), so a test can hand it a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] =
    &[("generals.agreement", "{alone} attacks and {other} does not: army {alone} attacks alone and fails")];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum GeneralsProperty {
    Agreement,
}

/// A broken property, with what shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneralsViolation {
    pub property: GeneralsProperty,
    pub detail: Said,
    /// When it was first seen.
    pub at_ms: f64,
    pub event: u64,
}

/// The properties broken by the decisions of A1 and A2 (`None`: not decided yet). Only two
/// decisions can disagree, so nothing is judged until both generals have decided.
pub fn check(a1: Option<bool>, a2: Option<bool>) -> Vec<(GeneralsProperty, Said)> {
    match (a1, a2) {
        (Some(x), Some(y)) if x != y => {
            let (alone, other) = if x { ("A1", "A2") } else { ("A2", "A1") };
            vec![(
                GeneralsProperty::Agreement,
                Said::new("generals.agreement", [("alone", alone.to_string()), ("other", other.to_string())]),
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_is_broken_only_when_exactly_one_general_attacks() {
        assert!(check(Some(true), Some(true)).is_empty());
        assert!(check(Some(false), Some(false)).is_empty());
        assert!(check(Some(true), None).is_empty(), "A2 has not decided yet");
        let broken = check(Some(true), Some(false));
        assert_eq!(broken[0].0, GeneralsProperty::Agreement);
        assert!(broken[0].1.english().starts_with("A1 attacks and A2 does not"), "{}", broken[0].1);
        assert!(check(Some(false), Some(true))[0].1.english().starts_with("A2 attacks"));
    }
}
