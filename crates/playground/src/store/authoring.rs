//! Authoring a tour on the page (issue 16): a teacher plays a run and turns moments of it into
//! tour steps. The draft is made of raft-sim's own tour types, and what it exports is checked
//! by the same reader and checks as every shipped tour (`Tour::from_json`, `Check::evaluate`).
//!
//! - "Add this moment as a step": the step's scenario is the run's scenario (a built-in by name,
//!   or the whole scenario) with the operator's actions so far as timeline actions; it pauses at
//!   this moment. The step is replayed headless, as `raftsim tour` runs it, and the claim picker
//!   offers the statements (model/authoring.rs) that hold both on screen and in that replay.
//! - A task: the teacher's own actions after the step's moment are its solution; its goal is
//!   picked from statements that hold now, did not at the step's moment, and that the solution,
//!   applied at the pause as the checker applies it, reaches and keeps within the time allowed.
//! - Export (a JSON file), Import (a file: it plays as a tour), Link (small tours deflated into
//!   the link, `#tour1.…`), Preview (the draft played as a tour).
use super::{Effect, LinkUse, Store, TOUR_REPLAY_EVENTS};
use crate::model::authoring::candidates;
use crate::text::{self, tf};
use raft_core::NodeId;
use raft_sim::scenario::{ms_to_us, Scenario, TimedAction, MAX_SCENARIO_BYTES};
use raft_sim::session::Intervention;
use raft_sim::share::{RunDocument, MAX_LINK_CHARS};
use raft_sim::tour::{Baseline, Check, Claim, Goal, Highlight, Step, Task, Tour};
use raft_sim::Simulation;
use std::rc::Rc;

/// A tour link's fragment starts with this (run links start with `run1.`).
pub const TOUR_LINK_PREFIX: &str = "tour1.";
/// A tour whose link would be longer is offered as a file instead.
pub const MAX_TOUR_LINK_CHARS: usize = 16 * 1024;
/// A task's time: at least this, and at least the time the teacher took plus a margin.
const MIN_WITHIN_MS: f64 = 3_000.0;
const MAX_WITHIN_MS: f64 = 600_000.0;

/// What the author panel asks of the store.
#[derive(Clone, Debug)]
pub enum AuthorAction {
    TourId(String),
    TourTitle(String),
    TourSummary(String),
    /// Turn this moment of the run into a step (and pause the run).
    AddMoment,
    Select(usize),
    /// Move step `i` one place up (`true`) or down.
    Move(usize, bool),
    Delete(usize),
    StepTitle(String),
    /// The selected step's text: paragraphs separated by blank lines.
    StepText(String),
    /// The selected step's start, as typed (ms of the run).
    StepStart(String),
    ToggleNode(NodeId),
    ToggleKind(String),
    /// Pick or unpick the selected step's offered claim `i`.
    ToggleClaim(usize),
    /// Start recording a task for the selected step: the actions from its moment on.
    RecordTask,
    /// Stop recording: offer the goals the actions reached.
    FinishTask,
    CancelTask,
    PickGoal(usize),
    TaskPrompt(String),
    TaskSuccess(String),
    SaveTask,
    RemoveTask,
    Preview,
    /// Back to the run the teacher had before Preview.
    BackToRun,
    Export,
    Import(Result<String, String>),
    Link,
}

/// Where a step's scenario comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Base {
    Builtin(String),
    Scenario(Box<Scenario>),
}

