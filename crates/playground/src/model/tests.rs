//! Native tests of the view-models: each runs a built-in scenario in the simulator and checks
//! what the page would draw from it.
use super::{clients, clock, failures, history, lab, log, manual, message, monitor, stage, timeline};
use raft_sim::builtin;
use raft_sim::scenario::{Action, ClientOpKind, CrashMode, NetworkSettings, TimingModel};
use raft_sim::session::{Session, Target};
use raft_sim::sim::{Milestone, MilestoneKind};
use raft_sim::{Property, Simulation};

/// A 3-server cluster (clients on or off) run to `ms`.
fn cluster_at(load: bool, ms: u64) -> Simulation {
    let mut scenario = builtin::cluster(3, load);
    scenario.duration_ms = scenario.duration_ms.max(ms as f64);
    let mut sim = Simulation::new(&scenario).expect("the built-in cluster is valid");
    sim.run_until(ms * 1000);
    sim
}

#[test]
fn the_stage_shows_one_leader_among_voters_of_a_plain_configuration() {
    let sim = cluster_at(false, 2_000);
    let data = stage::StageData::of(&sim);
    assert_eq!(data.nodes.len(), 3);
    let leaders: Vec<u32> = data.nodes.iter().filter(|n| n.state == "leader").map(|n| n.id).collect();
    assert_eq!(leaders, vec![sim.leader().expect("a leader within 2 s")]);
    assert_eq!(data.configuration, "voters {S1, S2, S3}");
    assert!(!data.joint);
    assert!(data.nodes.iter().all(|n| n.membership == "voter"));
    assert!(data.nodes.iter().all(|n| (0.0..=1.0).contains(&n.timer_left)));
    assert!(data.messages.iter().all(|m| (0.0..=1.0).contains(&m.progress)));
    assert_eq!(data.now_ms, sim.now() as f64 / 1000.0);
}

#[test]
fn the_stage_shows_a_crashed_server_with_its_disk_term() {
    let mut sim = cluster_at(false, 2_000);
    let leader = sim.leader().expect("a leader");
    let term = sim.node(leader).and_then(|s| s.raft.as_ref()).map(|r| r.current_term()).expect("running");
    sim.act(Action::Crash { node: leader, mode: CrashMode::Recover }).expect("crash is allowed");
    let data = stage::StageData::of(&sim);
    let shown = data.nodes.iter().find(|n| n.id == leader).expect("every server is shown");
    assert_eq!(shown.state, "crashed");
    assert_eq!(shown.term, term, "a crashed server shows the term on its disk");
    assert_eq!(shown.votes, 0);
}

#[test]
fn the_log_view_shows_a_window_of_the_latest_indices() {
    let sim = cluster_at(true, 3_000);
    let data = log::LogData::of(&sim);
    assert_eq!(data.rows.len(), 3);
    assert_eq!(data.leader, sim.leader());
    let longest = data.rows.iter().map(|r| r.length).max().unwrap_or(0);
    assert!(longest > 16, "clients wrote more than one window's worth ({longest} entries)");
    assert_eq!(data.first, longest - 15, "the window ends at the longest log");
    for row in &data.rows {
        assert!(row.entries.len() <= 16);
        assert!(row.entries_from >= data.first);
        assert!(row.commit_index <= row.length);
    }
    // The leader knows each server's nextIndex and matchIndex; matchIndex is below nextIndex.
    let leader = data.leader.expect("a leader");
    for row in data.rows.iter().filter(|r| r.id != leader) {
        let (next, matched) = row.next_match.expect("the leader tracks every follower");
        assert!(matched < next);
    }
}

