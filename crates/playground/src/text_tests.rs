//! The views say nothing of their own: a guard over the component files that fails on an
//! English literal left in their markup, and the view-models read in Chinese once the zh-CN
//! catalogue is installed (the tests in text.rs check the catalogues themselves).
use crate::text;

/// The component files (under `src/`, without `.rs`: the file name in quotes would read as a
/// text id to text.rs' scan) whose markup the guard scans: every visible word in them comes
/// from the catalogue. One file a line, so lists extended on two branches merge.
const SCANNED: &[&str] = &[
    "authoring_panel",
    "availability_view",
    "caption_view",
    "client_panel",
    "course_sweep",
    "diagram",
    "embed_view",
    "event_log",
    "export_panel",
    "failure_panel",
    "history_view",
    "hunt_panel",
    "inspector",
    "lab_panel",
    "legend",
    "lincheck_view",
    "live",
    "log_view",
    "manual_panel",
    "message_view",
    "monitor",
    "seed_field",
    "settings",
    "share_panel",
    "stage",
    "timeline",
    "toolbar",
    "tour_panel",
    "view",
];

/// Words that stay English in every language: Figure 2's names of a server's state (shown as
/// the names of the fields they are).
const KEPT: &[&str] = &["currentTerm", "votedFor", "log", "commitIndex", "lastApplied", "nextIndex", "matchIndex"];

/// Units that stay as they are in every language.
const UNITS: &[&str] = &["ms", "px"];

/// The attributes a reader sees or hears.
const ATTRIBUTES: &[&str] = &["title", "aria-label", "placeholder", "alt", "aria-valuetext", "label"];

