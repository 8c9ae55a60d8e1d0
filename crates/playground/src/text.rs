//! The page's words, by message id: one catalogue per language, `text/LANG/ui.json` beside the
//! page, a flat JSON object from id (`namespace.name`) to text, `{name}` marking where a value
//! goes. Views never hold a sentence of their own; they call [`t`] or [`tf`] with an id.
//!
//! English is compiled in (the page works, and the native tests of the view-models read
//! English, without a fetch). Another language's catalogue is fetched before the page draws
//! (see `view.rs`), or when the language menu changes it, and installed over English: an id it
//! lacks would stay in English, and the catalogue test below fails on any id missing from a
//! shipped language. Tour and glossary text are catalogued the same way, per tour
//! (`text/LANG/tours/ID.json`, `text/LANG/glossary.json`; see `raft_sim::scenario::tour_text`).
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// The languages the page ships, as (BCP 47 tag, name in that language): the menu lists them
/// in this order. Adding one: a folder `text/TAG/` with the same files as another language's
/// (README.md, "Adding a language"), and a line here.
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("zh-CN", "简体中文")];

/// The language every other falls back to, compiled in.
pub const FALLBACK: &str = "en";
/// The folder the catalogues are fetched from (trunk copies `crates/playground/text` there).
pub const FOLDER: &str = "text";
/// A catalogue file may hold at most this many bytes.
pub const MAX_BYTES: usize = 512 * 1024;

const ENGLISH: &str = include_str!("../text/en/ui.json");

/// Message id to text.
pub type Catalogue = BTreeMap<String, String>;

thread_local! {
    /// English, with the chosen language's ids over it; leaked once per install (at most once
    /// per language change) so lookups hand out `&'static str` like the literals they replace.
    static TEXTS: Cell<Option<&'static Catalogue>> = const { Cell::new(None) };
    static LANGUAGE: RefCell<&'static str> = const { RefCell::new(FALLBACK) };
}

/// A catalogue file read strictly: one object whose values are all strings, within
/// [`MAX_BYTES`].
pub fn parse(json: &str) -> Result<Catalogue, String> {
    if json.len() > MAX_BYTES {
        return Err(format!("a text catalogue may hold at most {MAX_BYTES} bytes"));
    }
    serde_json::from_str(json).map_err(|e| e.to_string())
}

fn english() -> Catalogue {
    // The compiled-in file is checked by the tests below; were it broken, ids would show.
    parse(ENGLISH).unwrap_or_default()
}

/// Sets the page's language: English with `translation`'s ids over it (None: English).
pub fn install(language: &'static str, translation: Option<Catalogue>) {
    let mut all = english();
    all.extend(translation.unwrap_or_default());
    let all: &'static Catalogue = Box::leak(Box::new(all));
    TEXTS.with(|t| t.set(Some(all)));
    LANGUAGE.with(|l| *l.borrow_mut() = language);
}

fn texts() -> &'static Catalogue {
    TEXTS.with(|t| match t.get() {
        Some(all) => all,
        None => {
            let all: &'static Catalogue = Box::leak(Box::new(english()));
            t.set(Some(all));
            all
        }
    })
}

/// The language installed (a tag of [`LANGUAGES`]).
pub fn language() -> &'static str {
    LANGUAGE.with(|l| *l.borrow())
}

