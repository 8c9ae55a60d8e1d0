//! Built-in scenarios: the seed notes' figures and the paper's, as runnable timelines.
//!
//! Each one is a scenario file in `crates/raft-sim/scenarios/`, listed in order with its plain
//! title in `index.json`: the files are the one source of truth. The CLI and the tests compile
//! them in (the `embedded-scenarios` feature); the page fetches the same files (`scenarios/`
//! beside it, copied by trunk) and hands them to [`install`], so neither their text nor their
//! descriptions weigh on its download.
use crate::scenario::shape::Json;
use crate::scenario::{Scenario, ScenarioError, Workload};
use std::sync::OnceLock;

/// The list of built-ins, in the order the page and `raftsim list` show them.
pub const INDEX_FILE: &str = "index.json";

/// The index's size limit: a list of a few dozen titles.
pub const MAX_INDEX_BYTES: usize = 64 * 1024;

/// At most this many built-ins are read from an index (the page fetches one file each).
pub const MAX_BUILTINS: usize = 100;

/// A built-in scenario with what the page shows of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Builtin {
    /// A plain title ("Figure 8 without present-term commitment: a committed entry is lost"); the scenario's name
    /// is its id ("figure-8-unsafe"), for links and the command line.
    pub title: String,
    /// The picker's group ("Elections", "Membership changes", …).
    pub group: String,
    pub scenario: Scenario,
}

/// One line of the index: which file, under which title and group.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    pub id: String,
    pub group: String,
    pub title: String,
    /// The scenario's protocol (`"protocol"` in the index, `"raft"` when absent). Only Raft's
    /// built-ins make the [`catalog`]; the others are their protocol's
    /// (`crate::protocols`), run by `raftsim` and not yet by the page.
    pub protocol: String,
}

impl IndexEntry {
    /// The scenario file this entry names, relative to the scenarios folder.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.id)
    }

    pub fn is_raft(&self) -> bool {
        self.protocol == crate::scenario::protocol::RAFT
    }
}

