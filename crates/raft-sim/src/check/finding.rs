//! What a broken safety property's check found, as a kind and its values: [`Finding::english`]
//! gives the sentence the checker records (`Violation::message`, the reports and the CLI); the
//! page says the same through its message catalogue in the reader's language.
use raft_core::{Index, NodeId, Term};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    TermWentBack {
        node: NodeId,
        from: Term,
        to: Term,
    },
    CommitIndexWentBack {
        node: NodeId,
        from: Index,
        to: Index,
    },
    LeaderChangedLog {
        node: NodeId,
        term: Term,
        index: Index,
        had: Index,
        now: Index,
    },
    IndexOutOfPlace {
        node: NodeId,
        index: Index,
        position: Index,
    },
    LogsDiffer {
        other: NodeId,
        node: NodeId,
        index: Index,
        term: Term,
    },
    /// `now`: the term of the entry that replaced it, None if nothing did.
    CommittedEntryLost {
        node: NodeId,
        index: Index,
        term: Term,
        now: Option<Term>,
    },
    TwoLeaders {
        other: NodeId,
        node: NodeId,
        term: Term,
    },
    LeaderWithoutCommitted {
        node: NodeId,
        term: Term,
        index: Index,
        entry_term: Term,
        committed_in: Term,
    },
    UncommittedConfigurations {
        node: NodeId,
        term: Term,
        indexes: Vec<Index>,
    },
    /// `holders` and `config` as `Configuration` writes them.
    NoQuorum {
        node: NodeId,
        term: Term,
        index: Index,
        holders: String,
        config: String,
    },
    CommittedDifferently {
        node: NodeId,
        index: Index,
        term: Term,
        before: Term,
    },
    SittingLeaderWithout {
        index: Index,
        term: Term,
        committed_in: Term,
        node: NodeId,
        leader_term: Term,
    },
    AppliedDifferently {
        node: NodeId,
        index: Index,
        term: Term,
        other: NodeId,
        other_term: Term,
    },
    SnapshotPastCommit {
        node: NodeId,
        index: Index,
        term: Term,
        committed: usize,
    },
    SnapshotTermDiffers {
        node: NodeId,
        index: Index,
        term: Term,
        committed_term: Term,
    },
    SnapshotStateDiffers {
        node: NodeId,
        index: Index,
    },
}

/// "3, 5" for indexes.
pub fn index_list(indexes: &[Index]) -> String {
    indexes.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

impl Finding {
    /// What happened, in English.
    pub fn english(&self) -> String {
        match self {
            Finding::TermWentBack { node, from, to } => format!("S{node}'s currentTerm went back from {from} to {to}"),
            Finding::CommitIndexWentBack { node, from, to } => {
                format!("S{node}'s commitIndex went back from {from} to {to}")
            }
            Finding::LeaderChangedLog { node, term, index, had, now } => format!(
                "leader S{node} (term {term}) changed its log at index {index} (it had {had} entries, now {now})"
            ),
            Finding::IndexOutOfPlace { node, index, position } => {
                format!("S{node}'s log holds index {index} at position {position}")
            }
            Finding::LogsDiffer { other, node, index, term } => format!(
                "S{other} and S{node} both hold an entry at index {index} of term {term}, but their logs differ up to it"
            ),
            Finding::CommittedEntryLost { node, index, term, now } => {
                let now = match now {
                    Some(t) => format!("an entry of term {t}"),
                    None => "nothing".to_string(),
                };
                format!(
                    "S{node} lost the committed entry at index {index} (term {term}): its log now holds {now} there; a committed entry must never be removed"
                )
            }
            Finding::TwoLeaders { other, node, term } => format!("S{other} and S{node} are both leaders of term {term}"),
            Finding::LeaderWithoutCommitted { node, term, index, entry_term, committed_in } => format!(
                "S{node} became leader of term {term} without the entry at index {index} (term {entry_term}) committed in term {committed_in}"
            ),
            Finding::UncommittedConfigurations { node, term, indexes } => format!(
                "leader S{node} (term {term}) has {} uncommitted configuration entries, at indexes {}",
                indexes.len(),
                index_list(indexes)
            ),
            Finding::NoQuorum { node, term, index, holders, config } => {
                format!("S{node} (term {term}) committed index {index}, but only {holders} hold it: no quorum of its {config}")
            }
            Finding::CommittedDifferently { node, index, term, before } => format!(
                "S{node} committed index {index} with term {term}, but an entry of term {before} was committed there before"
            ),
            Finding::SittingLeaderWithout { index, term, committed_in, node, leader_term } => format!(
                "index {index} (term {term}) was committed in term {committed_in}, but S{node}, leader of term {leader_term}, does not hold it"
            ),
            Finding::AppliedDifferently { node, index, term, other, other_term } => format!(
                "S{node} applied index {index} of term {term}, but S{other} applied a different entry (term {other_term}) there"
            ),
            Finding::SnapshotPastCommit { node, index, term, committed } => format!(
                "S{node}'s snapshot covers index {index} (term {term}), but only {committed} entries have been committed"
            ),
            Finding::SnapshotTermDiffers { node, index, term, committed_term } => format!(
                "S{node}'s snapshot ends at index {index} with term {term}, but the entry committed there has term {committed_term}"
            ),
            Finding::SnapshotStateDiffers { node, index } => format!(
                "S{node}'s snapshot at index {index} holds a key-value state that differs from applying the committed entries 1..{index}"
            ),
        }
    }
}