#[test]
fn the_timeline_keeps_the_important_markers_in_event_order() {
    let election = |events: u64| Milestone {
        events,
        time_us: events * 10,
        kind: MilestoneKind::Election { node: 1, term: events },
    };
    // Far more elections than the bar shows, then a crash at the end.
    let mut milestones: Vec<Milestone> = (1..=1_000).map(election).collect();
    milestones.push(Milestone { events: 2_000, time_us: 20_000, kind: MilestoneKind::Crash { node: 2 } });
    let markers = timeline::MarkerView::of(&milestones);
    assert_eq!(markers.len(), 400);
    assert!(markers.windows(2).all(|w| w[0].events < w[1].events));
    let last = markers.last().expect("markers");
    assert_eq!((last.kind, last.events), ("crash", 2_000), "the crash is kept though it came last");
    assert_eq!(last.label, "20.0 ms, event 2000: S2 crashes");
    assert_eq!(markers[0].label, "0.0 ms, event 1: S1 starts an election for term 1");
}

#[test]
fn the_monitor_lists_a_broken_property_once() {
    let mut sim = Simulation::new(&builtin::by_name("byzantine-double-vote").expect("built in")).expect("valid");
    assert!(monitor::broken(&sim).is_empty());
    sim.run_to_end();
    assert_eq!(monitor::broken(&sim), vec![Property::ElectionSafety]);
    let listed = monitor::listed_violations(&sim);
    assert!(!listed.is_empty() && listed.len() <= monitor::LISTED);
    assert!(monitor::span_text(&listed[0]).contains("ms (event "));
}

#[test]
fn the_clock_says_when_the_page_replays_the_past() {
    let mut session = Session::new(&builtin::cluster(3, false)).expect("valid");
    session.advance(500_000, 1_000_000, false);
    let live = clock::clock_text(&session);
    assert!(live.starts_with("t = 500.0 ms · "), "{live}");
    assert!(!live.contains("replaying"));
    session.seek(Target::Time(100_000));
    let past = clock::clock_text(&session);
    assert!(past.contains("replaying (the run goes on to 500.0 ms)"), "{past}");
}

fn failure_source(nodes: u32) -> failures::FailureSource {
    failures::FailureSource { nodes, network: NetworkSettings::default(), groups: None, faults: Vec::new() }
}

