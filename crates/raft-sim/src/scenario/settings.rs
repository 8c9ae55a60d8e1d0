//! What a scenario changes from the simulator's defaults, in words: the page's caption, the
//! settings line at the top of a tour step, and `raftsim tour --text` all say it the same way,
//! so a student sees at once that the no-op is off or a Break Raft rule is on without opening
//! the settings.
use crate::scenario::{Action, NetworkSettings, RaftSettings, Scenario, TimingModel};
use raft_core::{Backtrack, MembershipMode, NodeId, ReadMode};

/// "150-300 ms", or "100 ms" for a range of one value.
pub fn range(ms: [f64; 2]) -> String {
    if ms[0] == ms[1] {
        format!("{} ms", ms[0])
    } else {
        format!("{}-{} ms", ms[0], ms[1])
    }
}

/// "12.5%" for 0.125.
pub fn percent(p: f64) -> String {
    format!("{}%", (p * 1000.0).round() / 10.0)
}

/// What happens to a share of messages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mishap {
    Lost,
    Duplicated,
    Reordered,
}

impl Mishap {
    pub fn english(self) -> &'static str {
        match self {
            Mishap::Lost => "lost",
            Mishap::Duplicated => "duplicated",
            Mishap::Reordered => "reordered",
        }
    }
}

/// One change of a link's delivery.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkChange {
    Delay([f64; 2]),
    Share(f64, Mishap),
}

/// One change of a server's faults.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultChange {
    /// Clock drift (positive: fast).
    Drift(f64),
    SendOmission(f64),
    ReceiveOmission(f64),
    Byzantine,
}

/// A setting that is not the default, as a kind and its values: [`Setting::english`] says it
/// in English (the CLI, [`changed`]); the page says it through its catalogue.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    ElectionTimeout([f64; 2]),
    ServerElectionTimeout { node: NodeId, ms: [f64; 2] },
    OwnLogs,
    Heartbeat(f64),
    Backtrack(Backtrack),
    Noop(bool),
    MaxEntries(usize),
    PreVote,
    CheckQuorum,
    NoLeaderLiveliness,
    SingleServerChanges,
    ReadIndex,
    Lease { drift_bound: f64 },
    Snapshots { threshold: usize, chunk_bytes: usize },
    Latency([f64; 2]),
    Messages(f64, Mishap),
    PartiallySynchronous { gst_ms: f64 },
    Asynchronous,
    Link { from: NodeId, to: NodeId, changes: Vec<LinkChange> },
    Faults { node: NodeId, changes: Vec<FaultChange> },
    Voters(Vec<NodeId>),
}

impl LinkChange {
    pub fn english(&self) -> String {
        match self {
            LinkChange::Delay(ms) => format!("delay {}", range(*ms)),
            LinkChange::Share(p, what) => format!("{} {}", percent(*p), what.english()),
        }
    }
}

impl FaultChange {
    pub fn english(&self) -> String {
        match self {
            FaultChange::Drift(d) => {
                format!("clock {} {}", if *d > 0.0 { "fast by" } else { "slow by" }, percent(d.abs()))
            }
            FaultChange::SendOmission(p) => format!("drops {} of what it sends", percent(*p)),
            FaultChange::ReceiveOmission(p) => format!("misses {} of what it receives", percent(*p)),
            FaultChange::Byzantine => "Byzantine".into(),
        }
    }
}

