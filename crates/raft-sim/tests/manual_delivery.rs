//! Manual delivery: messages between servers wait in flight until the operator delivers,
//! drops or duplicates each one, while timers and clients run on; any interleaving can be
//! forced, and a share link or export replays it exactly.
use raft_sim::engine::kernel::MAX_HELD;
use raft_sim::network::Endpoint;
use raft_sim::scenario::{Action, MAX_DURATION_MS};
use raft_sim::session::Session;
use raft_sim::share::{RunDocument, View};
use raft_sim::sim::{InFlight, Payload};
use raft_sim::Scenario;

fn cluster(nodes: u32) -> Scenario {
    let mut s = Scenario::new("manual", nodes, 7);
    s.duration_ms = MAX_DURATION_MS;
    s
}

/// A session with manual delivery switched on at the start.
fn manual(nodes: u32) -> Session {
    let mut session = Session::new(&cluster(nodes)).unwrap();
    session.act(Action::ManualDelivery { on: true }).unwrap();
    session
}

fn held(session: &Session) -> Vec<InFlight> {
    session.sim().held().cloned().collect()
}

/// The held RequestVote from `from` to `to`.
fn vote_request(session: &Session, from: u32, to: u32) -> u64 {
    session
        .sim()
        .held()
        .find(|m| {
            m.from == Endpoint::Node(from)
                && m.to == Endpoint::Node(to)
                && matches!(m.payload, Payload::Raft(raft_core::Message::RequestVote(_)))
        })
        .map(|m| m.id)
        .unwrap_or_else(|| panic!("no RequestVote S{from} → S{to} held"))
}

fn ms(session: &mut Session, t_ms: u64) {
    let t = session.sim().now() + t_ms * 1000;
    session.advance(t, u64::MAX, false);
}

#[test]
fn held_messages_wait_while_timers_run_on() {
    let mut session = manual(3);
    ms(&mut session, 2_000);
    let sim = session.sim();
    assert!(sim.manual_delivery());
    let waiting = held(&session);
    assert!(!waiting.is_empty(), "the candidates' RequestVotes wait");
    assert!(waiting.iter().all(|m| m.held && m.lost.is_none()));
    // Nobody hears anybody: no leader, and the timers kept firing (terms went up).
    assert_eq!(sim.leader(), None);
    let top_term = sim.nodes().iter().filter_map(|n| n.raft.as_ref()).map(|r| r.current_term()).max();
    assert!(top_term > Some(1), "elections kept timing out: {top_term:?}");
    // The oldest ones are still there, held since their send.
    let first = waiting[0].clone();
    ms(&mut session, 1_000);
    assert!(session.sim().held().any(|m| m.id == first.id), "a held message is never delivered on its own");
    assert!(held(&session).windows(2).all(|w| w[0].id < w[1].id), "oldest first");
}

#[test]
fn deliver_drop_and_duplicate_a_held_message() {
    let mut session = manual(3);
    session.act(Action::Timeout { node: 1 }).unwrap();
    let to2 = vote_request(&session, 1, 2);
    let to3 = vote_request(&session, 1, 3);
    // Deliver: S2 votes, and its answer waits in turn.
    session.act(Action::DeliverMessage { message: to2 }).unwrap();
    session.step();
    assert_eq!(session.sim().node(2).unwrap().raft.as_ref().unwrap().voted_for(), Some(1));
    assert!(!session.sim().held().any(|m| m.id == to2));
    let reply = session.sim().held().find(|m| m.from == Endpoint::Node(2)).expect("S2's reply is held").id;
    // Duplicate: a second held copy with the same contents.
    session.act(Action::DuplicateMessage { message: to3 }).unwrap();
    let copies: Vec<_> = session.sim().held().filter(|m| m.to == Endpoint::Node(3)).cloned().collect();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].payload, copies[1].payload);
    // Drop: it dies now, and S3 never hears it.
    session.act(Action::DropMessage { message: to3 }).unwrap();
    session.step();
    assert!(session.sim().in_flight().all(|m| m.id != to3), "the dropped one is gone");
    assert_eq!(session.sim().node(3).unwrap().raft.as_ref().unwrap().voted_for(), None);
    // S1 wins with S2's vote once it is delivered.
    session.act(Action::DeliverMessage { message: reply }).unwrap();
    session.step();
    assert_eq!(session.sim().leader(), Some(1));
    // Only a held message can be delivered, and the refusal says why.
    let e = session.act(Action::DeliverMessage { message: reply }).unwrap_err();
    assert!(e.problem.contains("not waiting"), "{e:?}");
}

/// Two candidates in the same term ask S3 for its vote: whichever request S3 gets first wins
/// its vote, whatever order they were sent in.
fn race(later_first: bool) -> (Session, Option<u32>) {
    let mut session = manual(3);
    session.act(Action::Timeout { node: 1 }).unwrap();
    session.act(Action::Timeout { node: 2 }).unwrap();
    let (early, late) = (vote_request(&session, 1, 3), vote_request(&session, 2, 3));
    assert!(early < late, "S1 asked first");
    let order = if later_first { [late, early] } else { [early, late] };
    for message in order {
        session.act(Action::DeliverMessage { message }).unwrap();
        session.step();
    }
    let vote = session.sim().node(3).unwrap().raft.as_ref().unwrap().voted_for();
    (session, vote)
}

