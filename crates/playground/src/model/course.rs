//! The view-model of another protocol's run (flood consensus, the Two Generals, primary-backup,
//! …): where its nodes and messages are drawn, and what its node cards, checks and time bar say.
//! It reads raft-sim's `Picture` (protocols/view.rs) and places it; every word comes from the
//! catalogue (`proto.badge.ID`, `proto.fact.ID`, a broken check's `proto.check.ID`), every
//! value is the picture's. Plain data, tested natively.
use crate::text::{fill, t, t_made, tf};
use raft_sim::network::Endpoint;
use raft_sim::protocols::said::Said;
use raft_sim::protocols::view::{ms, Layout, Picture, Status, Tone};

/// The stage's drawing units.
pub const WIDTH: f64 = 560.0;
/// A ring's height; a row needs less.
pub const HEIGHT: f64 = 360.0;
pub const ROW_HEIGHT: f64 = 170.0;
pub const NODE_R: f64 = 30.0;
/// A row leaves this much room at either end.
const ROW_MARGIN: f64 = 85.0;

#[derive(Clone, Debug, PartialEq)]
pub struct FactView {
    pub label: String,
    pub value: String,
    pub tone: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpot {
    pub index: usize,
    pub name: String,
    pub x: f64,
    pub y: f64,
    /// "up", "paused" or "crashed".
    pub status: &'static str,
    /// The badge's id ("decided", "primary") and its words.
    pub badge: Option<(&'static str, String)>,
    pub tone: &'static str,
    pub facts: Vec<FactView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageDot {
    pub id: u64,
    pub kind: &'static str,
    pub x: f64,
    pub y: f64,
    /// Its tooltip: kind, label, from, to, times.
    pub title: String,
    pub label: String,
    /// Whether its label is written beside it (once per multicast).
    pub show_label: bool,
    pub lost: bool,
    /// How far it has gone (0 at its sender, 1 at its receiver).
    pub progress: f64,
    /// Its sender and send time: the copies of one multicast share them.
    group: (u64, u64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckLine {
    pub property: &'static str,
    pub broken: bool,
    /// "holds so far", or when and how it broke.
    pub text: String,
    /// The event to seek to, when it broke.
    pub event: Option<u64>,
}

/// Everything the course view draws at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseView {
    pub protocol: &'static str,
    /// The drawing's height (a row is shorter than a ring).
    pub height: f64,
    pub scenario: String,
    pub title: String,
    pub description: String,
    pub now_us: u64,
    pub end_us: u64,
    pub clock: String,
    pub nodes: Vec<NodeSpot>,
    /// Lines between the nodes' centres (every pair the stage connects).
    pub links: Vec<(f64, f64, f64, f64)>,
    pub messages: Vec<MessageDot>,
    pub checks: Vec<CheckLine>,
    pub facts: Vec<FactView>,
    pub selected: Option<usize>,
}

fn tone(t: Tone) -> &'static str {
    match t {
        Tone::Plain => "plain",
        Tone::Lead => "lead",
        Tone::Good => "good",
        Tone::Warn => "warn",
        Tone::Bad => "bad",
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Up => "up",
        Status::Paused => "paused",
        Status::Crashed => "crashed",
    }
}

/// Where node `i` of `n` stands.
pub fn spot(layout: Layout, i: usize, n: usize) -> (f64, f64) {
    match layout {
        Layout::Ring => {
            let r = (HEIGHT / 2.0 - NODE_R - 14.0).min(WIDTH / 2.0 - NODE_R);
            // P1 at the top, the others clockwise.
            let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n.max(1) as f64;
            // Without f64::cos and sin, which would bring libm into the wasm (see stage.rs).
            let (cos, sin) = crate::model::stage::cos_sin(angle);
            (WIDTH / 2.0 + r * cos, HEIGHT / 2.0 + r * sin)
        }
        Layout::Row => {
            let step = if n > 1 { (WIDTH - 2.0 * ROW_MARGIN) / (n - 1) as f64 } else { 0.0 };
            let x = if n > 1 { ROW_MARGIN + step * i as f64 } else { WIDTH / 2.0 };
            (x, ROW_HEIGHT / 2.0 - 6.0)
        }
    }
}

fn endpoint_key(e: Endpoint) -> u64 {
    match e {
        Endpoint::Node(n) => u64::from(n),
        Endpoint::Client(c) => (1 << 32) | c,
    }
}

/// What a broken check says (`protocols::said`), in the page's language: the catalogue's
/// `proto.check.ID` with the values filled. An id no catalogue has (a protocol newer than the
/// page's words) falls back to raft-sim's English, never to the bare id.
pub fn said_text(s: &Said) -> String {
    worded("check", s)
}

/// A fact's value or a message's label in words (`Fact::said`, `View::said`): the
/// catalogue's `proto.value.ID`.
pub fn value_text(s: &Said) -> String {
    worded("value", s)
}

/// `kind`: "check" or "value" (the id's namespace, `proto.KIND.ID`).
fn worded(kind: &str, s: &Said) -> String {
    let id = format!("proto.{kind}.{}", s.id);
    let text = t_made(&id);
    if text == id {
        return s.english();
    }
    let values: Vec<(&str, &str)> = s.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill(&text, &values)
}

fn fact_view(f: &raft_sim::protocols::view::Fact) -> FactView {
    let value = f.said.as_ref().map_or_else(|| f.value.clone(), value_text);
    FactView { label: t_made(&format!("proto.fact.{}", f.label)), value, tone: tone(f.tone) }
}

impl CourseView {
    pub fn of(p: &Picture, title: &str, description: &str, selected: Option<usize>, total_events: u64) -> CourseView {
        let n = p.nodes.len();
        let nodes: Vec<NodeSpot> = p
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let (x, y) = spot(p.layout, i, n);
                NodeSpot {
                    index: i,
                    name: node.name.clone(),
                    x,
                    y,
                    status: status(node.status),
                    badge: node.badge.map(|b| (b, t_made(&format!("proto.badge.{b}")))),
                    tone: tone(node.tone),
                    facts: node.facts.iter().map(fact_view).collect(),
                }
            })
            .collect();
        let at = |e: Endpoint| {
            p.nodes.iter().position(|n| n.at == e).map(|i| (nodes[i].x, nodes[i].y, nodes[i].name.clone()))
        };
        let links = match p.layout {
            // A ring: every pair (the processes talk to all others).
            Layout::Ring => (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .map(|(i, j)| (nodes[i].x, nodes[i].y, nodes[j].x, nodes[j].y))
                .collect(),
            // A row: neighbours.
            Layout::Row => nodes.windows(2).map(|w| (w[0].x, w[0].y, w[1].x, w[1].y)).collect(),
        };
        let mut messages = Vec::new();
        for m in &p.messages {
            let (Some((x1, y1, from)), Some((x2, y2, to))) = (at(m.from), at(m.to)) else { continue };
            let span = m.arrive_us.saturating_sub(m.sent_us).max(1) as f64;
            let f = (p.now_us.saturating_sub(m.sent_us) as f64 / span).clamp(0.0, 1.0);
            // Start and end at the nodes' rims, not their centres.
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let rim = (NODE_R / len).min(0.45);
            let g = rim + (1.0 - 2.0 * rim) * f;
            // Messages crossing both ways do not sit on each other: each keeps to its right.
            let (ox, oy) = (-dy / len * 6.0, dx / len * 6.0);
            let label = m.said.as_ref().map_or_else(|| m.label.clone(), value_text);
            let values = [
                ("kind", m.kind),
                ("label", label.as_str()),
                ("from", from.as_str()),
                ("to", to.as_str()),
                ("sent", &ms(m.sent_us)),
                ("arrives", &ms(m.arrive_us)),
            ];
            let id = if m.lost { "course.message-doomed" } else { "course.message" };
            messages.push(MessageDot {
                id: m.id,
                kind: m.kind,
                x: x1 + dx * g + ox,
                y: y1 + dy * g + oy,
                title: tf(id, &values),
                label,
                show_label: false,
                lost: m.lost,
                progress: f,
                group: (endpoint_key(m.from), m.sent_us),
            });
        }
        // A multicast sends the same words to everyone: write them once, beside the copy that
        // has gone least far, so a round of messages stays readable.
        for i in 0..messages.len() {
            let same = |j: usize| {
                let (a, b) = (&messages[i], &messages[j]);
                a.group == b.group && a.label == b.label
            };
            let first = (0..messages.len()).filter(|&j| same(j)).min_by(|&j, &k| {
                messages[j].progress.total_cmp(&messages[k].progress).then(messages[j].id.cmp(&messages[k].id))
            });
            messages[i].show_label = first == Some(i) && !messages[i].label.is_empty();
        }
        hide_crowded_labels(&mut messages);
        let checks = p
            .checks
            .iter()
            .map(|c| match &c.broken {
                Some(b) => CheckLine {
                    property: c.property,
                    broken: true,
                    text: tf("course.check-broken", &[("time", &ms(b.at_us)), ("detail", &said_text(&b.detail))]),
                    event: Some(b.event),
                },
                None => CheckLine {
                    property: c.property,
                    broken: false,
                    text: t("course.check-holds").to_string(),
                    event: None,
                },
            })
            .collect();
        let (now, end, events, total) = (ms(p.now_us), ms(p.end_us), p.events.to_string(), total_events.to_string());
        CourseView {
            protocol: p.protocol,
            height: match p.layout {
                Layout::Ring => HEIGHT,
                Layout::Row => ROW_HEIGHT,
            },
            scenario: p.scenario.clone(),
            title: title.to_string(),
            description: description.to_string(),
            now_us: p.now_us,
            end_us: p.end_us,
            clock: tf("course.clock", &[("time", &now), ("end", &end), ("events", &events), ("total", &total)]),
            nodes,
            links,
            messages,
            checks,
            facts: p.facts.iter().map(fact_view).collect(),
            selected: selected.filter(|&i| i < n),
        }
    }
}

/// Under load many messages fly at once and their words would sit on one another, readable
/// by nobody: a label that would overlap one already placed (older messages first) is left to
/// the message's tooltip. The boxes are estimated from the stage's 10 px label font.
fn hide_crowded_labels(messages: &mut [MessageDot]) {
    const CHAR_W: f64 = 6.0;
    const LINE_H: f64 = 12.0;
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for m in messages.iter_mut().filter(|m| m.show_label) {
        // The label starts 8 px right of the dot, its baseline 6 px above it (course_view.rs).
        let (left, top, width) = (m.x + 8.0, m.y - 6.0 - LINE_H, m.label.chars().count() as f64 * CHAR_W);
        let overlaps = placed.iter().any(|&(l, t, w)| left < l + w && l < left + width && (top - t).abs() < LINE_H);
        if overlaps {
            m.show_label = false;
        } else {
            placed.push((left, top, width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::playback::protocol_run;

    fn view_at(name: &str, t_us: u64) -> CourseView {
        let mut run = protocol_run::open_builtin(name).expect("a built-in");
        run.seek_time(t_us);
        CourseView::of(&run.picture(), "title", "", None, run.total_events())
    }

    #[test]
    fn a_ring_puts_p1_on_top_and_every_node_inside_the_drawing() {
        let v = view_at("flood-p1-p4", 0);
        assert_eq!(v.nodes.len(), 4);
        assert!((v.nodes[0].x - WIDTH / 2.0).abs() < 1e-9 && v.nodes[0].y < HEIGHT / 2.0);
        for n in &v.nodes {
            assert!(
                n.x - NODE_R >= 0.0 && n.x + NODE_R <= WIDTH && n.y - NODE_R >= 0.0 && n.y + NODE_R <= HEIGHT,
                "{n:?}"
            );
        }
        assert_eq!(v.links.len(), 6, "every pair of four");
    }

    #[test]
    fn a_message_moves_from_its_sender_to_its_receiver_as_time_passes() {
        // Round 2 starts at 100 ms: P2's messages leave then and take 10 to 40 ms.
        let early = view_at("flood-p1-p4", 101_000);
        let later = view_at("flood-p1-p4", 110_000);
        let p2 = (early.nodes[1].x, early.nodes[1].y);
        let d = |m: &MessageDot| ((m.x - p2.0).powi(2) + (m.y - p2.1).powi(2)).sqrt();
        let first = early.messages.iter().find(|m| m.title.contains("P2 → P3")).expect("P2 to P3 in flight");
        let then = later.messages.iter().find(|m| m.id == first.id).expect("still in flight at 110 ms");
        assert!(d(then) > d(first), "it moved away from P2: {} then {}", d(first), d(then));
        assert_eq!(first.kind, "Known");
        // P2's multicast carries one set to three processes: its words are written once.
        let p2_copies: Vec<&MessageDot> = early.messages.iter().filter(|m| m.title.contains("P2 →")).collect();
        assert_eq!(p2_copies.len(), 3);
        assert_eq!(p2_copies.iter().filter(|m| m.show_label).count(), 1);
        assert!(first.label.contains("{a, b, c, d}"), "{}", first.label);
    }

    #[test]
    fn under_load_labels_that_would_overlap_are_left_to_the_tooltips() {
        // At 1 s the primary-backup layout has hundreds of requests queued and many in flight.
        let v = view_at("chain-load-primary-backup", 1_000_000);
        let shown: Vec<&MessageDot> = v.messages.iter().filter(|m| m.show_label).collect();
        assert!(!shown.is_empty(), "some words are still written");
        assert!(shown.len() < v.messages.len(), "{} of {} labelled", shown.len(), v.messages.len());
        let boxed = |m: &MessageDot| (m.x + 8.0, m.y - 18.0, m.label.chars().count() as f64 * 6.0);
        for (i, a) in shown.iter().enumerate() {
            for b in &shown[i + 1..] {
                let ((l1, t1, w1), (l2, t2, w2)) = (boxed(a), boxed(b));
                let overlap = l1 < l2 + w2 && l2 < l1 + w1 && (t1 - t2).abs() < 12.0;
                assert!(!overlap, "{:?} and {:?} overlap", a.label, b.label);
            }
        }
    }

    #[test]
    fn badges_facts_and_checks_are_worded_from_the_picture() {
        let v = view_at("flood-p1-p4-one-round", 1_000_000);
        let p1 = &v.nodes[0];
        assert_eq!(p1.status, "crashed");
        assert_eq!(v.nodes[1].badge.as_ref().map(|b| b.0), Some("decided"));
        assert_eq!(v.nodes[1].badge.as_ref().map(|b| b.1.as_str()), Some("decided"));
        assert!(v.nodes[2].facts.iter().any(|f| f.label == "suspects" && f.value == "P1"), "{:?}", v.nodes[2].facts);
        let agreement = v.checks.iter().find(|c| c.property == "Agreement").expect("checked");
        assert!(agreement.broken && agreement.event.is_some(), "{agreement:?}");
        assert!(agreement.text.starts_with("broken at "), "{}", agreement.text);
        assert!(v.checks.iter().any(|c| !c.broken && c.text == "holds so far"));
        assert!(v.clock.contains("of 100 ms") || v.clock.contains("of 1"), "{}", v.clock);
    }

    /// Every badge and fact label the built-ins show, and every broken check's detail id, at
    /// every event of their runs.
    pub fn made_ids() -> std::collections::BTreeSet<String> {
        let mut ids = std::collections::BTreeSet::new();
        let names = raft_sim::playback::protocol_table::catalog().into_iter().map(|b| b.scenario.name().to_string());
        for name in names {
            let mut run = protocol_run::open_builtin(&name).expect("a built-in");
            loop {
                let p = run.picture();
                for n in &p.nodes {
                    ids.extend(n.badge.map(|b| format!("proto.badge.{b}")));
                }
                for f in p.nodes.iter().flat_map(|n| &n.facts).chain(&p.facts) {
                    ids.insert(format!("proto.fact.{}", f.label));
                    ids.extend(f.said.as_ref().map(|s| format!("proto.value.{}", s.id)));
                }
                ids.extend(p.messages.iter().filter_map(|m| m.said.as_ref()).map(|s| format!("proto.value.{}", s.id)));
                ids.extend(
                    p.checks.iter().filter_map(|c| c.broken.as_ref()).map(|b| format!("proto.check.{}", b.detail.id)),
                );
                if !run.step() {
                    break;
                }
            }
        }
        ids
    }

    fn catalogue(language: &str) -> std::collections::BTreeMap<String, String> {
        let path = format!("{}/text/{language}/ui.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("a catalogue");
        serde_json::from_str(&text).expect("json")
    }

    /// raft-sim's English template of every check detail and every value in words, by its
    /// catalogue id.
    fn templates() -> std::collections::BTreeMap<String, &'static str> {
        use raft_sim::protocols::said::{TEMPLATES, VALUES};
        let checks =
            TEMPLATES.iter().flat_map(|t| t.iter()).map(|(id, english)| (format!("proto.check.{id}"), *english));
        let values = VALUES.iter().map(|(id, english)| (format!("proto.value.{id}"), *english));
        checks.chain(values).collect()
    }

    #[test]
    fn every_badge_fact_and_check_the_protocols_show_is_worded_in_every_language_and_none_is_left_over() {
        let made = made_ids();
        assert!(made.contains("proto.badge.decided") && made.contains("proto.fact.flag"), "{made:?}");
        assert!(made.contains("proto.check.pb.single-primary") && made.contains("proto.check.fd.accuracy"), "{made:?}");
        assert!(
            made.contains("proto.value.chain.read-reply") && made.contains("proto.value.flood.decision"),
            "{made:?}"
        );
        let templates = templates();
        for language in ["en", "zh-CN"] {
            let catalogue = catalogue(language);
            let missing: Vec<&String> = made.iter().filter(|id| !catalogue.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{language}: {missing:?}");
            // A primary whose test-and-set lost steps down; a chain cut down to one server is
            // its head and tail: no built-in reaches either. A check detail no built-in breaks
            // (flood's Validity, say) is still one of raft-sim's templates, checked below.
            let unreached = ["proto.badge.stepped-down", "proto.badge.head-and-tail"];
            let extra: Vec<&String> = catalogue
                .keys()
                .filter(|k| k.split('.').next() == Some("proto") && !made.contains(*k))
                .filter(|k| !unreached.contains(&k.as_str()) && !templates.contains_key(*k))
                .collect();
            assert!(extra.is_empty(), "{language}: no protocol shows {extra:?}");
        }
    }

    #[test]
    fn every_check_detail_reads_as_raft_sims_english_in_english_and_is_translated_in_chinese() {
        let templates = templates();
        let (en, zh) = (catalogue("en"), catalogue("zh-CN"));
        for (id, english) in &templates {
            // One source of truth: the English catalogue says exactly what the CLI says.
            assert_eq!(en.get(id).map(String::as_str), Some(*english), "{id}: en differs from raft-sim");
            let chinese = zh.get(id).unwrap_or_else(|| panic!("{id}: no Chinese"));
            let names = raft_sim::scenario::tour_text::placeholders;
            assert_eq!(names(chinese), names(english), "{id}: the same placeholders");
            // Names (P1, S2, p3, A1) and the unit stay; no English word may be left.
            let blank: Vec<(&str, &str)> = names(chinese).into_iter().map(|n| (n, "")).collect();
            let bare = fill(chinese, &blank);
            let words = bare.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 1);
            let english_words: Vec<&str> = words.filter(|w| *w != "ms").collect();
            assert!(english_words.is_empty(), "{id}: English left in {chinese:?}: {english_words:?}");
        }
        let left_over: Vec<&String> = en
            .keys()
            .chain(zh.keys())
            .filter(|k| k.split('.').take(2).eq(["proto", "check"]) || k.split('.').take(2).eq(["proto", "value"]))
            .filter(|k| !templates.contains_key(*k))
            .collect();
        assert!(left_over.is_empty(), "catalogue ids no check or value says: {left_over:?}");
    }

    #[test]
    fn a_broken_check_is_worded_by_the_catalogue_not_by_raft_sims_english() {
        let v = view_at("pb-partition-no-arbiter", u64::MAX);
        let single = v.checks.iter().find(|c| c.property == "SinglePrimary").expect("checked");
        assert_eq!(single.text, "broken at 700 ms: S1 and S2 are primaries answering clients at the same time");
        let said = Said::new("pb.single-primary", [("a", "1".into()), ("b", "2".into())]);
        assert_eq!(said_text(&said), said.english());
    }

    #[test]
    fn a_snapshot_in_progress_shows_the_recorded_state_the_channels_recording_and_the_markers() {
        // 70 ms: p1 recorded at 60 ms and sent its markers; p2 and p3 have not had one yet.
        let v = view_at("cl-bank-snapshot", 70_000);
        let names: Vec<&str> = v.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["p1", "p2", "p3"]);
        let p1 = &v.nodes[0];
        assert_eq!((p1.badge.as_ref().map(|b| b.0), p1.tone), (Some("recorded"), "lead"));
        let words = |label: &str| t_made(&format!("proto.fact.{label}"));
        let values = |n: &NodeSpot, label: &str| -> Vec<String> {
            n.facts.iter().filter(|f| f.label == words(label)).map(|f| f.value.clone()).collect()
        };
        assert_eq!(values(p1, "recorded-state"), ["80"]);
        assert_eq!(values(p1, "channel-recording"), ["p2→p1 [21]", "p3→p1 []"]);
        assert_eq!(v.nodes[1].badge, None);
        assert_eq!(v.messages.iter().filter(|m| m.kind == "Marker").count(), 2, "p1's markers on their way");
        assert!(v.messages.iter().any(|m| m.kind == "Transfer" && m.label == "#12 $5"));
        // The end: every process recorded, the totals add up, and the words are the catalogue's.
        let end = view_at("cl-bank-snapshot", u64::MAX);
        assert!(end.nodes.iter().all(|n| n.badge.as_ref().map(|b| b.0) == Some("recorded")));
        let total = end.facts.iter().find(|f| f.label == words("snapshot-total")).expect("complete");
        assert_eq!((total.value.as_str(), total.tone), ("205 + 95 = 300 (119.2 ms)", "good"));
        assert_ne!(words("snapshot-total"), "proto.fact.snapshot-total", "worded");
        assert!(end.checks.iter().all(|c| !c.broken), "{:?}", end.checks);
        let broken = view_at("cl-broken-not-fifo", u64::MAX);
        let cut = broken.checks.iter().find(|c| c.property == "ConsistentCut").expect("checked");
        assert!(cut.broken && cut.event.is_some(), "{cut:?}");
    }

    #[test]
    fn a_row_puts_the_client_servers_and_cfg_left_to_right() {
        let v = view_at("pb-primary-crash", 0);
        let names: Vec<&str> = v.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["client", "S1", "S2", "CFG"]);
        assert!(v.nodes.windows(2).all(|w| w[0].x < w[1].x && w[0].y == w[1].y));
        assert_eq!(v.nodes[1].badge.as_ref().map(|b| b.0), Some("primary"));
    }

    #[test]
    fn a_chain_is_a_row_from_the_head_to_the_tail_with_the_cfg_last() {
        // Just after the CFG removed the crashed middle server.
        let v = view_at("chain-middle-crash", 345_000);
        let names: Vec<&str> = v.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["client", "S1", "S2", "S3", "CFG"]);
        assert!(v.nodes.windows(2).all(|w| w[0].x < w[1].x && w[0].y == w[1].y));
        let badges: Vec<Option<&str>> = v.nodes.iter().map(|n| n.badge.as_ref().map(|b| b.0)).collect();
        assert_eq!(badges, [None, Some("head"), Some("out"), Some("tail"), Some("configuration")]);
        assert_eq!(v.nodes[2].status, "crashed");
        assert!(v.nodes[4].facts.iter().any(|f| f.value == "S1 → S3"), "{:?}", v.nodes[4].facts);
    }
}
