//! What the event log draws: the run in sentences (made by raft-sim's `narrate` from what the
//! simulator recorded; nothing here decides what happened), filtered by topic, each line
//! placed before or after the moment shown, and the latest line for screen readers. Plain
//! data (no web types).
use crate::model::sim_text::sentence_text;
use raft_sim::narrate::{narrate, Line, Topic};
use raft_sim::session::Session;
use raft_sim::sim::MilestoneKind;

/// The sentences come from at most this many of the latest milestones: a long run has
/// millions, and the log is read for what just happened.
pub const WINDOW: usize = 400;
/// The log lists at most this many lines (the latest of those that pass the filter).
pub const SHOWN: usize = 200;

/// The filters the log offers, in order: (label, topic), `None` for every topic.
pub const FILTERS: [(&str, Option<Topic>); 5] = [
    ("events.filter-all", None),
    ("events.filter-elections", Some(Topic::Elections)),
    ("events.filter-replication", Some(Topic::Replication)),
    ("events.filter-client", Some(Topic::Client)),
    ("events.filter-faults", Some(Topic::Faults)),
];

/// The whole branch's sentences (up to its furthest point), oldest first, from the latest
/// [`WINDOW`] milestones and the operator's client requests.
pub fn lines_of(session: &Session) -> Vec<Line> {
    let milestones = session.milestones();
    let window = &milestones[milestones.len().saturating_sub(WINDOW)..];
    // Action milestones come one per operator action, in order: the window's are the last ones.
    let kinds: Vec<&str> = session.interventions().iter().map(|i| i.action.kind()).collect();
    let in_window = window.iter().filter(|m| m.kind == MilestoneKind::Action).count();
    let kinds = &kinds[kinds.len().saturating_sub(in_window)..];
    let ops: Vec<_> = session.sim().script_history().cloned().collect();
    narrate(window, kinds, ops.iter())
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventLine {
    pub time_us: u64,
    pub events: Option<u64>,
    pub topic: &'static str,
    pub text: String,
    /// After the moment shown (the student went back in time).
    pub ahead: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventLogData {
    pub lines: Vec<EventLine>,
    /// The latest line at or before the moment shown, whatever the filter (for screen readers).
    pub latest: Option<String>,
    pub filter: Option<Topic>,
    /// How many lines the filter left out of the list (older ones beyond [`SHOWN`]).
    pub hidden: usize,
}

impl EventLogData {
    /// `lines` (see [`lines_of`]) as the log shows them at virtual time `now_us`, event
    /// `now_events`, with `filter`.
    pub fn of(lines: &[Line], now_us: u64, now_events: u64, filter: Option<Topic>) -> EventLogData {
        let ahead = |l: &Line| match l.events {
            Some(e) => e > now_events,
            None => l.time_us > now_us,
        };
        let latest = lines.iter().rev().find(|l| !ahead(l)).map(|l| sentence_text(&l.sentence));
        let passing: Vec<&Line> =
            lines.iter().filter(|l| filter.is_none_or(|f| l.topic == f || l.topic == Topic::Safety)).collect();
        let hidden = passing.len().saturating_sub(SHOWN);
        let lines = passing[hidden..]
            .iter()
            .map(|l| EventLine {
                time_us: l.time_us,
                events: l.events,
                topic: l.topic.name(),
                text: sentence_text(&l.sentence),
                ahead: ahead(l),
            })
            .collect();
        EventLogData { lines, latest, filter, hidden }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::narrate::Sentence;

    fn line(time_us: u64, events: Option<u64>, topic: Topic, node: raft_core::NodeId) -> Line {
        Line { time_us, events, topic, sentence: Sentence::Crash { node } }
    }

    #[test]
    fn the_filter_keeps_its_topic_and_safety_and_the_summary_is_the_latest_past_line() {
        let lines = [
            line(1_000, Some(10), Topic::Elections, 1),
            line(2_000, None, Topic::Client, 2),
            line(3_000, Some(30), Topic::Safety, 3),
            line(4_000, Some(40), Topic::Faults, 4),
        ];
        let all = EventLogData::of(&lines, 3_500, 35, None);
        assert_eq!(all.lines.len(), 4);
        assert_eq!(all.lines.iter().map(|l| l.ahead).collect::<Vec<_>>(), [false, false, false, true]);
        assert_eq!(all.latest.as_deref(), Some("S3 crashed"));
        let elections = EventLogData::of(&lines, 3_500, 35, Some(Topic::Elections));
        assert_eq!(elections.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["S1 crashed", "S3 crashed"]);
        assert_eq!(elections.latest.as_deref(), Some("S3 crashed"), "the summary ignores the filter");
        let start = EventLogData::of(&lines, 0, 0, None);
        assert_eq!(start.latest, None);
    }

    #[test]
    fn a_long_list_keeps_the_latest_lines() {
        let lines: Vec<Line> = (0..SHOWN as u64 + 5).map(|i| line(i, Some(i), Topic::Faults, 1)).collect();
        let data = EventLogData::of(&lines, u64::MAX, u64::MAX, None);
        assert_eq!((data.lines.len(), data.hidden), (SHOWN, 5));
        assert_eq!(data.lines[0].events, Some(5));
    }

    #[test]
    fn a_session_is_narrated_with_its_own_actions() {
        let mut session = Session::new(&raft_sim::builtin::cluster(3, false)).unwrap();
        session.advance(1_500_000, u64::MAX, false);
        let leader = session.sim().leader().unwrap();
        session.act(raft_sim::scenario::Action::Crash { node: leader, mode: Default::default() }).unwrap();
        let lines = lines_of(&session);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        let acted = texts.iter().position(|t| *t == "You acted on the cluster: crash").unwrap();
        assert_eq!(texts[acted + 1], format!("S{leader} crashed"));
        assert!(texts[..acted].iter().any(|t| t.starts_with(&format!("S{leader} won the election"))));
    }
}
