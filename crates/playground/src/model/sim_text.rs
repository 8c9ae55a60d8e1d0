//! The words of what raft-sim hands the page as structured values: the event log's sentences
//! ([`Sentence`]), the caption's changed settings ([`Setting`]) and the invariant monitor's
//! property names and statements ([`Property`]), put into the reader's language through the message catalogue (`text.rs`).
//! raft-sim knows no catalogue; its `english()` says the same in English for the CLI, and the
//! tests below render every kind of sentence through the English catalogue and compare, so
//! the two can never drift apart.
use crate::text::{t, tf};
use raft_core::Backtrack;
use raft_sim::check::finding::{index_list, Finding};
use raft_sim::liveness::{ms_text, LivenessFinding};
use raft_sim::narrate::{Asker, Sentence};
use raft_sim::scenario::settings::{percent, range, FaultChange, LinkChange, Mishap, Setting, StepSettings};
use raft_sim::{Property, Violation};

/// "S1, S3" (Chinese: "S1、S3") for server ids.
fn server_names(ids: &[raft_core::NodeId]) -> String {
    ids.iter().map(|id| format!("S{id}")).collect::<Vec<_>>().join(t("narrate.name-separator"))
}

/// The catalogue id of an operator action's kind (`Action::kind`), for "You acted on the
/// cluster: …".
fn action_id(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "crash" => "narrate.action-crash",
        "crash_leader" => "narrate.action-crash-leader",
        "restart" => "narrate.action-restart",
        "pause" => "narrate.action-pause",
        "resume" => "narrate.action-resume",
        "partition" => "narrate.action-partition",
        "cut" => "narrate.action-cut",
        "isolate" => "narrate.action-isolate",
        "heal" => "narrate.action-heal",
        "set_network" => "narrate.action-set-network",
        "set_faults" => "narrate.action-set-faults",
        "timeout" => "narrate.action-timeout",
        "client" => "narrate.action-client",
        "drop_message" => "narrate.action-drop-message",
        "duplicate_message" => "narrate.action-duplicate-message",
        "manual_delivery" => "narrate.action-manual-delivery",
        "deliver_message" => "narrate.action-deliver-message",
        "align_timers" => "narrate.action-align-timers",
        "spread_timers" => "narrate.action-spread-timers",
        "transfer_leadership" => "narrate.action-transfer-leadership",
        "add_server" => "narrate.action-add-server",
        "remove_server" => "narrate.action-remove-server",
        "change_membership" => "narrate.action-change-membership",
        "message_rule" => "narrate.action-message-rule",
        "stop_clients" => "narrate.action-stop-clients",
        "start_clients" => "narrate.action-start-clients",
        "change_clients" => "narrate.action-change-clients",
        _ => return None,
    })
}