impl Setting {
    /// The setting in the settings panel's English words.
    pub fn english(&self) -> String {
        match self {
            Setting::ElectionTimeout(ms) => format!("election timeout {}", range(*ms)),
            Setting::ServerElectionTimeout { node, ms } => format!("S{node}'s election timeout {}", range(*ms)),
            Setting::OwnLogs => "servers start with logs and terms of their own".into(),
            Setting::Heartbeat(ms) => format!("heartbeat every {ms} ms"),
            Setting::Backtrack(Backtrack::OneByOne) => "nextIndex backtracks one by one (Figure 2)".into(),
            Setting::Backtrack(Backtrack::ConflictTerm) => "nextIndex skips the conflicting term".into(),
            Setting::Noop(true) => "no-op entry on election".into(),
            Setting::Noop(false) => "no no-op entry on election".into(),
            Setting::MaxEntries(n) => format!("at most {n} entries per AppendEntries"),
            Setting::PreVote => "PreVote on".into(),
            Setting::CheckQuorum => "CheckQuorum on".into(),
            Setting::NoLeaderLiveliness => "leader liveliness off".into(),
            Setting::SingleServerChanges => "membership changes one server at a time".into(),
            Setting::ReadIndex => "ReadIndex reads".into(),
            Setting::Lease { drift_bound } => format!("lease reads (clock drift bound {})", percent(*drift_bound)),
            Setting::Snapshots { threshold, chunk_bytes } => {
                format!("snapshots after {threshold} entries, sent in {chunk_bytes}-byte chunks")
            }
            Setting::Latency(ms) => format!("message delay {}", range(*ms)),
            Setting::Messages(p, what) => format!("{} of messages {}", percent(*p), what.english()),
            Setting::PartiallySynchronous { gst_ms } => {
                format!("partially synchronous network until GST at {gst_ms} ms")
            }
            Setting::Asynchronous => "asynchronous network (unbounded delays)".into(),
            Setting::Link { from, to, changes } => format!(
                "link S{from}->S{to}: {}",
                changes.iter().map(LinkChange::english).collect::<Vec<_>>().join(", ")
            ),
            Setting::Faults { node, changes } => {
                format!("S{node}: {}", changes.iter().map(FaultChange::english).collect::<Vec<_>>().join(", "))
            }
            Setting::Voters(ids) => {
                let ids: Vec<String> = ids.iter().map(|m| format!("S{m}")).collect();
                format!("starts with voters {} only", ids.join(", "))
            }
        }
    }
}

/// The settings of `scenario` that are not the defaults, in the settings panel's words.
pub fn changed(scenario: &Scenario) -> Vec<String> {
    changes(scenario).iter().map(Setting::english).collect()
}

