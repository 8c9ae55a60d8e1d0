//! The course's other protocols on the page (flood consensus, the Two Generals, primary-backup,
//! …): a run of one of them, opened from its built-in, a file or a link, and played with the
//! same controls as a Raft run (play, step, step back, speed, the time bar, the space-time
//! diagram). The run is raft-sim's [`ProtocolRun`]: the page draws its `Picture` and its
//! space-time record and owns no protocol logic. While one is open the Raft run is closed.
use super::Store;
use crate::text::tf;
use raft_sim::builtin::IndexEntry;
use raft_sim::playback::protocol_run::{self, ProtocolRun};
use raft_sim::playback::protocol_table;
use std::rc::Rc;

/// A frame plays at most this many of a protocol's events (its runs are thousands long).
const EVENTS_PER_FRAME: u64 = 20_000;

/// A built-in scenario of another protocol, as fetched (the page opens it from its text).
#[derive(Clone, Debug, PartialEq)]
pub struct CourseBuiltin {
    pub id: String,
    pub protocol: String,
    pub title: String,
    pub group: String,
    pub description: String,
    pub text: String,
    /// The scenario as JSON without its description, parsed once when the built-ins arrive:
    /// what a link's scenario is compared with to know which built-in it is.
    pub bare: serde_json::Value,
}

/// The open run of another protocol.
pub struct Course {
    pub run: Box<dyn ProtocolRun>,
    /// The scenario as opened (what a link carries).
    scenario: serde_json::Value,
    /// The built-in it is, if it is one.
    pub builtin: Option<String>,
    /// Its lanes' names (the diagram's), from the run's nodes.
    pub names: Rc<Vec<String>>,
    /// The node whose facts are shown large (its index in the picture's nodes).
    pub selected: Option<usize>,
    /// A failure detector's trade-off: the same scenario run once per timeout (raft-sim's
    /// `detector::sweep::figure`; None for other protocols and for runs too long to repeat).
    pub sweep: Option<Rc<Vec<raft_sim::protocols::detector::sweep::SweepRow>>>,
    /// The open scenario's timeout, for the figure to mark its row.
    pub timeout_ms: Option<f64>,
}

impl std::fmt::Debug for Course {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Course({}, {} µs)", self.run.scenario_name(), self.run.now_us())
    }
}

impl Course {
    fn new(run: Box<dyn ProtocolRun>, scenario: serde_json::Value, builtin: Option<String>) -> Course {
        let names = Rc::new(run.picture().nodes.into_iter().map(|n| n.name).collect());
        let sweep = raft_sim::protocols::detector::sweep::figure(&scenario, run.total_events()).map(Rc::new);
        let timeout_ms = sweep.as_ref().and_then(|_| scenario.get("timeout_ms")?.as_f64());
        Course { run, scenario, builtin, names, selected: None, sweep, timeout_ms }
    }
}

/// What the course's own controls do (the shared ones, play, step, seek and speed, are the
/// store's actions and reach the course while it is open).
#[derive(Clone, Debug, PartialEq)]
pub enum CourseAction {
    /// Open the built-in with this id.
    Open(String),
    /// Show this node's facts (None: none; the same one again closes it).
    Select(Option<usize>),
}

/// The other protocols' built-ins from the fetched index and files: each must open (a file
/// that does not is reported, by name, with the reason).
pub fn course_builtins(
    index: &[IndexEntry],
    files: &[(String, Result<String, String>)],
) -> (Vec<CourseBuiltin>, Vec<String>) {
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    for e in index.iter().filter(|e| !e.is_raft()) {
        let name = e.file_name();
        let Some((_, text)) = files.iter().find(|(n, _)| *n == name) else { continue };
        // Read, not opened: reading is what can fail, and opening runs the scenario to its end.
        match text.as_ref().map_err(Clone::clone).and_then(|t| protocol_table::read(t).map_err(|e| e.to_string())) {
            Ok(s) if s.name() == e.id => {
                let text = text.clone().unwrap_or_default();
                let (description, bare) = without_description(&text);
                out.push(CourseBuiltin {
                    id: e.id.clone(),
                    protocol: e.protocol.clone(),
                    title: e.title.clone(),
                    group: e.group.clone(),
                    description,
                    text,
                    bare,
                })
            }
            Ok(_) => problems.push(format!("{name}: its name is not its id '{}'", e.id)),
            Err(why) => problems.push(format!("{name}: {why}")),
        }
    }
    (out, problems)
}

/// A scenario's `description` (read loosely: the protocol's reader checked the file already),
/// and the scenario without it.
fn without_description(text: &str) -> (String, serde_json::Value) {
    let mut value = serde_json::from_str::<serde_json::Value>(text).unwrap_or_default();
    let description = value
        .as_object_mut()
        .and_then(|o| o.remove("description"))
        .and_then(|d| d.as_str().map(str::to_string))
        .unwrap_or_default();
    (description, value)
}