/// One step being written. Self-contained: its own base and every action up to its moment
/// (the export folds consecutive steps of one run together again).
#[derive(Clone, Debug, PartialEq)]
pub struct DraftStep {
    pub title: String,
    /// As typed: paragraphs separated by blank lines.
    pub text: String,
    pub base: Base,
    pub actions: Vec<TimedAction>,
    pub start_ms: f64,
    pub start_text: String,
    pub pause_ms: f64,
    pub speed_exp: Option<f64>,
    /// How many servers its scenario has (for the highlight boxes).
    pub servers: u32,
    pub highlight: Highlight,
    /// The statements offered about its moment, each holding there, and which are picked.
    pub offered: Vec<(Check, bool)>,
    /// Claims an imported step made at other moments (`at_ms`): kept as they were.
    pub kept: Vec<Claim>,
    pub task: Option<Task>,
    /// The operator's actions up to this moment, as the session recorded them: a task's
    /// solution is what follows them on the same branch.
    pub taken: Vec<Intervention>,
    /// Statements true on screen that the step's replay does not show (left out).
    pub differs: usize,
}

/// A task being made: the solution recorded, then the goals it reaches.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDraft {
    pub step: usize,
    /// How many applied actions the run had at the step's moment.
    pub from: usize,
    /// None while recording; then the goals offered, the solution and its time.
    pub goals: Option<Vec<Goal>>,
    pub solution: Vec<raft_sim::Action>,
    pub within_ms: f64,
    pub picked: Option<usize>,
    pub prompt: String,
    pub success: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<DraftStep>,
    pub selected: Option<usize>,
    pub task: Option<TaskDraft>,
    /// What the last authoring action did or why it could not (shown in the panel).
    pub note: Option<String>,
    /// The last tour link made.
    pub link: Option<String>,
    /// The run before Preview, to go back to.
    pub before_preview: Option<RunDocument>,
    /// A tour link's data is being inflated (see [`Store::tour_unpacked`]).
    pub(super) pending_link: bool,
    /// A tour link's text, opened once the built-ins (which its steps name) have arrived.
    pub(super) pending_text: Option<String>,
    /// The id of the tour opened from a file, a link or Preview: not one of the page's, so it
    /// has no `#tour/ID/N` address (see [`Store::link_unlisted_tour`]).
    pub(super) unlisted: Option<String>,
}

/// The draft as components take it: equal only to itself, so the panel re-renders when the
/// draft changes, not every frame.
#[derive(Clone, Default)]
pub struct DraftRef(pub Rc<Draft>);

impl PartialEq for DraftRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Play `sim` to `t_us` (every event due by then), within the page's tour replay budget.
fn run_bounded(sim: &mut Simulation, t_us: u64) -> Result<(), String> {
    let mut events = 0u64;
    while sim.step_until(t_us) {
        events += 1;
        if events > TOUR_REPLAY_EVENTS {
            return Err(tf("store.too-many-events", &[("max", &TOUR_REPLAY_EVENTS.to_string())]));
        }
    }
    sim.run_until(t_us);
    Ok(())
}

fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

impl DraftStep {
    /// The step as a tour file writes it, self-contained.
    fn to_step(&self) -> Step {
        let (builtin, scenario) = match &self.base {
            Base::Builtin(name) => (Some(name.clone()), None),
            Base::Scenario(s) => (None, Some(s.clone())),
        };
        let mut claims: Vec<Claim> =
            self.offered.iter().filter(|(_, on)| *on).map(|(c, _)| Claim { at_ms: None, check: c.clone() }).collect();
        claims.extend(self.kept.iter().cloned());
        Step {
            title: self.title.trim().to_string(),
            text: paragraphs(&self.text),
            // Authoring on the page writes Raft steps (the Raft run is the one it records).
            protocol: None,
            builtin,
            scenario,
            actions: self.actions.clone(),
            start_ms: self.start_ms,
            pause_ms: Some(self.pause_ms),
            speed_exp: self.speed_exp,
            highlight: self.highlight.clone(),
            claims,
            shows: Vec::new(),
            task: self.task.clone(),
        }
    }

    /// The scenario this step runs, exactly as a tour runs it (`Tour::scenario_at`).
    fn scenario(&self) -> Result<Scenario, String> {
        let tour =
            Tour { id: "draft".into(), title: String::new(), summary: String::new(), steps: vec![self.to_step()] };
        tour.scenario_at(0).map_err(|e| e.to_string())
    }

