//! Tours whose steps run another protocol's built-in (`"protocol"` on the step; README "Other
//! protocols"): what such a step claims its run shows (`shows`, scenario/shows.rs) is checked
//! against the run's picture and space-time record at the claim's moment, as a Raft step's
//! claims are checked against the simulation. [`verify`] checks a whole tour, both kinds of
//! step: `raftsim tour`, the tests and the page use it.
use crate::playback::protocol_run::{self, ProtocolRun};
use crate::playback::spacetime::{CausalOrder, Event};
use crate::protocols::view::{Picture, Status};
use crate::scenario::format::ms_to_us;
use crate::scenario::shows::{Shows, ShowsKind};
use crate::scenario::tour::{self, Tour, TourFailure};

/// Every claim of every step that does not hold (empty: the tour says only true things).
pub fn verify(tour: &Tour) -> Vec<TourFailure> {
    let raft_steps: Vec<usize> = (0..tour.steps.len()).filter(|&i| tour.course_step(i).is_none()).collect();
    let mut failures: Vec<TourFailure> = if raft_steps.is_empty() {
        Vec::new()
    } else {
        // The Raft steps, as tour::verify checks them (it refuses the others by name).
        tour::verify(tour).into_iter().filter(|f| raft_steps.contains(&(f.step - 1))).collect()
    };
    for i in 0..tour.steps.len() {
        let Some((_, builtin)) = tour.course_step(i) else { continue };
        for what in verify_step(tour, i, builtin) {
            failures.push(TourFailure { step: i + 1, what });
        }
    }
    failures.sort_by_key(|f| f.step);
    failures
}

fn verify_step(tour: &Tour, i: usize, builtin: &str) -> Vec<String> {
    let step = &tour.steps[i];
    let Some(mut run) = protocol_run::open_builtin(builtin) else {
        return vec![format!("no built-in scenario '{builtin}' of another protocol")];
    };
    let default_at = step.pause_ms.unwrap_or(step.start_ms);
    let mut claims: Vec<&Shows> = step.shows.iter().collect();
    crate::engine::order::sort_by_key_stable(&mut claims, |c| {
        crate::engine::order::f64_key(c.at_ms.unwrap_or(default_at))
    });
    let mut problems = Vec::new();
    if ms_to_us(default_at) > run.end_us() {
        problems.push(format!("the step pauses at {default_at} ms, after the run's end ({} ms)", run.end_us() / 1000));
    }
    for claim in claims {
        let at = claim.at_ms.unwrap_or(default_at);
        run.seek_time(ms_to_us(at));
        if let Err(seen) = evaluate(claim, run.as_ref()) {
            problems.push(format!("at {at} ms, {:?}: {seen}", claim.shows));
        }
    }
    problems
}

/// Whether `claim` holds of `run` where it stands; Err says what is there instead.
pub fn evaluate(claim: &Shows, run: &dyn ProtocolRun) -> Result<(), String> {
    let picture = run.picture();
    let node = |name: &Option<String>| {
        let name = name.as_deref().unwrap_or_default();
        picture.nodes.iter().position(|n| n.name == name).ok_or_else(|| format!("no node named '{name}'"))
    };
    let expect = |ok: bool, seen: String| if ok { Ok(()) } else { Err(seen) };
    match claim.shows {
        ShowsKind::Badge => {
            let n = &picture.nodes[node(&claim.node)?];
            expect(n.badge == claim.badge.as_deref(), format!("{} wears {:?}", n.name, n.badge))
        }
        ShowsKind::Status => {
            let n = &picture.nodes[node(&claim.node)?];
            let status = match n.status {
                Status::Up => "up",
                Status::Paused => "paused",
                Status::Crashed => "crashed",
            };
            expect(Some(status) == claim.status.as_deref(), format!("{} is {status}", n.name))
        }
        ShowsKind::Fact => {
            let (facts, whose) = match &claim.node {
                Some(_) => {
                    let n = &picture.nodes[node(&claim.node)?];
                    (&n.facts, n.name.clone())
                }
                None => (&picture.facts, "the run".to_string()),
            };
            let label = claim.fact.as_deref().unwrap_or_default();
            match facts.iter().find(|f| f.label == label) {
                Some(f) => expect(
                    Some(f.value.as_str()) == claim.value.as_deref(),
                    format!("{whose}'s {label} is {}", f.value),
                ),
                None => Err(format!("{whose} has no fact '{label}'")),
            }
        }
        ShowsKind::Check => {
            let property = claim.property.as_deref().unwrap_or_default();
            let Some(c) = picture.checks.iter().find(|c| c.property == property) else {
                let names: Vec<&str> = picture.checks.iter().map(|c| c.property).collect();
                return Err(format!("no check '{property}' (this protocol checks {})", names.join(", ")));
            };
            let broken = c.broken.is_some();
            expect(Some(broken) == claim.broken, format!("{property} is {}", if broken { "broken" } else { "holding" }))
        }
        ShowsKind::InFlight => {
            let name_of = |e| picture.nodes.iter().find(|n| n.at == e).map(|n| n.name.as_str());
            let count = picture
                .messages
                .iter()
                .filter(|m| Some(m.kind) == claim.kind.as_deref())
                .filter(|m| claim.from.is_none() || name_of(m.from) == claim.from.as_deref())
                .filter(|m| claim.to.is_none() || name_of(m.to) == claim.to.as_deref())
                .count();
            expect(Some(count as u32) == claim.count, format!("{count} such messages in flight"))
        }
        ShowsKind::Clock => {
            let e = nth_event(run, &picture, &claim.node, claim.event)?;
            let lamport_ok = claim.lamport.is_none_or(|l| l == e.lamport);
            let vector_ok = claim.vector.as_ref().is_none_or(|v| v.as_slice() == e.vector.entries());
            expect(
                lamport_ok && vector_ok,
                format!("its Lamport timestamp is {} and its vector {}", e.lamport, e.vector),
            )
        }
        ShowsKind::Order => {
            let a = nth_event(run, &picture, &claim.node, claim.event)?;
            let b = nth_event(run, &picture, &claim.other, claim.other_event)?;
            let order = match a.order(&b) {
                CausalOrder::Before => "before",
                CausalOrder::After => "after",
                CausalOrder::Concurrent => "concurrent",
                CausalOrder::Same => "the same event",
            };
            expect(
                Some(order) == claim.order.as_deref(),
                format!("the first is {order} the second ({} vs {})", a.vector, b.vector),
            )
        }
    }
}