/// An event log line in the page's language.
pub fn sentence_text(s: &Sentence) -> String {
    match s {
        Sentence::Election { node, term } => {
            tf("narrate.election", &[("node", &node.to_string()), ("term", &term.to_string())])
        }
        Sentence::Leader { node, term, voters } if voters.is_empty() => {
            tf("narrate.leader-alone", &[("node", &node.to_string()), ("term", &term.to_string())])
        }
        Sentence::Leader { node, term, voters } => tf(
            "narrate.leader",
            &[("node", &node.to_string()), ("term", &term.to_string()), ("voters", &server_names(voters))],
        ),
        Sentence::Crash { node } => tf("narrate.crash", &[("node", &node.to_string())]),
        Sentence::Restart { node } => tf("narrate.restart", &[("node", &node.to_string())]),
        Sentence::Violation => t("narrate.violation").to_string(),
        Sentence::Acted { kind: Some(kind) } => {
            // A kind this page does not know yet is named as raft-sim writes it.
            let action = action_id(kind).map_or_else(|| kind.replace('_', " "), |id| t(id).to_string());
            tf("narrate.acted", &[("action", &action)])
        }
        Sentence::Acted { kind: None } => t("narrate.acted-unknown").to_string(),
        Sentence::Overwritten { node, from, count, first_term, last_term, asked } => {
            let id = match (*count == 1, first_term == last_term, *asked) {
                (true, true, true) => "narrate.overwritten.one",
                (true, false, true) => "narrate.overwritten.one-terms",
                (false, true, true) => "narrate.overwritten.many",
                (false, false, true) => "narrate.overwritten.many-terms",
                (true, true, false) => "narrate.overwritten-unasked.one",
                (true, false, false) => "narrate.overwritten-unasked.one-terms",
                (false, true, false) => "narrate.overwritten-unasked.many",
                (false, false, false) => "narrate.overwritten-unasked.many-terms",
            };
            let to = (from + count).saturating_sub(1);
            tf(
                id,
                &[
                    ("node", &node.to_string()),
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                    ("term", &first_term.to_string()),
                    ("first", &first_term.to_string()),
                    ("last", &last_term.to_string()),
                ],
            )
        }
        Sentence::Request { asker: Asker::You, op } => tf("narrate.request-yours", &[("op", op)]),
        Sentence::Request { asker: Asker::Client(c), op } => {
            tf("narrate.request", &[("client", &c.to_string()), ("op", op)])
        }
        Sentence::Answer { by, asker, op, put } => {
            let id = match (by.is_some(), matches!(asker, Asker::You), put) {
                (true, false, true) => "narrate.answer-put",
                (true, false, false) => "narrate.answer-get",
                (true, true, true) => "narrate.answer-put-yours",
                (true, true, false) => "narrate.answer-get-yours",
                (false, false, true) => "narrate.cluster-answer-put",
                (false, false, false) => "narrate.cluster-answer-get",
                (false, true, true) => "narrate.cluster-answer-put-yours",
                (false, true, false) => "narrate.cluster-answer-get-yours",
            };
            let client = match asker {
                Asker::You => String::new(),
                Asker::Client(c) => c.to_string(),
            };
            let node = by.map(|n| n.to_string()).unwrap_or_default();
            tf(id, &[("node", &node), ("client", &client), ("op", op)])
        }
    }
}

/// A setting that is not the default (the caption, a tour step's settings line), in the
/// page's language.
pub fn setting_text(s: &Setting) -> String {
    let node = |n: &raft_core::NodeId| n.to_string();
    let list = |parts: Vec<String>| parts.join(t("setting.list-separator"));
    match s {
        Setting::ElectionTimeout(ms) => tf("setting.election-timeout", &[("range", &range(*ms))]),
        Setting::ServerElectionTimeout { node: n, ms } => {
            tf("setting.server-election-timeout", &[("node", &node(n)), ("range", &range(*ms))])
        }
        Setting::OwnLogs => t("setting.own-logs").into(),
        Setting::Heartbeat(ms) => tf("setting.heartbeat", &[("ms", &ms.to_string())]),
        Setting::Backtrack(Backtrack::OneByOne) => t("setting.backtrack-one-by-one").into(),
        Setting::Backtrack(Backtrack::ConflictTerm) => t("setting.backtrack-conflict-term").into(),
        Setting::Noop(true) => t("setting.noop").into(),
        Setting::Noop(false) => t("setting.no-noop").into(),
        Setting::MaxEntries(n) => tf("setting.max-entries", &[("count", &n.to_string())]),
        Setting::PreVote => t("setting.prevote").into(),
        Setting::CheckQuorum => t("setting.check-quorum").into(),
        Setting::NoLeaderLiveliness => t("setting.no-leader-liveliness").into(),
        Setting::SingleServerChanges => t("setting.single-server").into(),
        Setting::ReadIndex => t("setting.read-index").into(),
        Setting::Lease { drift_bound } => tf("setting.lease", &[("share", &percent(*drift_bound))]),
        Setting::Snapshots { threshold, chunk_bytes } => {
            tf("setting.snapshots", &[("count", &threshold.to_string()), ("bytes", &chunk_bytes.to_string())])
        }
        Setting::Latency(ms) => tf("setting.latency", &[("range", &range(*ms))]),
        Setting::Messages(p, what) => {
            let id = match what {
                Mishap::Lost => "setting.messages-lost",
                Mishap::Duplicated => "setting.messages-duplicated",
                Mishap::Reordered => "setting.messages-reordered",
            };
            tf(id, &[("share", &percent(*p))])
        }
        Setting::PartiallySynchronous { gst_ms } => tf("setting.partially-synchronous", &[("ms", &gst_ms.to_string())]),
        Setting::Asynchronous => t("setting.asynchronous").into(),
        Setting::Link { from, to, changes } => {
            let parts = changes
                .iter()
                .map(|c| match c {
                    LinkChange::Delay(ms) => tf("setting.link-delay", &[("range", &range(*ms))]),
                    LinkChange::Share(p, what) => {
                        let id = match what {
                            Mishap::Lost => "setting.link-lost",
                            Mishap::Duplicated => "setting.link-duplicated",
                            Mishap::Reordered => "setting.link-reordered",
                        };
                        tf(id, &[("share", &percent(*p))])
                    }
                })
                .collect();
            tf("setting.link", &[("from", &node(from)), ("to", &node(to)), ("changes", &list(parts))])
        }
        Setting::Faults { node: n, changes } => {
            let parts = changes
                .iter()
                .map(|c| match c {
                    FaultChange::Drift(d) if *d > 0.0 => tf("setting.clock-fast", &[("share", &percent(*d))]),
                    FaultChange::Drift(d) => tf("setting.clock-slow", &[("share", &percent(d.abs()))]),
                    FaultChange::SendOmission(p) => tf("setting.send-omission", &[("share", &percent(*p))]),
                    FaultChange::ReceiveOmission(p) => tf("setting.receive-omission", &[("share", &percent(*p))]),
                    FaultChange::Byzantine => t("setting.byzantine").into(),
                })
                .collect();
            tf("setting.faults", &[("node", &node(n)), ("changes", &list(parts))])
        }
        Setting::Voters(ids) => tf("setting.voters", &[("voters", &server_names(ids))]),
    }
}