    /// The step's run as `raftsim tour` replays it, at its moment.
    fn replay(&self) -> Result<Simulation, String> {
        let mut sim = Simulation::new(&self.scenario()?).map_err(|e| e.to_string())?;
        sim.set_track_availability(true);
        run_bounded(&mut sim, ms_to_us(self.pause_ms))?;
        Ok(sim)
    }
}

impl Draft {
    /// The tour as it will be written: steps of one run folded together (a step that runs the
    /// same scenario as the one before and continues its actions names no scenario and lists
    /// only its new actions), so links stay short.
    pub fn tour(&self) -> Tour {
        let mut steps: Vec<Step> = Vec::new();
        let mut before: Option<&DraftStep> = None;
        for d in &self.steps {
            let mut step = d.to_step();
            if let Some(prev) = before {
                if prev.base == d.base && d.actions.starts_with(&prev.actions) {
                    step.builtin = None;
                    step.scenario = None;
                    step.actions = d.actions[prev.actions.len()..].to_vec();
                }
            }
            steps.push(step);
            before = Some(d);
        }
        Tour {
            id: self.id.trim().to_string(),
            title: self.title.trim().to_string(),
            summary: self.summary.trim().to_string(),
            steps,
        }
    }

    /// The tour's JSON, read back through the tour reader (the one `raftsim tour` uses), plus
    /// the checks the format leaves to authors: every step has a title and text, every task a
    /// prompt and a success message. The error names the field.
    pub fn export(&self) -> Result<(Tour, String), String> {
        let tour = self.tour();
        if tour.steps.is_empty() {
            return Err(text::t("store.no-steps").into());
        }
        let needed = [("id", &tour.id), ("title", &tour.title), ("summary", &tour.summary)];
        if let Some((field, _)) = needed.iter().find(|(_, v)| v.is_empty()) {
            return Err(tf("store.field-missing", &[("field", field)]));
        }
        for (i, s) in tour.steps.iter().enumerate() {
            if s.title.is_empty() {
                return Err(tf("store.step-no-title", &[("i", &i.to_string()), ("step", &(i + 1).to_string())]));
            }
            if s.text.is_empty() {
                return Err(tf("store.step-no-text", &[("i", &i.to_string()), ("step", &(i + 1).to_string())]));
            }
            if let Some(t) = &s.task {
                if t.prompt.trim().is_empty() || t.success.trim().is_empty() {
                    return Err(tf("store.task-incomplete", &[("i", &i.to_string())]));
                }
            }
        }
        let json = serde_json::to_string_pretty(&tour).map_err(|e| e.to_string())?;
        let read = Tour::from_json(&json).map_err(|e| e.to_string())?;
        Ok((read, json))
    }

    /// A draft of an existing tour: each step made self-contained (its scenario resolved to a
    /// base and every action since), its claims at the pause picked, the others kept.
    pub fn of_tour(tour: &Tour) -> Result<Draft, String> {
        let mut steps = Vec::new();
        let mut base: Option<Base> = None;
        let mut actions: Vec<TimedAction> = Vec::new();
        for (i, s) in tour.steps.iter().enumerate() {
            match (&s.builtin, &s.scenario) {
                (Some(name), _) => {
                    base = Some(Base::Builtin(name.clone()));
                    actions.clear();
                }
                (None, Some(sc)) => {
                    base = Some(Base::Scenario(sc.clone()));
                    actions.clear();
                }
                (None, None) => {}
            }
            actions.extend(s.actions.iter().cloned());
            let base =
                base.clone().ok_or_else(|| "field `steps[0]`: the first step must name a scenario".to_string())?;
            let servers = tour.scenario_at(i).map_err(|e| e.to_string())?.nodes;
            let (at_pause, kept): (Vec<&Claim>, Vec<&Claim>) =
                s.claims.iter().partition(|c| c.at_ms.is_none_or(|at| Some(at) == s.pause_ms));
            let pause_ms = s.pause_ms.unwrap_or(s.start_ms);
            steps.push(DraftStep {
                title: s.title.clone(),
                text: s.text.join("\n\n"),
                base,
                actions: actions.clone(),
                start_ms: s.start_ms,
                start_text: s.start_ms.to_string(),
                pause_ms,
                speed_exp: s.speed_exp,
                servers,
                highlight: s.highlight.clone(),
                offered: at_pause.into_iter().map(|c| (c.check.clone(), true)).collect(),
                kept: kept.into_iter().cloned().collect(),
                task: s.task.clone(),
                taken: Vec::new(),
                differs: 0,
            });
        }
        Ok(Draft {
            id: tour.id.clone(),
            title: tour.title.clone(),
            summary: tour.summary.clone(),
            selected: (!steps.is_empty()).then_some(0),
            steps,
            ..Draft::default()
        })
    }
}