/// The `n`-th event (from 1) on the lane of the node named `name`, as recorded so far.
fn nth_event(run: &dyn ProtocolRun, picture: &Picture, name: &Option<String>, n: Option<u32>) -> Result<Event, String> {
    let name = name.as_deref().unwrap_or_default();
    let lane =
        picture.nodes.iter().position(|x| x.name == name).ok_or_else(|| format!("no node named '{name}'"))? as u32 + 1;
    let n = n.unwrap_or(0) as usize;
    let events: Vec<&Event> = run.spacetime().events().iter().filter(|e| e.node == lane).collect();
    events
        .get(n.wrapping_sub(1))
        .map(|e| **e)
        .ok_or_else(|| format!("{name} has {} events so far, not {n}", events.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shows(json: &str) -> Shows {
        serde_json::from_str(json).expect("a claim")
    }

    fn at(name: &str, ms: u64) -> Box<dyn ProtocolRun> {
        let mut run = protocol_run::open_builtin(name).expect("a built-in");
        run.seek_time(ms * 1000);
        run
    }

    #[test]
    fn each_kind_holds_where_the_run_agrees_and_says_what_it_sees_where_not() {
        let run = at("flood-p1-p4", 100);
        let holds = [
            r#"{"shows": "status", "node": "P1", "status": "crashed"}"#,
            r#"{"shows": "badge", "node": "P3"}"#,
            r#"{"shows": "fact", "node": "P3", "fact": "suspects", "value": "P1"}"#,
            r#"{"shows": "fact", "fact": "rounds", "value": "2"}"#,
            r#"{"shows": "check", "property": "Agreement", "broken": false}"#,
            r#"{"shows": "in_flight", "kind": "Known", "from": "P2", "count": 3}"#,
            r#"{"shows": "clock", "node": "P1", "event": 1, "lamport": 1, "vector": [1, 0, 0, 0]}"#,
            r#"{"shows": "order", "node": "P1", "event": 1, "other": "P3", "other_event": 1, "order": "concurrent"}"#,
        ];
        for (i, json) in holds.iter().enumerate() {
            let claim = shows(json);
            assert_eq!(evaluate(&claim, run.as_ref()), Ok(()), "{i}: {json}");
        }
        let fails = [
            (r#"{"shows": "status", "node": "P2", "status": "crashed"}"#, "P2 is up"),
            (r#"{"shows": "badge", "node": "P3", "badge": "decided"}"#, "P3 wears None"),
            (r#"{"shows": "fact", "node": "P3", "fact": "known", "value": "{a, b, c, d}"}"#, "P3's known is {b, c, d}"),
            (r#"{"shows": "check", "property": "Agreement", "broken": true}"#, "Agreement is holding"),
            (r#"{"shows": "check", "property": "Safety", "broken": true}"#, "no check 'Safety'"),
            (r#"{"shows": "in_flight", "kind": "Known", "to": "P1", "count": 1}"#, "3 such messages"),
            (r#"{"shows": "badge", "node": "P9"}"#, "no node named 'P9'"),
            (r#"{"shows": "clock", "node": "P1", "event": 9}"#, "P1 has 2 events so far, not 9"),
        ];
        for (json, seen) in fails {
            let got = evaluate(&shows(json), run.as_ref()).expect_err(json);
            assert!(got.contains(seen), "{json}: {got}");
        }
    }

    #[test]
    fn p1s_send_happened_before_p2s_receipt_and_p3s_first_event_is_concurrent_with_it() {
        let run = at("flood-p1-p4", 100);
        // P2's first event is its own multicast at 0 ms; the receipt of P1's message comes later.
        let p2_events: Vec<_> = run.spacetime().events().iter().filter(|e| e.node == 2).cloned().collect();
        let receipt =
            p2_events.iter().position(|e| matches!(e.what, crate::spacetime::Happening::Receive { from: 1, .. }));
        let n = receipt.expect("P2 receives P1's message") as u32 + 1;
        let before = Shows {
            shows: ShowsKind::Order,
            at_ms: None,
            node: Some("P1".into()),
            event: Some(1),
            other: Some("P2".into()),
            other_event: Some(n),
            order: Some("before".into()),
            ..shows(r#"{"shows": "badge", "node": "P1"}"#)
        };
        assert_eq!(evaluate(&before, run.as_ref()), Ok(()));
        let concurrent =
            Shows { other: Some("P3".into()), other_event: Some(1), order: Some("concurrent".into()), ..before };
        assert_eq!(evaluate(&concurrent, run.as_ref()), Ok(()));
    }
}
