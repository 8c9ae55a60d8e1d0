use super::*;
use crate::playback::spacetime::{CausalOrder, Happening};
use crate::protocols::{chain, detector, flood, generals, primary_backup, snapshot};

/// Every built-in of the protocols that run today.
fn builtins() -> Vec<String> {
    crate::playback::protocol_table::catalog().into_iter().map(|b| b.scenario.name().to_string()).collect()
}

fn bare_hash_and_events(name: &str) -> (String, u64) {
    if let Some(s) = flood::builtin::by_name(name) {
        let r = flood::run(&s);
        return (r.trace_hash, r.events);
    }
    if let Some(s) = generals::builtin::by_name(name) {
        let r = generals::run(&s);
        return (r.trace_hash, r.events);
    }
    if let Some(s) = chain::builtin::by_name(name) {
        let r = chain::run(&s);
        return (r.trace_hash, r.events);
    }
    if let Some(s) = snapshot::builtin::by_name(name) {
        let r = snapshot::run(&s);
        return (r.trace_hash, r.events);
    }
    if let Some(s) = detector::builtin::by_name(name) {
        let r = detector::run(&s);
        return (r.trace_hash, r.events);
    }
    let s = primary_backup::builtin::by_name(name).expect("a built-in");
    let r = primary_backup::run(&s);
    (r.trace_hash, r.events)
}

#[test]
fn a_watched_run_is_the_bare_run_event_for_event() {
    let names = builtins();
    assert!(names.len() >= 11, "the four protocols' built-ins: {names:?}");
    for name in names {
        let mut run = open_builtin(&name).expect("opens");
        while run.step() {}
        let (hash, events) = bare_hash_and_events(&name);
        assert_eq!(format!("{:016x}", run.trace_hash()), hash, "{name}");
        assert_eq!(run.events(), events, "{name}");
        assert_eq!(run.total_events(), events, "{name}");
        assert_eq!(run.now_us(), run.end_us(), "{name}");
    }
}

#[test]
fn going_back_gives_the_moment_a_fresh_run_gives() {
    for name in [
        "flood-p1-p4",
        "pb-partition-no-arbiter",
        "two-generals-last-lost",
        "chain-middle-crash",
        "fd-pause-false-suspicion",
    ] {
        let mut run = open_builtin(name).expect("opens");
        let total = run.total_events();
        let mid = total / 2;
        run.seek_event(total);
        let end = run.picture();
        run.seek_event(mid);
        let back = run.picture();
        let mut fresh = open_builtin(name).expect("opens");
        fresh.seek_event(mid);
        assert_eq!(back, fresh.picture(), "{name}: back to event {mid}");
        assert_eq!(run.spacetime().events().len(), fresh.spacetime().events().len(), "{name}: the record too");
        run.seek_event(total);
        assert_eq!(run.picture(), end, "{name}: forward again");
        // By time: standing at a time between events keeps that time.
        let t = run.end_us() / 3;
        run.seek_time(t);
        assert_eq!(run.now_us(), t, "{name}");
        assert!(run.events() < total, "{name}");
    }
}

#[test]
fn the_lecture_example_on_the_stage_p1_crashes_and_the_rest_decide_a() {
    let mut run = open_builtin("flood-p1-p4").expect("opens");
    // Right after round 1 ends (100 ms): P3 and P4 suspect P1 and have not decided.
    run.seek_time(100_000);
    let p = run.picture();
    let p3 = &p.nodes[2];
    assert_eq!(p3.name, "P3");
    assert!(p3.facts.iter().any(|f| f.label == "suspects" && f.value == "P1"), "{:?}", p3.facts);
    assert_eq!(p3.badge, None);
    assert_eq!(p.nodes[0].status, Status::Crashed);
    run.seek_event(run.total_events());
    let p = run.picture();
    for n in &p.nodes[1..] {
        assert_eq!(n.badge, Some("decided"), "{}", n.name);
        assert!(n.facts.iter().any(|f| f.label == "decision" && f.value.starts_with("a ")), "{:?}", n.facts);
    }
    assert!(p.checks.iter().all(|c| c.broken.is_none()), "{:?}", p.checks);
    assert_eq!(p.checks.len(), 4);
}

#[test]
fn a_broken_run_shows_its_broken_property_with_the_event_to_seek_to() {
    let mut run = open_builtin("flood-p1-p4-one-round").expect("opens");
    run.seek_event(run.total_events());
    let p = run.picture();
    let agreement = p.checks.iter().find(|c| c.property == "Agreement").expect("checked");
    let broken = agreement.broken.as_ref().expect("Agreement breaks with one round for one crash");
    run.seek_event(broken.event);
    assert!(run.picture().checks.iter().any(|c| c.property == "Agreement" && c.broken.is_some()));
    run.seek_event(broken.event - 1);
    assert!(run.picture().checks.iter().all(|c| c.property != "Agreement" || c.broken.is_none()));
}