/// The goals a recorded solution reaches: run the step to its pause, apply the solution there
/// (as the tour checker does), and keep the goals that do not hold before it, hold at some
/// moment within `within_ms` and still hold at its end.
fn reached_goals(
    step: &DraftStep,
    solution: &[raft_sim::Action],
    within_ms: f64,
    goals: Vec<Goal>,
) -> Result<Vec<Goal>, String> {
    let mut scenario = step.scenario()?;
    scenario.duration_ms = scenario.duration_ms.max(step.pause_ms + within_ms + 1.0);
    let mut sim = Simulation::new(&scenario).map_err(|e| e.to_string())?;
    sim.set_track_availability(true);
    run_bounded(&mut sim, ms_to_us(step.pause_ms))?;
    let baseline = Baseline::of(&sim);
    let goals: Vec<Goal> = goals.into_iter().filter(|g| !g.reached(&sim, baseline)).collect();
    for action in solution {
        sim.act(action.clone()).map_err(|e| tf("store.solution-refused", &[("why", &e.to_string())]))?;
    }
    let deadline = sim.now() + ms_to_us(within_ms);
    let mut seen = vec![false; goals.len()];
    let mut events = 0u64;
    loop {
        for (g, s) in goals.iter().zip(seen.iter_mut()) {
            *s = *s || g.reached(&sim, baseline);
        }
        if sim.now() >= deadline || !sim.step_until(deadline) {
            break;
        }
        events += 1;
        if events > TOUR_REPLAY_EVENTS {
            return Err("the task's run is too long to check".into());
        }
    }
    Ok(goals.into_iter().zip(seen).filter(|(g, s)| *s && g.reached(&sim, baseline)).map(|(g, _)| g).collect())
}

impl Store {
    /// The draft, for the panel.
    pub fn author_ref(&self) -> DraftRef {
        self.author.clone()
    }

    /// How many actions a task being recorded holds so far (None: not recording).
    pub fn task_recorded(&self) -> Option<usize> {
        let t = self.author.0.task.as_ref().filter(|t| t.goals.is_none())?;
        let applied = self.session.as_ref().map_or(0, |s| s.applied_interventions().len());
        Some(applied.saturating_sub(t.from))
    }

    fn draft(&mut self) -> &mut Draft {
        Rc::make_mut(&mut self.author.0)
    }

    fn author_note(&mut self, note: impl Into<String>) {
        self.draft().note = Some(note.into());
    }

    fn selected_step(&mut self) -> Option<&mut DraftStep> {
        let d = self.draft();
        let i = d.selected?;
        d.steps.get_mut(i)
    }

