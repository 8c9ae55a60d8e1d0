//! The hunt's coordinator driven as the page drives it: its effects are carried out by a fake
//! pool of workers that runs each job with the module's own code (hunt_wire.rs) and answers
//! with the JSON a worker posts, in an order the test picks.
use super::hunt::{HuntAction, HuntJob, Phase, BATCH, PIPELINE};
use super::tests::browser;
use super::{Action, Effect, Store};
use crate::hunt_wire::{self, BatchOptions, BatchReply, Found};
use raft_core::UnsafeRule;
use raft_sim::campaign::{self, CampaignConfig};

fn clock() -> f64 {
    thread_local!(static NOW: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    NOW.with(|n| {
        n.set(n.get() + 10.0);
        n.get()
    })
}

fn store(rules: &[UnsafeRule], workers: usize) -> Store {
    let mut s = Store::new("https://example.org/".into(), "", clock);
    browser(&mut s);
    let mut settings = s.scenario.raft.clone();
    settings.unsafe_rules = rules.to_vec();
    s.apply(Action::Configure(settings));
    s.hunt.workers = workers;
    s
}

/// The jobs the store asked for, as (hunt, worker, job), and whether it terminated the workers;
/// the other effects stay pending.
fn jobs(s: &mut Store) -> (Vec<(u64, usize, HuntJob)>, bool) {
    let mut jobs = Vec::new();
    let mut terminated = false;
    let mut others = Vec::new();
    for e in s.take_effects() {
        match e {
            Effect::HuntSend { serial, worker, job } => jobs.push((serial, worker, job)),
            Effect::HuntTerminate => terminated = true,
            Effect::HuntSpawn { .. } => {}
            other => others.push(other),
        }
    }
    // The rest stay for the test to see.
    s.effects.extend(others);
    (jobs, terminated)
}

/// Run a job as a worker would, its answer through JSON.
fn answer(serial: u64, worker: usize, job: &HuntJob) -> Action {
    match job {
        HuntJob::Batch(options) => {
            let (options, config) = BatchOptions::from_json(&serde_json::to_string(options).unwrap()).unwrap();
            let reply = BatchReply::of(
                options.first,
                options.count,
                &campaign::run_batch(&config, options.first, options.count),
            );
            let reply = serde_json::from_str(&serde_json::to_string(&reply).unwrap()).unwrap();
            Action::Hunt(HuntAction::Batch { serial, worker, reply: Ok(reply) })
        }
        HuntJob::Shrink { scenario, max_attempts } => {
            let scenario = hunt_wire::scenario_of(scenario).unwrap();
            Action::Hunt(HuntAction::Shrunk { serial, reply: hunt_wire::shrink(&scenario, *max_attempts) })
        }
    }
}

/// Drive the hunt to its end, answering the pending jobs last-sent first (so a later batch often
/// answers before an earlier one, as on a busy machine).
fn drive(s: &mut Store) -> usize {
    drive_with(s, Vec::new())
}

fn drive_with(s: &mut Store, mut pending: Vec<(u64, usize, HuntJob)>) -> usize {
    let mut answered = 0;
    loop {
        pending.extend(jobs(s).0);
        let Some((serial, worker, job)) = pending.pop() else { return answered };
        answered += 1;
        s.apply(answer(serial, worker, &job));
    }
}

fn cli(rules: &[UnsafeRule], seeds: u64) -> campaign::CampaignOutcome {
    campaign::run(&CampaignConfig {
        first_seed: 0,
        seeds,
        nodes: None,
        unsafe_rules: rules.to_vec(),
        threads: 2,
        membership: false,
        lease_window: false,
    })
}

#[test]
fn a_safe_hunt_runs_the_budget_and_counts_what_the_cli_counts() {
    let mut s = store(&[], 3);
    s.apply(Action::Hunt(HuntAction::SetSeeds("30".into())));
    s.apply(Action::Hunt(HuntAction::Start));
    let effects = s.take_effects();
    assert_eq!(effects.first(), Some(&Effect::HuntSpawn { serial: 1, workers: 3 }));
    let first: Vec<_> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::HuntSend { serial, worker, job } => Some((serial, worker, job)),
            _ => None,
        })
        .collect();
    s.apply(Action::Hunt(HuntAction::Start));
    assert!(s.take_effects().is_empty(), "a running hunt is not started twice");
    let batches = drive_with(&mut s, first);
    assert_eq!(batches as u64, 30u64.div_ceil(BATCH));
    let whole = cli(&[], 30);
    assert_eq!(s.hunt.phase, Phase::Nothing);
    assert_eq!((s.hunt.seeds_done, s.hunt.events), (whole.seeds_run, whole.events));
    assert_eq!(s.hunt.flags.command_line(s.hunt.budget), "raftsim check --seeds 30");
}

