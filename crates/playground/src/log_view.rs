//! The log view: one row per server, one column per log index; each entry shows its term
//! (coloured by term) and command; committed entries are solid, the commitIndex is marked, and
//! for each follower the leader's nextIndex and matchIndex are shown.
use raft_sim::Simulation;
use yew::prelude::*;

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
                }
            })
            .collect();
        LogData { rows, leader, first }
    }
}

/// A configuration entry is too long for a cell: name which one it is (the title has it all).
fn short_command(command: &str) -> String {
    match command.strip_prefix("config ") {
        Some(rest) if rest.starts_with("old=") => "C old,new".into(),
        Some(rest) if rest.contains("learners=") => "C +learners".into(),
        Some(_) => "C new".into(),
        None => command.to_string(),
    }
}

#[derive(Properties, PartialEq)]
pub struct LogViewProps {
    pub data: LogData,
}

#[function_component(LogView)]
pub fn log_view(props: &LogViewProps) -> Html {
    let longest = props.data.rows.iter().map(|r| r.length).max().unwrap_or(0);
    let first = props.data.first;
    let indices: Vec<u64> = (first..=longest.max(first)).collect();
    html! {
        <div class="log-view" data-testid="log-view">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{ "index" }</th>
                        { for indices.iter().map(|i| html! { <th scope="col">{ i }</th> }) }
                        <th scope="col" title="the leader's nextIndex / matchIndex for this server">{ "next / match" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.data.rows.iter().map(|row| html! {
                        <tr class={classes!((!row.alive).then_some("down"))} data-testid="log-row" data-id={row.id.to_string()}
                            data-commit={row.commit_index.to_string()} data-length={row.length.to_string()}>
                            <th scope="row">{ format!("S{}", row.id) }{ if props.data.leader == Some(row.id) { " ★" } else { "" } }</th>
                            if row.snapshot.0 >= first {
                                <td class="cell snapshot-block" data-testid="snapshot-block" colspan={(row.snapshot.0 - first + 1).to_string()}
                                    title={format!("snapshot: entries 1 to {} (last term {}) compacted into the key-value state", row.snapshot.0, row.snapshot.1)}>
                                    { format!("snapshot ≤{} (t{})", row.snapshot.0, row.snapshot.1) }
                                </td>
                            }
                            { for indices.iter().filter(|&&i| i > row.snapshot.0).map(|&i| match i.checked_sub(row.entries_from).and_then(|k| row.entries.get(k as usize)) {
                                Some((term, command)) => {
                                    let committed = i <= row.commit_index;
                                    let style = format!("--term-hue: {}", (term * 137) % 360);
                                    html! {
                                        <td class={classes!("cell", committed.then_some("committed"), (i == row.commit_index).then_some("commit-mark"))}
                                            style={style} title={format!("index {i}, term {term}: {command}{}", if committed { " (committed)" } else { "" })}>
                                            <span class="t">{ term }</span><span class="c">{ short_command(command) }</span>
                                        </td>
                                    }
                                }
                                None => html! { <td class="cell empty"></td> },
                            }) }
                            <td class="nm">{ row.next_match.map_or(String::new(), |(n, m)| format!("{n} / {m}")) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