impl Store {
    pub(super) fn course_action(&mut self, action: CourseAction) {
        match action {
            CourseAction::Open(id) => match self.course_builtins.iter().find(|b| b.id == id).cloned() {
                Some(b) => {
                    self.open_course_text(&b.text, Some(b.id));
                }
                None => self.error = Some(tf("store.no-builtin", &[("name", &id)])),
            },
            CourseAction::Select(node) => {
                if let Some(c) = self.course.as_mut() {
                    c.selected = if c.selected == node { None } else { node };
                }
            }
        }
    }

    /// Open another protocol's scenario from its text; on failure the current run stays and
    /// the reason (naming the field) is shown.
    pub(super) fn open_course_text(&mut self, text: &str, builtin: Option<String>) -> bool {
        match protocol_run::open(text) {
            Ok(run) => {
                let scenario = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
                let builtin = builtin.or_else(|| self.builtin_of(&scenario).map(|b| b.id.clone()));
                self.course = Some(Course::new(run, scenario, builtin));
                self.tour = None;
                self.error = None;
                self.notice = None;
                self.share_link = None;
                self.diagram.selected = None;
                self.diagram.end_us = None;
                self.last_frame = None;
                self.playing = true;
                true
            }
            Err(e) => {
                self.error = Some(tf("store.course-unreadable", &[("why", &e.to_string())]));
                false
            }
        }
    }

    /// Open a file or a link's document holding another protocol's scenario: the scenario
    /// itself, or a run document (`{"format": "raft-playground-run", "scenario": …, "at_us": …}`,
    /// what the page's links carry), which opens at its moment, paused.
    pub(super) fn open_course_document(&mut self, text: &str) -> bool {
        let value: serde_json::Value = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        let Some(scenario) = value.get("scenario").filter(|_| value.get("format").is_some()) else {
            return self.open_course_text(text, None);
        };
        let at_us = value.get("at_us").and_then(serde_json::Value::as_u64);
        let scenario_text = scenario.to_string();
        let builtin = self.builtin_of(scenario).map(|b| (b.id.clone(), b.text.clone()));
        let opened = match builtin {
            Some((id, text)) => self.open_course_text(&text, Some(id)),
            None => self.open_course_text(&scenario_text, None),
        };
        if let (true, Some(t), Some(c)) = (opened, at_us, self.course.as_mut()) {
            c.run.seek_time(t.min(c.run.end_us()));
            self.playing = false;
        }
        opened
    }

    /// The built-in whose scenario is `scenario` (a link leaves a built-in's description out).
    fn builtin_of(&self, scenario: &serde_json::Value) -> Option<&CourseBuiltin> {
        let mut wanted = scenario.clone();
        if let Some(o) = wanted.as_object_mut() {
            o.remove("description");
        }
        self.course_builtins.iter().find(|b| b.bare == wanted)
    }

    /// When the built-ins arrive after a link or file opened a course run, the run is named as
    /// the built-in it is (its title and description shown, the picker on it).
    pub(super) fn recognise_course_builtin(&mut self) {
        let Some(c) = self.course.as_ref().filter(|c| c.builtin.is_none()) else { return };
        let id = self.builtin_of(&c.scenario).map(|b| b.id.clone());
        if let Some(c) = self.course.as_mut() {
            c.builtin = id;
        }
    }

    /// The JSON a link to the open course run carries (None when none is open): its scenario
    /// (a built-in's without its description) and the moment shown.
    pub(super) fn course_link_json(&self) -> Option<String> {
        let c = self.course.as_ref()?;
        let mut scenario = c.scenario.clone();
        if c.builtin.is_some() {
            if let Some(o) = scenario.as_object_mut() {
                o.remove("description");
            }
        }
        let doc = serde_json::json!({
            "format": raft_sim::share::RUN_FORMAT,
            "version": 1,
            "scenario": scenario,
            "at_us": c.run.now_us(),
        });
        Some(doc.to_string())
    }

    /// The built-in the open course run is, with its title and description in the page's
    /// language.
    pub fn course_builtin(&self) -> Option<&CourseBuiltin> {
        let id = self.course.as_ref()?.builtin.as_ref()?;
        self.course_builtins.iter().find(|b| &b.id == id)
    }