/// The outermost `html! { … }` blocks of `src` (one nested in another is part of it): each
/// from its opening brace to the matching one, string and character literals skipped while
/// counting.
fn html_blocks(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut done = 0;
    for (at, _) in src.match_indices("html! {") {
        if at < done {
            continue;
        }
        let start = at + "html! ".len();
        let bytes = src.as_bytes();
        let (mut depth, mut i) = (0usize, start);
        while i < bytes.len() {
            match bytes[i] {
                b'"' => i = string_end(bytes, i),
                b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(&src[start..=i]);
                        done = i;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The index of the quote that closes the string literal opening at `open`.
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The attribute whose value the brace at `open` begins (`class` for `class={`), or None when
/// it begins markup content: the nearest enclosing brace after `=` names an attribute, one
/// after `>`, `}` or `html!` is content, any other (`if on {`, a closure's body) looks further
/// out.
fn attribute_of<'a>(block: &'a str, braces: &[usize]) -> Option<&'a str> {
    for &open in braces.iter().rev() {
        let before = block[..open].trim_end();
        if let Some(name) = before.strip_suffix('=') {
            let name = name.trim_end();
            let from = name.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).map_or(0, |i| i + 1);
            return Some(&name[from..]);
        }
        if before.ends_with(['>', '}', '!']) || before.is_empty() {
            return None;
        }
    }
    None
}

/// The English a block of markup holds: string literals that are the values of [`ATTRIBUTES`]
/// (`title="…"`, `title={if a { "…" } else { … }}`) or text nodes (`{ "…" }` or
/// `{ format!("…", …) }` in the content, also as a branch of an `if`), holding an English word
/// (two ASCII letters or more, `{…}` placeholders and [`UNITS`] aside: an SVG path's single
/// letters are no word), not in [`KEPT`] and not a text id (`toolbar.play`: lower case, a dot,
/// no space).
fn visible_literals(block: &str) -> Vec<String> {
    let bytes = block.as_bytes();
    let mut out = Vec::new();
    let mut braces: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => braces.push(i),
            b'}' => {
                braces.pop();
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'"' => {
                let end = string_end(bytes, i);
                let literal = &block[i + 1..end.min(block.len())];
                let before = block[..i].trim_end();
                let formatted = before.strip_suffix("format!(").map(str::trim_end);
                let after = block[(end + 1).min(block.len())..].trim_start();
                let named = |name: &str| ATTRIBUTES.contains(&name);
                let shown = if let Some(name) = before.strip_suffix('=') {
                    let from = name.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).map_or(0, |k| k + 1);
                    named(&name[from..])
                } else if formatted.is_some_and(|b| b.ends_with('{'))
                    || (before.ends_with('{') && after.starts_with('}'))
                {
                    attribute_of(block, &braces).is_none_or(named)
                } else {
                    false
                };
                if shown && has_word(literal) && !KEPT.contains(&literal) && !is_id(literal) {
                    out.push(literal.to_string());
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether `literal` holds an English word: two ASCII letters or more in a row, outside `{…}`
/// and not one of [`UNITS`].
fn has_word(literal: &str) -> bool {
    let mut words = String::new();
    let mut depth = 0usize;
    for c in literal.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => words.push(if c.is_ascii_alphabetic() { c } else { ' ' }),
            _ => {}
        }
    }
    words.split_whitespace().any(|w| w.len() >= 2 && !UNITS.contains(&w))
}

/// A text id: `namespace.name`, in lower case, digits, `_`, `-` and `.`.
fn is_id(literal: &str) -> bool {
    literal.split_once('.').is_some_and(|(ns, name)| {
        !ns.is_empty()
            && !name.is_empty()
            && ns.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
    })
}

#[test]
fn the_component_files_hold_no_visible_english() {
    let mut found = Vec::new();
    for file in SCANNED {
        let path = format!("{}/src/{file}.rs", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for block in html_blocks(&src) {
            found.extend(visible_literals(block).into_iter().map(|l| format!("{file}.rs: {l:?}")));
        }
    }
    assert!(found.is_empty(), "visible words not from the catalogue (use text::t):\n{}", found.join("\n"));
}

#[test]
fn the_guard_finds_text_nodes_and_attributes_and_passes_ids_and_symbols() {
    let src = r#"fn v() -> Html { html! {
        <div title="Go there" aria-label={t("x.y")} data-testid="no-words" class="a b">
            { "Pause" }{ t("toolbar.play") }{ "✕" }{ " " }{ "currentTerm" }{ if a { "x.play" } else { "Step." } }
            <button aria-label="Close it" aria-pressed="true">{ if on { "On" } else { "‹ 1" } }</button>
            { format!("{} {}", a, b) }<g transform={match s { "leader" => "x", _ => "y" }} />
            <p class={classes!(if a { "broken" } else { "holds" })} title={if a { "Said" } else { "x" }}>{ "M -5 L 5" }</p>
            { for xs.iter().map(|x| { let d = if x { "Dead" } else { "" }; html! { <i class={if x { "quiet" } else { "" }}>{ "Inner" }</i> } }) }
            { format!("S{} ({:.1} ms)", a, b) }{ format!("{} of {}", a, b) }<i data-x={format!("Not {shown}")} />
        </div>
    } }"#;
    let blocks = html_blocks(src);
    assert_eq!(blocks.len(), 1);
    assert_eq!(
        visible_literals(blocks[0]),
        ["Go there", "Pause", "Step.", "Close it", "On", "Said", "Dead", "Inner", "{} of {}"]
    );
}

#[test]
fn the_view_models_read_in_chinese_with_the_zh_cn_catalogue() {
    use crate::model;
    use raft_sim::scenario::{Action, CrashMode};
    let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).expect("the zh-CN catalogue");
    text::install("zh-CN", Some(text::parse(&json).expect("a catalogue")));
    let scenario = raft_sim::builtin::by_name("first-election").expect("a built-in");
    let mut sim = raft_sim::Simulation::new(&scenario).expect("runs");
    sim.run_until(2_000_000);
    let leader = sim.leader().expect("a leader by 2 s");
    let stage = model::stage::StageData::of(&sim);
    assert!(stage.configuration.starts_with("投票成员{S1"), "{}", stage.configuration);
    let roles: Vec<_> = stage.nodes.iter().map(|n| model::stage::role_caption(n).0).collect();
    assert!(roles.contains(&"领导者") && roles.contains(&"跟随者"), "{roles:?}");
    let follower = stage.nodes.iter().find(|n| n.state == "follower" && n.voted_for.is_some()).expect("a voter");
    assert_eq!(model::stage::role_caption(follower).1, Some(format!("投给S{}", follower.voted_for.unwrap_or(0))));
    sim.act(Action::CrashLeader { mode: CrashMode::Recover }).expect("crash");
    sim.run_until(2_000_001);
    let markers = model::timeline::MarkerView::of(sim.milestones());
    let crash = markers.iter().find(|m| m.kind == "crash").expect("the crash is marked");
    assert!(crash.label.ends_with(&format!("S{leader}崩溃")) && crash.label.contains(" ms，事件"), "{}", crash.label);
    let sentence = model::authoring::sentence(&raft_sim::tour::Check::Crashed { node: leader });
    assert_eq!(sentence, format!("S{leader}已崩溃"));
    assert_eq!(model::stage::message_look("heartbeat").1, "心跳");
    assert_eq!(model::stage::message_look("request-vote").1, "RequestVote", "message names stay English");
    // Nothing English is left in what those view-models wrote (server names and numbers aside).
    let written = [stage.configuration.clone(), crash.label.clone(), sentence];
    for text in &written {
        assert!(!text.replace(" ms", "").chars().any(|c| c.is_ascii_lowercase()), "English left in {text:?}");
    }
    // The other protocols' broken checks: every detail in Chinese (names such as p1 aside).
    for name in ["flood-p1-p4-one-round", "two-generals-last-lost", "pb-partition-no-arbiter", "cl-broken-not-fifo"]
        .into_iter()
        .chain(["cl-broken-no-channel-state", "chain-early-ack", "fd-pause-false-suspicion", "fd-delay-spike"])
    {
        let mut run = raft_sim::playback::protocol_run::open_builtin(name).expect("a built-in");
        run.seek_time(u64::MAX);
        let course = model::course::CourseView::of(&run.picture(), "", "", None, run.total_events());
        let broken: Vec<&str> = course.checks.iter().filter(|c| c.broken).map(|c| c.text.as_str()).collect();
        assert!(!broken.is_empty(), "{name} breaks a check");
        for text in broken {
            let words: Vec<&str> =
                text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 1 && *w != "ms").collect();
            assert!(words.is_empty(), "{name}: English left in {text:?}: {words:?}");
        }
        // Facts whose values are words: a decision's round, the detector, the chain's layout.
        let values = course.nodes.iter().flat_map(|n| &n.facts).chain(&course.facts).map(|f| f.value.as_str());
        for value in values {
            let english = ["round", "perfect", "timeout", "chain", "early", "primary"];
            assert!(!english.iter().any(|w| value.contains(w)), "{name}: English left in {value:?}");
        }
    }
    text::install(text::FALLBACK, None);
    assert_eq!(model::stage::message_look("heartbeat").1, "heartbeat");
}
