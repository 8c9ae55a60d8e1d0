//! The store's time kit: jumping between markers, the seed and fresh runs, the pacing that
//! skips idle stretches, the event log's filter, and the feedback an action gets (a note when
//! the run is paused, a word when an action cannot show anything). Plain state changes on the
//! [`Store`]; no browser API (a fresh seed comes from `getrandom`, which works natively too).
use super::{Store, EVENTS_PER_FRAME};
use crate::text::{t, tf};
use raft_sim::narrate::Topic;
use raft_sim::scenario::Action as Operator;
use raft_sim::session::{Stop, Target};
use raft_sim::sim::MilestoneKind;

/// While no message is in flight, virtual time runs this many times faster: waiting for a
/// timeout is skipped through, a message crossing is watched at the chosen speed.
pub const IDLE_SPEEDUP: f64 = 25.0;
/// Looking ahead for the next marker runs at most this far in virtual time (µs).
const NEXT_MARKER_LOOKAHEAD_US: u64 = 30_000_000;
/// ...in chunks of this much virtual time (µs), so a found marker is not overshot by much.
const LOOKAHEAD_CHUNK_US: u64 = 50_000;

/// A seed drawn from the operating system's (the browser's) randomness, for "New run". The
/// run itself stays deterministic: the seed is shown, and the link carries it.
pub fn fresh_seed() -> Result<u64, String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| tf("store.no-randomness", &[("why", &e.to_string())]))?;
    // Seeds up to 2^53 stay exact in JavaScript numbers (the seed field, the test hook).
    Ok(u64::from_le_bytes(bytes) & ((1 << 53) - 1))
}

/// Whether a milestone is a place to jump to: elections, leader changes, crashes and
/// restarts, overwritten entries, violations (not the student's own actions).
fn is_stop(kind: &MilestoneKind) -> bool {
    !matches!(kind, MilestoneKind::Action)
}

/// The paused note: what the student will see by pressing Play after `action`.
fn paused_note(action: &Operator, leader: Option<u32>) -> String {
    let (id, node) = match action {
        Operator::Crash { node, .. } => ("store.paused-without", Some(*node)),
        Operator::CrashLeader { .. } => match leader {
            Some(l) => ("store.paused-without", Some(l)),
            None => ("store.paused-next", None),
        },
        Operator::Restart { node } => ("store.paused-rejoin", Some(*node)),
        Operator::Resume { node } => ("store.paused-catch-up", Some(*node)),
        Operator::Timeout { node } => ("store.paused-election", Some(*node)),
        Operator::Client { .. } => ("store.paused-request", None),
        Operator::Partition { .. } | Operator::Cut { .. } | Operator::Isolate { .. } => ("store.paused-cut", None),
        Operator::Heal => ("store.paused-heal", None),
        Operator::AlignTimers | Operator::SpreadTimers => ("store.paused-timers", None),
        Operator::ManualDelivery { on: true } => ("store.paused-hold", None),
        Operator::ManualDelivery { on: false } => ("store.paused-release", None),
        _ => ("store.paused-effect", None),
    };
    tf(id, &[("node", &node.map(|n| n.to_string()).unwrap_or_default())])
}

/// What the event log's sentences are made from, to make them again only when it changed:
/// (milestones, the last one, actions, client requests, answered requests).
pub(super) type EventKey = (usize, Option<raft_sim::sim::Milestone>, usize, usize, usize);

impl Store {
    /// The run's sentences (model/events.rs), made again only when what they tell changed.
    pub fn event_lines(&self) -> std::rc::Rc<Vec<raft_sim::narrate::Line>> {
        let Some(session) = &self.session else { return Default::default() };
        let milestones = session.milestones();
        let ops = session.sim().script_history();
        let (count, answered) = ops.fold((0, 0), |(n, a), h| (n + 1, a + h.completed_us.is_some() as usize));
        let key = (milestones.len(), milestones.last().copied(), session.interventions().len(), count, answered);
        let mut cache = self.event_lines.borrow_mut();
        if cache.0 != key {
            *cache = (key, std::rc::Rc::new(crate::model::events::lines_of(session)));
        }
        cache.1.clone()
    }

    /// Jump to the last marker before this moment (or the run's start).
    pub(super) fn prev_marker(&mut self) {
        let Some(session) = &self.session else { return };
        let here = session.sim().events();
        let target = session.milestones().iter().rev().find(|m| is_stop(&m.kind) && m.events < here).map(|m| m.events);
        let target = target.unwrap_or(0);
        self.timed_seek(|s| s.seek(Target::Event(target)));
    }

