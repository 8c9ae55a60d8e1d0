//! The recorder on small known runs: the clocks follow their rules, vector clocks order events
//! exactly as the send → receive chains do, losses and local events are where the run put them,
//! and time travel and long runs keep the record exact and bounded.
use super::*;
use crate::engine::network::LossCause;
use crate::playback::session::{Session, Target};
use crate::scenario::builtin;
use crate::scenario::format::{Action, CrashMode};
use std::collections::BTreeMap;

fn events(session: &Session) -> Vec<Event> {
    session.spacetime().expect("a session records").events().to_vec()
}

/// The first election of a three-server cluster, then some heartbeats.
fn small_run() -> Session {
    let mut session = Session::new(&builtin::cluster(3, false)).unwrap();
    session.advance(600_000, u64::MAX, false);
    session
}

#[test]
fn lamport_clocks_follow_their_rules() {
    let session = small_run();
    let all = events(&session);
    assert!(all.len() > 40, "the run has an election and heartbeats: {} events", all.len());
    let sends: BTreeMap<u64, Event> = all
        .iter()
        .filter_map(|e| match e.what {
            Happening::Send { message, .. } => Some((message, *e)),
            _ => None,
        })
        .collect();
    let mut last = [0u64; 4];
    let mut receives = 0;
    for e in &all {
        let before = last[e.node as usize];
        match e.what {
            Happening::Receive { message, from, .. } => {
                let send = sends.get(&message).expect("every receipt's send is recorded");
                assert_eq!(send.node, from);
                assert!(send.time_us <= e.time_us);
                // Receive: max(own, carried) + 1.
                assert_eq!(e.lamport, before.max(send.lamport) + 1, "{e:?}");
                receives += 1;
            }
            // Send and local events: one more than the last event on the same server.
            _ => assert_eq!(e.lamport, before + 1, "{e:?}"),
        }
        last[e.node as usize] = e.lamport;
    }
    assert!(receives > 10);
}

/// Happened-before worked out from its definition: same server and earlier, or a send and its
/// receipt, and everything reachable from those.
fn reachable(all: &[Event]) -> Vec<Vec<bool>> {
    let n = all.len();
    let index: BTreeMap<u64, usize> = all.iter().enumerate().map(|(i, e)| (e.seq, i)).collect();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut last_on: BTreeMap<NodeId, usize> = BTreeMap::new();
    let mut send_of: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, e) in all.iter().enumerate() {
        if let Some(&p) = last_on.get(&e.node) {
            next[p].push(i);
        }
        last_on.insert(e.node, i);
        match e.what {
            Happening::Send { message, .. } => {
                send_of.insert(message, i);
            }
            Happening::Receive { message, .. } => next[send_of[&message]].push(i),
            Happening::Local(_) => {}
        }
    }
    assert_eq!(index.len(), n);
    let mut reach = vec![vec![false; n]; n];
    // Events are recorded in an order consistent with happened-before: fill from the back.
    for i in (0..n).rev() {
        for &j in &next[i] {
            assert!(j > i);
            reach[i][j] = true;
            let (head, tail) = reach.split_at_mut(j);
            for (k, r) in tail[0].iter().enumerate() {
                if *r {
                    head[i][k] = true;
                }
            }
        }
    }
    reach
}

#[test]
fn vector_clocks_order_events_as_happened_before_does() {
    let session = small_run();
    let all = events(&session);
    let reach = reachable(&all);
    let (mut before, mut concurrent) = (0, 0);
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            let expected = if i == j {
                CausalOrder::Same
            } else if reach[i][j] {
                CausalOrder::Before
            } else if reach[j][i] {
                CausalOrder::After
            } else {
                CausalOrder::Concurrent
            };
            assert_eq!(a.order(b), expected, "{a:?} vs {b:?}");
            match expected {
                CausalOrder::Before => {
                    before += 1;
                    // Lamport clocks respect it too (but do not show concurrency).
                    assert!(a.lamport < b.lamport);
                }
                CausalOrder::Concurrent => concurrent += 1,
                _ => {}
            }
        }
    }
    assert!(before > 100 && concurrent > 100, "both kinds occur: {before} ordered, {concurrent} concurrent pairs");
}