/// The settings of `scenario` that are not the defaults, in order.
pub fn changes(scenario: &Scenario) -> Vec<Setting> {
    let (r, d) = (&scenario.raft, RaftSettings::default());
    let mut out = Vec::new();
    if r.election_timeout_ms != d.election_timeout_ms {
        out.push(Setting::ElectionTimeout(r.election_timeout_ms));
    }
    for (&node, ms) in scenario.servers.iter().filter_map(|(id, s)| Some((id, s.election_timeout_ms?))) {
        out.push(Setting::ServerElectionTimeout { node, ms });
    }
    if scenario.servers.values().any(|s| !s.log.is_empty() || s.term.is_some_and(|t| t > 0)) {
        out.push(Setting::OwnLogs);
    }
    if r.heartbeat_ms != d.heartbeat_ms {
        out.push(Setting::Heartbeat(r.heartbeat_ms));
    }
    if r.backtrack != d.backtrack {
        out.push(Setting::Backtrack(r.backtrack));
    }
    if r.noop_on_election != d.noop_on_election {
        out.push(Setting::Noop(r.noop_on_election));
    }
    if r.max_entries_per_message != d.max_entries_per_message {
        out.push(Setting::MaxEntries(r.max_entries_per_message));
    }
    if r.pre_vote {
        out.push(Setting::PreVote);
    }
    if r.check_quorum {
        out.push(Setting::CheckQuorum);
    }
    if !r.leader_liveliness {
        out.push(Setting::NoLeaderLiveliness);
    }
    if r.membership_mode == MembershipMode::SingleServer {
        out.push(Setting::SingleServerChanges);
    }
    match r.read_mode {
        ReadMode::Log => {}
        ReadMode::ReadIndex => out.push(Setting::ReadIndex),
        ReadMode::Lease => out.push(Setting::Lease { drift_bound: r.lease_drift_bound }),
    }
    if r.snapshot_threshold > 0 {
        out.push(Setting::Snapshots { threshold: r.snapshot_threshold, chunk_bytes: r.snapshot_chunk_bytes });
    }
    let (n, dn) = (&scenario.network, NetworkSettings::default());
    if n.latency_ms != dn.latency_ms {
        out.push(Setting::Latency(n.latency_ms));
    }
    for (p, what) in [(n.loss, Mishap::Lost), (n.duplicate, Mishap::Duplicated), (n.reorder, Mishap::Reordered)] {
        if p > 0.0 {
            out.push(Setting::Messages(p, what));
        }
    }
    match n.timing {
        TimingModel::Synchronous => {}
        TimingModel::PartiallySynchronous { gst_ms, .. } => out.push(Setting::PartiallySynchronous { gst_ms }),
        TimingModel::Asynchronous { .. } => out.push(Setting::Asynchronous),
    }
    for l in &n.links {
        let mut changes = Vec::new();
        if let Some(ms) = l.latency_ms {
            changes.push(LinkChange::Delay(ms));
        }
        for (p, what) in [(l.loss, Mishap::Lost), (l.duplicate, Mishap::Duplicated), (l.reorder, Mishap::Reordered)] {
            if let Some(p) = p {
                changes.push(LinkChange::Share(p, what));
            }
        }
        if !changes.is_empty() {
            out.push(Setting::Link { from: l.from, to: l.to, changes });
        }
    }
    for f in &scenario.faults {
        let mut changes = Vec::new();
        if f.drift != 0.0 {
            changes.push(FaultChange::Drift(f.drift));
        }
        if f.send_omission > 0.0 {
            changes.push(FaultChange::SendOmission(f.send_omission));
        }
        if f.receive_omission > 0.0 {
            changes.push(FaultChange::ReceiveOmission(f.receive_omission));
        }
        if !f.byzantine.is_empty() {
            changes.push(FaultChange::Byzantine);
        }
        if !changes.is_empty() {
            out.push(Setting::Faults { node: f.node, changes });
        }
    }
    if let Some(members) = &scenario.members {
        out.push(Setting::Voters(members.clone()));
    }
    out
}

/// The step's settings that differ from the defaults at `at_ms` (its pause, or its start), one
/// line: the Break Raft rules that are on, then the caption's list of changed settings
/// ([`changed`]), with the network and fault changes of the timeline up to that moment
/// applied. Empty when the step runs with the defaults.
pub fn line_at(scenario: &Scenario, at_ms: f64) -> String {
    let at = settings_at(scenario, at_ms);
    let broken = at.broken.iter().map(|r| format!("Break Raft: {}", r.name()));
    broken.chain(at.changes.iter().map(Setting::english)).chain(at.rules).collect::<Vec<_>>().join("; ")
}

/// What [`line_at`] says, in parts: the Break Raft rules on, the changed settings, and the
/// message rules in force (in English, as `message_rule` writes them).
#[derive(Clone, Debug, PartialEq)]
pub struct StepSettings {
    pub broken: Vec<raft_core::UnsafeRule>,
    pub changes: Vec<Setting>,
    pub rules: Vec<String>,
}

/// The parts of [`line_at`].
pub fn settings_at(scenario: &Scenario, at_ms: f64) -> StepSettings {
    let mut now = Scenario { timeline: Vec::new(), ..scenario.clone() };
    let mut rules = Vec::new();
    for timed in scenario.timeline.iter().filter(|a| a.at_ms <= at_ms) {
        // Message rules in force then (message_rule.rs), their ends named as written.
        if let Some(text) = crate::scenario::message_rule::in_force(&timed.action, timed.at_ms, at_ms) {
            rules.push(text);
        }
        match &timed.action {
            Action::SetNetwork { latency_ms, loss, duplicate, reorder, timing } => {
                let n = &mut now.network;
                n.latency_ms = latency_ms.unwrap_or(n.latency_ms);
                n.loss = loss.unwrap_or(n.loss);
                n.duplicate = duplicate.unwrap_or(n.duplicate);
                n.reorder = reorder.unwrap_or(n.reorder);
                if let Some(t) = timing {
                    n.timing = t.clone();
                }
            }
            Action::SetFaults(faults) => {
                now.faults.retain(|f| f.node != faults.node);
                now.faults.push(faults.clone());
            }
            _ => {}
        }
    }
    now.faults.sort_by_key(|f| f.node);
    let broken = raft_core::UnsafeRule::ALL.into_iter().filter(|r| now.raft.unsafe_rules.contains(r)).collect();
    StepSettings { broken, changes: changes(&now), rules }
}

