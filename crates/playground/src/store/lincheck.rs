//! A history file brought to the page (Jepsen's log, Porcupine's key-value format): the import
//! (share panel's Import, or a file dropped on the page) reads it, raft_sim::lincheck parses it
//! (bounded) and judges it (within its step budget), and the page shows it in its own view
//! until the student closes it; the simulated run waits, paused, meanwhile and is untouched.
//!
//! The check runs off the page's thread: the shell hands the text to a worker (the hunt's
//! worker script, which runs this same wasm) and its judgement comes back as
//! [`HistoryAction::Checked`]; meanwhile the page shows "checking" and stays responsive (the
//! hardest vendored history takes seconds). Where no worker can start, the shell sends
//! [`HistoryAction::Check`] once "checking" has been drawn, and the page checks it itself.
use super::{Action, Effect, Store};
use crate::model::lincheck::Judged;
use crate::text::{t, tf};
use raft_sim::lincheck::{self, History};
use std::rc::Rc;

/// The step budget the page gives the check: the CLI's default, which decides all of
/// Porcupine's test histories.
pub const BUDGET: u64 = lincheck::DEFAULT_LINCHECK_BUDGET;

#[derive(Clone, Debug, PartialEq)]
pub enum HistoryAction {
    /// Judge the history opened as `serial` here (once the page has drawn that it is
    /// checking): where no worker could.
    Check(u64),
    /// A worker's judgement of history `serial` (its JSON), or why it has none.
    Checked { serial: u64, reply: Result<String, String> },
    /// Leave the history: back to the simulated run as it was.
    Close,
    /// Show this partition (key).
    Partition(usize),
    /// Choose an operation (an index into the history's ops): the linearization shown is the
    /// longest through it. None: the longest of all.
    Select(Option<usize>),
    /// Place this many steps of the linearization shown (the scrubber).
    Scrub(usize),
}

/// Which linearization is shown: (partition, selected operation).
type Shown = (usize, Option<usize>);

/// The history open on the page.
pub struct ImportedHistory {
    pub history: Rc<History>,
    /// None while it is being checked.
    pub judgement: Option<Rc<Judged>>,
    /// Counts the histories opened, so a late check is for the one it was asked for.
    pub serial: u64,
    pub partition: usize,
    pub selected: Option<usize>,
    /// Steps placed; None: all of them.
    pub step: Option<usize>,
    /// The run was playing when the history opened: it plays on when the history closes.
    resume: bool,
    /// The model's states along the linearization shown, for (partition, selected).
    states: std::cell::RefCell<Option<(Shown, Rc<Vec<String>>)>>,
}

impl ImportedHistory {
    /// The model's state before the linearization shown and after each of its steps (worked
    /// out by raft_sim::lincheck once per linearization shown).
    pub fn states(&self) -> Rc<Vec<String>> {
        let key = (self.partition, self.selected);
        if let Some((k, states)) = &*self.states.borrow() {
            if *k == key {
                return states.clone();
            }
        }
        let states = Rc::new(self.judgement.as_ref().map_or_else(Vec::new, |j| {
            let Some(part) = j.partitions.get(self.partition) else { return Vec::new() };
            let shown = crate::model::lincheck::shown_linearization(&self.history, part, self.selected);
            let lin = shown.map_or(&[][..], |i| part.linearizations[i].as_slice());
            lincheck::states(&self.history, lin)
        }));
        *self.states.borrow_mut() = Some((key, states.clone()));
        states
    }

    /// The linearization shown's length (what the scrubber runs to).
    fn shown_len(&self) -> usize {
        let Some(j) = &self.judgement else { return 0 };
        let Some(part) = j.partitions.get(self.partition) else { return 0 };
        crate::model::lincheck::shown_linearization(&self.history, part, self.selected)
            .map_or(0, |i| part.linearizations[i].len())
    }
}

/// Whether an imported file is a history rather than a run document (JSON, `{"...`): a
/// Porcupine key-value map opens with `{:` (EDN keywords), a Jepsen log with no brace at all.
/// Anything else not JSON goes to the history parser too, which says what is wrong with it.
pub fn is_history(text: &str) -> bool {
    match text.trim_start().strip_prefix('{') {
        Some(rest) => rest.trim_start().starts_with(':'),
        None => true,
    }
}