#[test]
fn an_election_shows_a_timeout_a_leader_and_commits() {
    let session = small_run();
    let all = events(&session);
    let locals: Vec<(NodeId, Local)> = all
        .iter()
        .filter_map(|e| match e.what {
            Happening::Local(l) => Some((e.node, l)),
            _ => None,
        })
        .collect();
    let leader = session.sim().leader().expect("elected");
    let term = session.sim().node(leader).unwrap().raft.as_ref().unwrap().current_term();
    // The winner timed out in the term it won, then became leader; the others stepped down or
    // stayed followers.
    let timed_out = locals.iter().position(|l| *l == (leader, Local::Timeout { term, pre_vote: false }));
    let won = locals.iter().position(|l| *l == (leader, Local::Leader { term }));
    assert!(timed_out.is_some() && timed_out < won, "{locals:?}");
    // The leader's no-op entry commits: first on the leader, then on the others.
    assert!(locals.iter().any(|(n, l)| *n == leader && matches!(l, Local::Commit { index: 1 })), "{locals:?}");
    // Every RequestVote of the election was received by a voter.
    assert!(all.iter().any(|e| matches!(e.what, Happening::Receive { kind: "RequestVote", .. })));
}

#[test]
fn lost_messages_end_as_losses_with_their_cause() {
    let mut session = small_run();
    let leader = session.sim().leader().unwrap();
    let other = if leader == 1 { 2 } else { 1 };
    session.act(Action::Isolate { node: other }).unwrap();
    session.advance(900_000, u64::MAX, false);
    // Healed, then crashed: what is sent to it from then on finds it down.
    session.act(Action::Heal).unwrap();
    session.act(Action::Crash { node: other, mode: CrashMode::default() }).unwrap();
    session.advance(1_200_000, u64::MAX, false);
    let st = session.spacetime().unwrap();
    let losses = st.losses().to_vec();
    assert!(
        losses.iter().any(|l| l.cause == LossCause::Partitioned && l.from == leader && l.to == other),
        "{losses:?}"
    );
    assert!(losses.iter().any(|l| l.cause == LossCause::ReceiverDown && l.to == other), "{losses:?}");
    for l in &losses {
        assert!(l.sent_us <= l.at_us);
        // A lost message was sent (its send is recorded) and never received.
        assert!(st.events().iter().any(|e| e.what == Happening::Send { message: l.message, to: l.to, kind: l.kind }));
        assert!(!st
            .events()
            .iter()
            .any(|e| matches!(e.what, Happening::Receive { message, .. } if message == l.message)));
    }
    let marks: Vec<Local> = st
        .events()
        .iter()
        .filter(|e| e.node == other)
        .filter_map(|e| match e.what {
            Happening::Local(l) => Some(l),
            _ => None,
        })
        .collect();
    assert!(marks.contains(&Local::Crash), "{marks:?}");
    session.act(Action::Restart { node: other }).unwrap();
    session.advance(1_300_000, u64::MAX, false);
    let last_local = session.spacetime().unwrap().events().iter().rev().find(|e| e.node == other).map(|e| e.what);
    assert!(
        session
            .spacetime()
            .unwrap()
            .events()
            .iter()
            .any(|e| e.node == other && e.what == Happening::Local(Local::Restart)),
        "{last_local:?}"
    );
}

#[test]
fn a_dropped_message_is_lost_and_a_copy_shares_its_send() {
    let mut session = Session::new(&builtin::cluster(3, false)).unwrap();
    // Stop while a message is in flight.
    let mut id = None;
    while id.is_none() && session.step() {
        id = session.spacetime().unwrap().pending().next().map(|p| p.message);
    }
    let id = id.expect("a message is sent");
    session.act(Action::DuplicateMessage { message: id }).unwrap();
    session.act(Action::DropMessage { message: id }).unwrap();
    session.advance(session.sim().now() + 100_000, u64::MAX, false);
    let st = session.spacetime().unwrap();
    let loss = st.losses().iter().find(|l| l.message == id).expect("the dropped message died");
    assert_eq!(loss.cause, LossCause::Dropped);
    let sends =
        st.events().iter().filter(|e| matches!(e.what, Happening::Send { message, .. } if message == id)).count();
    assert_eq!(sends, 1);
    // The copy arrived: its receipt carries the original's send time and no send of its own.
    let copy = st
        .events()
        .iter()
        .find_map(|e| match e.what {
            Happening::Receive { message, from, sent_us, .. }
                if message > id && from == loss.from && e.node == loss.to && sent_us == loss.sent_us =>
            {
                Some(message)
            }
            _ => None,
        })
        .expect("the copy arrived");
    assert!(!st.events().iter().any(|e| matches!(e.what, Happening::Send { message, .. } if message == copy)));
}

#[test]
fn time_travel_recreates_the_same_record() {
    let mut straight = Session::new(&builtin::cluster(3, true)).unwrap();
    straight.advance(3_000_000, u64::MAX, false);
    let mut travelled = Session::new(&builtin::cluster(3, true)).unwrap();
    travelled.advance(5_000_000, u64::MAX, false);
    travelled.seek(Target::Time(3_000_000));
    assert_eq!(events(&travelled), events(&straight));
    let pending = |s: &Session| s.spacetime().unwrap().pending().copied().collect::<Vec<_>>();
    assert_eq!(pending(&travelled), pending(&straight));
    assert_eq!(travelled.spacetime().unwrap().losses().to_vec(), straight.spacetime().unwrap().losses().to_vec());
}

