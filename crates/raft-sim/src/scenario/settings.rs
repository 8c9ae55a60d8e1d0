//! What a scenario changes from the simulator's defaults, in words: the page's caption, the
//! settings line at the top of a tour step, and `raftsim tour --text` all say it the same way,
//! so a student sees at once that the no-op is off or a Break Raft rule is on without opening
//! the settings.
use crate::scenario::{Action, NetworkSettings, RaftSettings, Scenario, TimingModel};
use raft_core::{Backtrack, MembershipMode, ReadMode};

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

/// The settings of `scenario` that are not the defaults, in the settings panel's words.
pub fn changed(scenario: &Scenario) -> Vec<String> {
    let (r, d) = (&scenario.raft, RaftSettings::default());
    let mut out = Vec::new();
    if r.election_timeout_ms != d.election_timeout_ms {
        out.push(format!("election timeout {}", range(r.election_timeout_ms)));
    }
    for (id, own) in scenario.servers.iter().filter_map(|(id, s)| Some((id, s.election_timeout_ms?))) {
        out.push(format!("S{id}'s election timeout {}", range(own)));
    }
    if scenario.servers.values().any(|s| !s.log.is_empty() || s.term.is_some_and(|t| t > 0)) {
        out.push("servers start with logs and terms of their own".into());
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

/// The step's settings that differ from the defaults at `at_ms` (its pause, or its start), one
/// line: the Break Raft rules that are on, then the caption's list of changed settings
/// ([`changed`]), with the network and fault changes of the timeline up to that moment
/// applied. Empty when the step runs with the defaults.
pub fn line_at(scenario: &Scenario, at_ms: f64) -> String {
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
    let broken = raft_core::UnsafeRule::ALL
        .into_iter()
        .filter(|r| now.raft.unsafe_rules.contains(r))
        .map(|r| format!("Break Raft: {}", r.name()));
    broken.chain(changed(&now)).chain(rules).collect::<Vec<_>>().join("; ")
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
