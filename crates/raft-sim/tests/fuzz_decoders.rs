//! Fuzzing every decoder: scenario JSON, run documents (exported files and the page's import),
//! share links and tours. (cargo-fuzz would need a nightly toolchain and libFuzzer; this is
//! property-based mutation of valid documents instead, driven by the simulator's pinned PRNG, so
//! every case is reproducible from its number.)
//!
//! Each case takes a valid document, mutates it (fields deleted, duplicated, retyped or renamed,
//! numbers swapped for huge, negative or fractional ones, names for numbers, strings made long,
//! values nested deeply, lists grown, text truncated or flipped), decodes it and, if accepted,
//! builds the simulation and runs it a little. Checked for every case:
//! - no panic (the case is printed if one happens);
//! - no hang: a watchdog aborts the process, printing the case, if one takes over `CASE_SECS`;
//! - no unbounded allocation: a counting allocator holds the peak of each case under `PEAK_BYTES`;
//! - every refusal of a JSON object names the field at fault.
//!
//! `cargo test -p raft-sim --test fuzz_decoders` runs `DEFAULT_CASES` cases; a longer campaign:
//! `RAFT_FUZZ_CASES=200000 RAFT_FUZZ_SEED=7 cargo test --release -p raft-sim --test fuzz_decoders`.
use raft_sim::rng::SimRng;
use raft_sim::scenario::{Action, CrashMode, MAX_SCENARIO_BYTES};
use raft_sim::session::{Session, Target};
use raft_sim::share::{RunDocument, View};
use raft_sim::tour::Tour;
use raft_sim::{builtin, Scenario, ScenarioError, Simulation};
use serde_json::{json, Map, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DEFAULT_CASES: u64 = 2_000;
/// A case (decode, build, a short run) may take this long in a debug build.
const CASE_SECS: u64 = 20;
/// A case may allocate at most this much at its peak. The input is at most 1 MiB; parsed (a
/// tree, then typed values) it takes a few tens of MiB at worst (37.5 MiB seen in 20,000 cases).
const PEAK_BYTES: usize = 96 << 20;
/// Events run after a document is accepted.
const RUN_EVENTS: u64 = 2_000;
/// Events a run document may replay.
const REPLAY_EVENTS: u64 = 20_000;

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decoder {
    Scenario,
    /// A run document, as `raftsim replay` and the page's import read it.
    Run,
    Link,
    Tour,
}

const DECODERS: [Decoder; 4] = [Decoder::Scenario, Decoder::Run, Decoder::Link, Decoder::Tour];

struct Corpus {
    scenarios: Vec<Value>,
    runs: Vec<Value>,
    tours: Vec<Value>,
}

fn corpus() -> Corpus {
    let scenarios: Vec<Value> = builtin::list().iter().map(|s| serde_json::to_value(s).unwrap()).collect();
    let mut runs = Vec::new();
    for name in ["first-election", "steady-load", "membership-add"] {
        let Some(scenario) = builtin::by_name(name).or_else(|| builtin::list().into_iter().next()) else { continue };
        let mut session = Session::new(&scenario).expect("a built-in starts");
        let actions = [
            Action::CrashLeader { mode: CrashMode::Recover },
            Action::Partition { groups: vec![vec![1], vec![2, 3]] },
            Action::Heal,
            Action::Restart { node: 1 },
            Action::Client {
                node: 2,
                op: raft_sim::scenario::ClientOpKind::Put,
                key: "k".into(),
                value: Some("v".into()),
                retry_ms: Some(300.0),
            },
        ];
        for (i, action) in actions.into_iter().enumerate() {
            session.seek(Target::Time(400_000 * (i as u64 + 1)));
            let _ = session.act(action);
        }
        session.seek(Target::Time(2_500_000));
        let doc = RunDocument::of(&session, View { selected: Some(1), speed_exp: Some(-1.0), playing: true });
        runs.push(serde_json::to_value(&doc).unwrap());
    }
    let dir = format!("{}/tours", env!("CARGO_MANIFEST_DIR"));
    let mut tours = Vec::new();
    for name in raft_sim::tour::TOUR_FILE_NAMES {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("a shipped tour");
        tours.push(serde_json::from_str(&text).expect("a shipped tour is JSON"));
    }
    Corpus { scenarios, runs, tours }
}

/// Every name the formats use, to swap one for another.
const NAMES: &[&str] = &[
    "crash",
    "heal",
    "align_timers",
    "spread_timers",
    "set_faults",
    "client",
    "partition",
    "synchronous",
    "partially_synchronous",
    "asynchronous",
    "no_leader",
    "leader",
    "role",
    "new_leader",
    "holds",
    "stop",
    "recover",
    "amnesia",
    "put",
    "get",
    "joint",
    "single_server",
    "lease",
    "no-persist",
    "forget-vote",
    "inflate_term",
    "leader",
    "follower",
    "raft-playground-run",
    "first-election",
    "node",
    "at_ms",
    "action",
    "model",
    "check",
];

struct Mutator {
    rng: SimRng,
}

impl Mutator {
    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n.max(1) as u64) as usize
    }

    fn number(&mut self) -> Value {
        match self.below(14) {
            0 => json!(u64::MAX),
            1 => json!(-1),
            2 => json!(1e308),
            3 => json!(-1e308),
            4 => json!(0),
            5 => json!(0.5),
            6 => json!(i64::MIN),
            7 => json!(1e-300),
            8 => json!(9_007_199_254_740_993u64),
            9 => json!(u32::MAX as u64 + 1),
            10 => json!("NaN"),
            11 => json!("Infinity"),
            12 => json!(self.rng.below(20)),
            _ => json!(self.rng.below(100_000_000) as f64 / 7.0),
        }
    }

    fn any(&mut self) -> Value {
        match self.below(8) {
            0 => Value::Null,
            1 => json!(self.below(2) == 0),
            2 => self.number(),
            3 => json!(NAMES[self.below(NAMES.len())]),
            4 => json!([]),
            5 => json!({}),
            6 => json!("x".repeat(1 << self.below(17))),
            _ => json!([1, 2]),
        }
    }

    /// Pick a random node of the tree (by pre-order index) and change it.
    fn mutate(&mut self, doc: &mut Value) {
        let count = count_nodes(doc);
        let target = self.below(count);
        let mut index = 0;
        self.visit(doc, target, &mut index);
    }

    fn visit(&mut self, value: &mut Value, target: usize, index: &mut usize) -> bool {
        if *index == target {
            self.change(value);
            return true;
        }
        *index += 1;
        match value {
            Value::Array(items) => items.iter_mut().any(|v| self.visit(v, target, index)),
            Value::Object(map) => map.values_mut().any(|v| self.visit(v, target, index)),
            _ => false,
        }
    }

    fn change(&mut self, value: &mut Value) {
        match self.below(12) {
            // Delete a field, or add an unknown (or known but misplaced) one.
            0 | 1 => {
                if let Value::Object(map) = value {
                    if map.is_empty() || self.below(2) == 0 {
                        let name = NAMES[self.below(NAMES.len())].to_string();
                        let v = self.any();
                        map.insert(name, v);
                    } else {
                        let key = map.keys().nth(self.below(map.len())).cloned().unwrap_or_default();
                        map.remove(&key);
                    }
                } else {
                    *value = self.any();
                }
            }
            2 => *value = self.any(),
            3 => *value = self.number(),
            // An object as a list of its values (serde's lenient struct form), or wrapped.
            4 => {
                *value = match value.take() {
                    Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                    other if self.below(2) == 0 => json!([other]),
                    other => json!({ "v": other }),
                }
            }
            5 => *value = json!(NAMES[self.below(NAMES.len())]),
            6 => *value = json!(0),
            // Deep nesting.
            7 => {
                let mut v = value.take();
                for _ in 0..(40 + self.below(200)) {
                    v = json!([v]);
                }
                *value = v;
            }
            // Grow a list.
            8 => {
                if let Value::Array(items) = value {
                    if let Some(first) = items.first().cloned() {
                        let times = 1 << self.below(14);
                        items.extend(std::iter::repeat_n(first, times));
                    }
                } else {
                    *value = Value::Array(vec![json!("x".repeat(200)); 64]);
                }
            }
            9 => {
                if let Value::String(s) = value {
                    *s = s.repeat(1 + self.below(5000));
                } else {
                    *value = json!("é\u{0}\u{202e}".repeat(self.below(1000)));
                }
            }
            // Numbers nudged: off by one, negated, scaled.
            10 => {
                if let Some(x) = value.as_f64() {
                    *value = match self.below(4) {
                        0 => json!(x + 1.0),
                        1 => json!(-x),
                        2 => json!(x * 1e6),
                        _ => json!(x / 3.0),
                    };
                }
            }
            _ => {
                if let Value::Object(map) = value {
                    let mut copy = Map::new();
                    for (k, v) in map.iter().rev() {
                        copy.insert(k.clone(), v.clone());
                    }
                    *map = copy;
                }
            }
        }
    }

    /// Text-level damage: a duplicate key, truncation, a flipped or inserted character.
    fn damage_text(&mut self, text: &mut String) {
        match self.below(4) {
            0 => {
                // Duplicate the first key of a random object: `{"k": v, ...` -> `{"k": 0, "k": v, ...`.
                let starts: Vec<usize> = text.match_indices("{\"").map(|(i, _)| i).collect();
                if let Some(&at) = starts.get(self.below(starts.len())) {
                    if let Some(end) = text[at + 2..].find('"') {
                        let key = text[at + 2..at + 2 + end].to_string();
                        text.insert_str(at + 1, &format!("\"{key}\":0,"));
                    }
                }
            }
            1 => {
                let cut = self.below(text.len());
                let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.truncate(cut);
            }
            2 => {
                let at = self.below(text.len());
                if text.is_char_boundary(at) {
                    let c = [']', '}', '"', ',', ':', '\\', '0', '-', 'e'][self.below(9)];
                    text.insert(at, c);
                }
            }
            _ => {
                let at = self.below(text.len());
                if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
                    text.replace_range(at..at + 1, "\u{1}");
                }
            }
        }
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// One case's input, built from its number alone.
fn make_case(corpus: &Corpus, seed: u64, case: u64) -> (Decoder, String) {
    let mut m = Mutator { rng: SimRng::stream(seed, case) };
    let decoder = DECODERS[m.below(DECODERS.len())];
    let pool = match decoder {
        Decoder::Scenario => &corpus.scenarios,
        Decoder::Run | Decoder::Link => {
            // A plain scenario is also a valid import.
            if m.below(5) == 0 {
                &corpus.scenarios
            } else {
                &corpus.runs
            }
        }
        Decoder::Tour => &corpus.tours,
    };
    let mut doc = pool[m.below(pool.len())].clone();
    for _ in 0..(1 + m.below(2)) {
        m.mutate(&mut doc);
    }
    let mut text = doc.to_string();
    if m.below(6) == 0 {
        m.damage_text(&mut text);
    }
    if decoder == Decoder::Link {
        text = match RunDocument::from_json(&text) {
            // Accepted documents travel as links (some of them damaged on the way).
            Ok(doc) => {
                let mut link = doc.to_link_fragment();
                if m.below(3) == 0 {
                    m.damage_text(&mut link);
                }
                link
            }
            // Refused ones: their text deflated into a link by hand.
            Err(_) => link_of(&text),
        };
    }
    (decoder, text)
}

