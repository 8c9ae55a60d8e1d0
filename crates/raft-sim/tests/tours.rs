//! Every shipped tour says only what its scenario does: each claim holds at its moment and
//! each "now you try" task can be done with its written solution.
use raft_sim::playback::course_tour;
use raft_sim::tour::{self, Tour};

#[test]
fn every_claim_of_every_tour_holds() {
    let tours = tour::list();
    assert!(tours.len() >= 5, "the shipped tours load");
    assert_eq!(tours.len(), tour::TOUR_FILE_NAMES.len(), "every shipped tour parses");
    for t in &tours {
        let failures = course_tour::verify(t);
        assert!(failures.is_empty(), "tour {}: {:?}", t.id, failures);
    }
}

#[test]
fn a_false_claim_about_another_protocols_run_is_caught_and_raft_only_fields_are_refused() {
    let t = tour::by_id("flood-consensus").expect("shipped");
    assert_eq!(t.course_step(0), Some(("flood-consensus", "flood-p1-p4")));
    assert_eq!(t.course_step(1), Some(("flood-consensus", "flood-p1-p4")), "a step runs the nearest named built-in");
    let text = serde_json::to_string(&t).unwrap();
    // P3 knows {b, c, d} after round 1: claiming it knows a must fail.
    let wrong = text.replacen(r#""value":"{b, c, d}""#, r#""value":"{a, b, c, d}""#, 1);
    let failures = course_tour::verify(&Tour::from_json(&wrong).expect("still a valid tour"));
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].what.contains("P3's known is {b, c, d}"), "{failures:?}");
    // Raft's verifier refuses such a step by name rather than passing it.
    assert!(tour::verify(&t).iter().all(|f| f.what.contains("'flood-consensus' step")));
    // Raft claims, actions or a task on such a step are refused, naming the field.
    let with_claims = text.replacen(r#""shows":["#, r#""claims":[{"check":"no_leader"}],"shows":["#, 1);
    let err = Tour::from_json(&with_claims).expect_err("claims are Raft's");
    assert_eq!(err.field, "steps[0].claims", "{err}");
    // A `shows` claim of an unknown kind, or missing its field, is refused by the shape.
    let bad = text.replacen(r#""shows":"status""#, r#""shows":"colour""#, 1);
    assert!(Tour::from_json(&bad).is_err());
    let missing = text.replacen(r#","status":"crashed""#, "", 1);
    assert!(Tour::from_json(&missing).expect_err("status is required").to_string().contains("status"));
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