/// Parse the index: a list of `{"id", "group", "title"}` objects (and `"protocol"` for a
/// scenario that is not Raft's), ids made of lowercase
/// letters, digits and dashes (they become file names), each given once.
pub fn parse_index(text: &str) -> Result<Vec<IndexEntry>, ScenarioError> {
    if text.len() > MAX_INDEX_BYTES {
        return Err(ScenarioError::new(
            "",
            format!("the index is {} bytes; the limit is {MAX_INDEX_BYTES}", text.len()),
        ));
    }
    let Json::List(items) = Json::parse(text)? else {
        return Err(ScenarioError::new("", "the index must be a list of built-in scenarios"));
    };
    if items.len() > MAX_BUILTINS {
        return Err(ScenarioError::new("", format!("at most {MAX_BUILTINS} built-in scenarios")));
    }
    let mut entries: Vec<IndexEntry> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Json::Object(fields) = item else {
            return Err(ScenarioError::new(format!("[{i}]"), "must be an object with id, group and title"));
        };
        if let Some((key, _)) = fields.iter().find(|(k, _)| !["id", "group", "title", "protocol"].contains(&k.as_str()))
        {
            return Err(ScenarioError::new(
                format!("[{i}].{key}"),
                "unknown field (expected id, group, title, protocol)",
            ));
        }
        let text_of = |key: &str| match item.get(key) {
            Some(Json::Str(s)) if !s.trim().is_empty() && s.len() <= 200 => Ok(s.clone()),
            _ => Err(ScenarioError::new(format!("[{i}].{key}"), "must be a non-empty string of at most 200 bytes")),
        };
        let protocol = match item.get("protocol") {
            None => crate::scenario::protocol::RAFT.to_string(),
            Some(Json::Str(p)) if crate::scenario::protocol::PROTOCOLS.contains(&p.as_str()) => p.clone(),
            Some(_) => {
                return Err(ScenarioError::new(
                    format!("[{i}].protocol"),
                    format!("must be one of: {}", crate::scenario::protocol::PROTOCOLS.join(", ")),
                ))
            }
        };
        let entry = IndexEntry { id: text_of("id")?, group: text_of("group")?, title: text_of("title")?, protocol };
        if !entry.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(ScenarioError::new(format!("[{i}].id"), "only lowercase letters, digits and dashes"));
        }
        if entries.iter().any(|e| e.id == entry.id) {
            return Err(ScenarioError::new(format!("[{i}].id"), format!("'{}' is listed twice", entry.id)));
        }
        if entries.iter().any(|e| e.title == entry.title) {
            return Err(ScenarioError::new(format!("[{i}].title"), format!("'{}' is used twice", entry.title)));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Build the built-ins from the index and the text of each file it names (in the index's
/// order; a file that could not be fetched carries why). A file that is missing, does not
/// parse, or holds a scenario of another name is left out and named in the problems. Entries
/// of other protocols are passed over: they are not Raft's built-ins.
pub fn from_files(index: &[IndexEntry], files: &[(String, Result<String, String>)]) -> (Vec<Builtin>, Vec<String>) {
    let mut builtins = Vec::new();
    let mut problems = Vec::new();
    for entry in index.iter().filter(|e| e.is_raft()) {
        let name = entry.file_name();
        let text = files.iter().find(|(n, _)| *n == name).map(|(_, t)| t.clone());
        let scenario = text
            .unwrap_or_else(|| Err("not fetched".to_string()))
            .and_then(|t| Scenario::from_json(&t).map_err(|e| e.to_string()))
            .and_then(|s| {
                if s.name == entry.id {
                    Ok(s)
                } else {
                    Err(format!("it holds the scenario '{}', not '{}'", s.name, entry.id))
                }
            });
        match scenario {
            Ok(scenario) => builtins.push(Builtin { title: entry.title.clone(), group: entry.group.clone(), scenario }),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    (builtins, problems)
}

#[cfg(feature = "embedded-scenarios")]
mod embedded {
    /// The index and every file it names, compiled in (`tests` check that this list and the
    /// folder agree).
    pub const INDEX: &str = include_str!("../../scenarios/index.json");
    macro_rules! files {
        ($($id:literal),* $(,)?) => {
            pub const FILES: &[(&str, &str)] =
                &[$((concat!($id, ".json"), include_str!(concat!("../../scenarios/", $id, ".json")))),*];
        };
    }
    files!(
        "first-election",
        "split-vote",
        "crash-example",
        "minority-leader",
        "figure-7",
        "figure-8",
        "figure-8-unsafe",
        "steady-load",
        "add-server",
        "remove-leader",
        "replace-server",
        "removed-server-disrupts",
        "removed-server-prevote",
        "single-server-change-bug",
        "single-server-change-safe",
        "stale-read",
        "read-index",
        "lease-read-drift",
        "snapshot-catch-up",
        "snapshot-conflict",
        "rejoin-disrupts",
        "rejoin-prevote",
        "one-way-partition",
        "one-way-partition-checkquorum",
        "leadership-transfer",
        "cut-off-leader",
        "check-quorum-step-down",
        "one-way-partition-no-leader",
        "latency-above-timeout",
        "byzantine-double-vote",
        "byzantine-forged-entries",
        "flood-p1-p4",
        "flood-p1-p4-one-round",
        "flood-slow-process",
        "two-generals-all-arrive",
        "two-generals-last-lost",
        "two-generals-four-last-lost",
        "pb-primary-crash",
        "pb-partition-arbiter",
        "pb-partition-no-arbiter",
        "pb-two-backups-crash",
        "chain-normal",
        "chain-middle-crash",
        "chain-head-crash",
        "chain-tail-crash",
        "chain-early-ack",
        "chain-load",
        "chain-load-primary-backup",
        "cl-bank-snapshot",
        "cl-broken-not-fifo",
        "cl-broken-no-channel-state",
        "fd-crash-detected",
        "fd-pause-false-suspicion",
        "fd-delay-spike",
        "fd-drift-fixed-timeout",
        "fd-drift-adaptive",
        "fd-tradeoff",
    );

    /// The compiled-in built-ins (a broken file is a test failure, not a panic: it is left out).
    pub fn load() -> Vec<super::Builtin> {
        let Ok(index) = super::parse_index(INDEX) else { return Vec::new() };
        let files: Vec<(String, Result<String, String>)> =
            FILES.iter().map(|(name, text)| (name.to_string(), Ok(text.to_string()))).collect();
        super::from_files(&index, &files).0
    }
}

#[cfg(feature = "embedded-scenarios")]
pub use embedded::{FILES as EMBEDDED_FILES, INDEX as EMBEDDED_INDEX};

/// The built-ins of this program: parsed once from the compiled-in files, or (the page)
/// installed once fetched.
static CATALOG: OnceLock<Vec<Builtin>> = OnceLock::new();

/// Install the fetched built-ins (the page). Tours name built-ins, so this comes before they
/// are parsed. Returns false if the built-ins were already there (compiled in, or installed).
pub fn install(builtins: Vec<Builtin>) -> bool {
    CATALOG.set(builtins).is_ok()
}

/// Every built-in with its title, in order; empty on the page until [`install`].
pub fn catalog() -> &'static [Builtin] {
    #[cfg(feature = "embedded-scenarios")]
    return CATALOG.get_or_init(embedded::load);
    #[cfg(not(feature = "embedded-scenarios"))]
    return CATALOG.get().map_or(&[], Vec::as_slice);
}

/// Every built-in scenario, in order.
pub fn list() -> Vec<Scenario> {
    catalog().iter().map(|b| b.scenario.clone()).collect()
}

pub fn by_name(name: &str) -> Option<Scenario> {
    catalog().iter().find(|b| b.scenario.name == name).map(|b| b.scenario.clone())
}

/// The protocol of the built-in `name` of any protocol, if the compiled-in index lists it (none
/// on the page, which fetches only Raft's).
pub fn protocol_of_builtin(name: &str) -> Option<&'static str> {
    #[cfg(feature = "embedded-scenarios")]
    {
        let index = parse_index(embedded::INDEX).ok()?;
        let entry = index.into_iter().find(|e| e.id == name)?;
        crate::scenario::protocol::PROTOCOLS.iter().copied().find(|p| *p == entry.protocol)
    }
    #[cfg(not(feature = "embedded-scenarios"))]
    {
        let _ = name;
        None
    }
}

/// A built-in's plain title, if `name` is one.
pub fn title(name: &str) -> Option<&'static str> {
    catalog().iter().find(|b| b.scenario.name == name).map(|b| b.title.as_str())
}

/// A cluster of `nodes` servers (1 to 9) for free play, with two clients sending requests
/// when `load` is set. Made in code, not a file: the page offers every size.
pub fn cluster(nodes: u32, load: bool) -> Scenario {
    let nodes = nodes.clamp(1, crate::scenario::MAX_NODES);
    let name = if load { format!("cluster-{nodes}-load") } else { format!("cluster-{nodes}") };
    let mut s = Scenario::new(&name, nodes, 11);
    s.description = format!(
        "{nodes} server{} booting as followers{}. Break them and watch what Raft does.",
        if nodes == 1 { "" } else { "s" },
        if load { ", with two clients sending a put or get every 100 ms" } else { "" }
    );
    s.duration_ms = 10_000.0;
    if load {
        s.workload = Some(Workload { clients: 2, interval_ms: 100.0, ..Workload::default() });
    }
    s
}

#[cfg(all(test, feature = "embedded-scenarios"))]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_files_are_the_folder_and_the_index_lists_each_once() {
        let dir = format!("{}/scenarios", env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_to_string(format!("{dir}/{INDEX_FILE}")).expect("the index exists");
        assert_eq!(EMBEDDED_INDEX, on_disk);
        let index = parse_index(EMBEDDED_INDEX).expect("the index parses");
        let listed: Vec<String> = index.iter().map(IndexEntry::file_name).collect();
        let embedded: Vec<String> = EMBEDDED_FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(listed, embedded, "the index and the compiled-in list name the same files, in order");
        let mut folder: Vec<String> = std::fs::read_dir(&dir)
            .expect("the folder exists")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != INDEX_FILE)
            .collect();
        folder.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(folder, sorted, "every file in the folder is listed");
        for (name, text) in EMBEDDED_FILES {
            assert_eq!(*text, std::fs::read_to_string(format!("{dir}/{name}")).expect("the file exists"), "{name}");
        }
        let raft = index.iter().filter(|e| e.is_raft()).count();
        assert_eq!(catalog().len(), raft, "every Raft file parses and holds the scenario its index names");
    }

    #[test]
    fn every_builtin_has_a_title_and_a_description() {
        for b in catalog() {
            assert!(!b.title.is_empty() && !b.scenario.description.is_empty(), "{}", b.scenario.name);
            // Descriptions speak of other built-ins by title: the page shows titles, not ids.
            for other in catalog().iter().filter(|o| o.scenario.name != b.scenario.name) {
                assert!(
                    !b.scenario.description.contains(&other.scenario.name),
                    "{} names {}",
                    b.scenario.name,
                    other.scenario.name
                );
            }
        }
    }

    #[test]
    fn bad_indexes_and_files_are_refused_with_the_field() {
        let e = parse_index(r#"[{"id": "a", "group": "g", "title": "t", "colour": 1}]"#).unwrap_err();
        assert_eq!(e.field, "[0].colour");
        let e = parse_index(r#"[{"id": "../x", "group": "g", "title": "t"}]"#).unwrap_err();
        assert_eq!(e.field, "[0].id");
        let e = parse_index(r#"[{"id": "a", "group": "g", "title": "t"}, {"id": "b", "group": "g", "title": "t"}]"#)
            .unwrap_err();
        assert_eq!(e.field, "[1].title");
        assert!(parse_index("{}").is_err());
        let e = parse_index(r#"[{"id": "a", "group": "g", "title": "t", "protocol": "paxos"}]"#).unwrap_err();
        assert_eq!(e.field, "[0].protocol");
        let index = parse_index(
            r#"[{"id": "first-election", "group": "g", "title": "t"}, {"id": "x", "group": "g", "title": "u"}]"#,
        )
        .expect("valid");
        let good = EMBEDDED_FILES[0].1.to_string();
        let files = vec![("first-election.json".to_string(), Ok(good.clone())), ("x.json".to_string(), Ok(good))];
        let (builtins, problems) = from_files(&index, &files);
        assert_eq!(builtins.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("not 'x'"), "{problems:?}");
        let (_, problems) = from_files(&index, &[("first-election.json".to_string(), Err("HTTP 404".into()))]);
        assert!(problems[0].contains("HTTP 404") && problems[1].contains("not fetched"), "{problems:?}");
    }
}
