//! The run's caption: which scenario this is (a built-in's plain title), which Break Raft rules
//! are on, and every setting that differs from the simulator's defaults, in words. A student
//! who opens a link, or a teacher who projects the page, sees at once that "commit-old-terms"
//! is on or that elections are forced on a 10-second timer, without opening the settings.
use raft_core::{Backtrack, MembershipMode, ReadMode, UnsafeRule};
use raft_sim::scenario::{NetworkSettings, RaftSettings, TimingModel};
use raft_sim::Scenario;

#[derive(Clone, Debug, PartialEq)]
pub struct CaptionView {
    /// The built-in's title, or the scenario's name for any other run.
    pub title: String,
    /// The built-in's id when the title is shown instead (for links and `raftsim run`).
    pub id: Option<String>,
    pub description: String,
    /// The Break Raft rules that are on.
    pub broken: Vec<UnsafeRule>,
    /// Settings that differ from the defaults, each in a few words.
    pub changed: Vec<String>,
}

fn range(ms: [f64; 2]) -> String {
    if ms[0] == ms[1] {
        format!("{} ms", ms[0])
    } else {
        format!("{}-{} ms", ms[0], ms[1])
    }
}

fn percent(p: f64) -> String {
    format!("{}%", (p * 1000.0).round() / 10.0)
}

impl CaptionView {
    /// The caption of `scenario`; `title` is its built-in title if it is an unchanged built-in.
    pub fn of(scenario: &Scenario, title: Option<&str>) -> CaptionView {
        CaptionView {
            title: title.map_or_else(|| scenario.name.clone(), str::to_string),
            id: title.map(|_| scenario.name.clone()),
            description: scenario.description.clone(),
            broken: UnsafeRule::ALL.into_iter().filter(|r| scenario.raft.unsafe_rules.contains(r)).collect(),
            changed: changed(scenario),
        }
    }
}

