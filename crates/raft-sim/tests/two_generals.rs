//! The Two Generals' Problem (the notes' A1 and A2 and their messengers), natively on the
//! engine's kernel: what each built-in does, the Agreement check catching the captured last
//! messenger, the notes' argument checked for every k from 1 to 6, the fair-loss link drawn
//! from the seed, determinism, and the scenario format's messages.
use raft_sim::protocols::generals::checks::GeneralsProperty;
use raft_sim::protocols::generals::scenario::GeneralsScenario;
use raft_sim::protocols::generals::{self, builtin, GeneralsReport};
use raft_sim::scenario::protocol;
use raft_sim::Scenario;

fn builtin(name: &str) -> GeneralsScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a Two Generals' built-in"))
}

/// Each general as "A1: sent [1, 3] received [2] attacks".
fn transcript(r: &GeneralsReport) -> Vec<String> {
    r.generals
        .iter()
        .map(|g| {
            let act = if g.attacks { "attacks" } else { "does not attack" };
            format!("{}: sent {:?} received {:?} {act}", g.general, g.sent, g.received)
        })
        .collect()
}

fn broken(r: &GeneralsReport) -> Vec<GeneralsProperty> {
    r.violations.iter().map(|v| v.property).collect()
}

/// `k` messengers with no random loss, the ones in `lose` captured for certain.
fn exchange(k: u32, lose: &[u32]) -> GeneralsScenario {
    let text = format!(r#"{{"protocol": "two-generals", "name": "k{k}", "messages": {k}, "lose": {lose:?}}}"#);
    GeneralsScenario::from_json(&text).expect("a valid exchange")
}

#[test]
fn every_messenger_arrives_and_both_attack_though_a1_cannot_tell_its_last_arrived() {
    let r = generals::run(&builtin("two-generals-all-arrive"));
    assert_eq!(transcript(&r), ["A1: sent [1, 3] received [2] attacks", "A2: sent [2] received [1, 3] attacks"]);
    assert!(r.messengers.iter().all(|m| m.fate == "arrived"), "{:?}", r.messengers);
    assert_eq!(r.generals[0].unconfirmed, Some(3), "the sender of the last messenger never hears of it");
    assert_eq!(r.generals[1].unconfirmed, None);
    assert!(broken(&r).is_empty(), "{:?}", r.violations);
}

#[test]
fn the_last_messenger_captured_leaves_a1_attacking_alone_and_agreement_is_caught() {
    let r = generals::run(&builtin("two-generals-last-lost"));
    assert_eq!(transcript(&r), ["A1: sent [1, 3] received [2] attacks", "A2: sent [2] received [1] does not attack"]);
    let fates: Vec<&str> = r.messengers.iter().map(|m| m.fate).collect();
    assert_eq!(fates, ["arrived", "arrived", "captured"]);
    assert_eq!(broken(&r), [GeneralsProperty::Agreement]);
    assert!(r.violations[0].detail.english().starts_with("A1 attacks and A2 does not"), "{}", r.violations[0].detail);
    // A1's view is the same in both runs: it cannot tell them apart.
    let all = generals::run(&builtin("two-generals-all-arrive"));
    assert_eq!(
        (&all.generals[0].sent, &all.generals[0].received, all.generals[0].attacks),
        (&r.generals[0].sent, &r.generals[0].received, r.generals[0].attacks)
    );
}

/// The tour's fourth messenger: adding an acknowledgment only moves the problem to A2, who
/// now sends the last messenger and attacks alone when it is captured.
#[test]
fn a_fourth_messenger_captured_leaves_a2_attacking_alone() {
    let r = generals::run(&builtin("two-generals-four-last-lost"));
    assert_eq!(
        transcript(&r),
        ["A1: sent [1, 3] received [2] does not attack", "A2: sent [2, 4] received [1, 3] attacks"]
    );
    let fates: Vec<&str> = r.messengers.iter().map(|m| m.fate).collect();
    assert_eq!(fates, ["arrived", "arrived", "arrived", "captured"]);
    assert_eq!(r.generals[1].unconfirmed, Some(4), "A2 sent the last messenger and never hears of it");
    assert_eq!(broken(&r), [GeneralsProperty::Agreement]);
    assert!(r.violations[0].detail.english().starts_with("A2 attacks and A1 does not"), "{}", r.violations[0].detail);
}

/// The notes' argument, exhaustively for k = 1 to 6: with no messenger captured both attack;
/// capturing messenger j stops the exchange there, and capturing the last one (j = k) always
/// leaves its sender attacking alone. Capturing an earlier one makes neither attack: the
/// receiver of messenger k never gets it, and its sender never got messenger k - 1.
#[test]
fn for_every_k_from_1_to_6_some_single_captured_messenger_breaks_agreement() {
    for k in 1..=6 {
        let r = generals::run(&exchange(k, &[]));
        assert!(r.generals.iter().all(|g| g.attacks) && broken(&r).is_empty(), "k = {k}: {:?}", transcript(&r));
        let mut breaking = Vec::new();
        for j in 1..=k {
            let r = generals::run(&exchange(k, &[j]));
            let sent: u32 = r.generals.iter().map(|g| g.sent.len() as u32).sum();
            assert_eq!(sent, j, "k = {k}, messenger {j} captured: the exchange stops there");
            let attacking: Vec<&str> = r.generals.iter().filter(|g| g.attacks).map(|g| g.general).collect();
            if !broken(&r).is_empty() {
                assert_eq!(attacking.len(), 1, "k = {k}, j = {j}");
                breaking.push(j);
            } else {
                assert!(attacking.is_empty(), "k = {k}, j = {j}: agreed only by neither attacking");
            }
        }
        assert!(breaking.contains(&k), "k = {k}: capturing the last messenger breaks Agreement ({breaking:?})");
        assert_eq!(breaking, [k], "k = {k}: only the last messenger's capture splits the generals");
    }
}

/// With an even k the last messenger is A2's: then A2 attacks alone (the argument does not
/// depend on who proposed), and the check sees the split from the decisions alone.
#[test]
fn with_two_messengers_a2_sends_the_last_and_attacks_alone_when_it_is_captured() {
    use raft_sim::protocols::generals::checks::check;
    assert!(check(Some(true), Some(true)).is_empty());
    assert_eq!(check(Some(false), Some(true)).len(), 1);
    let r = generals::run(&exchange(2, &[2]));
    assert_eq!(transcript(&r), ["A1: sent [1] received [] does not attack", "A2: sent [2] received [1] attacks"]);
    assert_eq!(r.generals[1].unconfirmed, Some(2), "A2 sent the last one and cannot tell");
    assert_eq!(broken(&r), [GeneralsProperty::Agreement]);
    assert!(r.violations[0].detail.english().starts_with("A2 attacks and A1 does not"), "{}", r.violations[0].detail);
}

#[test]
fn a_fair_loss_link_captures_messengers_by_the_seed_and_some_seed_splits_the_generals() {
    let base = r#"{"protocol": "two-generals", "name": "lossy", "messages": 4, "loss": 0.3, "seed": SEED}"#;
    let runs: Vec<GeneralsReport> = (1..=40)
        .map(|seed| generals::run(&GeneralsScenario::from_json(&base.replace("SEED", &seed.to_string())).unwrap()))
        .collect();
    let split = runs.iter().filter(|r| !broken(r).is_empty()).count();
    let both = runs.iter().filter(|r| r.generals.iter().all(|g| g.attacks)).count();
    let neither = runs.iter().filter(|r| r.generals.iter().all(|g| !g.attacks)).count();
    assert!(split > 0 && both > 0 && neither > 0, "split {split}, both {both}, neither {neither}");
    assert_eq!(split + both + neither, runs.len());
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = generals::run(&b.scenario);
        assert_eq!(first, generals::run(&b.scenario), "{}", b.scenario.name);
        let mut other = b.scenario.clone();
        other.seed += 1;
        assert_ne!(first.trace_hash, generals::run(&other).trace_hash, "{}: the hash sees the latencies", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<(String, String)> =
        builtin::catalog().iter().map(|b| (b.scenario.name.clone(), generals::run(&b.scenario).trace_hash)).collect();
    let names: Vec<&str> = hashes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["two-generals-all-arrive", "two-generals-last-lost", "two-generals-four-last-lost"]);
    let now: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(
        now,
        [PINNED_ALL_ARRIVE, PINNED_LAST_LOST, PINNED_FOUR_LAST_LOST],
        "a Two Generals' run changed (in the index's order)"
    );
}

const PINNED_ALL_ARRIVE: &str = "bac6e8adaa158592";
const PINNED_LAST_LOST: &str = "15c8ce889bcb8abc";
const PINNED_FOUR_LAST_LOST: &str = "e4acb0c44c3f1908";

#[test]
fn raft_readers_refuse_a_two_generals_scenario_by_protocol() {
    let text = include_str!("../scenarios/two-generals-last-lost.json");
    let e = Scenario::from_json(text).unwrap_err();
    assert_eq!(e.field, "protocol");
    assert!(e.problem.contains("'two-generals'"), "{}", e.problem);
    assert_eq!(protocol::protocol_of(text).unwrap(), protocol::TWO_GENERALS);
    assert_eq!(protocol::foreign_protocol(text), Some(protocol::TWO_GENERALS));
    let mut tour: serde_json::Value =
        serde_json::from_str(include_str!("../tours/03-split-vote.json")).expect("a shipped tour");
    tour["steps"][0]["builtin"] = "two-generals-last-lost".into();
    let problem = match raft_sim::tour::Tour::from_json(&tour.to_string()) {
        Err(e) => e.to_string(),
        Ok(t) => t.scenario_at(0).expect_err("not a Raft scenario").to_string(),
    };
    assert!(problem.contains("'two-generals' scenario"), "{problem}");
}

#[test]
fn bad_two_generals_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/two-generals-last-lost.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        GeneralsScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("messages", "0"), "messages");
    assert_eq!(with("messages", "21"), "messages");
    assert_eq!(with("lose", "[4]"), "lose[0]", "only 3 messengers");
    assert_eq!(with("lose", "[1, 1]"), "lose[1]");
    assert_eq!(with("lose", "3"), "lose");
    assert_eq!(with("loss", "1.5"), "loss");
    assert_eq!(with("decide_at_ms", "100"), "decide_at_ms", "3 messengers may take 120 ms");
    assert_eq!(with("latency_ms", "[40, 10]"), "latency_ms[1]");
    assert_eq!(with("attack_time", r#""""#), "attack_time");
    assert_eq!(with("protocol", r#""flood-consensus""#), "protocol");
    assert_eq!(with("colour", "1"), "colour");
    let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
    v.as_object_mut().unwrap().remove("messages");
    assert_eq!(GeneralsScenario::from_json(&v.to_string()).unwrap_err().field, "messages");
    assert_eq!(GeneralsScenario::from_json("[]").unwrap_err().field, "");
    assert_eq!(GeneralsScenario::from_json("{").unwrap_err().field, "");
}