#[test]
fn a_long_run_keeps_a_bounded_record_with_exact_clocks() {
    let mut scenario = builtin::cluster(5, true);
    scenario.duration_ms = 200_000.0;
    let mut session = Session::new(&scenario).unwrap();
    session.advance(180_000_000, u64::MAX, false);
    let st = session.spacetime().unwrap();
    assert!(st.dropped_events() > 0, "three minutes under load are more than the record keeps");
    assert!(st.events().len() <= MAX_EVENTS);
    assert!(st.losses().len() <= MAX_LOSSES);
    let first = st.events().get(0).unwrap();
    assert_eq!(first.seq, st.dropped_events());
    assert_eq!(st.event(first.seq), Some(first));
    assert_eq!(st.event(first.seq - 1), None);
    assert_eq!(st.kept_since_us(), Some(first.time_us));
    // The clocks still count from the run's start: the vector's entries add up to every
    // event ever recorded on the servers it has heard from, at least its own.
    let last = st.events().last().unwrap();
    assert!(last.vector.entries()[last.node as usize - 1] as u64 > MAX_EVENTS as u64 / 5 / 2);
    // Windows are found by time.
    let t = last.time_us - 50_000;
    assert!(st.events_from(t).all(|e| e.time_us >= t));
    assert!(st.events_from(t).count() < st.events().len());
}

#[test]
fn vector_clock_comparison() {
    let mut a = VectorClock::zero(3);
    let mut b = VectorClock::zero(3);
    assert_eq!(a.order(&b), CausalOrder::Same);
    a.tick(1);
    assert_eq!(a.order(&b), CausalOrder::After);
    assert_eq!(b.order(&a), CausalOrder::Before);
    b.tick(2);
    assert_eq!(a.order(&b), CausalOrder::Concurrent);
    b.merge(&a);
    b.tick(2);
    assert_eq!(a.order(&b), CausalOrder::Before);
    assert_eq!(b.to_string(), "[1,2,0]");
}

#[test]
fn client_traffic_does_not_hide_a_receipt() {
    // Client requests and replies are in flight too (and not drawn): a server message that
    // arrives while they are must still be seen arriving then, not later as a loss.
    let mut session = Session::new(&builtin::cluster(3, true)).unwrap();
    session.advance(3_000_000, u64::MAX, false);
    let st = session.spacetime().unwrap();
    assert!(session.sim().history().len() > 10, "the clients were busy");
    assert_eq!(st.losses().len(), 0, "nothing is lost on a healthy network: {:?}", st.losses().to_vec());
    let sends = st.events().iter().filter(|e| matches!(e.what, Happening::Send { .. })).count();
    let receipts = st.events().iter().filter(|e| matches!(e.what, Happening::Receive { .. })).count();
    assert_eq!(sends, receipts + st.pending().count());
}

#[test]
fn the_recorder_keeps_up_with_thousands_of_messages_in_flight() {
    // A slow network with fast heartbeats: thousands of messages in flight within a second.
    // The engine tells the recorder of each send, arrival and loss, so it records them all.
    let mut s = crate::scenario::format::Scenario::new("slow-network", 9, 3);
    s.duration_ms = 60_000.0;
    s.raft.heartbeat_ms = 0.5;
    s.raft.election_timeout_ms = [20_000.0, 40_000.0];
    s.network.latency_ms = [2_000.0, 4_000.0];
    let mut session = Session::new(&s).unwrap();
    let mut bare = crate::engine::sim::Simulation::new(&s).unwrap();
    session.advance(30_000_000, u64::MAX, false);
    bare.run_until(session.sim().now());
    let (st, sim) = (session.spacetime().unwrap(), session.sim());
    let between_servers = |m: &&crate::engine::sim::InFlight| {
        matches!((m.from, m.to), (Endpoint::Node(_), Endpoint::Node(_))) && matches!(m.payload, Payload::Raft(_))
    };
    let in_flight: Vec<u64> = sim.in_flight().filter(between_servers).map(|m| m.id).collect();
    assert!(in_flight.len() > 10_000, "{} in flight", in_flight.len());
    let mut pending: Vec<u64> = st.pending().map(|p| p.message).collect();
    pending.sort_unstable();
    let mut in_flight = in_flight;
    in_flight.sort_unstable();
    assert_eq!(pending, in_flight, "an arrow for every message in flight");
    let last = st.events().last().expect("events recorded");
    assert!(sim.now() - last.time_us < 10_000, "recording to the end: {} vs {}", last.time_us, sim.now());
    assert!(st.dropped_events() > 0, "the record keeps only the latest events");
    // Watching changes nothing in the run.
    assert_eq!(sim.trace_hash(), bare.trace_hash());
}