/// The settings of `scenario` that are not the defaults, in the settings panel's words.
pub fn changed(scenario: &Scenario) -> Vec<String> {
    let (r, d) = (&scenario.raft, RaftSettings::default());
    let mut out = Vec::new();
    if r.election_timeout_ms != d.election_timeout_ms {
        out.push(format!("election timeout {}", range(r.election_timeout_ms)));
    }
    if r.heartbeat_ms != d.heartbeat_ms {
        out.push(format!("heartbeat every {} ms", r.heartbeat_ms));
    }
    if r.backtrack != d.backtrack {
        out.push(match r.backtrack {
            Backtrack::OneByOne => "nextIndex backtracks one by one (Figure 2)".to_string(),
            Backtrack::ConflictTerm => "nextIndex skips the conflicting term".to_string(),
        });
    }
    if r.noop_on_election != d.noop_on_election {
        out.push(if r.noop_on_election { "no-op entry on election" } else { "no no-op entry on election" }.into());
    }
    if r.max_entries_per_message != d.max_entries_per_message {
        out.push(format!("at most {} entries per AppendEntries", r.max_entries_per_message));
    }
    if r.pre_vote {
        out.push("PreVote on".into());
    }
    if r.check_quorum {
        out.push("CheckQuorum on".into());
    }
    if !r.leader_liveliness {
        out.push("leader liveliness off".into());
    }
    if r.membership_mode == MembershipMode::SingleServer {
        out.push("membership changes one server at a time".into());
    }
    match r.read_mode {
        ReadMode::Log => {}
        ReadMode::ReadIndex => out.push("ReadIndex reads".into()),
        ReadMode::Lease => out.push(format!("lease reads (clock drift bound {})", percent(r.lease_drift_bound))),
    }
    if r.snapshot_threshold > 0 {
        out.push(format!(
            "snapshots after {} entries, sent in {}-byte chunks",
            r.snapshot_threshold, r.snapshot_chunk_bytes
        ));
    }
    let (n, dn) = (&scenario.network, NetworkSettings::default());
    if n.latency_ms != dn.latency_ms {
        out.push(format!("message delay {}", range(n.latency_ms)));
    }
    for (p, what) in [(n.loss, "lost"), (n.duplicate, "duplicated"), (n.reorder, "reordered")] {
        if p > 0.0 {
            out.push(format!("{} of messages {what}", percent(p)));
        }
    }
    match n.timing {
        TimingModel::Synchronous => {}
        TimingModel::PartiallySynchronous { gst_ms, .. } => {
            out.push(format!("partially synchronous network until GST at {gst_ms} ms"))
        }
        TimingModel::Asynchronous { .. } => out.push("asynchronous network (unbounded delays)".into()),
    }
    for l in &n.links {
        let mut what = Vec::new();
        if let Some(ms) = l.latency_ms {
            what.push(format!("delay {}", range(ms)));
        }
        for (p, word) in [(l.loss, "lost"), (l.duplicate, "duplicated"), (l.reorder, "reordered")] {
            if let Some(p) = p {
                what.push(format!("{} {word}", percent(p)));
            }
        }
        if !what.is_empty() {
            out.push(format!("link S{}->S{}: {}", l.from, l.to, what.join(", ")));
        }
    }
    for f in &scenario.faults {
        let mut what = Vec::new();
        if f.drift != 0.0 {
            what.push(format!(
                "clock {} {}",
                if f.drift > 0.0 { "fast by" } else { "slow by" },
                percent(f.drift.abs())
            ));
        }
        if f.send_omission > 0.0 {
            what.push(format!("drops {} of what it sends", percent(f.send_omission)));
        }
        if f.receive_omission > 0.0 {
            what.push(format!("misses {} of what it receives", percent(f.receive_omission)));
        }
        if !f.byzantine.is_empty() {
            what.push("Byzantine".into());
        }
        if !what.is_empty() {
            out.push(format!("S{}: {}", f.node, what.join(", ")));
        }
    }
    if let Some(members) = &scenario.members {
        let ids: Vec<String> = members.iter().map(|m| format!("S{m}")).collect();
        out.push(format!("starts with voters {} only", ids.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::builtin;

    #[test]
    fn a_plain_cluster_has_nothing_to_say_and_its_name_as_title() {
        let c = CaptionView::of(&builtin::cluster(3, false), None);
        assert_eq!(c.title, "cluster-3");
        assert_eq!(c.id, None);
        assert!(c.broken.is_empty() && c.changed.is_empty(), "{c:?}");
    }

    #[test]
    fn figure_8_unsafe_names_its_broken_rule_and_its_settings() {
        let s = builtin::by_name("figure-8-unsafe").expect("a built-in");
        let c = CaptionView::of(&s, builtin::title("figure-8-unsafe"));
        assert_eq!(c.title, "Figure 8 without present-term commitment: a committed entry is lost");
        assert_eq!(c.id.as_deref(), Some("figure-8-unsafe"));
        assert_eq!(c.broken, vec![UnsafeRule::CommitOldTerms]);
        for want in [
            "election timeout 10000-12000 ms",
            "nextIndex backtracks one by one (Figure 2)",
            "no no-op entry on election",
            "leader liveliness off",
            "message delay 5 ms",
        ] {
            assert!(c.changed.iter().any(|x| x == want), "{want} in {:?}", c.changed);
        }
        assert!(builtin::by_name("figure-8").is_some_and(|s| CaptionView::of(&s, None).broken.is_empty()));
    }

    #[test]
    fn faults_reads_and_network_models_are_named() {
        let s = builtin::by_name("lease-read-drift").expect("a built-in");
        let c = changed(&s);
        assert!(c.contains(&"lease reads (clock drift bound 10%)".to_string()), "{c:?}");
        assert!(c.contains(&"S1: clock slow by 50%".to_string()), "{c:?}");
        let c = changed(&builtin::by_name("split-vote").expect("a built-in"));
        assert!(c.contains(&"link S1->S2: delay 2 ms".to_string()), "{c:?}");
        let mut s = builtin::cluster(3, false);
        s.network.loss = 0.05;
        s.network.timing = TimingModel::Asynchronous { tail_probability: 0.2 };
        let c = changed(&s);
        assert_eq!(c, vec!["5% of messages lost".to_string(), "asynchronous network (unbounded delays)".to_string()]);
    }
}