/// A tour step's settings line (`settings::line_at`) in the page's language: the Break Raft
/// rules on, the changed settings, then the message rules in force (in English: they name
/// message kinds and servers as scenario files write them).
pub fn step_settings_text(s: &StepSettings) -> String {
    let broken = s.broken.iter().map(|r| tf("setting.break-raft", &[("rule", r.name())]));
    broken
        .chain(s.changes.iter().map(setting_text))
        .chain(s.rules.iter().cloned())
        .collect::<Vec<_>>()
        .join(t("setting.line-separator"))
}

/// A safety property's name in the page's language (`Property::name` stays the English key
/// of `data-property`).
pub fn property_name(p: Property) -> &'static str {
    t(match p {
        Property::ElectionSafety => "property.election-safety",
        Property::LeaderAppendOnly => "property.leader-append-only",
        Property::LogMatching => "property.log-matching",
        Property::LeaderCompleteness => "property.leader-completeness",
        Property::StateMachineSafety => "property.state-machine-safety",
        Property::MonotonicTerm => "property.monotonic-term",
        Property::MonotonicCommitIndex => "property.monotonic-commit-index",
        Property::OneChangeAtATime => "property.one-change-at-a-time",
        Property::QuorumCommit => "property.quorum-commit",
        Property::Linearizability => "property.linearizability",
        Property::SnapshotSafety => "property.snapshot-safety",
        Property::LeaderElected => "property.leader-elected",
        Property::RequestsAnswered => "property.requests-answered",
        Property::LeaderKept => "property.leader-kept",
    })
}

/// A safety property as the paper states it, in the page's language.
pub fn property_statement(p: Property) -> &'static str {
    t(match p {
        Property::ElectionSafety => "property.election-safety-statement",
        Property::LeaderAppendOnly => "property.leader-append-only-statement",
        Property::LogMatching => "property.log-matching-statement",
        Property::LeaderCompleteness => "property.leader-completeness-statement",
        Property::StateMachineSafety => "property.state-machine-safety-statement",
        Property::MonotonicTerm => "property.monotonic-term-statement",
        Property::MonotonicCommitIndex => "property.monotonic-commit-index-statement",
        Property::OneChangeAtATime => "property.one-change-at-a-time-statement",
        Property::QuorumCommit => "property.quorum-commit-statement",
        Property::Linearizability => "property.linearizability-statement",
        Property::SnapshotSafety => "property.snapshot-safety-statement",
        Property::LeaderElected => "property.leader-elected-statement",
        Property::RequestsAnswered => "property.requests-answered-statement",
        Property::LeaderKept => "property.leader-kept-statement",
    })
}

