//! Built-in scenarios with a Byzantine server (byzantine.rs): Raft tolerates servers that
//! crash, not servers that lie, and the invariant monitor shows which property breaks.
use crate::engine::byzantine::Behaviour;
use crate::scenario::builtin::describe;
use crate::scenario::{Action, ClientOpKind, CrashMode, NodeFaults, Scenario};
use raft_core::NodeId;

pub fn list() -> Vec<Scenario> {
    vec![double_vote(), forged_entries()]
}

fn put(node: NodeId, key: &str, value: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: key.into(), value: Some(value.into()) }
}

fn liar(node: NodeId, behaviour: Behaviour) -> NodeFaults {
    NodeFaults { node, byzantine: vec![behaviour], ..Default::default() }
}

/// S3 votes for every candidate: S1 and S2 start elections in the same term and both win.
pub fn double_vote() -> Scenario {
    let mut s = Scenario::new("byzantine-double-vote", 3, 1);
    s.description = describe(
        "Three servers; S3 is Byzantine: it says yes to every vote request, even twice in one term. At 10 ms S1 and \
         S2 time out together and both stand for term 1. Each votes for itself, S1 and S2 refuse each other, and S3 \
         grants both. With two votes out of three each has a majority, so S1 and S2 both become leader of term 1: \
         Election Safety is broken, and the monitor says so. An honest S3 would have granted only one of them. Raft \
         assumes servers fail by crashing, not by lying; tolerating f lying servers needs a Byzantine fault tolerant \
         protocol with 3f+1 servers.",
    );
    s.duration_ms = 1_000.0;
    s.faults = vec![liar(3, Behaviour::VoteForAll)];
    s.at(10.0, Action::Timeout { node: 1 }).at(10.0, Action::Timeout { node: 2 })
}

/// S3 becomes leader and overwrites a committed entry on every follower with a fabricated one;
/// once it crashes, the next leader lacks the committed entry.
pub fn forged_entries() -> Scenario {
    let mut s = Scenario::new("byzantine-forged-entries", 3, 1);
    s.description = describe(
        "Three servers; S3 is Byzantine: as leader it sends fabricated entries. S1 leads term 1 and a client's put of \
         x=1 commits on all three. At 800 ms S3 times out and wins term 2 honestly (its log is complete). Then its \
         AppendEntries lie: they say the log before index 1 matches (it always does) and carry a put forged=S3 of \
         term 2 at index 1. The followers see a conflicting entry of a newer term and do what Raft tells them: \
         delete it and everything after, committed x=1 included, and store the forgery. The checker reports the \
         lost committed entry on each follower as it deletes it (State Machine Safety). At 1.2 s S3 crashes. S1 and \
         S2 elect a new leader whose log lacks x=1, and the monitor reports Leader Completeness broken too. Raft \
         assumes servers fail by crashing, not by lying; tolerating f lying servers needs a Byzantine fault \
         tolerant protocol with 3f+1 servers.",
    );
    s.duration_ms = 2_500.0;
    s.faults = vec![liar(3, Behaviour::ForgeEntries)];
    let s = crate::scenario::builtin::forced_elections(s);
    s.at(10.0, Action::Timeout { node: 1 })
        .at(300.0, put(1, "x", "1"))
        .at(800.0, Action::Timeout { node: 3 })
        .at(1_200.0, Action::Crash { node: 3, mode: CrashMode::Stop })
}
