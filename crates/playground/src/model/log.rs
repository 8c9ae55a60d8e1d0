//! What the log view draws: the latest indices of each server's log, its snapshot and
//! commitIndex, and the leader's nextIndex and matchIndex for it. Plain data (no web types).
use raft_sim::Simulation;

/// At most this many indices are shown (the latest ones): a long log scrolls out on the left.
const WINDOW: u64 = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub id: u32,
    pub alive: bool,
    /// (term, command) per index, from `entries_from` (the window's first index, or the first
    /// entry after the snapshot when that is later).
    pub entries: Vec<(u64, String)>,
    pub entries_from: u64,
    /// The snapshot's lastIncludedIndex and lastIncludedTerm (0, 0: none): indices up to it
    /// are compacted.
    pub snapshot: (u64, u64),
    pub length: u64,
    pub commit_index: u64,
    /// The current leader's nextIndex and matchIndex for this server.
    pub next_match: Option<(u64, u64)>,
    /// Entries in the window this server removed on a conflict with its leader (§5.3), by
    /// the simulator's record: (index, term), the latest removal at each index.
    pub overwritten: Vec<(u64, u64)>,
}

/// What server `id` removed on conflicts at indices from `first` on (the latest at each).
fn overwritten_in(sim: &Simulation, id: u32, first: u64) -> Vec<(u64, u64)> {
    let mut found: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
    for e in sim.overwritten().iter().filter(|e| e.node == id && e.index >= first) {
        found.insert(e.index, e.term);
    }
    found.into_iter().collect()
}

/// A command as a cell shows it: a configuration entry is too long for a cell, so it is named
/// by which one it is (the cell's title has it all).
pub fn short_command(command: &str) -> String {
    match command.strip_prefix("config ") {
        Some(rest) if rest.starts_with("old=") => "C old,new".into(),
        Some(rest) if rest.contains("learners=") => "C +learners".into(),
        Some(_) => "C new".into(),
        None => command.to_string(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogData {
    pub rows: Vec<LogRow>,
    pub leader: Option<u32>,
    /// The first index shown.
    pub first: u64,
}

impl LogData {
    pub fn of(sim: &Simulation) -> LogData {
        let leader = sim.leader();
        let leader_raft = leader.and_then(|l| sim.node(l)).and_then(|s| s.raft.as_ref());
        let log_of =
            |slot: &raft_sim::sim::NodeSlot| slot.raft.as_ref().map_or(&slot.disk.log, |r| r.log()).last_index();
        let longest = sim.nodes().iter().map(log_of).max().unwrap_or(0);
        // Only the window is copied: a long run's logs are not walked every frame.
        let first = longest.saturating_sub(WINDOW) + 1;
        let rows = sim
            .nodes()
            .iter()
            .map(|slot| {
                let log = slot.raft.as_ref().map_or(&slot.disk.log, |r| r.log());
                let entries_from = first.max(log.first_index());
                let next_match =
                    leader_raft.and_then(|l| Some((*l.next_index().get(&slot.id)?, *l.match_index().get(&slot.id)?)));
                LogRow {
                    id: slot.id,
                    alive: slot.raft.is_some(),
                    entries: log
                        .slice_from(entries_from, WINDOW as usize)
                        .map(|e| (e.term, e.payload.to_string()))
                        .collect(),
                    entries_from,
                    snapshot: (log.snapshot_index(), log.snapshot_term()),
                    length: log.last_index(),
                    commit_index: slot.raft.as_ref().map_or(0, |r| r.commit_index()),
                    next_match,
                    overwritten: overwritten_in(sim, slot.id, first),
                }
            })
            .collect();
        LogData { rows, leader, first }
    }
}