/// What a liveness check found, in the page's language.
pub fn liveness_text(f: &LivenessFinding) -> String {
    match f {
        LivenessFinding::NoLeader { since_us, bound_us, hold_us } => tf(
            "liveness.no-leader",
            &[("since", &ms_text(*since_us)), ("bound", &ms_text(*bound_us)), ("hold", &ms_text(*hold_us))],
        ),
        LivenessFinding::Unanswered { client, seq, since_us, bound_us } => tf(
            "liveness.unanswered",
            &[
                ("client", &client.to_string()),
                ("seq", &seq.to_string()),
                ("since", &ms_text(*since_us)),
                ("bound", &ms_text(*bound_us)),
            ],
        ),
        LivenessFinding::Deposed { leader, term, by: Some(by), new_term } => tf(
            "liveness.deposed",
            &[
                ("leader", &leader.to_string()),
                ("term", &term.to_string()),
                ("by", &by.to_string()),
                ("new_term", &new_term.to_string()),
            ],
        ),
        LivenessFinding::Deposed { leader, term, by: None, .. } => {
            tf("liveness.stepped-down", &[("leader", &leader.to_string()), ("term", &term.to_string())])
        }
    }
}

/// What a violation's check found, in the page's language (a violation found elsewhere, with
/// no [`Finding`], keeps its English message).
pub fn violation_text(v: &Violation) -> String {
    match &v.finding {
        Some(f) => finding_text(f),
        None => v.message.clone(),
    }
}