    pub fn author(&mut self, action: AuthorAction) {
        match action {
            AuthorAction::TourId(v) => self.draft().id = v,
            AuthorAction::TourTitle(v) => self.draft().title = v,
            AuthorAction::TourSummary(v) => self.draft().summary = v,
            AuthorAction::AddMoment => match self.add_moment() {
                Ok(n) => self.author_note(n),
                Err(e) => self.author_note(tf("store.moment-not-added", &[("why", &e)])),
            },
            AuthorAction::Select(i) => {
                let d = self.draft();
                if i < d.steps.len() {
                    d.selected = Some(i);
                }
            }
            AuthorAction::Move(i, up) => {
                let d = self.draft();
                let j = if up { i.checked_sub(1) } else { Some(i + 1) };
                if let Some(j) = j.filter(|&j| j < d.steps.len() && i < d.steps.len()) {
                    d.steps.swap(i, j);
                    d.selected = Some(j);
                    d.task = None;
                    d.note =
                        Some(tf("store.step-moved", &[("from", &(i + 1).to_string()), ("to", &(j + 1).to_string())]));
                }
            }
            AuthorAction::Delete(i) => {
                let d = self.draft();
                if i < d.steps.len() {
                    d.steps.remove(i);
                    d.selected = if d.steps.is_empty() { None } else { Some(i.min(d.steps.len() - 1)) };
                    d.task = None;
                    d.note = Some(tf("store.step-deleted", &[("step", &(i + 1).to_string())]));
                }
            }
            AuthorAction::StepTitle(v) => {
                if let Some(s) = self.selected_step() {
                    s.title = v;
                }
            }
            AuthorAction::StepText(v) => {
                if let Some(s) = self.selected_step() {
                    s.text = v;
                }
            }
            AuthorAction::StepStart(v) => {
                let Some(s) = self.selected_step() else { return };
                s.start_text = v.clone();
                let parsed =
                    crate::number::parse_f64(&v).filter(|ms| ms.is_finite() && *ms >= 0.0 && *ms <= s.pause_ms);
                let pause = s.pause_ms;
                match parsed {
                    Some(ms) => {
                        s.start_ms = ms;
                        self.draft().note = None;
                    }
                    None => self.author_note(tf("store.bad-start", &[("pause", &pause.to_string())])),
                }
            }
            AuthorAction::ToggleNode(n) => {
                if let Some(s) = self.selected_step() {
                    let nodes = &mut s.highlight.nodes;
                    match nodes.iter().position(|&x| x == n) {
                        Some(p) => {
                            nodes.remove(p);
                        }
                        None if n >= 1 && n <= s.servers => {
                            let at = nodes.iter().position(|&x| x > n).unwrap_or(nodes.len());
                            nodes.insert(at, n);
                        }
                        None => {}
                    }
                }
            }
            AuthorAction::ToggleKind(k) => {
                if let Some(s) = self.selected_step() {
                    let kinds = &mut s.highlight.messages;
                    match kinds.iter().position(|x| *x == k) {
                        Some(p) => {
                            kinds.remove(p);
                        }
                        None if crate::model::authoring::MESSAGE_KINDS.contains(&k.as_str()) => kinds.push(k),
                        None => {}
                    }
                }
            }
            AuthorAction::ToggleClaim(i) => {
                if let Some((_, on)) = self.selected_step().and_then(|s| s.offered.get_mut(i)) {
                    *on = !*on;
                }
            }
            AuthorAction::RecordTask => self.record_task(),
            AuthorAction::FinishTask => self.finish_task(),
            AuthorAction::CancelTask => {
                self.draft().task = None;
                self.author_note(text::t("store.task-dropped"));
            }
            AuthorAction::PickGoal(i) => {
                if let Some(t) = self.draft().task.as_mut() {
                    t.picked = Some(i);
                }
            }
            AuthorAction::TaskPrompt(v) => {
                if let Some(t) = self.draft().task.as_mut() {
                    t.prompt = v;
                }
            }
            AuthorAction::TaskSuccess(v) => {
                if let Some(t) = self.draft().task.as_mut() {
                    t.success = v;
                }
            }
            AuthorAction::SaveTask => self.save_task(),
            AuthorAction::RemoveTask => {
                if let Some(s) = self.selected_step() {
                    s.task = None;
                }
            }
            AuthorAction::Preview => self.preview(),
            AuthorAction::BackToRun => {
                if let Some(doc) = self.draft().before_preview.take() {
                    self.open_document(Ok(doc), "run");
                    self.effects.push(Effect::ReplaceFragment(String::new()));
                }
            }
            AuthorAction::Export => match self.author.0.export() {
                Ok((tour, json)) => {
                    self.effects.push(Effect::Download { name: format!("{}.json", tour.id), text: json });
                    self.author_note(tf("store.exported", &[("id", &tour.id)]));
                }
                Err(e) => self.author_note(tf("store.not-exportable", &[("why", &e)])),
            },
            AuthorAction::Import(text) => self.import_tour(text, "file"),
            AuthorAction::Link => match self.author.0.export() {
                // The link carries the file's text (one JSON writer in the page, not two).
                Ok((_, json)) if json.len() <= MAX_SCENARIO_BYTES => {
                    self.effects.push(Effect::Pack { json: json.into_bytes(), then: LinkUse::Tour });
                }
                Ok(_) => self.author_note(text::t("store.tour-too-large")),
                Err(e) => self.author_note(tf("store.not-linkable", &[("why", &e)])),
            },
        }
    }