#[test]
fn delivering_a_later_vote_first_forces_the_other_outcome() {
    assert_eq!(race(false).1, Some(1));
    assert_eq!(race(true).1, Some(2));
}

#[test]
fn a_link_and_an_export_replay_a_forced_interleaving_exactly() {
    let (mut session, _) = race(true);
    ms(&mut session, 50);
    let doc = RunDocument::of(&session, View::default());
    let from_link = RunDocument::from_link(&doc.to_link_fragment()).unwrap();
    let from_json = RunDocument::from_json(&doc.to_json()).unwrap();
    assert!(doc.to_json().contains("\"deliver_message\"") && doc.to_json().contains("\"manual_delivery\""));
    for copy in [from_link, from_json] {
        let replayed = copy.replay().unwrap();
        assert_eq!(replayed.sim().trace_hash(), session.sim().trace_hash());
        assert_eq!(replayed.sim().events(), session.sim().events());
        assert_eq!(held(&replayed), held(&session));
    }
}

#[test]
fn switching_off_sends_the_held_messages_on_the_same_way_every_time() {
    let run = || {
        let mut session = manual(5);
        ms(&mut session, 1_000);
        let waiting = session.sim().held_count();
        session.act(Action::ManualDelivery { on: false }).unwrap();
        assert_eq!(session.sim().held_count(), 0);
        let now = session.sim().now();
        assert!(session.sim().in_flight().count() >= waiting);
        assert!(session.sim().in_flight().all(|m| !m.held && (m.arrive_us > now || m.lost.is_some())));
        ms(&mut session, 3_000);
        assert!(session.sim().leader().is_some(), "with messages flowing again, a leader is elected");
        session.sim().trace_hash()
    };
    assert_eq!(run(), run());
}

#[test]
fn the_hold_is_bounded_and_the_rest_travel_on() {
    let mut session = manual(5);
    ms(&mut session, 30_000);
    let sim = session.sim();
    assert_eq!(sim.held_count(), MAX_HELD);
    assert!(sim.unheld() > 0);
    // A copy would go past the bound: refused, with the bound named.
    let id = sim.held().next().unwrap().id;
    let e = session.act(Action::DuplicateMessage { message: id }).unwrap_err();
    assert!(e.problem.contains(&MAX_HELD.to_string()), "{e:?}");
}

#[test]
fn manual_delivery_in_a_timeline_reads_and_runs() {
    let text = r#"{"name": "m", "nodes": 3, "seed": 1, "duration_ms": 1000,
        "timeline": [{"at_ms": 0, "action": "manual_delivery", "on": true}]}"#;
    let scenario = RunDocument::from_json(text).unwrap().scenario;
    let mut sim = raft_sim::Simulation::new(&scenario).unwrap();
    sim.run_to_end();
    assert!(sim.manual_delivery() && sim.held_count() > 0 && sim.leader().is_none());
    let bad = r#"{"name": "m", "nodes": 3, "seed": 1, "timeline": [{"at_ms": 0, "action": "manual_delivery"}]}"#;
    let e = RunDocument::from_json(bad).unwrap_err();
    assert!(e.field.contains("timeline[0]") && e.problem.contains("on"), "{e:?}");
}

#[test]
fn switching_on_mid_run_stops_the_messages_already_on_their_way() {
    let mut session = Session::new(&cluster(3)).unwrap();
    // A leader, then the moment its heartbeats are in the air.
    ms(&mut session, 3_000);
    assert!(session.sim().leader().is_some());
    let between_servers = |m: &InFlight| matches!((m.from, m.to), (Endpoint::Node(_), Endpoint::Node(_)));
    while !session.sim().in_flight().any(|m| between_servers(m) && m.lost.is_none()) {
        assert!(session.step());
    }
    let on_their_way: Vec<u64> =
        session.sim().in_flight().filter(|m| between_servers(m) && m.lost.is_none()).map(|m| m.id).collect();
    session.act(Action::ManualDelivery { on: true }).unwrap();
    let now = session.sim().now();
    let waiting = held(&session);
    assert_eq!(waiting.iter().map(|m| m.id).collect::<Vec<_>>(), on_their_way, "all of them, oldest first");
    assert!(waiting.iter().all(|m| m.held && m.arrive_us == now && m.lost.is_none()));
    // They never arrive on their own, while timers run on: without the leader's heartbeats a
    // follower's election timer fires and a new term starts.
    let term = |session: &Session| {
        session.sim().nodes().iter().filter_map(|n| n.raft.as_ref()).map(|r| r.current_term()).max()
    };
    let before = term(&session);
    ms(&mut session, 1_000);
    assert!(on_their_way.iter().all(|id| session.sim().held().any(|m| m.id == *id)));
    assert!(term(&session) > before, "the followers stopped hearing the leader");
    // Delivered by hand, one of them arrives at the next step, once.
    session.act(Action::DeliverMessage { message: on_their_way[0] }).unwrap();
    assert!(session.step());
    assert!(!session.sim().in_flight().any(|m| m.id == on_their_way[0]));
    // And the run replays from its link to the same trace.
    let link = RunDocument::of(&session, View::default()).to_link_fragment();
    let replayed = RunDocument::from_link(&link).unwrap().replay().unwrap();
    assert_eq!(replayed.sim().trace_hash(), session.sim().trace_hash());
}