#[cfg(all(test, feature = "embedded-tours", feature = "embedded-scenarios"))]
mod tests {
    use super::*;

    #[test]
    fn faults_reads_and_network_models_are_named() {
        let s = crate::scenario::builtin::by_name("lease-read-drift").expect("a built-in");
        let c = changed(&s);
        assert!(c.contains(&"lease reads (clock drift bound 10%)".to_string()), "{c:?}");
        assert!(c.contains(&"S1: clock slow by 50%".to_string()), "{c:?}");
        let c = changed(&crate::scenario::builtin::by_name("split-vote").expect("a built-in"));
        assert!(c.contains(&"link S1->S2: delay 2 ms".to_string()), "{c:?}");
        let mut s = crate::scenario::builtin::cluster(3, false);
        s.network.loss = 0.05;
        s.network.timing = TimingModel::Asynchronous { tail_probability: 0.2 };
        let c = changed(&s);
        assert_eq!(c, vec!["5% of messages lost".to_string(), "asynchronous network (unbounded delays)".to_string()]);
    }

    #[test]
    fn own_election_timeouts_and_initial_logs_are_named() {
        let c = changed(&crate::scenario::builtin::by_name("figure-7").expect("a built-in"));
        assert!(c.contains(&"S1's election timeout 100 ms".to_string()), "{c:?}");
        assert!(c.contains(&"servers start with logs and terms of their own".to_string()), "{c:?}");
        let c = changed(&crate::scenario::builtin::by_name("figure-8").expect("a built-in"));
        assert!(!c.iter().any(|l| l.contains("'s election timeout") || l.contains("start with logs")), "{c:?}");
    }

    #[test]
    fn the_settings_line_names_what_differs_from_the_defaults() {
        let tours = crate::scenario::tour::list();
        let line = |id: &str, step: usize| {
            let tour = tours.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("tour {id}"));
            let s = &tour.steps[step];
            line_at(&tour.scenario_at(step).expect("the step's scenario"), s.pause_ms.unwrap_or(s.start_ms))
        };
        // Leader election runs with the defaults.
        assert_eq!(line("leader-election", 0), "");
        // The no-op is off in the leader-crash tour's first steps.
        assert!(line("leader-crash", 0).contains("no no-op entry on election"), "{}", line("leader-crash", 0));
        // The safety tour's step 2 breaks the election restriction.
        assert!(line("safety", 1).starts_with("Break Raft: no-vote-restriction"), "{}", line("safety", 1));
        // PreVote and a changed election timeout are named.
        assert!(line("prevote-checkquorum", 2).contains("PreVote on"), "{}", line("prevote-checkquorum", 2));
        assert!(line("timing", 1).contains("election timeout 12-20 ms"), "{}", line("timing", 1));
        // Network and fault changes made by the timeline before the step's pause count: the
        // failure-models tour turns S1's send omission on at step 4, to 30% both ways at step 5,
        // and clears it at step 6, where the links start to lose messages.
        assert_eq!(line("failure-models", 2), "");
        assert!(line("failure-models", 3).contains("S1: drops 100% of what it sends"), "{}", line("failure-models", 3));
        assert!(line("failure-models", 4).contains("misses 30% of what it receives"), "{}", line("failure-models", 4));
        let links = line("failure-models", 5);
        assert!(links.contains("10% of messages lost") && !links.contains("S1:"), "{links}");
    }
}