impl Store {
    /// Open a history file's text: parsed at once (bounded), checked by the next action.
    pub(super) fn open_history(&mut self, text: &str) {
        match lincheck::parse(text, None) {
            Err(e) => {
                let (line, field) = (e.line.to_string(), e.field.to_string());
                let values = [("line", line.as_str()), ("field", &field), ("message", &e.message)];
                // Line 0: the file as a whole (empty, too large, too many operations).
                let id = if e.line == 0 { "lincheck.parse-error-file" } else { "lincheck.parse-error" };
                self.notice = Some(tf(id, &values));
            }
            Ok(history) => {
                self.notice = None;
                let resume = match &self.imported {
                    Some(h) => h.resume,
                    None => self.playing,
                };
                self.playing = false;
                self.last_frame = None;
                self.history_serial += 1;
                self.imported = Some(ImportedHistory {
                    history: Rc::new(history),
                    judgement: None,
                    serial: self.history_serial,
                    partition: 0,
                    selected: None,
                    step: None,
                    resume,
                    states: Default::default(),
                });
                self.effects.push(Effect::CheckHistory { serial: self.history_serial, text: text.to_string() });
            }
        }
    }

    /// One step on (or back) through the linearization shown: the keys' → and ←.
    pub(super) fn history_step_by(&mut self, forward: bool) {
        let Some(h) = &self.imported else { return };
        let len = h.shown_len();
        let now = h.step.unwrap_or(len);
        let step = if forward { now + 1 } else { now.saturating_sub(1) };
        self.history_action(HistoryAction::Scrub(step));
    }

    /// The judgement of history `serial`, shown on the first partition that is not
    /// linearizable (that is the one to look at).
    fn judged(&mut self, serial: u64, judged: Result<Judged, String>) {
        let Some(h) = self.imported.as_mut().filter(|h| h.serial == serial) else { return };
        match judged {
            Ok(judged) => {
                h.partition = judged.partitions.iter().position(|p| !p.ok).unwrap_or(0);
                h.judgement = Some(Rc::new(judged));
            }
            Err(why) => {
                self.imported = None;
                self.notice = Some(tf("lincheck.check-failed", &[("why", &why)]));
            }
        }
    }

    pub(super) fn history_action(&mut self, action: HistoryAction) {
        if action == HistoryAction::Close {
            if let Some(h) = self.imported.take() {
                self.playing = h.resume;
                self.last_frame = None;
            }
            return;
        }
        let Some(h) = &mut self.imported else { return };
        match action {
            HistoryAction::Check(serial) => {
                if serial == h.serial && h.judgement.is_none() {
                    let judged = Judged::of(&lincheck::check(&h.history, BUDGET));
                    self.judged(serial, judged);
                }
            }
            HistoryAction::Checked { serial, reply } => {
                if serial == h.serial && h.judgement.is_none() {
                    match reply.and_then(|json| Judged::from_json(&json)) {
                        Ok(judged) => self.judged(serial, Ok(judged)),
                        // The worker failed (it could not start, or its answer does not read):
                        // check here instead, as where there are no workers.
                        Err(_) => self.history_action(HistoryAction::Check(serial)),
                    }
                }
            }
            HistoryAction::Partition(p) => {
                let count = h.judgement.as_ref().map_or(0, |j| j.partitions.len());
                if p < count {
                    h.partition = p;
                    h.selected = None;
                    h.step = None;
                }
            }
            HistoryAction::Select(op) => {
                h.selected = if h.selected == op { None } else { op.filter(|&o| o < h.history.ops.len()) };
                h.step = None;
            }
            HistoryAction::Scrub(step) => {
                let len = h.shown_len();
                h.step = (step < len).then_some(step);
            }
            HistoryAction::Close => {}
        }
    }
}

/// What the shell sends once the page has drawn "checking".
pub fn check_action(serial: u64) -> Action {
    Action::History(HistoryAction::Check(serial))
}

/// The catalogue's explanation of linearizability: the glossary's definition when the glossary
/// has arrived in the page's language, else the property's statement (the UI catalogue's, in
/// every language).
pub fn explanation(store: &Store) -> String {
    let translated = store.language == crate::text::FALLBACK || store.words.translations.glossary.is_some();
    let english = store.words.glossary.as_ref().filter(|_| translated);
    let at = english.and_then(|g| g.terms.iter().position(|e| e.term == "linearizable"));
    match at.and_then(|i| store.glossary.as_ref()?.terms.get(i)) {
        Some(entry) => entry.definition.clone(),
        None => tf("lincheck.explain-fallback", &[("statement", t("property.linearizability-statement"))]),
    }
}