    /// "Add this moment as a step": pause, replay the step as the tour checker will, and offer
    /// what holds both on screen and there.
    fn add_moment(&mut self) -> Result<String, String> {
        let session = self.session.as_ref().ok_or("no run is open")?;
        self.playing = false;
        let live = session.sim();
        let pause_ms = live.now() as f64 / 1_000.0;
        let taken = session.applied_interventions().to_vec();
        let actions: Vec<TimedAction> = taken
            .iter()
            .map(|i| TimedAction { at_ms: i.at.time_us as f64 / 1_000.0, action: i.action.clone() })
            .collect();
        let base = match self.current_builtin() {
            Some(b) => Base::Builtin(b.scenario.name.clone()),
            None => Base::Scenario(Box::new(self.scenario.clone())),
        };
        let d = &self.author.0;
        // A step of the same run after the previous one starts where that one paused.
        let start_ms = d
            .steps
            .last()
            .filter(|p| p.base == base && actions.starts_with(&p.actions) && p.pause_ms <= pause_ms)
            .map_or(0.0, |p| p.pause_ms);
        let mut step = DraftStep {
            title: String::new(),
            text: String::new(),
            base,
            actions,
            start_ms,
            start_text: start_ms.to_string(),
            pause_ms,
            speed_exp: None,
            servers: live.scenario().nodes,
            highlight: Highlight::default(),
            offered: Vec::new(),
            kept: Vec::new(),
            task: None,
            taken,
            differs: 0,
        };
        let replay = step.replay()?;
        let on_screen = candidates(live);
        let total = on_screen.len();
        step.offered = on_screen.into_iter().filter(|c| c.evaluate(&replay).is_ok()).map(|c| (c, false)).collect();
        step.differs = total - step.offered.len();
        let d = self.draft();
        d.steps.push(step);
        d.selected = Some(d.steps.len() - 1);
        d.task = None;
        Ok(tf("store.step-added", &[("step", &d.steps.len().to_string()), ("ms", &pause_ms.to_string())]))
    }

    fn record_task(&mut self) {
        let Some(i) = self.author.0.selected else { return };
        let Some(session) = self.session.as_ref() else { return };
        let step = &self.author.0.steps[i];
        let applied = session.applied_interventions();
        if live_time_ms(session) != step.pause_ms || applied != step.taken.as_slice() {
            self.author_note(text::t("store.task-wrong-moment"));
            return;
        }
        let from = applied.len();
        let d = self.draft();
        d.task = Some(TaskDraft {
            step: i,
            from,
            goals: None,
            solution: Vec::new(),
            within_ms: MIN_WITHIN_MS,
            picked: None,
            prompt: String::new(),
            success: String::new(),
        });
        d.note = Some(text::t("store.recording").into());
    }

