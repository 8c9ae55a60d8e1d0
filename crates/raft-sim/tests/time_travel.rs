//! Sessions: going back and forth re-creates exactly the same state, actions are replayed at
//! their exact points, and acting in the past starts a new branch.
use raft_sim::rng::SimRng;
use raft_sim::scenario::{Action, CrashMode, MAX_DURATION_MS};
use raft_sim::session::{Mark, Session, Target};
use raft_sim::{builtin, campaign, Scenario, Simulation};

/// What must be identical: everything that happened (the trace hash covers every event) and
/// where we are.
type Fingerprint = (u64, u64, u64, Vec<(u64, u64, u64)>, usize);

fn fingerprint(sim: &Simulation) -> Fingerprint {
    let nodes = sim
        .nodes()
        .iter()
        .map(|n| n.raft.as_ref().map_or((0, 0, 0), |r| (r.current_term(), r.log().last_index(), r.commit_index())))
        .collect();
    (sim.trace_hash(), sim.events(), sim.now(), nodes, sim.in_flight().count())
}

fn open_ended(mut scenario: Scenario) -> Scenario {
    scenario.duration_ms = MAX_DURATION_MS;
    scenario
}

/// A random operator action, as a student might click.
fn random_action(rng: &mut SimRng, sim: &Simulation) -> Action {
    let nodes = sim.scenario().nodes as u64;
    let node = rng.between(1, nodes) as u32;
    let message = sim.in_flight().map(|m| m.id).min().unwrap_or(0);
    match rng.below(11) {
        0 => Action::Crash { node, mode: CrashMode::Recover },
        1 => Action::Restart { node },
        2 => Action::Timeout { node },
        3 => Action::DropMessage { message },
        4 => Action::DuplicateMessage { message },
        5 => Action::AlignTimers,
        6 => Action::Isolate { node },
        7 => Action::Heal,
        // Manual delivery: switched on and off, and a held message delivered by hand.
        9 => Action::ManualDelivery { on: !sim.manual_delivery() },
        10 => match sim.held().last() {
            Some(m) => Action::DeliverMessage { message: m.id },
            None => Action::ManualDelivery { on: true },
        },
        _ => Action::Pause { node },
    }
}

#[test]
fn seeking_anywhere_recreates_the_state_a_fresh_replay_reaches() {
    for seed in 0..12 {
        let scenario = open_ended(campaign::generate(seed, None, &[]));
        let mut session = Session::new(&scenario).unwrap();
        let mut rng = SimRng::new(seed + 1000);
        // Play with the cluster: frames of varying length, steps and actions.
        let mut visited: Vec<(Mark, _)> = Vec::new();
        for _ in 0..60 {
            match rng.below(4) {
                0 => {
                    let action = random_action(&mut rng, session.sim());
                    session.act(action).unwrap();
                }
                1 => {
                    session.step();
                }
                _ => {
                    let t = session.sim().now() + rng.below(40_000);
                    session.advance(t, 50_000, false);
                }
            }
            visited.push((session.position(), fingerprint(session.sim())));
        }
        let end = session.position();
        // Jump around the visited points in random order: each looks exactly as it did.
        for _ in 0..30 {
            let (mark, expected) = &visited[rng.below(visited.len() as u64) as usize];
            session.seek(Target::Mark(*mark));
            assert_eq!(session.position(), *mark, "seed {seed}");
            assert_eq!(&fingerprint(session.sim()), expected, "seed {seed}: state at {mark:?} differs");
        }
        // And a fresh session that replays the recorded actions agrees.
        let replayed = Session::replay(&scenario, session.interventions().to_vec(), Some(end), u64::MAX).unwrap();
        assert_eq!(fingerprint(replayed.sim()), visited.last().unwrap().1, "seed {seed}: replay differs");
    }
}

