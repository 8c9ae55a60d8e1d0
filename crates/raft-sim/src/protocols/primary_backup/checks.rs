//! What primary-backup with an arbitration server promises, checked after every event like
//! Raft's invariants:
//! - **SinglePrimary** (no split brain): at most one server at a time is a primary that can
//!   answer clients. A primary can answer once every backup it forwards to follows it (the
//!   commit point needs their acknowledgements); a primary with no backup answers alone.
//! - **NoAckedWriteLost**: every write a client was told is committed is in the log of every
//!   primary that can answer clients.
//!
//! The checks read plain values, so a test can hand them a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] = &[
    ("pb.single-primary", "S{a} and S{b} are primaries answering clients at the same time"),
    ("pb.acked-write-lost", "write {write} was acknowledged to its client but primary S{server} does not hold it"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PbProperty {
    SinglePrimary,
    NoAckedWriteLost,
}

/// One server as the checks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub server: u32,
    /// A primary that can answer clients now.
    pub answering: bool,
    /// The ids of the writes in its log.
    pub log: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PbViolation {
    pub property: PbProperty,
    pub detail: Said,
    pub at_ms: f64,
    pub event: u64,
}

/// The properties the servers `now` break, given the writes acknowledged to clients so far.
pub fn check(now: &[Seen], acked: &[u64]) -> Vec<(PbProperty, Said)> {
    let mut broken = Vec::new();
    let answering: Vec<&Seen> = now.iter().filter(|s| s.answering).collect();
    // Two answering primaries are a split brain already: the first two name it.
    if let [a, b, ..] = answering[..] {
        let values = [("a", a.server.to_string()), ("b", b.server.to_string())];
        broken.push((PbProperty::SinglePrimary, Said::new("pb.single-primary", values)));
    }
    'outer: for s in &answering {
        for id in acked {
            if !s.log.contains(id) {
                let values = [("write", id.to_string()), ("server", s.server.to_string())];
                broken.push((PbProperty::NoAckedWriteLost, Said::new("pb.acked-write-lost", values)));
                break 'outer;
            }
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(server: u32, answering: bool, log: &[u64]) -> Seen {
        Seen { server, answering, log: log.to_vec() }
    }

    #[test]
    fn each_check_catches_its_broken_state_and_passes_a_sound_one() {
        assert!(check(&[s(1, true, &[1, 2]), s(2, false, &[1])], &[1, 2]).is_empty());
        let split = check(&[s(1, true, &[1]), s(2, true, &[1])], &[1]);
        assert_eq!(split.iter().map(|b| b.0).collect::<Vec<_>>(), vec![PbProperty::SinglePrimary]);
        let lost = check(&[s(1, false, &[1, 2]), s(2, true, &[1])], &[1, 2]);
        assert_eq!(lost.iter().map(|b| b.0).collect::<Vec<_>>(), vec![PbProperty::NoAckedWriteLost]);
        let said = lost[0].1.english();
        assert!(said.contains("write 2") && said.contains("S2"), "{said}");
    }
}