    fn finish_task(&mut self) {
        let Some(t) = self.author.0.task.clone().filter(|t| t.goals.is_none()) else { return };
        let Some(session) = self.session.as_ref() else { return };
        let step = self.author.0.steps[t.step].clone();
        let applied = session.applied_interventions();
        if applied.len() <= t.from || applied[..t.from] != step.taken[..] {
            self.author_note(text::t("store.nothing-recorded"));
            return;
        }
        let solution: Vec<raft_sim::Action> = applied[t.from..].iter().map(|i| i.action.clone()).collect();
        let elapsed = (live_time_ms(session) - step.pause_ms).max(0.0);
        let within_ms = ((elapsed / 100.0).ceil() * 100.0 + 1_000.0).clamp(MIN_WITHIN_MS, MAX_WITHIN_MS);
        let mut goals = vec![Goal::NewLeader];
        goals.extend(candidates(session.sim()).into_iter().map(|check| Goal::Holds { check }));
        match reached_goals(&step, &solution, within_ms, goals) {
            Ok(goals) if goals.is_empty() => self.author_note(text::t("store.nothing-reached")),
            Ok(goals) => {
                let d = self.draft();
                if let Some(t) = d.task.as_mut() {
                    t.goals = Some(goals);
                    t.solution = solution;
                    t.within_ms = within_ms;
                    t.picked = Some(0);
                }
                d.note = Some(text::t("store.pick-goal").into());
            }
            Err(e) => self.author_note(tf("store.task-unchecked", &[("why", &e)])),
        }
    }

    fn save_task(&mut self) {
        let Some(t) = self.author.0.task.clone() else { return };
        let Some(goal) = t.goals.as_ref().and_then(|g| g.get(t.picked?)).cloned() else { return };
        if t.prompt.trim().is_empty() || t.success.trim().is_empty() {
            self.author_note(text::t("store.task-needs-words"));
            return;
        }
        let d = self.draft();
        if let Some(s) = d.steps.get_mut(t.step) {
            s.task = Some(Task {
                prompt: t.prompt.trim().to_string(),
                goal,
                success: t.success.trim().to_string(),
                solution: t.solution.clone(),
                within_ms: t.within_ms,
            });
            d.selected = Some(t.step);
        }
        d.task = None;
        d.note = Some(tf("store.task-saved", &[("step", &(t.step + 1).to_string())]));
    }

    fn preview(&mut self) {
        match self.author.0.export() {
            Ok((tour, _)) => {
                let step = self.author.0.selected.unwrap_or(0).min(tour.steps.len() - 1);
                let before = self.document();
                self.open_step_and_play(tour, step);
                if self.error.is_none() {
                    let d = self.draft();
                    d.before_preview = d.before_preview.take().or(before);
                    d.unlisted = Some(d.id.trim().to_string());
                    d.task = None;
                    d.note = Some(text::t("store.previewing").into());
                }
                // The draft is not a listed tour: the address bar keeps no link to it.
                self.effects.retain(|e| !matches!(e, Effect::ReplaceFragment(_)));
            }
            Err(e) => self.author_note(tf("store.not-previewable", &[("why", &e)])),
        }
    }

    /// Open a tour file or link's text: it becomes the draft and plays as a tour.
    pub(super) fn import_tour(&mut self, text: Result<String, String>, source: &str) {
        let read = text.and_then(|t| Tour::from_json(&t).map_err(|e| e.to_string()));
        match read.and_then(|tour| Draft::of_tour(&tour).map(|d| (tour, d))) {
            Ok((tour, draft)) => {
                let steps = tour.steps.len();
                self.author = DraftRef(Rc::new(Draft {
                    note: Some(tf(
                        if source == "file" { "store.tour-opened-file" } else { "store.tour-opened-link" },
                        &[("id", &tour.id), ("count", &steps.to_string())],
                    )),
                    unlisted: Some(tour.id.clone()),
                    ..draft
                }));
                self.open_step_and_play(tour, 0);
                self.effects.retain(|e| !matches!(e, Effect::ReplaceFragment(_)));
            }
            Err(e) => self.author_note(tf(
                if source == "file" { "store.tour-file-unreadable" } else { "store.tour-link-unreadable" },
                &[("why", &e)],
            )),
        }
    }

