//! What chain replication promises, checked after every event like Raft's invariants:
//! - **UpdatePropagation** (the paper's Update Propagation Invariant): along the chain, each
//!   server's history of writes is a prefix of its predecessor's: a write reaches a server only
//!   through every server before it.
//! - **NoAckedWriteLost**: a write a client was told is committed is still known to some
//!   running server (in its history, or received and waiting in its queue): fail-stop crashes
//!   must not lose it.
//! - **ReadsSeeAckedWrites**: the notes send reads to the tail "ensuring fully processed
//!   states": a read's answer includes every write acknowledged before the read was sent.
//!
//! The checks read plain values, so a test can hand them a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] = &[
    (
        "chain.propagation",
        "S{server}'s history ({writes} writes) is not a prefix of its predecessor S{predecessor}'s ({predecessor_writes} writes)",
    ),
    ("chain.acked-write-lost", "the write of request {id} was acknowledged to its client but no running server holds it: it is lost"),
    ("chain.stale-read", "read {read} answered by S{server} sees {len} writes, but {needed} were acknowledged before it was sent"),
    (
        "chain.stale-read-missing",
        "read {read} answered by S{server} cannot see the write of request {write}, acknowledged before the read was sent",
    ),
];
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ChainProperty {
    UpdatePropagation,
    NoAckedWriteLost,
    ReadsSeeAckedWrites,
}

pub const ALL: [ChainProperty; 3] =
    [ChainProperty::UpdatePropagation, ChainProperty::NoAckedWriteLost, ChainProperty::ReadsSeeAckedWrites];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainViolation {
    pub property: ChainProperty,
    pub detail: Said,
    pub at_ms: f64,
    pub event: u64,
}

/// One running server of the chain as the propagation check sees it.
#[derive(Clone, Copy, Debug)]
pub struct Seen<'a> {
    pub server: u32,
    /// The ids of its history's writes, in order.
    pub history: &'a [u64],
    /// `prefix[i]`: the hash of the first `i` entries of `history` ([`prefix_hashes`]), so
    /// that a prefix test costs one comparison however long the histories grow.
    pub prefix: &'a [u64],
}

/// The next prefix hash after `last`, with write `id` appended.
pub fn extend(last: u64, id: u64) -> u64 {
    let mut h = crate::engine::hash::StableHash::from_value(last);
    h.word(id);
    h.finish()
}

/// `prefix[i]` for every `i` from 0 to `history.len()`.
pub fn prefix_hashes(history: &[u64]) -> Vec<u64> {
    let mut out = vec![0];
    for &id in history {
        let last = out.last().copied().unwrap_or(0);
        out.push(extend(last, id));
    }
    out
}

/// UpdatePropagation over the running servers in chain order (head first): the first pair
/// whose successor's history is not a prefix of its predecessor's.
pub fn propagation(chain: &[Seen<'_>]) -> Option<Said> {
    for pair in chain.windows(2) {
        let (p, s) = (pair[0], pair[1]);
        let n = s.history.len();
        let prefix = n <= p.history.len() && p.prefix.get(n) == s.prefix.get(n);
        if !prefix {
            let values = [
                ("server", s.server.to_string()),
                ("writes", n.to_string()),
                ("predecessor", p.server.to_string()),
                ("predecessor_writes", p.history.len().to_string()),
            ];
            return Some(Said::new("chain.propagation", values));
        }
    }
    None
}

/// NoAckedWriteLost: the first of `acked` that no running server knows (`live`: each running
/// server and the write ids it holds or has queued).
pub fn lost(acked: &[u64], live: &[(u32, &BTreeSet<u64>)]) -> Option<Said> {
    let id = acked.iter().find(|id| !live.iter().any(|(_, known)| known.contains(id)))?;
    Some(Said::new("chain.acked-write-lost", [("id", id.to_string())]))
}

/// What a read must include: the history length that holds every write acknowledged before
/// it was sent, or a write acknowledged then that is in no history at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    Upto(u64),
    Missing(u64),
}

/// ReadsSeeAckedWrites for read `read` answered by `server` with the first `len` writes.
pub fn stale_read(read: u64, server: u32, needed: Needed, len: u64) -> Option<Said> {
    let (read, server) = (("read", read.to_string()), ("server", server.to_string()));
    match needed {
        Needed::Upto(n) if n <= len => None,
        Needed::Upto(n) => {
            Some(Said::new("chain.stale-read", [read, server, ("len", len.to_string()), ("needed", n.to_string())]))
        }
        Needed::Missing(w) => Some(Said::new("chain.stale-read-missing", [read, server, ("write", w.to_string())])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_catches_its_broken_state_and_passes_a_sound_one() {
        let (a, b, c) = (vec![1, 2, 3], vec![1, 2], vec![1, 5]);
        let (pa, pb, pc) = (prefix_hashes(&a), prefix_hashes(&b), prefix_hashes(&c));
        let s1 = Seen { server: 1, history: &a, prefix: &pa };
        let s2 = Seen { server: 2, history: &b, prefix: &pb };
        let s3 = Seen { server: 3, history: &c, prefix: &pc };
        assert_eq!(propagation(&[s1, s2]), None);
        assert!(propagation(&[s2, s1]).is_some_and(|d| d.english().contains("S1")), "longer successor");
        assert!(propagation(&[s1, s3]).is_some_and(|d| d.english().contains("S3")), "a different write");

        let (k1, k2): (BTreeSet<u64>, BTreeSet<u64>) = ([1, 2].into(), [1].into());
        assert_eq!(lost(&[1, 2], &[(1, &k1), (2, &k2)]), None);
        assert!(lost(&[1, 2], &[(2, &k2)]).is_some_and(|d| d.english().contains("request 2")));

        assert_eq!(stale_read(7, 3, Needed::Upto(2), 2), None);
        assert!(stale_read(7, 3, Needed::Upto(3), 2).is_some());
        assert!(stale_read(7, 3, Needed::Missing(4), 9).is_some_and(|d| d.english().contains("request 4")));
    }
}
