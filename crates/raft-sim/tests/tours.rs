//! Every shipped tour says only what its scenario does: each claim holds at its moment and
//! each "now you try" task can be done with its written solution.
use raft_sim::tour::{self, Tour};

#[test]
fn every_claim_of_every_tour_holds() {
    let tours = tour::list();
    assert!(tours.len() >= 5, "the shipped tours load");
    for t in &tours {
        let failures = tour::verify(t);
        assert!(failures.is_empty(), "tour {}: {:?}", t.id, failures);
    }
}

#[test]
fn a_false_claim_is_caught() {
    let mut t = tour::by_id("leader-election").expect("shipped");
    let text = serde_json::to_string(&t)
        .unwrap()
        .replace(r#""check":"leader","node":2,"term":1"#, r#""check":"leader","node":3,"term":1"#);
    t = Tour::from_json(&text).expect("still a valid tour");
    let failures = tour::verify(&t);
    assert!(!failures.is_empty(), "claiming the wrong leader must fail");
    assert!(failures.iter().all(|f| f.what.contains("S2 leads term 1")), "{failures:?}");
}

#[test]
fn an_impossible_task_is_caught() {
    let t = tour::by_id("leader-election").expect("shipped");
    let mut text = serde_json::to_string(&t).unwrap();
    text = text.replace(r#""solution":[{"action":"crash_leader","mode":"recover"}]"#, r#""solution":[]"#);
    let t = Tour::from_json(&text).expect("still a valid tour");
    assert!(tour::verify(&t).iter().any(|f| f.what.contains("does not reach its goal")));
}

#[test]
fn hostile_tour_files_are_refused_with_a_reason() {
    for (text, needle) in [
        ("", "not a valid tour"),
        ("{}", "not a valid tour"),
        (r#"{"id":"A B","title":"t","summary":"s","steps":[]}"#, "id"),
        (r#"{"id":"a","title":"t","summary":"s","steps":[]}"#, "1 to"),
        (r#"{"id":"a","title":"t","summary":"s","steps":[{"title":"x","text":[]}]}"#, "must name a scenario"),
        (r#"{"id":"a","title":"t","summary":"s","steps":[{"title":"x","text":[],"builtin":"nope"}]}"#, "no built-in"),
        (
            r#"{"id":"a","title":"t","summary":"s","steps":[{"title":"x","text":[],"builtin":"split-vote","start_ms":5,"pause_ms":1}]}"#,
            "pause_ms",
        ),
        (
            r#"{"id":"a","title":"t","summary":"s","steps":[{"title":"x","text":[],"builtin":"split-vote","claims":[{"check":"levitate"}]}]}"#,
            "not a valid tour",
        ),
    ] {
        let err = Tour::from_json(text).expect_err(text).to_string();
        assert!(err.contains(needle), "{text}: {err}");
    }
}