/// The text of `id`; the id itself if no catalogue has it (the catalogue test keeps that from
/// shipping). Not inlined: it is called from every view, and each inlined copy of the map
/// lookup would add to the download.
#[inline(never)]
pub fn t(id: &'static str) -> &'static str {
    texts().get(id).map_or(id, String::as_str)
}

/// The text of an id made at run time (another protocol's badge or fact: `proto.badge.ID`);
/// the id itself if no catalogue has it (a test checks every built-in's ids are there).
pub fn t_made(id: &str) -> String {
    texts().get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// The text of `id` with each `{name}` replaced by its value (a `{` that names no value is
/// left as it is).
pub fn tf(id: &'static str, values: &[(&str, &str)]) -> String {
    fill(t(id), values)
}

/// `text` with each `{name}` replaced by its value in `values`.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named =
            after.find('}').and_then(|close| Some((close, values.iter().find(|(n, _)| *n == &after[..close])?.1)));
        match named {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The shipped language a reader wants: `asked` (a link's `?lang=`) if the page has it, else
/// the first of the browser's languages it has (a language matches by its primary subtag:
/// `zh`, `zh-Hans`, `zh-SG` all ask for `zh-CN`), else English.
pub fn pick(asked: Option<&str>, browser: &[String]) -> &'static str {
    let find = |tag: &str| {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_string();
        LANGUAGES
            .iter()
            .find(|(l, _)| l.to_ascii_lowercase() == tag)
            .or_else(|| LANGUAGES.iter().find(|(l, _)| l.split('-').next() == Some(primary.as_str())))
            .map(|(l, _)| *l)
    };
    asked.and_then(find).or_else(|| browser.iter().find_map(|b| find(b))).unwrap_or(FALLBACK)
}

/// The `{name}` placeholders of a text, sorted: a translation must use the same ones (the
/// same function checks the tours' catalogues and `raftsim catalogue check`).
#[cfg(test)]
use raft_sim::tour_text::placeholders;

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(language: &str) -> Catalogue {
        let path = format!("{}/text/{language}/ui.json", env!("CARGO_MANIFEST_DIR"));
        let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse(&json).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The page's sources (text.rs aside), each with its path.
    fn sources() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(format!("{}/src", env!("CARGO_MANIFEST_DIR")))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("text.rs") {
                    out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("a source file")));
                }
            }
        }
        out
    }

    /// Every id the sources name: each string literal that begins with one of the catalogue's
    /// namespaces (`"lab.`, `"help.`, …) and holds only id characters, with its file.
    fn named_ids(namespaces: &[String]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (path, src) in sources() {
            for ns in namespaces {
                for (at, _) in src.match_indices(&format!("\"{ns}.")) {
                    let rest = &src[at + 1..];
                    let id = &rest[..rest.find('"').unwrap_or(0)];
                    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
                        out.push((id.to_string(), path.clone()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_id_the_page_names_is_in_the_english_text_and_every_text_is_named() {
        let en = catalogue(FALLBACK);
        assert_eq!(english(), en, "the compiled-in English is the file");
        let mut namespaces: Vec<String> = en.keys().filter_map(|k| Some(k.split_once('.')?.0.to_string())).collect();
        namespaces.dedup();
        assert!(en.keys().all(|k| k.contains('.')), "every id is namespace.name");
        let used = named_ids(&namespaces);
        let missing: Vec<_> = used.iter().filter(|(id, _)| !en.contains_key(id)).collect();
        assert!(missing.is_empty(), "ids named but not in text/en/ui.json: {missing:?}");
        // Another protocol's badges and facts are named by the simulator's pictures, not the
        // page's sources: model/course.rs checks them against the built-ins' runs.
        let unused: Vec<_> =
            en.keys().filter(|k| !k.starts_with("proto.") && !used.iter().any(|(id, _)| id == *k)).collect();
        assert!(unused.is_empty(), "ids in text/en/ui.json that no source names: {unused:?}");
        assert!(en.values().all(|v| !v.trim().is_empty()), "no empty text");
    }

    #[test]
    fn every_shipped_language_has_every_id_with_the_same_placeholders() {
        let en = catalogue(FALLBACK);
        for (language, _) in LANGUAGES.iter().filter(|(l, _)| *l != FALLBACK) {
            let other = catalogue(language);
            let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            assert!(missing.is_empty(), "text/{language}/ui.json lacks {missing:?}");
            let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(extra.is_empty(), "text/{language}/ui.json has ids English does not: {extra:?}");
            for (id, text) in &en {
                assert_eq!(placeholders(text), placeholders(&other[id]), "{language}: {id} names other values");
                assert!(!other[id].trim().is_empty(), "{language}: {id} is empty");
            }
        }
    }

    #[test]
    fn a_translation_overrides_the_ids_it_has_and_values_fill_in() {
        let de = parse(r#"{"language.menu": "Sprache"}"#).expect("a catalogue");
        install("zh-CN", Some(de));
        assert_eq!(t("language.menu"), "Sprache");
        assert_eq!(language(), "zh-CN");
        assert_eq!(t("no.such-id"), "no.such-id");
        assert_eq!(fill("S{node} drops {share}", &[("node", "2"), ("share", "half")]), "S2 drops half");
        assert_eq!(fill("{share} verwirft S{node}", &[("node", "2")]), "{share} verwirft S2");
        install(FALLBACK, None);
        assert_eq!(t("language.menu"), "Language");
        assert!(parse(r#"{"a": 1}"#).is_err());
        assert!(parse(r#"["a"]"#).is_err());
        assert!(parse(&format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_BYTES))).is_err());
        assert_eq!(placeholders("S{node} {a_b} { x} {}"), ["a_b", "node"]);
    }

    #[test]
    fn the_language_is_the_links_then_the_browsers_by_primary_subtag_else_english() {
        let langs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(pick(Some("zh-CN"), &[]), "zh-CN");
        assert_eq!(pick(Some("zh"), &langs(&["en-US"])), "zh-CN");
        assert_eq!(pick(Some("xx"), &langs(&["de-CH", "zh-Hans-CN"])), "zh-CN");
        assert_eq!(pick(None, &langs(&["en-GB", "zh-CN"])), "en");
        assert_eq!(pick(None, &langs(&["fr"])), "en");
        assert_eq!(pick(Some("../x"), &[]), "en");
        assert_eq!(pick(None, &[]), "en");
    }

    #[test]
    fn the_panels_view_models_read_in_chinese_with_the_zh_cn_catalogue() {
        use crate::model::{animation, clients, failures, history, svg};
        use raft_sim::sim::NodeStatus;
        install("zh-CN", Some(catalogue("zh-CN")));
        assert_eq!(failures::node_label(&[NodeStatus::Paused], 1), "S1（已暂停）");
        assert_eq!(
            failures::partition_text(3, &Some(vec![vec![1, 2]]), &[(3, 1)]),
            "已分区：{S1 S2} | {S3}。已切断：S3→S1。"
        );
        assert_eq!(clients::redirect_text(2), "重定向2次（不是领导者）");
        assert_eq!(history::client_name(raft_sim::workload::SCRIPT_CLIENT), "你");
        let mut stale =
            raft_sim::Simulation::new(&raft_sim::builtin::by_name("stale-read").expect("built in")).expect("valid");
        stale.run_to_end();
        let report = raft_sim::linearizability::check_run(&stale, raft_sim::linearizability::DEFAULT_BUDGET);
        let verdict = history::verdict_text(&report);
        assert!(verdict.starts_with("非线性一致：在键x上") && !verdict.contains("linearizable"), "{verdict}");
        assert_eq!(animation::seconds("x"), Err("动画秒数：“x”不是0.1到60之间的数；改为最近5 s做成动画".to_string()));
        assert_eq!(svg::caption("选举", 7, 1_500), "选举 · 种子7 · t = 1.5 ms");
        // The space-time diagram of a real run: its events and messages are worded in Chinese.
        let mut scenario = raft_sim::builtin::cluster(3, false);
        scenario.duration_ms = 600_000.0;
        let mut session = raft_sim::session::Session::new(&scenario).expect("a session");
        session.advance(2_000_000, u64::MAX, false);
        let state = crate::model::diagram::DiagramState { span_us: 2_000_000, ..Default::default() };
        let view =
            crate::model::diagram::DiagramView::of(session.spacetime().expect("a record"), &state, session.sim().now());
        let leader = view.dots().find(|d| d.kind() == "leader").expect("a leader is elected");
        assert!(
            leader.label(&view.names).contains("成为任期") && leader.label(&view.names).contains("的领导者 · Lamport"),
            "{}",
            leader.label(&view.names)
        );
        let arrow = view.arrows().next().expect("messages");
        assert!(arrow.label(&view.names).contains("，发送于"), "{}", arrow.label(&view.names));
        assert!(!arrow.label(&view.names).contains("sent at"), "{}", arrow.label(&view.names));
        install(FALLBACK, None);
        assert_eq!(failures::node_label(&[NodeStatus::Paused], 1), "S1 (paused)");
        assert_eq!(svg::caption("Election", 7, 1_500), "Election · seed 7 · t = 1.5 ms");
    }
}