#[test]
fn the_lowest_failing_seed_is_reported_whatever_order_batches_answer_in() {
    let mut s = store(&[UnsafeRule::CommitOldTerms], 3);
    s.apply(Action::Hunt(HuntAction::Start));
    let (sent, _) = jobs(&mut s);
    assert_eq!(sent.len(), 3 * PIPELINE, "each worker gets its queue of batches");
    let firsts: Vec<(usize, u64)> = sent
        .iter()
        .map(|(_, w, j)| match j {
            HuntJob::Batch(o) => (*w, o.first),
            HuntJob::Shrink { .. } => panic!("no shrink yet"),
        })
        .collect();
    let expected: Vec<(usize, u64)> = (0..3 * PIPELINE as u64).map(|i| ((i % 3) as usize, i * BATCH)).collect();
    assert_eq!(firsts, expected, "seeds are handed out in order, round the workers");
    let found = |seed: u64| BatchReply {
        first: seed - seed % BATCH,
        count: BATCH,
        seeds_run: 1,
        events: 7,
        failure: Some(Found {
            seed,
            property: "Leader Completeness".into(),
            time_us: 1,
            event: 7,
            message: String::new(),
            scenario: serde_json::Value::Null,
        }),
        ..Default::default()
    };
    let batch = |worker, reply| Action::Hunt(HuntAction::Batch { serial: 1, worker, reply: Ok(reply) });
    // The third batch fails first: the two below it must finish before anything is reported.
    s.apply(batch(2, found(2 * BATCH + 1)));
    assert_eq!(s.hunt.phase, Phase::Settling);
    assert!(jobs(&mut s).0.is_empty(), "no more seeds are handed out");
    s.apply(batch(0, BatchReply { first: 0, count: BATCH, seeds_run: BATCH, events: 100, ..Default::default() }));
    assert_eq!(s.hunt.phase, Phase::Settling, "the second batch is still below the failure");
    assert!(jobs(&mut s).0.is_empty(), "a worker that finished gets nothing more");
    s.apply(batch(1, found(BATCH + 2)));
    let Phase::Shrinking(f) = &s.hunt.phase else { panic!("{:?}", s.hunt.phase) };
    assert_eq!(f.seed, BATCH + 2, "the lowest failing seed");
    let (sent, terminated) = jobs(&mut s);
    assert!(terminated);
    assert!(matches!(sent.as_slice(), [(1, 0, HuntJob::Shrink { .. })]));
    // A late answer of a stopped worker changes nothing.
    s.apply(batch(2, found(1)));
    assert!(matches!(&s.hunt.phase, Phase::Shrinking(f) if f.seed == BATCH + 2));
}

#[test]
fn a_found_bug_is_shrunk_and_opened_paused_at_its_violation() {
    let rules = [UnsafeRule::ForgetVote];
    let mut s = store(&rules, 2);
    s.apply(Action::Hunt(HuntAction::Start));
    drive(&mut s);
    let whole = cli(&rules, 200);
    let lowest = whole.failure.as_ref().unwrap();
    let Phase::Found { found, shrunk } = &s.hunt.phase else { panic!("{:?}", s.hunt.phase) };
    assert_eq!((found.seed, found.property.as_str()), (lowest.scenario.seed, lowest.violation.property.name()));
    assert_eq!(shrunk.property, found.property);
    assert!(shrunk.after.within(&shrunk.before) && shrunk.after != shrunk.before);
    // The player has the shrunk run, paused at the event that broke the property.
    let sim = s.session.as_ref().unwrap().sim();
    assert!(!s.playing);
    assert_eq!(s.scenario, hunt_wire::scenario_of(&shrunk.scenario).unwrap());
    let v = sim.violations().first().expect("paused at the violation");
    assert_eq!((v.property.name(), v.time_us, sim.now()), (shrunk.property.as_str(), shrunk.time_us, shrunk.time_us));
    assert!(s.hunt.find_ms.is_some() && s.hunt.shrink_ms.is_some());
    assert!(s.take_effects().contains(&Effect::Reveal("[data-testid=\"stage\"]")), "the player is scrolled to");
    // Its share link is offered while it is the run open, not once another run is.
    let view = |s: &Store| crate::model::hunt::HuntView::of(&s.hunt, &rules, s.run_serial).outcome.unwrap();
    assert!(view(&s).shareable);
    s.apply(Action::Cluster { nodes: 3, load: false });
    assert!(!view(&s).shareable);
}