    /// A course built-in's title, description and group in the page's language (the English
    /// ones where its catalogue has none).
    pub fn course_words(&self, b: &CourseBuiltin) -> (String, String, String) {
        let texts = self.words.translations.builtins.as_ref();
        let word = |key: String, english: &str| {
            texts.and_then(|t| t.get(&key)).cloned().unwrap_or_else(|| english.to_string())
        };
        (
            word(format!("{}.title", b.id), &b.title),
            word(format!("{}.description", b.id), &b.description),
            word(format!("group.{}", b.group), &b.group),
        )
    }

    /// The open course run's title and description, in the page's language.
    pub fn course_caption(&self) -> (String, String) {
        match self.course_builtin() {
            Some(b) => {
                let (title, description, _) = self.course_words(b);
                (title, description)
            }
            None => {
                let c = self.course.as_ref();
                let name = c.map(|c| c.run.scenario_name().to_string()).unwrap_or_default();
                let description = c
                    .and_then(|c| c.scenario.get("description").and_then(|d| d.as_str()))
                    .unwrap_or_default()
                    .to_string();
                (name, description)
            }
        }
    }

    /// Play the course run on by `real_ms` of real time at the chosen speed; stop at its end,
    /// or at a tour step's pause.
    pub(super) fn course_frame(&mut self, real_ms: f64) {
        let speed = super::exp10(self.speed_exp);
        let Some(c) = self.course.as_ref() else { return };
        let dt = (real_ms.clamp(0.0, super::MAX_FRAME_MS) * speed * 1000.0).round() as u64;
        let target = c.run.now_us().saturating_add(dt.max(1));
        self.course_play_to(target);
    }

    /// Play the course run to `target` (stopping at a tour step's pause, once, and at the end).
    pub(super) fn course_play_to(&mut self, mut target: u64) {
        let pause = self.tour.as_ref().filter(|t| !t.reached_pause).and_then(|t| t.pause_us);
        if let Some(p) = pause {
            target = target.min(p);
        }
        let Some(c) = self.course.as_mut() else { return };
        while c.run.run_until(target, EVENTS_PER_FRAME) {}
        let (now, end) = (c.run.now_us(), c.run.end_us());
        if now >= end || pause.is_some_and(|p| now >= p) {
            self.playing = false;
        }
        self.check_tour();
    }

    /// Open a tour step that runs another protocol's built-in: at its start, playing to its
    /// pause.
    pub(super) fn open_course_tour_step(&mut self, tour: raft_sim::tour::Tour, step: usize) -> Result<(), String> {
        let (_, builtin) = tour.course_step(step).ok_or_else(|| tour.id.clone())?;
        let Some(b) = self.course_builtins.iter().find(|b| b.id == builtin).cloned() else {
            return Err(tf("store.no-builtin", &[("name", builtin)]));
        };
        let s = &tour.steps[step];
        let (start_us, pause_us) =
            (raft_sim::scenario::ms_to_us(s.start_ms), s.pause_ms.map(raft_sim::scenario::ms_to_us));
        if let Some(exp) = s.speed_exp {
            self.speed_exp = exp.clamp(raft_sim::share::SPEED_MIN_EXP, raft_sim::share::SPEED_MAX_EXP);
        }
        if !self.open_course_text(&b.text, Some(b.id.clone())) {
            return Err(self.error.take().unwrap_or_default());
        }
        if let Some(c) = self.course.as_mut() {
            c.run.seek_time(start_us.min(c.run.end_us()));
        }
        let text = crate::model::glossary::step_text(&self.tours, &tour, step, self.glossary.as_deref());
        self.tour = Some(super::TourRun {
            tour,
            step,
            text: Rc::new(text),
            pause_us,
            reached_pause: false,
            baseline: None,
            done: false,
            claims: None,
        });
        self.check_tour();
        self.playing = !self.tour.as_ref().is_some_and(|t| t.reached_pause && t.pause_us.is_some());
        if let Some(t) = &self.tour {
            self.effects.push(super::Effect::ReplaceFragment(t.fragment()));
        }
        Ok(())
    }

    /// The store's time controls, on the course run. True if the course took the action.
    pub(super) fn course_controls(&mut self, action: &super::Action) -> bool {
        use super::Action;
        let Some(c) = self.course.as_mut() else { return false };
        match *action {
            Action::Step => {
                self.playing = false;
                c.run.step();
            }
            Action::StepBack => {
                self.playing = false;
                let n = c.run.events().saturating_sub(1);
                c.run.seek_event(n);
            }
            Action::SeekTime(t) => c.run.seek_time(t.min(c.run.end_us())),
            Action::SeekEvent(n) => c.run.seek_event(n),
            Action::TogglePlay => {
                // Play again from the start once the run is over.
                if !self.playing && c.run.now_us() >= c.run.end_us() {
                    c.run.seek_event(0);
                }
                self.playing = !self.playing;
                self.last_frame = None;
            }
            _ => return false,
        }
        true
    }
}