    /// Jump to the first marker after this moment; past the furthest point reached, run on
    /// (within a bounded look-ahead) until the next one happens.
    pub(super) fn next_marker(&mut self) {
        let Some(session) = &self.session else { return };
        let here = session.sim().events();
        let ahead = session.milestones().iter().find(|m| is_stop(&m.kind) && m.events > here).map(|m| m.events);
        if let Some(target) = ahead {
            self.timed_seek(|s| s.seek(Target::Event(target)));
            return;
        }
        self.playing = false;
        let Some(session) = self.session.as_mut() else { return };
        let frontier = session.frontier();
        if frontier.events > here {
            session.seek(Target::Event(frontier.events));
        }
        let seen = session.milestones().len();
        let limit = session.sim().now().saturating_add(NEXT_MARKER_LOOKAHEAD_US);
        loop {
            let now = session.sim().now();
            if now >= limit {
                self.hint = Some(t("store.no-marker").into());
                break;
            }
            let stop = session.advance((now + LOOKAHEAD_CHUNK_US).min(limit), EVENTS_PER_FRAME, true);
            if let Some(m) =
                session.milestones()[seen.min(session.milestones().len())..].iter().find(|m| is_stop(&m.kind))
            {
                let target = m.events;
                session.seek(Target::Event(target));
                break;
            }
            if matches!(stop, Stop::End | Stop::Violation) || session.sim().stopped().is_some() {
                break;
            }
        }
        self.check_tour();
    }

    /// Start the scenario again with another seed (`text` as typed in the seed field).
    pub(super) fn set_seed(&mut self, text: &str) {
        match text.trim().parse::<u64>() {
            Ok(seed) => self.new_run(seed),
            Err(_) => {
                self.error = Some(tf(
                    "store.bad-seed",
                    &[("text", text.trim()), ("max", &u64::MAX.to_string()), ("seed", &self.scenario.seed.to_string())],
                ))
            }
        }
    }

    /// The same scenario from the start, with `seed`.
    pub(super) fn new_run(&mut self, seed: u64) {
        let mut scenario = self.scenario.clone();
        scenario.seed = seed;
        self.load(scenario);
        self.playing = true;
    }

    /// Virtual time for `real_ms` of real time: the chosen speed while messages are in flight
    /// (or always, with idle skipping off), [`IDLE_SPEEDUP`] times faster while none is.
    pub(super) fn paced(&mut self, real_ms: f64, speed: f64) {
        let Some(session) = self.session.as_ref() else { return };
        let start = session.sim().now();
        let slow = (real_ms * 1000.0 * speed) as u64;
        if !self.skip_idle {
            self.play_to(start.saturating_add(slow));
            return;
        }
        let fast = start.saturating_add((real_ms * 1000.0 * speed * IDLE_SPEEDUP) as u64);
        // Quiet: run one event at a time at the fast rate until a message is sent; then the
        // rest of the frame goes at the chosen speed, as if the frame had started there.
        let mut events = 0;
        while self.playing && self.idle() && events < EVENTS_PER_FRAME {
            if self.now_us() >= fast {
                return;
            }
            events += 1;
            if self.play_within(fast, 1) != Stop::Budget {
                // No event before `fast` (time moved there), or the run stopped.
                return;
            }
        }
        if !self.playing {
            return;
        }
        // Busy: the fraction of the frame not used up quietly goes at the chosen speed.
        let used = self.now_us().saturating_sub(start) as f64 / IDLE_SPEEDUP;
        let left = (slow as f64 - used).max(0.0) as u64;
        let now = self.now_us();
        self.play_to(now.saturating_add(left));
    }

    /// No message moving: nothing to watch until a timer fires. Messages held for manual
    /// delivery stand still, so they do not count.
    fn idle(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.sim().in_flight().all(|m| m.held))
    }

    /// Feedback for an operator action that was carried out: the paused note, or resuming
    /// (by the setting), and a word when the action cannot show anything now.
    pub(super) fn after_act(&mut self, action: &Operator, leader_before: Option<u32>) {
        self.hint = None;
        self.paused_note = None;
        self.link_copied = false;
        if matches!(action, Operator::AlignTimers | Operator::SpreadTimers) {
            if let Some(l) = leader_before {
                let id = if matches!(action, Operator::AlignTimers) {
                    "store.align-with-leader"
                } else {
                    "store.spread-with-leader"
                };
                self.hint = Some(tf(id, &[("node", &l.to_string())]));
            }
        }
        if self.playing {
            return;
        }
        if self.resume_on_act {
            self.playing = true;
            self.last_frame = None;
        } else {
            self.paused_note = Some(paused_note(action, leader_before));
        }
    }

    /// The event log's filter: `None` shows every topic.
    pub(super) fn filter_events(&mut self, topic: Option<Topic>) {
        self.event_filter = topic;
    }
}