fn link_of(json: &str) -> String {
    use base64::Engine;
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
    format!("run1.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
}

/// A short run of an accepted scenario.
fn run_a_little(scenario: &Scenario) {
    if let Ok(mut sim) = Simulation::new(scenario) {
        let end = sim.end();
        let mut events = 0;
        while events < RUN_EVENTS && sim.step_until(end) {
            events += 1;
        }
    }
}

fn replay_a_little(doc: &RunDocument) -> Result<(), ScenarioError> {
    let mut session = doc.replay_within(REPLAY_EVENTS)?;
    for _ in 0..100 {
        session.step();
    }
    session.step_back();
    Ok(())
}

/// Decode (and use) one input; Err is the refusal.
fn decode(decoder: Decoder, text: &str) -> Result<(), ScenarioError> {
    match decoder {
        Decoder::Scenario => Scenario::from_json(text).map(|s| run_a_little(&s)),
        Decoder::Run => RunDocument::from_json(text).and_then(|d| replay_a_little(&d)),
        Decoder::Link => RunDocument::from_link(text).and_then(|d| replay_a_little(&d)),
        Decoder::Tour => Tour::from_json(text).map(|t| {
            for i in 0..t.steps.len().min(3) {
                if let Ok(s) = t.scenario_at(i) {
                    run_a_little(&s);
                }
            }
        }),
    }
}

/// Whether a refusal names what is wrong: a field, or (for input that is not a JSON object of
/// acceptable size) the document as a whole.
fn names_the_problem(decoder: Decoder, text: &str, e: &ScenarioError) -> bool {
    if !e.field.is_empty() {
        return true;
    }
    let object = decoder != Decoder::Link
        && text.len() <= MAX_SCENARIO_BYTES
        && serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object());
    !object || e.problem.contains("not valid JSON")
}