#[test]
fn the_failure_draft_keeps_what_was_typed_until_its_value_in_force_changes() {
    let source = failure_source(3);
    let mut draft = failures::FailureDraft::of(&source);
    assert_eq!(draft.faults.iter().map(|f| f.node).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!((draft.link.min_ms.as_str(), draft.link.max_ms.as_str()), ("10", "20"));
    assert_eq!(draft.timing.kind, failures::Timing::Synchronous);
    assert_eq!(draft.timing.gst_ms, "5000", "a GST is offered before the model is chosen");
    draft.link.loss = "0.".into();
    draft.faults[1].send = "0.3".into();
    // Nothing changed in the simulator: what was typed stays.
    let same = draft.clone().synced(&source);
    assert_eq!(same, draft);
    // S2's faults were applied: its fields start again from them; the half-typed loss stays.
    let mut applied = source.clone();
    applied.faults = vec![raft_sim::scenario::NodeFaults { node: 2, send_omission: 0.5, ..Default::default() }];
    let after = draft.clone().synced(&applied);
    assert_eq!(after.faults[1].send, "0.5");
    assert_eq!(after.link.loss, "0.");
    // A new timing model in force replaces the timing fields only.
    let mut timed = applied.clone();
    timed.network.timing = TimingModel::PartiallySynchronous { gst_ms: 1_500.0, tail_probability: 0.1 };
    let after = after.synced(&timed);
    assert_eq!(
        (after.timing.kind, after.timing.gst_ms.as_str(), after.timing.tail.as_str()),
        (failures::Timing::PartiallySynchronous, "1500", "0.1")
    );
    assert_eq!(after.timing.model(), timed.network.timing);
    assert_eq!(after.link.loss, "0.");
}

#[test]
fn the_failure_draft_follows_a_cluster_of_another_size() {
    let mut draft = failures::FailureDraft::of(&failure_source(3));
    draft.assignment = vec![0, 1, 1];
    assert_eq!(draft.partition(), vec![vec![1], vec![2, 3]]);
    let five = draft.synced(&failure_source(5));
    assert_eq!(five.faults.len(), 5);
    assert_eq!(five.assignment, vec![0; 5], "a new cluster starts unpartitioned");
    assert_eq!(failures::in_range(7, 5), 1, "a server the cluster lacks falls back to S1");
    assert!(failures::number("0.x").is_nan(), "bad text reaches the simulator as NaN, which it refuses");
}

#[test]
fn the_failure_panel_names_the_partition_and_the_cuts() {
    assert_eq!(failures::groups_text(3, &None), "No partition.");
    assert_eq!(failures::groups_text(4, &Some(vec![vec![1, 2]])), "Partitioned: {S1 S2} | {S3 S4}");
    assert_eq!(failures::cuts_text(&[]), "No one-way cuts.");
    assert_eq!(failures::cuts_text(&[(1, 2), (3, 1)]), "Cut: S1→S2, S3→S1");
    let mut sim = cluster_at(false, 1_000);
    sim.act(Action::Partition { groups: vec![vec![1], vec![2, 3]] }).expect("a partition is allowed");
    sim.act(Action::Crash { node: 3, mode: CrashMode::Amnesia }).expect("a crash is allowed");
    let source = failures::FailureSource::of(&sim);
    assert_eq!((source.nodes, source.groups.clone()), (3, Some(vec![vec![1], vec![2, 3]])));
    let statuses: Vec<_> = sim.nodes().iter().map(|n| n.status).collect();
    assert_eq!(failures::node_label(&statuses, 3), "S3 (crashed, disk lost)");
    assert_eq!(failures::node_label(&[], 3), "S3");
}

#[test]
fn the_history_shows_the_last_second_and_the_verdict_in_words() {
    let sim = cluster_at(true, 3_000);
    let data = history::HistoryData::of(sim.history().iter(), sim.now(), Default::default());
    assert!(!data.ops.is_empty());
    let start = sim.now() - history::WINDOW_US;
    assert!(data.ops.iter().all(|h| h.invoked_us <= sim.now() && h.completed_us.is_none_or(|c| c >= start)));
    assert!(data.ops.windows(2).all(|w| w[0].invoked_us <= w[1].invoked_us), "oldest first");
    assert!(data.clients.windows(2).all(|w| w[0] < w[1]), "one lane per client, in id order");
    let report = raft_sim::linearizability::check_run(&sim, raft_sim::linearizability::DEFAULT_BUDGET);
    let verdict = history::VerdictView::of(&report, sim.events());
    assert_eq!((verdict.verdict, verdict.ops.len(), verdict.culprit_us), ("ok", 0, None));
    assert_eq!(verdict.message, report.message, "the catalogue words the verdict as the checker does");
    let starved = raft_sim::linearizability::check_run(&sim, 1);
    assert_eq!(starved.verdict, raft_sim::linearizability::Verdict::Unknown);
    assert_eq!(history::verdict_text(&starved), starved.message);
    assert_eq!(history::capitalized("the history is linearizable"), "The history is linearizable");
    assert_eq!(history::client_name(raft_sim::workload::SCRIPT_CLIENT), "you");
}

#[test]
fn the_verdict_names_the_operations_that_cannot_be_linearized() {
    let mut sim = Simulation::new(&builtin::by_name("stale-read").expect("built in")).expect("valid");
    sim.run_to_end();
    let report = raft_sim::linearizability::check_run(&sim, raft_sim::linearizability::DEFAULT_BUDGET);
    let verdict = history::VerdictView::of(&report, sim.events());
    assert_eq!(verdict.verdict, "violation");
    assert!(!verdict.ops.is_empty());
    assert!(verdict.ops.iter().all(|o| o.contains(" ms)")), "{:?}", verdict.ops);
    assert!(verdict.culprit_us.is_some_and(|t| t <= sim.now()));
    assert_eq!(verdict.message, report.message, "the catalogue words the verdict as the checker does");
}

#[test]
fn the_message_inspector_shows_raft_cores_fields_and_the_fate() {
    let mut sim = cluster_at(false, 2_000);
    let m = sim.in_flight().next().cloned().expect("heartbeats are in flight");
    let detail = message::MessageDetail::of(&m, sim.now());
    assert_eq!(detail.id, m.id);
    assert!(detail.title.contains(&format!("#{}", m.id)), "{}", detail.title);
    assert!(detail.fields.iter().any(|(name, _)| *name == "term"), "{:?}", detail.fields);
    assert!(detail.fate.starts_with("arrives in "), "{}", detail.fate);
    sim.act(Action::DropMessage { message: m.id }).expect("a message in flight can be dropped");
    let dropped = sim.in_flight().find(|x| x.id == m.id).cloned().expect("still drawn until it would arrive");
    assert_eq!(message::MessageDetail::of(&dropped, sim.now()).fate, "dropped by you: it will not arrive");
}

#[test]
fn the_client_panel_shows_the_operators_requests_and_every_store() {
    let mut sim = cluster_at(false, 2_000);
    assert!(clients::recent_requests(&sim).is_empty());
    for i in 0..12 {
        let value = Some(i.to_string());
        sim.act(Action::Client { node: 1, op: ClientOpKind::Put, key: "x".into(), value, retry_ms: None })
            .expect("a put is allowed");
    }
    let recent = clients::recent_requests(&sim);
    assert_eq!(recent.len(), clients::SHOWN);
    assert_eq!(clients::result_text(&recent[0], None), "pending");
    sim.run_until(sim.now() + 1_000_000);
    let recent = clients::recent_requests(&sim);
    assert!(recent.iter().all(|h| h.completed_us.is_some()));
    assert_eq!(clients::result_text(recent.last().expect("requests"), None), "ok (was 10)");
    let stores = clients::stores(&sim);
    assert_eq!(stores.len(), 3);
    assert!(stores.iter().all(|kv| kv.as_ref().and_then(|kv| kv.get("x")).map(String::as_str) == Some("11")));
    assert_eq!(clients::redirect_text(0), "—");
    assert_eq!(clients::redirect_text(2), "redirected 2× (not the leader)");
}

#[test]
fn the_lab_picks_a_running_follower() {
    let mut sim = cluster_at(false, 2_000);
    let leader = sim.leader().expect("a leader");
    let follower = lab::running_follower(&sim).expect("two followers run").node;
    assert_ne!(follower, leader);
    sim.act(Action::Crash { node: follower, mode: CrashMode::Stop }).expect("a crash is allowed");
    let other = lab::running_follower(&sim).expect("one follower runs").node;
    assert!(other != leader && other != follower);
}

#[test]
fn a_request_whose_entry_was_overwritten_says_so() {
    let scenario = raft_sim::builtin::list().into_iter().find(|s| s.name == "minority-leader").unwrap();
    let mut sim = raft_sim::Simulation::new(&scenario).unwrap();
    sim.run_to_end();
    let recent = clients::recent_requests(&sim);
    let fates = clients::fates(&sim, &recent);
    let lost = recent.iter().position(|h| h.completed_us.is_none()).unwrap();
    let fate = fates[lost].as_deref().unwrap();
    assert!(fate.starts_with("no answer: the leader S1 (term 1) was deposed; the entry was overwritten (S"), "{fate}");
    assert_eq!(clients::result_text(&recent[lost], Some(fate)), fate);
    assert!(fates.iter().enumerate().all(|(i, f)| i == lost || f.is_none()), "answered requests have no fate");
}

#[test]
fn a_request_to_a_crashed_leader_says_it_is_retried_then_is_answered() {
    let mut sim = cluster_at(false, 2_000);
    let leader = sim.leader().expect("a leader");
    let put = Action::Client {
        node: leader,
        op: ClientOpKind::Put,
        key: "x".into(),
        value: Some("1".into()),
        retry_ms: Some(500.0),
    };
    sim.act(put).expect("a put is allowed");
    sim.act(Action::Crash { node: leader, mode: CrashMode::Stop }).expect("a crash is allowed");
    sim.run_until(sim.now() + 501_000);
    let op = clients::recent_requests(&sim)[0].clone();
    let text = clients::result_text(&op, None);
    assert!(text.starts_with("timed out, retrying at S") && text.ends_with("(retry 1 of 5)"), "{text}");
    assert!(history::describe(&op).contains("… timed out, retrying at S"), "{}", history::describe(&op));
    sim.run_until(sim.now() + 3_000_000);
    let op = clients::recent_requests(&sim)[0].clone();
    assert_eq!(clients::result_text(&op, None), "ok", "answered by the new leader");
}

#[test]
fn held_messages_are_listed_in_words_parked_on_the_stage_and_deliverable_in_the_inspector() {
    let mut sim = Simulation::new(&raft_sim::Scenario::new("manual", 3, 5)).unwrap();
    assert_eq!(manual::ManualView::of(&sim), manual::ManualView::default());
    sim.act(Action::ManualDelivery { on: true }).unwrap();
    sim.act(Action::Timeout { node: 1 }).unwrap();
    sim.run_until(50_000);
    let view = manual::ManualView::of(&sim);
    assert!(view.on && view.note.is_none());
    let texts: Vec<&str> = view.rows.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["RequestVote S1 → S2, term 1", "RequestVote S1 → S3, term 1"]);
    let stage = stage::StageData::of(&sim);
    let parked: Vec<_> = stage.messages.iter().filter(|m| m.held).collect();
    assert_eq!(parked.len(), 2);
    assert!(parked.iter().all(|m| m.progress == stage::HELD_AT && m.dies_at.is_none()));
    let m = sim.held().next().cloned().unwrap();
    // A copy queues behind it on the same link, both standing still.
    sim.act(Action::DuplicateMessage { message: m.id }).unwrap();
    let to2: Vec<f64> = stage::StageData::of(&sim).messages.iter().filter(|x| x.to == 2).map(|x| x.progress).collect();
    assert_eq!(to2, [stage::HELD_AT, stage::HELD_AT - stage::HELD_STEP]);
    // Held each way on one link, they stand apart: each in the half nearer its receiver.
    assert!(to2.iter().all(|&p| p > 0.5));
    let copy = sim.held().last().unwrap().id;
    sim.act(Action::DropMessage { message: copy }).unwrap();
    sim.run_until(sim.now());
    let detail = message::MessageDetail::of(&m, sim.now());
    assert!(detail.held && detail.fate.starts_with("waiting for you"), "{}", detail.fate);
    // Delivered, it is no longer held: S2 answers, and its answer waits in turn.
    sim.act(Action::DeliverMessage { message: m.id }).unwrap();
    sim.run_until(sim.now());
    let texts: Vec<String> = manual::ManualView::of(&sim).rows.into_iter().map(|r| r.text).collect();
    assert_eq!(texts, ["RequestVote S1 → S3, term 1", "RequestVoteReply S2 → S1, term 1"]);
}

#[test]
fn a_full_hold_says_how_many_went_on_and_why() {
    let mut sim = Simulation::new(&raft_sim::Scenario::new("manual", 5, 5)).unwrap();
    sim.act(Action::ManualDelivery { on: true }).unwrap();
    sim.run_until(30_000_000);
    let view = manual::ManualView::of(&sim);
    assert_eq!(view.rows.len(), raft_sim::engine::kernel::MAX_HELD);
    let note = view.note.expect("the hold is full");
    assert!(note.starts_with("At most 256 messages can wait: ") && note.contains(&sim.unheld().to_string()), "{note}");
}

#[test]
fn a_request_the_client_gave_up_on_says_so() {
    let mut op = raft_sim::workload::HistoryOp::invoked(0, 1, raft_core::Op::Get { key: "x".into() }, 0);
    op.retries = raft_sim::scenario::MAX_CLIENT_RETRIES;
    op.retried_to = Some(3);
    assert_eq!(clients::result_text(&op, None), "timed out, retrying at S3 (retry 5 of 5)");
    op.gave_up = true;
    assert_eq!(clients::result_text(&op, None), "no answer after 5 retries (the last to S3): the client gave up");
}