    /// A tour link's data, inflated by the browser: opened now, or once the built-ins arrive.
    pub(super) fn tour_unpacked(&mut self, json: Result<Vec<u8>, String>) {
        self.draft().pending_link = false;
        let text = json
            .map_err(|_| raft_sim::share::UNPACK_ERROR.to_string())
            .and_then(|j| String::from_utf8(j).map_err(|_| "the link's data is not text".to_string()));
        match text {
            Ok(text) if !self.builtins_done => self.draft().pending_text = Some(text),
            text => self.import_tour(text, "link"),
        }
    }

    /// The built-ins have arrived: open a tour link that waited for them.
    pub(super) fn tour_after_builtins(&mut self) {
        if let Some(text) = self.author.0.pending_text.clone() {
            self.draft().pending_text = None;
            self.import_tour(Ok(text), "link");
        }
    }

    /// "Link to this step" in a tour that is not one of the page's: a tour link (`#tour1.…`)
    /// holding the whole tour, which opens at its first step.
    pub(super) fn link_unlisted_tour(&mut self) {
        let Some(run) = &self.tour else { return };
        match serde_json::to_string_pretty(&run.tour) {
            Ok(json) if json.len() <= MAX_SCENARIO_BYTES => {
                self.effects.push(Effect::Pack { json: json.into_bytes(), then: LinkUse::Tour })
            }
            _ => self.author_note(text::t("store.tour-too-large")),
        }
    }

    /// The browser deflated the tour's link.
    pub(super) fn tour_packed(&mut self, packed: Result<Vec<u8>, String>) {
        match packed {
            Ok(packed) => {
                let fragment = tour_fragment_of_packed(&packed);
                if fragment.len() > MAX_TOUR_LINK_CHARS {
                    self.author_note(tf(
                        "store.tour-link-too-long",
                        &[("count", &fragment.len().to_string()), ("max", &MAX_TOUR_LINK_CHARS.to_string())],
                    ));
                    return;
                }
                let link = self.address(&[], &fragment);
                self.effects.push(Effect::Copy(link.clone()));
                let d = self.draft();
                d.link = Some(link);
                d.note = Some(text::t("store.tour-link-copied").into());
            }
            Err(e) => self.author_note(tf("store.tour-link-not-made", &[("why", &e)])),
        }
    }
}

fn live_time_ms(session: &raft_sim::session::Session) -> f64 {
    session.sim().now() as f64 / 1_000.0
}

/// `tour1.` then base64url (no padding) of the deflated JSON.
pub fn tour_fragment_of_packed(packed: &[u8]) -> String {
    use raft_sim::share::fragment_of_packed;
    // The run links' encoder, with this prefix instead of theirs.
    let run = fragment_of_packed(packed);
    let data = run.split_once('.').map_or(run.as_str(), |(_, d)| d);
    format!("{TOUR_LINK_PREFIX}{data}")
}

/// A tour link's deflated data (the fragment, with or without '#'), its length checked first.
pub fn packed_of_tour_fragment(fragment: &str) -> Option<Result<Vec<u8>, String>> {
    let data = fragment.trim().trim_start_matches('#').strip_prefix(TOUR_LINK_PREFIX)?;
    if data.len() > MAX_LINK_CHARS {
        return Some(Err(tf(
            "store.link-too-long",
            &[("count", &data.len().to_string()), ("max", &MAX_LINK_CHARS.to_string())],
        )));
    }
    // Decoded by the run links' decoder, behind their prefix.
    Some(raft_sim::share::packed_of_link(&format!("run1.{data}")).map_err(|e| e.to_string()))
}