static CASE_STARTED_MS: AtomicU64 = AtomicU64::new(0);
static RUNNING: AtomicBool = AtomicBool::new(false);
static CURRENT_CASE: Mutex<String> = Mutex::new(String::new());

fn watchdog(epoch: Instant) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        if !RUNNING.load(Ordering::Relaxed) {
            continue;
        }
        let started = CASE_STARTED_MS.load(Ordering::Relaxed);
        if epoch.elapsed().as_millis() as u64 > started + CASE_SECS * 1000 {
            let case = CURRENT_CASE.lock().map(|c| c.clone()).unwrap_or_default();
            eprintln!("fuzz: a case ran for more than {CASE_SECS} s (a hang): {case}");
            std::process::abort();
        }
    });
}

fn cases() -> (u64, u64) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    (var("RAFT_FUZZ_CASES").unwrap_or(DEFAULT_CASES), var("RAFT_FUZZ_SEED").unwrap_or(1))
}

#[test]
fn every_decoder_survives_mutated_documents() {
    let (count, seed) = cases();
    let corpus = corpus();
    let epoch = Instant::now();
    watchdog(epoch);
    let mut accepted = [0u64; 4];
    let mut refused = [0u64; 4];
    let mut worst_peak = 0;
    let mut slowest = Duration::ZERO;
    for case in 0..count {
        let (decoder, text) = make_case(&corpus, seed, case);
        let label = format!("case {case} (seed {seed}), {decoder:?}, {} bytes: {:.300}", text.len(), text);
        if let Ok(mut current) = CURRENT_CASE.lock() {
            *current = label.clone();
        }
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        CASE_STARTED_MS.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        RUNNING.store(true, Ordering::Relaxed);
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| decode(decoder, &text));
        RUNNING.store(false, Ordering::Relaxed);
        slowest = slowest.max(started.elapsed());
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        worst_peak = worst_peak.max(peak);
        assert!(peak <= PEAK_BYTES, "{label}: allocated {peak} bytes at its peak");
        let slot = DECODERS.iter().position(|d| *d == decoder).unwrap_or(0);
        match result {
            Err(_) => panic!("{label}: panicked"),
            Ok(Ok(())) => accepted[slot] += 1,
            Ok(Err(e)) => {
                refused[slot] += 1;
                assert!(names_the_problem(decoder, &text, &e), "{label}: the refusal names no field: {e}");
            }
        }
    }
    eprintln!(
        "fuzz: {count} cases (seed {seed}) in {:.1} s; accepted/refused per decoder {:?}: {:?} / {:?}; \
         slowest case {:.0} ms, highest peak {:.1} MiB",
        epoch.elapsed().as_secs_f64(),
        DECODERS,
        accepted,
        refused,
        slowest.as_secs_f64() * 1000.0,
        worst_peak as f64 / (1 << 20) as f64
    );
    // The mutations must leave some documents valid, or the runs behind the decoders go untested.
    assert!(accepted.iter().sum::<u64>() > count / 50, "accepted {accepted:?} of {count}");
    for (i, d) in DECODERS.iter().enumerate() {
        assert!(refused[i] > 0 || count < 100, "{d:?} refused nothing");
    }
}