#[test]
fn stop_ends_the_workers_and_bad_fields_are_named() {
    let mut s = store(&[], 2);
    s.apply(Action::Hunt(HuntAction::SetSeeds("many".into())));
    s.apply(Action::Hunt(HuntAction::Start));
    assert_eq!(s.hunt.phase, Phase::Idle);
    assert!(s.hunt.field_error.as_deref().is_some_and(|e| e.contains("many")));
    s.apply(Action::Hunt(HuntAction::SetSeeds("100".into())));
    s.apply(Action::Hunt(HuntAction::Start));
    let (sent, _) = jobs(&mut s);
    s.apply(answer(sent[0].0, sent[0].1, &sent[0].2));
    s.apply(Action::Hunt(HuntAction::Stop));
    assert_eq!(s.hunt.phase, Phase::Stopped);
    assert!(jobs(&mut s).1, "the workers are terminated");
    let done = s.hunt.seeds_done;
    s.apply(answer(sent[1].0, sent[1].1, &sent[1].2));
    assert_eq!(s.hunt.seeds_done, done, "an answer after Stop is ignored");
    s.apply(Action::Hunt(HuntAction::WorkerFailed { serial: s.hunt.serial, message: "gone".into() }));
    assert_eq!(s.hunt.phase, Phase::Stopped, "a stopped hunt has no workers left to fail");
    // A worker that fails during a hunt ends it, saying why.
    s.apply(Action::Hunt(HuntAction::Start));
    s.apply(Action::Hunt(HuntAction::WorkerFailed { serial: s.hunt.serial, message: "no wasm".into() }));
    assert_eq!(s.hunt.phase, Phase::Failed("no wasm".into()));
}

#[test]
fn the_worker_count_is_the_browsers_or_the_forced_one() {
    use super::hunt::Hunt;
    assert_eq!(Hunt::worker_count(8.0, None), 8);
    assert_eq!(Hunt::worker_count(0.0, None), 1);
    assert_eq!(Hunt::worker_count(f64::NAN, None), 1);
    assert_eq!(Hunt::worker_count(8.0, Some("2")), 2);
    assert_eq!(Hunt::worker_count(8.0, Some("0")), 8);
    assert_eq!(Hunt::worker_count(8.0, Some("x")), 8);
    assert_eq!(Hunt::worker_count(1000.0, None), super::hunt::MAX_WORKERS);
}

#[test]
fn a_non_linearizable_history_opens_at_the_runs_end_with_the_history_checked() {
    // no-dedup's first failing seed breaks Linearizability (a retried command applied twice).
    let rules = [UnsafeRule::NoDedup];
    let mut s = store(&rules, 2);
    s.apply(Action::Hunt(HuntAction::Start));
    drive(&mut s);
    let Phase::Found { found, shrunk } = &s.hunt.phase else { panic!("{:?}", s.hunt.phase) };
    assert_eq!(found.seed, cli(&rules, 50).failure.unwrap().scenario.seed);
    assert_eq!(shrunk.property, "Linearizability");
    assert!(!s.playing);
    let end = raft_sim::scenario::ms_to_us(s.scenario.duration_ms);
    assert_eq!(s.session.as_ref().unwrap().sim().now(), end, "at the run's end, where the history is whole");
    let verdict = s.verdict.as_ref().expect("the history was checked");
    assert!(!verdict.flagged.is_empty(), "the operations that cannot be ordered are marked");
}