/// A [`Finding`] in the page's language.
pub fn finding_text(f: &Finding) -> String {
    fn n(x: &impl ToString) -> String {
        x.to_string()
    }
    match f {
        Finding::TermWentBack { node, from, to } => {
            tf("violation.term-went-back", &[("node", &n(node)), ("from", &n(from)), ("to", &n(to))])
        }
        Finding::CommitIndexWentBack { node, from, to } => {
            tf("violation.commit-index-went-back", &[("node", &n(node)), ("from", &n(from)), ("to", &n(to))])
        }
        Finding::LeaderChangedLog { node, term, index, had, now } => tf(
            "violation.leader-changed-log",
            &[("node", &n(node)), ("term", &n(term)), ("index", &n(index)), ("had", &n(had)), ("now", &n(now))],
        ),
        Finding::IndexOutOfPlace { node, index, position } => {
            tf("violation.index-out-of-place", &[("node", &n(node)), ("index", &n(index)), ("position", &n(position))])
        }
        Finding::LogsDiffer { other, node, index, term } => tf(
            "violation.logs-differ",
            &[("other", &n(other)), ("node", &n(node)), ("index", &n(index)), ("term", &n(term))],
        ),
        Finding::CommittedEntryLost { node, index, term, now } => {
            let id =
                if now.is_some() { "violation.committed-entry-replaced" } else { "violation.committed-entry-gone" };
            let now = now.map(|t| t.to_string()).unwrap_or_default();
            tf(id, &[("node", &n(node)), ("index", &n(index)), ("term", &n(term)), ("now", &now)])
        }
        Finding::TwoLeaders { other, node, term } => {
            tf("violation.two-leaders", &[("other", &n(other)), ("node", &n(node)), ("term", &n(term))])
        }
        Finding::LeaderWithoutCommitted { node, term, index, entry_term, committed_in } => tf(
            "violation.leader-without-committed",
            &[
                ("node", &n(node)),
                ("term", &n(term)),
                ("index", &n(index)),
                ("entry_term", &n(entry_term)),
                ("committed_in", &n(committed_in)),
            ],
        ),
        Finding::UncommittedConfigurations { node, term, indexes } => tf(
            "violation.uncommitted-configurations",
            &[
                ("node", &n(node)),
                ("term", &n(term)),
                ("count", &indexes.len().to_string()),
                ("indexes", &index_list(indexes)),
            ],
        ),
        Finding::NoQuorum { node, term, index, holders, config } => tf(
            "violation.no-quorum",
            &[("node", &n(node)), ("term", &n(term)), ("index", &n(index)), ("holders", holders), ("config", config)],
        ),
        Finding::CommittedDifferently { node, index, term, before } => tf(
            "violation.committed-differently",
            &[("node", &n(node)), ("index", &n(index)), ("term", &n(term)), ("before", &n(before))],
        ),
        Finding::SittingLeaderWithout { index, term, committed_in, node, leader_term } => tf(
            "violation.sitting-leader-without",
            &[
                ("index", &n(index)),
                ("term", &n(term)),
                ("committed_in", &n(committed_in)),
                ("node", &n(node)),
                ("leader_term", &n(leader_term)),
            ],
        ),
        Finding::AppliedDifferently { node, index, term, other, other_term } => tf(
            "violation.applied-differently",
            &[
                ("node", &n(node)),
                ("index", &n(index)),
                ("term", &n(term)),
                ("other", &n(other)),
                ("other_term", &n(other_term)),
            ],
        ),
        Finding::SnapshotPastCommit { node, index, term, committed } => tf(
            "violation.snapshot-past-commit",
            &[("node", &n(node)), ("index", &n(index)), ("term", &n(term)), ("committed", &committed.to_string())],
        ),
        Finding::SnapshotTermDiffers { node, index, term, committed_term } => tf(
            "violation.snapshot-term-differs",
            &[("node", &n(node)), ("index", &n(index)), ("term", &n(term)), ("committed_term", &n(committed_term))],
        ),
        Finding::SnapshotStateDiffers { node, index } => {
            tf("violation.snapshot-state-differs", &[("node", &n(node)), ("index", &n(index))])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::scenario::shape::ACTIONS;
    use raft_sim::session::Session;
    use std::collections::BTreeSet;

    /// What the event log says of every built-in scenario run for a few seconds, then with its
    /// leader crashed by the operator and run on.
    fn run_sentences() -> Vec<Sentence> {
        let mut out = Vec::new();
        for scenario in raft_sim::builtin::list() {
            let mut session = Session::new(&scenario).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
            session.advance(3_000_000, 200_000, false);
            if let Some(leader) = session.sim().leader() {
                let crash = raft_sim::scenario::Action::Crash { node: leader, mode: Default::default() };
                session.act(crash).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
                session.advance(4_000_000, 400_000, false);
            }
            out.extend(crate::model::events::lines_of(&session).into_iter().map(|l| l.sentence));
        }
        out
    }

    /// Every shape of sentence and every action kind, made by hand (the runs above need not
    /// reach them all).
    fn made_sentences() -> Vec<Sentence> {
        let mut out: Vec<Sentence> = ACTIONS.kinds.iter().map(|(k, _)| Sentence::Acted { kind: Some(*k) }).collect();
        out.push(Sentence::Acted { kind: None });
        out.push(Sentence::Election { node: 1, term: 2 });
        out.push(Sentence::Leader { node: 2, term: 4, voters: vec![] });
        out.push(Sentence::Leader { node: 2, term: 4, voters: vec![1, 2] });
        out.push(Sentence::Crash { node: 3 });
        out.push(Sentence::Restart { node: 3 });
        out.push(Sentence::Violation);
        for ((count, t2), asked) in [(1, 3), (1, 4), (3, 3), (3, 5)].into_iter().flat_map(|c| [(c, true), (c, false)]) {
            out.push(Sentence::Overwritten { node: 2, from: 4, count, first_term: 3, last_term: t2, asked });
        }
        for asker in [Asker::You, Asker::Client(7)] {
            out.push(Sentence::Request { asker, op: "put x=1".into() });
            for by in [Some(1), None] {
                for put in [true, false] {
                    out.push(Sentence::Answer { by, asker, op: "get x".into(), put });
                }
            }
        }
        out
    }

    fn kind(s: &Sentence) -> String {
        format!("{s:?}").split([' ', '{', '(']).next().unwrap_or_default().to_string()
    }

    #[test]
    fn the_english_catalogue_says_what_raft_sim_says() {
        crate::text::install(crate::text::FALLBACK, None);
        let runs = run_sentences();
        let from_runs: BTreeSet<String> = runs.iter().map(kind).collect();
        for k in ["Election", "Leader", "Crash", "Acted", "Overwritten", "Violation", "Request", "Answer"] {
            assert!(from_runs.contains(k), "no built-in run says a {k} sentence: {from_runs:?}");
        }
        assert!(runs.len() > 200, "{}", runs.len());
        for s in runs.iter().chain(&made_sentences()) {
            assert_eq!(sentence_text(s), s.english(), "{s:?}");
        }
    }

    #[test]
    fn every_action_kind_has_words_and_chinese_leaves_no_id_or_english_behind() {
        for (kind, _) in ACTIONS.kinds {
            assert!(action_id(kind).is_some(), "no catalogue id for the action kind {kind}");
        }
        let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
        let zh = crate::text::parse(&std::fs::read_to_string(path).expect("the zh-CN catalogue")).expect("valid");
        crate::text::install("zh-CN", Some(zh));
        for s in made_sentences() {
            let text = sentence_text(&s);
            assert!(!text.contains("narrate") && !text.contains('{'), "untranslated: {text} for {s:?}");
            assert_ne!(text, s.english(), "{s:?} is still English");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese in {text}");
        }
        crate::text::install(crate::text::FALLBACK, None);
    }

    /// Every property, and the changed settings of every built-in and every tour step plus
    /// hand-made ones for the kinds no built-in uses.
    fn all_settings() -> Vec<Setting> {
        use raft_sim::scenario::settings::changes;
        let mut out: Vec<Setting> = raft_sim::builtin::list().iter().flat_map(changes).collect();
        out.extend([
            Setting::Backtrack(Backtrack::ConflictTerm),
            Setting::Backtrack(Backtrack::OneByOne),
            Setting::Noop(true),
            Setting::Noop(false),
            Setting::MaxEntries(3),
            Setting::PreVote,
            Setting::CheckQuorum,
            Setting::NoLeaderLiveliness,
            Setting::SingleServerChanges,
            Setting::ReadIndex,
            Setting::Lease { drift_bound: 0.1 },
            Setting::Snapshots { threshold: 10, chunk_bytes: 512 },
            Setting::Heartbeat(20.0),
            Setting::ElectionTimeout([100.0, 100.0]),
            Setting::ServerElectionTimeout { node: 1, ms: [100.0, 200.0] },
            Setting::OwnLogs,
            Setting::Latency([1.0, 5.0]),
            Setting::PartiallySynchronous { gst_ms: 500.0 },
            Setting::Asynchronous,
            Setting::Voters(vec![1, 2]),
        ]);
        for what in [Mishap::Lost, Mishap::Duplicated, Mishap::Reordered] {
            out.push(Setting::Messages(0.125, what));
            out.push(Setting::Link {
                from: 1,
                to: 2,
                changes: vec![LinkChange::Delay([2.0, 2.0]), LinkChange::Share(0.5, what)],
            });
        }
        let faults = [
            FaultChange::Drift(0.5),
            FaultChange::Drift(-0.25),
            FaultChange::SendOmission(1.0),
            FaultChange::ReceiveOmission(0.3),
            FaultChange::Byzantine,
        ];
        out.push(Setting::Faults { node: 3, changes: faults.to_vec() });
        out
    }

    #[test]
    fn settings_and_properties_read_the_same_in_the_english_catalogue_and_are_translated() {
        crate::text::install(crate::text::FALLBACK, None);
        let settings = all_settings();
        assert!(settings.len() > 40, "{}", settings.len());
        for s in &settings {
            assert_eq!(setting_text(s), s.english(), "{s:?}");
        }
        let files = crate::store::tests::tour_files();
        let (tours, problems) = raft_sim::tour::parse_files(&files);
        assert!(problems.is_empty() && tours.len() > 5, "{problems:?}");
        let mut lines = 0;
        for tour in tours {
            for (i, step) in tour.steps.iter().enumerate() {
                if tour.course_step(i).is_some() {
                    continue; // another protocol's run: no Raft settings line
                }
                let scenario = tour.scenario_at(i).expect("the step's scenario");
                let at = step.pause_ms.unwrap_or(step.start_ms);
                let line = raft_sim::scenario::settings::line_at(&scenario, at);
                let parts = raft_sim::scenario::settings::settings_at(&scenario, at);
                assert_eq!(step_settings_text(&parts), line, "{} step {}", tour.id, i + 1);
                lines += usize::from(!line.is_empty());
            }
        }
        assert!(lines > 10, "few tour steps change a setting: {lines}");
        for p in Property::ALL.into_iter().chain([Property::Linearizability]).chain(Property::LIVENESS) {
            assert_eq!(property_name(p), p.name());
            assert_eq!(property_statement(p), p.statement());
        }
        let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
        let zh = crate::text::parse(&std::fs::read_to_string(path).expect("the zh-CN catalogue")).expect("valid");
        crate::text::install("zh-CN", Some(zh));
        for s in &settings {
            let text = setting_text(s);
            assert!(!text.contains("setting") && !text.contains('{'), "untranslated: {text}");
            assert_ne!(text, s.english(), "{s:?} is still English");
        }
        for p in Property::ALL.into_iter().chain([Property::Linearizability]).chain(Property::LIVENESS) {
            assert_ne!(property_name(p), p.name());
            assert_ne!(property_statement(p), p.statement());
        }
        crate::text::install(crate::text::FALLBACK, None);
    }

    /// Every kind of finding, made by hand, and those of every built-in run to its end.
    fn all_findings() -> Vec<Finding> {
        let mut out = vec![
            Finding::TermWentBack { node: 1, from: 3, to: 2 },
            Finding::CommitIndexWentBack { node: 2, from: 5, to: 4 },
            Finding::LeaderChangedLog { node: 1, term: 2, index: 3, had: 4, now: 3 },
            Finding::IndexOutOfPlace { node: 1, index: 5, position: 4 },
            Finding::LogsDiffer { other: 1, node: 2, index: 3, term: 2 },
            Finding::CommittedEntryLost { node: 1, index: 2, term: 1, now: Some(3) },
            Finding::CommittedEntryLost { node: 1, index: 2, term: 1, now: None },
            Finding::TwoLeaders { other: 1, node: 3, term: 4 },
            Finding::LeaderWithoutCommitted { node: 5, term: 4, index: 2, entry_term: 2, committed_in: 3 },
            Finding::UncommittedConfigurations { node: 1, term: 2, indexes: vec![3, 5] },
            Finding::NoQuorum {
                node: 1,
                term: 2,
                index: 3,
                holders: "{1, 2}".into(),
                config: "config {1, 2, 3, 4, 5}".into(),
            },
            Finding::CommittedDifferently { node: 1, index: 2, term: 3, before: 2 },
            Finding::SittingLeaderWithout { index: 2, term: 2, committed_in: 3, node: 4, leader_term: 4 },
            Finding::AppliedDifferently { node: 1, index: 2, term: 3, other: 2, other_term: 2 },
            Finding::SnapshotPastCommit { node: 1, index: 9, term: 2, committed: 5 },
            Finding::SnapshotTermDiffers { node: 1, index: 4, term: 3, committed_term: 2 },
            Finding::SnapshotStateDiffers { node: 1, index: 4 },
        ];
        for scenario in raft_sim::builtin::list() {
            let mut session = Session::new(&scenario).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
            session.advance(20_000_000, 500_000, false);
            for v in session.sim().violations() {
                let found =
                    v.finding.clone().unwrap_or_else(|| panic!("{}: {} has no finding", scenario.name, v.message));
                assert_eq!(found.english(), v.message);
                assert_eq!(violation_text(v), v.message, "{}", scenario.name);
                out.push(found);
            }
        }
        out
    }

    #[test]
    fn violations_read_the_same_in_the_english_catalogue_and_are_translated() {
        crate::text::install(crate::text::FALLBACK, None);
        let all = all_findings();
        assert!(all.len() > 17, "the built-in runs broke nothing: {}", all.len());
        for f in &all {
            assert_eq!(finding_text(f), f.english(), "{f:?}");
        }
        let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
        let zh = crate::text::parse(&std::fs::read_to_string(path).expect("the zh-CN catalogue")).expect("valid");
        crate::text::install("zh-CN", Some(zh));
        for f in &all {
            let text = finding_text(f);
            assert!(raft_sim::tour_text::placeholders(&text).is_empty() && text != f.english(), "untranslated: {text}");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese in {text}");
        }
        crate::text::install(crate::text::FALLBACK, None);
    }

    #[test]
    fn liveness_findings_read_the_same_in_the_english_catalogue_and_are_translated() {
        let all = [
            LivenessFinding::NoLeader { since_us: 170_980, bound_us: 4_800_000, hold_us: 400_000 },
            LivenessFinding::Unanswered { client: 1, seq: 2, since_us: 398_889, bound_us: 6_352_000 },
            LivenessFinding::Deposed { leader: 1, term: 2, by: Some(3), new_term: 5 },
            LivenessFinding::Deposed { leader: 1, term: 2, by: None, new_term: 2 },
        ];
        crate::text::install(crate::text::FALLBACK, None);
        for f in &all {
            assert_eq!(liveness_text(f), f.english(), "{f:?}");
        }
        let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
        let zh = crate::text::parse(&std::fs::read_to_string(path).expect("the zh-CN catalogue")).expect("valid");
        crate::text::install("zh-CN", Some(zh));
        for f in &all {
            let text = liveness_text(f);
            assert!(raft_sim::tour_text::placeholders(&text).is_empty() && text != f.english(), "untranslated: {text}");
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "no Chinese in {text}");
        }
        crate::text::install(crate::text::FALLBACK, None);
    }
}
