//! The Chandy–Lamport snapshot (the notes' §2.1, Definition 1.3) on a running bank: what each
//! built-in records, the marker rules, the checks catching both broken variants (channels
//! that are not FIFO, channel states not recorded), determinism and pinned hashes, and the
//! scenario format's messages.
use raft_sim::protocols::snapshot::checks::ClProperty;
use raft_sim::protocols::snapshot::scenario::ClScenario;
use raft_sim::protocols::snapshot::{self as cl, builtin, ClReport, Recording};
use raft_sim::scenario::protocol;
use raft_sim::Scenario;

fn builtin(name: &str) -> ClScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a Chandy–Lamport built-in"))
}

/// A time to the tenth of a millisecond, as the descriptions and the summary give it.
fn tenth(ms: Option<f64>) -> Option<f64> {
    ms.map(|t| (t * 10.0).round() / 10.0)
}

fn broken(r: &ClReport) -> Vec<ClProperty> {
    r.violations.iter().map(|v| v.property).collect()
}

/// Each channel's recorded amounts, "p2→p1: [21, 14]".
fn channel_states(r: &ClReport) -> Vec<String> {
    r.channels
        .iter()
        .map(|c| {
            let amounts: Vec<String> = c.recorded_amounts.iter().map(u64::to_string).collect();
            format!("p{}→p{}: [{}]", c.from, c.to, amounts.join(", "))
        })
        .collect()
}

/// The marker rules, whatever the run: every process recorded once; one marker on every
/// channel, each arrived; the first marker a process got is the one it recorded on, and that
/// channel's state is empty; every channel's recording is done.
fn assert_marker_rules(r: &ClReport, initiator: u32) {
    let n = r.processes.len() as u32;
    assert!(r.processes.iter().all(|p| p.recorded.is_some()), "every process recorded");
    assert_eq!(r.markers.len() as u32, n * (n - 1), "one marker on each channel");
    for c in &r.channels {
        assert_eq!(c.recording, Recording::Done, "p{}→p{}", c.from, c.to);
        let on: Vec<_> = r.markers.iter().filter(|m| (m.from, m.to) == (c.from, c.to)).collect();
        assert_eq!(on.len(), 1, "p{}→p{}", c.from, c.to);
        let m = on[0];
        assert!(m.arrived_at_ms.is_some());
        let recorded_at = r.processes[m.from as usize - 1].recorded_at_ms.unwrap();
        assert_eq!(m.sent_at_ms, recorded_at, "a process sends its markers when it records");
        if m.first {
            assert!(c.recorded_ids.is_empty(), "the first marker's channel is recorded as empty");
            assert_eq!(
                r.processes[m.to as usize - 1].recorded_at_ms,
                m.arrived_at_ms,
                "it records on its first marker"
            );
        }
    }
    for q in (1..=n).filter(|&q| q != initiator) {
        let firsts = r.markers.iter().filter(|m| m.to == q && m.first).count();
        assert_eq!(firsts, 1, "p{q} recorded on exactly one first marker");
    }
    assert!(r.markers.iter().all(|m| m.to != initiator || !m.first), "the initiator records on its own");
    assert!(r.snapshot.completed_at_ms.is_some());
}

