//! Share links and run files: a link reproduces the run exactly, stays short, and anything
//! broken or hostile gets an error message (never a panic, never an unbounded replay).
use base64::Engine;
use raft_sim::builtin;
use raft_sim::scenario::{Action, CrashMode, MAX_DURATION_MS};
use raft_sim::session::{Mark, Session};
use raft_sim::share::{RunDocument, View, MAX_REPLAY_EVENTS};

fn played_session(name: &str) -> Session {
    let mut scenario = builtin::by_name(name).unwrap();
    scenario.duration_ms = MAX_DURATION_MS;
    let mut session = Session::new(&scenario).unwrap();
    let mut t = 0;
    // A student's few minutes: frames, a crash, a restart, a partition, some client requests.
    for step in 0..40u64 {
        t += 50_000;
        session.advance(t, u64::MAX, false);
        let action = match step % 8 {
            1 => Action::CrashLeader { mode: CrashMode::Recover },
            3 => Action::Restart { node: 1 },
            4 => Action::Isolate { node: 2 },
            5 => Action::Heal,
            6 => Action::Client {
                node: 1,
                op: raft_sim::scenario::ClientOpKind::Put,
                key: "x".into(),
                value: Some(step.to_string()),
                retry_ms: Some(200.0),
            },
            _ => continue,
        };
        session.act(action).unwrap();
    }
    session.step();
    session.step();
    session
}

#[test]
fn a_link_reproduces_the_same_run_and_stays_short() {
    for name in ["first-election", "crash-example", "steady-load"] {
        let session = played_session(name);
        let view = View { selected: Some(2), speed_exp: Some(-1.0), playing: false };
        let doc = RunDocument::of(&session, view.clone());
        let fragment = doc.to_link_fragment();
        assert!(fragment.len() < 2000, "{name}: link fragment is {} characters", fragment.len());
        println!("{name}: {} actions, link fragment {} characters", doc.actions.len(), fragment.len());
        let link = format!("https://example.org/course/raft/?x=1#{fragment}");
        let decoded = RunDocument::from_link(&link).unwrap();
        assert_eq!(decoded, doc);
        // The page's way: the JSON deflated by another compressor (the browser's), the data
        // taken from the link and inflated outside raft-sim.
        let other = raft_sim::share::fragment_of_packed(&miniz_oxide::deflate::compress_to_vec(&doc.link_json(), 1));
        let packed = raft_sim::share::packed_of_link(&format!("#{other}")).unwrap();
        let json = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap();
        assert_eq!(RunDocument::from_unpacked(&json).unwrap(), doc);
        assert_eq!(RunDocument::from_link(&other).unwrap(), doc);
        let replayed = decoded.replay().unwrap();
        assert_eq!(replayed.sim().trace_hash(), session.sim().trace_hash(), "{name}");
        assert_eq!(replayed.position(), session.position());
        assert_eq!(decoded.view, view);
        // The same document as a file.
        let file = RunDocument::from_json(&doc.to_json()).unwrap();
        assert_eq!(file.replay().unwrap().sim().trace_hash(), session.sim().trace_hash());
    }
}

#[test]
fn a_plain_scenario_file_imports_as_a_run_without_actions() {
    let scenario = builtin::by_name("figure-8").unwrap();
    let doc = RunDocument::from_json(&scenario.to_json()).unwrap();
    assert_eq!(doc.scenario, scenario);
    assert!(doc.actions.is_empty() && doc.at.is_none());
}

fn pack(json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
    format!("#run1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
}

#[test]
fn broken_and_hostile_links_get_messages() {
    let good = RunDocument::of(&played_session("first-election"), View::default()).to_link_fragment();
    let mut doc = RunDocument::of(&played_session("first-election"), View::default());
    doc.at = Some(Mark { events: MAX_REPLAY_EVENTS + 1, time_us: 0, drained: false });
    let too_long = doc.to_link_fragment();
    let mut bomb = String::from("{\"format\":\"raft-playground-run\",\"pad\":\"");
    bomb.push_str(&"a".repeat(3 << 20));
    bomb.push_str("\"}");
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "not a Raft Playground run link"),
        ("#".into(), "not a Raft Playground run link"),
        ("#hello".into(), "not a Raft Playground run link"),
        (good[..good.len() / 2].to_string(), "damaged"),
        (format!("{}!!", &good), "damaged"),
        ("#run1.AAAA".into(), "damaged"),
        (format!("#run1.{}", "A".repeat(70_000)), "limit"),
        (pack(&bomb), "damaged or truncated"),
        (pack("[1,2,3]"), "does not hold a run"),
        (pack("{\"format\":\"raft-playground-run\",\"version\":99,\"scenario\":{\"name\":\"x\",\"nodes\":3}}"), "version"),
        (pack("{\"format\":\"raft-playground-run\",\"version\":1,\"scenario\":{\"name\":\"x\",\"nodes\":300}}"), "scenario.nodes"),
        (
            pack("{\"format\":\"raft-playground-run\",\"version\":1,\"scenario\":{\"name\":\"x\",\"nodes\":3},\"evil\":1}"),
            "unknown field",
        ),
        (
            pack(
                "{\"format\":\"raft-playground-run\",\"version\":1,\"scenario\":{\"name\":\"x\",\"nodes\":3},\
                 \"actions\":[{\"at\":{\"e\":5,\"t\":1},\"action\":\"crash\",\"node\":7}]}",
            ),
            "node 7 does not exist",
        ),
        (too_long, "can be replayed"),
    ];
    for (link, expected) in cases {
        let result = RunDocument::from_link(&link).and_then(|d| d.replay().map(|_| ()));
        let error = result.expect_err(&format!("{link:.60} should be refused")).to_string();
        assert!(error.contains(expected), "{link:.60}: {error}");
    }
}

#[test]
fn a_link_that_asks_for_a_huge_run_is_refused_not_replayed() {
    // 24 hours of virtual time of a loaded cluster would take minutes: the replay budget
    // (MAX_REPLAY_EVENTS for links; a small one here, to keep the test quick) stops it.
    let mut scenario = builtin::by_name("steady-load").unwrap();
    scenario.duration_ms = MAX_DURATION_MS;
    let at = Some(Mark { events: 10, time_us: (MAX_DURATION_MS * 1000.0) as u64, drained: true });
    let error = Session::replay(&scenario, Vec::new(), at, 20_000).err().unwrap();
    assert!(error.to_string().contains("longer than 20000 events"), "{error}");
}

#[cfg(not(target_arch = "wasm32"))]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn arbitrary_links_never_panic(text in ".{0,300}") {
            let _ = RunDocument::from_link(&text);
            let _ = RunDocument::from_link(&format!("#run1.{text}"));
        }

        #[test]
        fn arbitrary_bytes_in_a_link_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let link = format!("#run1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes));
            let _ = RunDocument::from_link(&link);
        }

        #[test]
        fn damaging_a_real_link_never_panics(cut in 0usize..2000, flip in 0usize..2000) {
            static GOOD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let good = GOOD.get_or_init(|| RunDocument::of(&played_session("first-election"), View::default()).to_link_fragment());
            let cut = cut % good.len();
            let mut bytes = good.as_bytes()[..cut].to_vec();
            if !bytes.is_empty() {
                let i = flip % bytes.len();
                bytes[i] = b"AZaz09-_"[flip % 8];
            }
            if let Ok(text) = String::from_utf8(bytes) {
                if let Ok(doc) = RunDocument::from_link(&text) {
                    let _ = doc.replay();
                }
            }
        }
    }
}