#[test]
fn stepping_back_then_forward_returns_identical_state() {
    let scenario = open_ended(builtin::by_name("crash-example").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    session.advance(400_000, u64::MAX, false);
    session.act(Action::CrashLeader { mode: CrashMode::Recover }).unwrap();
    session.advance(900_000, u64::MAX, false);
    let here = fingerprint(session.sim());
    let events = session.sim().events();
    for _ in 0..25 {
        assert!(session.step_back());
    }
    assert_eq!(session.sim().events(), events - 25);
    for _ in 0..25 {
        assert!(session.step());
    }
    // Drained at 900 ms vs right after the last event: same events, same hash.
    assert_eq!(fingerprint(session.sim()).0, here.0);
    assert_eq!(session.sim().events(), events);
    // Back across the crash: the leader is alive again; forward again: crashed again.
    session.seek(Target::Time(300_000));
    assert!(session.sim().nodes().iter().all(|n| n.raft.is_some()));
    session.seek(Target::Time(900_000));
    assert_eq!(fingerprint(session.sim()), here);
}

#[test]
fn acting_in_the_past_starts_a_new_branch() {
    let scenario = open_ended(builtin::by_name("first-election").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    session.advance(500_000, u64::MAX, false);
    session.act(Action::Crash { node: 1, mode: CrashMode::Stop }).unwrap();
    session.advance(1_000_000, u64::MAX, false);
    assert_eq!(session.interventions().len(), 1);
    session.seek(Target::Time(200_000));
    assert_eq!(session.frontier().time_us, 1_000_000, "the scrubber still spans the whole run");
    session.act(Action::Crash { node: 2, mode: CrashMode::Stop }).unwrap();
    assert_eq!(session.interventions().len(), 1, "the later action belongs to the old branch");
    assert!(matches!(session.interventions()[0].action, Action::Crash { node: 2, .. }));
    assert_eq!(session.frontier(), session.position());
    session.advance(1_000_000, u64::MAX, false);
    assert!(session.sim().node(1).unwrap().raft.is_some(), "node 1 was never crashed on this branch");
    assert!(session.sim().node(2).unwrap().raft.is_none());
}

#[test]
fn playing_forward_from_the_past_reapplies_recorded_actions() {
    let scenario = open_ended(builtin::by_name("first-election").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    session.advance(500_000, u64::MAX, false);
    session.act(Action::Crash { node: 3, mode: CrashMode::Recover }).unwrap();
    session.advance(800_000, u64::MAX, false);
    let at_800 = fingerprint(session.sim());
    session.seek(Target::Time(100_000));
    // Advance in frame-sized pieces, as the page does.
    let mut t = 100_000;
    while t < 800_000 {
        t += 16_667.min(800_000 - t);
        session.advance(t, 50_000, false);
    }
    assert_eq!(fingerprint(session.sim()), at_800);
}

#[test]
fn milestones_mark_elections_leaders_crashes_and_actions() {
    use raft_sim::sim::MilestoneKind;
    let scenario = open_ended(builtin::by_name("first-election").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    session.advance(500_000, u64::MAX, false);
    session.act(Action::CrashLeader { mode: CrashMode::Recover }).unwrap();
    session.advance(1_500_000, u64::MAX, false);
    let kinds: Vec<_> = session.milestones().iter().map(|m| m.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, MilestoneKind::Election { term: 1, .. })));
    assert!(kinds.iter().filter(|k| matches!(k, MilestoneKind::Leader { .. })).count() >= 2);
    assert!(kinds.iter().any(|k| matches!(k, MilestoneKind::Crash { .. })));
    assert!(kinds.contains(&MilestoneKind::Action));
    // Going back keeps the whole run's markers for the scrubber.
    let all = session.milestones().len();
    session.seek(Target::Time(10_000));
    assert_eq!(session.milestones().len(), all);
    // Each milestone's event number is where the scrubber jumps to.
    let leader = session.milestones().iter().find(|m| matches!(m.kind, MilestoneKind::Leader { .. })).copied().unwrap();
    session.seek(Target::Event(leader.events));
    assert!(session.sim().leader().is_some());
    session.seek(Target::Event(leader.events - 1));
    assert!(session.sim().leader().is_none());
}

#[test]
fn seeking_in_a_ten_minute_run_is_bounded_by_the_checkpoints() {
    let scenario = open_ended(builtin::by_name("steady-load").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    let mut t = 0;
    while t < 600_000_000 {
        t += 16_667;
        session.advance(t, u64::MAX, false);
    }
    assert!(session.checkpoints() <= 96);
    let end = fingerprint(session.sim());
    let events = session.sim().events();
    // Any seek replays at most one checkpoint gap of events.
    for target in [0, events / 3, events / 2, events - 1] {
        session.seek(Target::Event(target));
        assert_eq!(session.sim().events(), target);
    }
    session.seek(Target::Time(t));
    assert_eq!(fingerprint(session.sim()), end);
}

#[test]
fn drop_and_duplicate_act_on_the_message_in_flight() {
    let scenario = open_ended(builtin::by_name("first-election").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    // Run until the first RequestVote is on the wire.
    while session.sim().in_flight().next().is_none() {
        session.step();
    }
    let first = session.sim().in_flight().next().unwrap().clone();
    let count = session.sim().in_flight().count();
    session.act(Action::DuplicateMessage { message: first.id }).unwrap();
    assert_eq!(session.sim().in_flight().count(), count + 1);
    let copy = session.sim().in_flight().filter(|m| m.payload == first.payload && m.to == first.to).count();
    assert_eq!(copy, 2, "a second copy of the same message is in flight");
    session.act(Action::DropMessage { message: first.id }).unwrap();
    let dropped = session.sim().in_flight().find(|m| m.id == first.id).unwrap();
    assert!(dropped.lost.is_some() && dropped.dropped_us.is_some());
    // A message that is gone: nothing happens, and nothing breaks.
    session.act(Action::DropMessage { message: 999_999 }).unwrap();
}

#[test]
fn aligned_timers_split_the_vote_and_spread_timers_do_not() {
    let mut split = 0;
    let mut spread_split = 0;
    for seed in 0..10 {
        let mut scenario = open_ended(builtin::by_name("first-election").unwrap());
        scenario.seed = seed;
        for (action, counter) in [(Action::AlignTimers, &mut split), (Action::SpreadTimers, &mut spread_split)] {
            let mut session = Session::new(&scenario).unwrap();
            session.act(action).unwrap();
            let min = (scenario.raft.election_timeout_ms[0] * 1000.0) as u64;
            // Long enough for the first round to finish, short of a second timeout.
            session.advance(min + min / 2, u64::MAX, false);
            if session.sim().leader().is_none() {
                *counter += 1;
            }
        }
    }
    assert!(split >= 8, "aligned timers should split the vote nearly always, got {split}/10");
    assert_eq!(spread_split, 0, "spread timers should let the first candidate win");
}

#[test]
fn page_like_play_marker_jump_and_scrub_to_the_end() {
    let scenario = open_ended(builtin::by_name("first-election").unwrap());
    let mut session = Session::new(&scenario).unwrap();
    let mut t = 0u64;
    let mut frames = 0u64;
    while session.sim().leader().is_none() {
        t += 16_667 + (frames % 3) * 100;
        frames += 1;
        session.advance(t, 50_000, true);
    }
    session.act(Action::CrashLeader { mode: CrashMode::Recover }).unwrap();
    for _ in 0..40 {
        t += 16_667;
        session.advance(t, 50_000, true);
    }
    let end = fingerprint(session.sim());
    let frontier = session.frontier();
    let first = session.milestones()[0];
    session.seek(Target::Event(first.events));
    session.seek(Target::Time(frontier.time_us));
    assert_eq!(fingerprint(session.sim()), end);
}