#[test]
fn the_working_snapshot_records_states_and_channels_that_add_up_to_the_banks_money() {
    let r = cl::run(&builtin("cl-bank-snapshot"));
    assert_marker_rules(&r, 1);
    let recorded: Vec<(Option<u64>, Option<f64>)> =
        r.processes.iter().map(|p| (p.recorded, tenth(p.recorded_at_ms))).collect();
    assert_eq!(recorded, [(Some(80), Some(60.0)), (Some(108), Some(79.6)), (Some(17), Some(72.5))]);
    assert_eq!(
        channel_states(&r),
        ["p1→p2: []", "p1→p3: []", "p2→p1: [21, 14]", "p2→p3: [1, 15]", "p3→p1: [20]", "p3→p2: [24]"]
    );
    let s = &r.snapshot;
    assert_eq!((s.states_total, s.channels_total, s.recorded_total, r.total), (205, 95, 300, 300));
    assert_eq!(tenth(s.completed_at_ms), Some(119.2));
    assert!(s.missed.is_empty() && s.counted_without_send.is_empty());
    assert_eq!(r.channels.iter().map(|c| c.recorded_ids.len()).sum::<usize>(), 6, "six transfers in flight");
    // The workload runs on after the snapshot: the bank's balances are not the recorded ones.
    assert!(r.transfers > 60 && r.end_ms > 300.0, "{} transfers, {} ms", r.transfers, r.end_ms);
    assert_eq!(r.processes.iter().map(|p| p.balance).sum::<u64>(), 300);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn with_fifo_channels_every_snapshot_is_a_consistent_cut_that_adds_up() {
    let base = builtin("cl-bank-snapshot");
    let mut cut_traffic = 0;
    for seed in 1..=60 {
        let s = ClScenario {
            seed,
            processes: 2 + (seed % 4) as u32,
            initiator: 1 + (seed % 2) as u32,
            snapshot_at_ms: 10.0 * (seed % 20) as f64,
            latency_ms: if seed % 3 == 0 { [1.0, 80.0] } else { [10.0, 40.0] },
            ..base.clone()
        };
        let r = cl::run(&s);
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        assert_marker_rules(&r, s.initiator);
        assert_eq!(r.snapshot.recorded_total, r.total, "seed {seed}");
        assert!(r.snapshot.missed.is_empty() && r.snapshot.counted_without_send.is_empty(), "seed {seed}");
        cut_traffic += r.channels.iter().filter(|c| !c.recorded_ids.is_empty()).count();
    }
    assert!(cut_traffic > 60, "the snapshots caught money in flight: {cut_traffic} channels");
}

#[test]
fn without_fifo_a_transfer_overtakes_a_marker_and_the_inconsistent_cut_is_caught() {
    let r = cl::run(&builtin("cl-broken-not-fifo"));
    assert!(!r.fifo);
    assert_eq!(broken(&r), [ClProperty::ConsistentCut, ClProperty::SnapshotTotal]);
    let cut = &r.violations[0];
    assert_eq!(tenth(Some(cut.at_ms)), Some(91.5));
    assert!(
        cut.detail.english().starts_with("p3's recorded state includes transfer 15 (26) from p1"),
        "{}",
        cut.detail
    );
    // p1 recorded at 60 ms and sent its marker to p3 then; transfer 15, sent after, got there first.
    assert_eq!(r.processes[0].recorded_at_ms, Some(60.0));
    let marker = r.markers.iter().find(|m| (m.from, m.to) == (1, 3)).unwrap();
    assert_eq!((marker.sent_at_ms, tenth(marker.arrived_at_ms), marker.first), (60.0, Some(100.0), true));
    assert!(marker.arrived_at_ms > Some(cut.at_ms), "the marker came after the transfer it was sent before");
    assert_eq!(r.processes[2].recorded_at_ms, marker.arrived_at_ms);
    assert_eq!(r.snapshot.counted_without_send, [15]);
    assert_eq!((r.snapshot.recorded_total, tenth(r.snapshot.completed_at_ms)), (326, Some(139.7)));
    assert!(r.violations[1].detail.english().ends_with("money is counted twice"));

    // Across seeds the variant is broken often, in both directions, and the bank itself
    // never loses money.
    let (mut caught, mut lost, mut doubled) = (0, 0, 0);
    for seed in 1..=40 {
        let r = cl::run(&ClScenario { seed, ..builtin("cl-broken-not-fifo") });
        assert!(!broken(&r).contains(&ClProperty::MoneyConserved), "seed {seed}");
        caught += !r.violations.is_empty() as u32;
        lost += !r.snapshot.missed.is_empty() as u32;
        doubled += !r.snapshot.counted_without_send.is_empty() as u32;
        // Whatever went wrong, the checks say so.
        let wrong = r.snapshot.recorded_total != r.total || !r.snapshot.counted_without_send.is_empty();
        assert_eq!(wrong, !r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
    }
    assert!(caught >= 20 && lost >= 3 && doubled >= 10, "caught {caught}, lost {lost}, doubled {doubled}");
}

#[test]
fn without_channel_states_the_same_run_loses_the_money_in_flight() {
    let good = cl::run(&builtin("cl-bank-snapshot"));
    let r = cl::run(&builtin("cl-broken-no-channel-state"));
    assert!(!r.record_channels);
    assert_marker_rules(&r, 1);
    assert_eq!(r.processes, good.processes, "the same run: the same states, recorded at the same times");
    assert_eq!(r.markers, good.markers);
    assert!(r.channels.iter().all(|c| c.recorded_ids.is_empty()));
    let in_flight: Vec<u64> = good.channels.iter().flat_map(|c| c.recorded_ids.clone()).collect();
    let mut missed = r.snapshot.missed.clone();
    missed.sort_unstable();
    let mut expected = in_flight.clone();
    expected.sort_unstable();
    assert_eq!(missed, expected, "exactly the transfers the working snapshot found on the channels");
    assert_eq!(missed, [6, 9, 10, 11, 14, 16]);
    assert_eq!((r.snapshot.recorded_total, r.snapshot.completed_at_ms), (205, good.snapshot.completed_at_ms));
    assert_eq!(broken(&r), [ClProperty::SnapshotTotal], "the cut is consistent, the total is not");
    assert_eq!(tenth(Some(r.violations[0].at_ms)), Some(119.2));
    assert!(r.violations[0].detail.english().ends_with("money in flight was not recorded"));
}

#[test]
fn money_in_flight_is_what_the_network_carries_after_every_event() {
    use raft_sim::engine::kernel::Host;
    use raft_sim::protocols::snapshot::message::ClMessage;
    for name in ["cl-bank-snapshot", "cl-broken-not-fifo"] {
        let mut sim = cl::ChandyLamport::new(&builtin(name));
        let mut steps = 0;
        while sim.step_until(u64::MAX) {
            steps += 1;
            let carried: u64 = sim
                .kernel()
                .in_flight()
                .map(|m| match m.payload {
                    ClMessage::Transfer { amount, .. } => amount,
                    ClMessage::Marker => 0,
                })
                .sum();
            assert_eq!(sim.in_flight_amount(), carried, "{name}, event {steps}");
            let held: u64 = (1..=3).map(|p| sim.process(p).unwrap().balance).sum();
            assert_eq!(held + carried, 300, "{name}, event {steps}");
        }
        assert_eq!(steps, sim.report().events);
    }
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = cl::run(&b.scenario);
        assert_eq!(first, cl::run(&b.scenario), "{}", b.scenario.name);
        let mut other = b.scenario.clone();
        other.seed += 1;
        assert_ne!(first.trace_hash, cl::run(&other).trace_hash, "{}", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<(String, String)> =
        builtin::catalog().iter().map(|b| (b.scenario.name.clone(), cl::run(&b.scenario).trace_hash)).collect();
    let names: Vec<&str> = hashes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["cl-bank-snapshot", "cl-broken-not-fifo", "cl-broken-no-channel-state"]);
    let now: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(now, PINNED, "a Chandy–Lamport run changed (in the index's order)");
}

/// The variant without channel states runs the same events with the same messages: its
/// hash is the working run's.
const PINNED: [&str; 3] = ["7a106c0459eb7bcf", "08fe73e79e69c6a8", "7a106c0459eb7bcf"];

#[test]
fn raft_readers_refuse_a_chandy_lamport_scenario_by_protocol() {
    let text = include_str!("../scenarios/cl-bank-snapshot.json");
    let e = Scenario::from_json(text).unwrap_err();
    assert_eq!(e.field, "protocol");
    assert!(e.problem.contains("'chandy-lamport'"), "{}", e.problem);
    assert_eq!(protocol::protocol_of(text).unwrap(), protocol::CHANDY_LAMPORT);
    assert_eq!(protocol::foreign_protocol(text), Some(protocol::CHANDY_LAMPORT));
}

#[test]
fn bad_chandy_lamport_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/cl-bank-snapshot.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        ClScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("protocol", r#""primary-backup""#), "protocol");
    assert_eq!(with("processes", "9"), "processes");
    assert_eq!(with("initiator", "0"), "initiator");
    assert_eq!(with("balance", "-5"), "balance");
    assert_eq!(with("max_amount", "0"), "max_amount");
    assert_eq!(with("transfer_every_ms", "[0.5, 3]"), "transfer_every_ms[0]");
    assert_eq!(with("workload_until_ms", "1e9"), "workload_until_ms");
    assert_eq!(with("snapshot_at_ms", r#""soon""#), "snapshot_at_ms");
    assert_eq!(with("latency_ms", "[40, 10]"), "latency_ms[1]");
    assert_eq!(with("record_channels", "0"), "record_channels");
    assert_eq!(with("markers", "1"), "markers");
    // A bank with no money still snapshots: nothing moves, and zero adds up to zero.
    let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
    v["balance"] = 0.into();
    let r = cl::run(&ClScenario::from_json(&v.to_string()).unwrap());
    assert_eq!((r.transfers, r.snapshot.recorded_total), (0, 0));
    assert!(r.violations.is_empty());
}

/// The snapshot's cut read off the generic space-time diagram, not from the host: each
/// process's "recorded" event splits its lane; the transfers received before it whose send
/// came after its sender's split, as the times they were received. Empty: a consistent cut
/// (the notes' Definition 1.2).
fn cut_breaches_in_the_diagram(name: &str) -> Vec<f64> {
    use raft_sim::playback::spacetime::{Happening, Local};
    let mut run = raft_sim::playback::protocol_run::open_builtin(name).expect("opens on the stage");
    run.seek_event(run.total_events());
    let events = run.spacetime().events();
    let cut = |lane: u32| {
        events
            .iter()
            .find(|e| e.node == lane && e.what == Happening::Local(Local::Became { badge: "recorded" }))
            .map(|e| e.seq)
            .expect("every process records")
    };
    let mut breaches = Vec::new();
    for e in events.iter() {
        let Happening::Receive { message, from, kind: "Transfer", .. } = e.what else { continue };
        if e.seq > cut(e.node) {
            continue;
        }
        let sent = events
            .iter()
            .find(|s| matches!(s.what, Happening::Send { message: m, .. } if m == message))
            .expect("its send");
        assert_eq!(sent.node, from);
        if sent.seq > cut(from) {
            breaches.push(e.time_us as f64 / 1000.0);
        }
    }
    breaches
}

#[test]
fn on_the_stage_markers_are_their_own_messages_and_the_cut_shows_in_the_diagram() {
    use raft_sim::protocols::view::Tone;
    let mut run = raft_sim::playback::protocol_run::open_builtin("cl-bank-snapshot").expect("opens");
    run.seek_time(70_000);
    let p = run.picture();
    let p1 = &p.nodes[0];
    assert_eq!((p1.name.as_str(), p1.badge, p1.tone), ("p1", Some("recorded"), Tone::Lead));
    let fact = |n: usize, label: &str| {
        p.nodes[n].facts.iter().filter(|f| f.label == label).map(|f| f.value.clone()).collect::<Vec<_>>()
    };
    assert_eq!(fact(0, "recorded-state"), ["80"]);
    assert_eq!(fact(0, "channel-recording"), ["p2→p1 [21]", "p3→p1 []"]);
    assert_eq!(p.nodes[1].badge, None, "p2 has not had a marker yet");
    let markers: Vec<(String, String)> = p
        .messages
        .iter()
        .filter(|m| m.kind == "Marker")
        .map(|m| (format!("{:?}", m.from), format!("{:?}", m.to)))
        .collect();
    assert_eq!(markers.len(), 2, "p1's two markers on their way");
    assert!(p.messages.iter().any(|m| m.kind == "Transfer" && m.label == "#12 $5"));
    run.seek_event(run.total_events());
    let end = run.picture();
    assert!(end.nodes.iter().all(|n| n.badge == Some("recorded")));
    let total = end.facts.iter().find(|f| f.label == "snapshot-total").expect("complete");
    assert_eq!((total.value.as_str(), total.tone), ("205 + 95 = 300 (119.2 ms)", Tone::Good));
    assert!(end.checks.iter().all(|c| c.broken.is_none()));
    // In the diagram, markers are sends of their own kind: one on each of the six channels.
    let marker_sends = run
        .spacetime()
        .events()
        .iter()
        .filter(|e| matches!(e.what, raft_sim::playback::spacetime::Happening::Send { kind: "Marker", .. }))
        .count();
    assert_eq!(marker_sends, 6);

    assert_eq!(cut_breaches_in_the_diagram("cl-bank-snapshot"), Vec::<f64>::new());
    assert_eq!(cut_breaches_in_the_diagram("cl-broken-no-channel-state"), Vec::<f64>::new());
    let broken = cl::run(&builtin("cl-broken-not-fifo"));
    assert_eq!(
        cut_breaches_in_the_diagram("cl-broken-not-fifo"),
        [broken.violations[0].at_ms],
        "the diagram shows the one overtaking transfer (15) where the check caught it"
    );
    let mut run = raft_sim::playback::protocol_run::open_builtin("cl-broken-no-channel-state").expect("opens");
    run.seek_event(run.total_events());
    let p = run.picture();
    let total = p.facts.iter().find(|f| f.label == "snapshot-total").expect("complete");
    assert_eq!((total.value.as_str(), total.tone), ("205 + 0 = 205 (119.2 ms)", Tone::Bad));
    assert!(p.nodes.iter().all(|n| n.facts.iter().all(|f| f.label != "channel-recording")));
}

#[test]
fn each_description_states_its_runs_figures() {
    let figures = |name: &str| {
        let s = builtin(name);
        let r = cl::run(&s);
        let snap = &r.snapshot;
        let done = format!("{:.1} ms", snap.completed_at_ms.expect("complete"));
        (s.description, r, done)
    };
    let (text, r, done) = figures("cl-bank-snapshot");
    let states: Vec<String> = r.processes.iter().filter_map(|p| p.recorded).map(|v| v.to_string()).collect();
    assert_eq!(states, ["80", "108", "17"]);
    for claim in ["its state (80)", "(17 and 108)", &format!("At {done}"), "205 + 95 = 300", "(six transfers)"] {
        assert!(text.contains(claim), "{claim:?}");
    }
    let (text, r, done) = figures("cl-broken-not-fifo");
    let caught = format!("at {:.1} ms", r.violations[0].at_ms);
    for claim in [format!("completes at {done}"), "adding up to 326".into(), "transfer 15 (26)".into(), caught] {
        let claim = claim.as_str();
        assert!(text.contains(claim), "{claim:?}");
    }
    let (text, r, done) = figures("cl-broken-no-channel-state");
    assert_eq!(r.snapshot.missed.len(), 6);
    for claim in [format!("completes at {done}"), "adding up to 205 instead of 300".into(), "six transfers".into()] {
        let claim = claim.as_str();
        assert!(text.contains(claim), "{claim:?}");
    }
}