#[test]
fn the_diagram_has_p1s_one_send_before_its_crash_and_clocks_that_order_it() {
    let mut run = open_builtin("flood-p1-p4").expect("opens");
    run.seek_event(run.total_events());
    let record = run.spacetime();
    assert_eq!(record.nodes(), 4);
    let p1: Vec<_> = record.events().iter().filter(|e| e.node == 1).collect();
    // P1 sends to P2 only, then crashes: a send, then the crash, nothing after.
    assert!(matches!(p1[0].what, Happening::Send { to: 2, kind: "Known", .. }), "{p1:?}");
    assert!(matches!(p1.last().map(|e| e.what), Some(Happening::Local(Local::Crash))), "{p1:?}");
    assert_eq!(p1.len(), 2, "{p1:?}");
    // P2's receipt of it happened after the send; P3's first event is concurrent with it.
    let receipt =
        record.events().iter().find(|e| matches!(e.what, Happening::Receive { from: 1, .. })).expect("P2 receives a");
    assert_eq!(receipt.node, 2);
    assert_eq!(p1[0].order(receipt), CausalOrder::Before);
    assert!(receipt.lamport > p1[0].lamport);
    let p3_first = record.events().iter().find(|e| e.node == 3).expect("P3 acts");
    assert_eq!(p1[0].order(p3_first), CausalOrder::Concurrent);
    // Deciding shows as a local event on each survivor.
    for lane in 2..=4 {
        assert!(
            record
                .events()
                .iter()
                .any(|e| e.node == lane && e.what == Happening::Local(Local::Became { badge: "decided" })),
            "P{lane}"
        );
    }
}

#[test]
fn clients_have_lanes_and_a_captured_messenger_is_a_loss() {
    let mut run = open_builtin("pb-primary-crash").expect("opens");
    assert_eq!(run.lanes()[0], Endpoint::Client(1));
    run.seek_event(run.total_events());
    assert!(run
        .spacetime()
        .events()
        .iter()
        .any(|e| e.node == 1 && matches!(e.what, Happening::Send { kind: "Write", .. })));
    let mut run = open_builtin("two-generals-last-lost").expect("opens");
    run.seek_event(run.total_events());
    assert!(run.spacetime().losses().iter().any(|l| l.kind == "Messenger"), "the last messenger is captured");
}

#[test]
fn a_raft_scenario_or_a_bad_one_is_refused_with_the_field_named() {
    let err = open(r#"{"name": "x", "nodes": 3}"#).err().expect("raft is not run here");
    assert_eq!(err.field, "protocol");
    let err = open(r#"{"protocol": "flood-consensus", "name": "t", "proposals": ["a"]}"#).err().expect("bad");
    assert_eq!(err.field, "proposals");
    let err = open(r#"{"protocol": "paxos"}"#).err().expect("unknown");
    assert_eq!(err.field, "protocol");
}

#[test]
fn a_pause_shows_on_the_diagram_with_the_false_suspicion_it_caused() {
    let mut run = open_builtin("fd-pause-false-suspicion").expect("opens");
    run.seek_time(750_000);
    let p = run.picture();
    assert_eq!((p.nodes[2].status, p.nodes[2].badge), (Status::Paused, Some("suspected")));
    run.seek_event(run.total_events());
    let p3: Vec<Happening> = run.spacetime().events().iter().filter(|e| e.node == 3).map(|e| e.what).collect();
    let at = |h: Happening| p3.iter().position(|&x| x == h).unwrap_or_else(|| panic!("{h:?} in {p3:?}"));
    let (paused, suspected, resumed) = (
        at(Happening::Local(Local::Paused)),
        at(Happening::Local(Local::Became { badge: "suspected" })),
        at(Happening::Local(Local::Resumed)),
    );
    assert!(paused < suspected && suspected < resumed, "{p3:?}");
    // P2's crash, and then its detection by every correct process, on its lane.
    let p2: Vec<Happening> = run.spacetime().events().iter().filter(|e| e.node == 2).map(|e| e.what).collect();
    assert_eq!(p2.last(), Some(&Happening::Local(Local::Crash)), "{p2:?}");
    assert_eq!(run.picture().nodes[1].badge, Some("detected"));
}
