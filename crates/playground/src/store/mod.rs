//! The page's state and the actions that change it: the one place that owns the run. Components
//! read the store and dispatch [`Action`]s; [`Store::apply`] is the reducer. It touches no
//! browser API: what the browser must do (put a link in the address bar, copy it, download a
//! file, open a tab) comes back as [`Effect`]s for the page shell (live.rs) to carry out, so the
//! store compiles and is tested natively (`cargo test -p playground`).
//!
//! Why not Yew's `Reducible` behind `use_reducer`: that reducer returns a new `Rc<State>` per
//! action, and the state here holds a [`Session`] (a long run with its time-travel snapshots)
//! that must be changed in place, never copied. The shell is a struct component that owns one
//! `Store` and calls `apply`; components get what they draw as props that compare equal when
//! nothing they show changed, so an animation frame re-renders only what shows the moment.
mod authoring;
mod course;
pub mod hunt;
mod kit;
mod language;
pub mod lincheck;
mod timekit;
mod tour_run;

#[cfg(test)]
mod authoring_tests;
#[cfg(test)]
mod course_tests;
#[cfg(test)]
mod hunt_tests;
#[cfg(test)]
mod kit_tests;
#[cfg(test)]
mod language_tests;
#[cfg(test)]
mod lincheck_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod timekit_tests;

use crate::model::diagram::{DiagramAction, DiagramState};
use crate::model::history::VerdictView;
use crate::model::timeline::MarkerView;
use crate::text::{t, tf};
use raft_sim::scenario::{Action as Operator, RaftSettings, MAX_DURATION_MS};
use raft_sim::session::{Session, Stop, Target};
// Speeds from 0.01x to 100x, as a power of ten: the range run documents are checked against.
pub use authoring::{AuthorAction, Draft, DraftRef, DraftStep};
pub use course::{Course, CourseAction, CourseBuiltin};
pub use kit::Picture;
pub use language::LanguageFiles;
use raft_sim::builtin::{self, Builtin, IndexEntry};
use raft_sim::share::{self, RunDocument, View, SPEED_MAX_EXP, SPEED_MIN_EXP};
use raft_sim::tour::{self, Tour};
use raft_sim::Scenario;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
pub use timekit::fresh_seed;
pub use tour_run::{parse_tour_fragment, TourRun};

/// 0.016x: a 10-20 ms message takes about a second to cross, so one RequestVote and its reply
/// can be followed by eye; waits with nothing in flight are skipped through (see
/// [`IDLE_SPEEDUP`]).
pub const SPEED_DEFAULT_EXP: f64 = -1.8;
/// A frame never processes more than this many events (absurd settings slow down, not hang).
const EVENTS_PER_FRAME: u64 = 50_000;
/// Real milliseconds one frame may account for (after a background tab, do not leap).
const MAX_FRAME_MS: f64 = 100.0;
/// Opening a tour step replays its scenario to the step's start at once, within this budget.
const TOUR_REPLAY_EVENTS: u64 = 5_000_000;

/// Everything the page can be asked to do.
#[derive(Debug)]
pub enum Action {
    /// An animation frame at this timestamp (real ms): play on by the time since the last one.
    Frame(f64),
    TogglePlay,
    Step,
    StepBack,
    SeekTime(u64),
    SeekEvent(u64),
    Speed(f64),
    SpeedBy(f64),
    Load(usize),
    Cluster {
        nodes: u32,
        load: bool,
    },
    Select(u32),
    SelectMessage(u64),
    /// Inspect a message the diagram shows: go back to right after the event that sent it
    /// (where it is in flight) and select it.
    InspectMessage {
        message: u64,
        events: u64,
    },
    CloseMessage,
    /// Open, zoom, pan the space-time diagram, or select one of its events.
    Diagram(DiagramAction),
    /// Open another protocol's built-in, or pick one of its nodes (store/course.rs).
    Course(CourseAction),
    /// An operator action on the running cluster.
    Act(raft_sim::scenario::Action),
    /// The partially synchronous timing model with its GST this many virtual ms from now.
    GstFromNow {
        after_ms: f64,
        tail_probability: f64,
    },
    Configure(RaftSettings),
    ToggleHelp,
    Share,
    ToggleEmbedSnippet,
    OpenFull,
    /// A run's link JSON deflated by the browser (see [`Effect::Pack`]), or why it was not.
    Packed(LinkUse, Result<Vec<u8>, String>),
    /// The page's link data inflated by the browser (see [`Effect::Unpack`]), or why not.
    Unpacked(Result<Vec<u8>, String>),
    Export,
    /// The text of a run document the student picked, or why it could not be read.
    Imported(Result<String, String>),
    CheckLinearizability,
    /// The built-in scenarios' index (or why it could not be had) and the files it names.
    BuiltinsLoaded(Result<Vec<IndexEntry>, String>, Vec<(String, Result<String, String>)>),
    ToursLoaded(Vec<(String, Result<String, String>)>),
    /// The glossary's file (`tours/glossary.json`), or why it could not be had.
    GlossaryLoaded(Result<String, String>),
    OpenTour(String),
    TourStep(usize),
    CloseTour,
    TourLink,
    /// Jump to the previous / next marker (election, leader change, crash, violation...).
    PrevMarker,
    NextMarker,
    /// The seed field's text: start the scenario again with that seed.
    SetSeed(String),
    /// Start the scenario again with this (freshly drawn) seed.
    NewRun(u64),
    /// Why no fresh seed could be drawn.
    NoSeed(String),
    /// Skip through stretches with no message in flight (on by default).
    ToggleSkipIdle,
    /// Resume playing when an action is taken while paused (off by default: a note says how).
    ToggleResumeOnAct,
    /// Show only this topic in the event log (None: all).
    FilterEvents(Option<raft_sim::narrate::Topic>),
    /// Save a picture of this moment: SVG, or PNG when `png`.
    ExportPicture {
        picture: Picture,
        png: bool,
    },
    /// The picture the kit's menu has chosen.
    KitPicture(Picture),
    /// The text of the kit's seconds field.
    KitSeconds(String),
    /// Save the stage over the last seconds (the seconds field's) as an animated SVG.
    Animate,
    /// Enter or leave the presentation mode.
    TogglePresent,
    /// Escape: leave the presentation mode, or close the help.
    Escape,
    /// The embed API's commands (docs/embed-api.md), read and checked by embed_api.rs.
    /// Play (true) or pause (false).
    SetPlaying(bool),
    /// Open the built-in scenario with this id (its `name`).
    OpenBuiltin(String),
    /// Open step `.1` (from 0) of the tour with id `.0`.
    OpenTourStep(String, usize),
    /// Go to virtual time `.0` µs and pause: back in time, or on (played now, within the
    /// replay budget a tour step has) past the furthest point played.
    GoTo(u64),
    /// A task the host page set: done (an event) once its goal is reached, measured from now.
    SetTask(raft_sim::tour::Goal),
    /// Authoring a tour (store/authoring.rs).
    Author(AuthorAction),
    /// Show the page in this language (a tag of `text::LANGUAGES`; store/language.rs).
    ChooseLanguage(String),
    /// A language's catalogues as the browser fetched them (see [`Effect::FetchLanguage`]).
    LanguageLoaded(Box<LanguageFiles>),
    /// The hunt for a bug (store/hunt.rs): its panel and its workers' answers.
    Hunt(hunt::HuntAction),
    /// The history file opened on the page (store/lincheck.rs).
    History(lincheck::HistoryAction),
}

/// What a link being made is for: the browser deflates it asynchronously (the page links no
/// compressor of its own), then hands it back with [`Action::Packed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LinkUse {
    /// Share: the address bar, the clipboard and the share panel.
    Share,
    /// The embed snippet.
    Embed,
    /// The embedded page's "open the full page".
    OpenFull,
    /// A tour's link (the author panel's Link).
    Tour,
}

/// What the browser must do after an action.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Deflate `json` (raw deflate, as share links hold it), then [`Action::Packed`].
    Pack {
        json: Vec<u8>,
        then: LinkUse,
    },
    /// Inflate a link's data (raw deflate) to at most `MAX_SCENARIO_BYTES`, then
    /// [`Action::Unpacked`].
    Unpack(Vec<u8>),
    /// Put this fragment in the address bar (no reload, no history entry).
    ReplaceFragment(String),
    /// Copy this link to the clipboard.
    Copy(String),
    OpenTab(String),
    /// Save `text` as a file (its type by the name's extension).
    Download {
        name: String,
        text: String,
    },
    /// Draw this SVG document (`width` × `height`) at twice its size and save it as a PNG.
    SavePng {
        name: String,
        svg: String,
        width: f64,
        height: f64,
    },
    /// Fetch this language's catalogues (`text/TAG/`): its UI catalogue when `ui`, and those of
    /// the tours, the glossary and the built-ins; then [`Action::LanguageLoaded`].
    FetchLanguage {
        language: &'static str,
        ui: bool,
        /// The tours' ids (one catalogue each).
        tours: Vec<String>,
    },
    /// The page is now in this language: mark the document (`<html lang>`) and the address
    /// (`?lang=`, none for English), and draw everything again.
    LanguageShown(&'static str),
    /// Start `workers` hunt workers (web/hunt/worker.js) for hunt `serial`, after ending any
    /// others; their answers come back as [`Action::Hunt`].
    HuntSpawn {
        serial: u64,
        workers: usize,
    },
    /// Send a hunt worker (0-based, of the last spawned) a job.
    HuntSend {
        serial: u64,
        worker: usize,
        job: hunt::HuntJob,
    },
    /// Terminate the hunt's workers (whatever they are running).
    HuntTerminate,
    /// Once the page has drawn, scroll the element this CSS selector names into view.
    Reveal(&'static str),
    /// Judge history `serial` (its file's `text`) in a worker, then [`Action::History`] with
    /// `Checked`; where no worker starts, send [`lincheck::check_action`] once the page has
    /// drawn that it is checking.
    CheckHistory {
        serial: u64,
        text: String,
    },
}

/// The last linearizability check of the history, and the operations it flagged.
pub struct Verdict {
    pub view: VerdictView,
    pub flagged: BTreeSet<(u64, u64)>,
}

pub struct Store {
    /// The page's address without query or fragment, for the links it makes.
    base: String,
    /// A monotonic clock in real ms, to time jumps in time (never used by the simulation).
    clock: fn() -> f64,
    /// The built-in scenarios with their titles: fetched when the page starts (compiled in
    /// natively); empty until then.
    pub builtins: Vec<Builtin>,
    /// The other protocols' built-ins (flood consensus, the Two Generals, …), fetched with
    /// Raft's; empty until then.
    pub course_builtins: Vec<CourseBuiltin>,
    /// The open run of another protocol, if one is open (then the Raft run is not shown).
    pub course: Option<Course>,
    /// Fetched when the page starts; empty until then.
    pub tours: Vec<Tour>,
    /// The glossary of the tours' terms, fetched with them; none until then (the tour text is
    /// then shown plain).
    pub glossary: Option<std::rc::Rc<raft_sim::glossary::Glossary>>,
    /// A link's tour step, opened once the tours have arrived.
    pending_tour: Option<(String, usize)>,
    /// The page's run link is being inflated ([`Action::Unpacked`]): the first built-in is
    /// not opened meanwhile.
    pending_link: bool,
    /// The built-ins have been fetched (or failed to be).
    builtins_done: bool,
    pub tour: Option<TourRun>,
    pub verdict: Option<Verdict>,
    /// The scenario being run (a built-in, a custom cluster, an imported file or a link's).
    pub scenario: Scenario,
    pub session: Option<Session>,
    /// A refused action or setting.
    pub error: Option<String>,
    /// A link or file that could not be opened.
    pub notice: Option<String>,
    /// Why the last action shows nothing now, or what a tour step changed (the speed).
    pub hint: Option<String>,
    /// Set when an action is taken while paused: how to see its effect.
    pub paused_note: Option<String>,
    /// Skip through stretches with no message in flight.
    pub skip_idle: bool,
    /// Resume when an action is taken while paused.
    pub resume_on_act: bool,
    /// The event log's filter.
    pub event_filter: Option<raft_sim::narrate::Topic>,
    pub playing: bool,
    pub speed_exp: f64,
    last_frame: Option<f64>,
    pub selected: Option<u32>,
    pub selected_message: Option<u64>,
    pub diagram: DiagramState,
    pub help: bool,
    /// The presentation mode: large type, the stage and the log only, driven by keys.
    pub present: bool,
    /// What the teacher's kit last saved, or why it could not.
    pub kit_note: Option<String>,
    /// The kit's picture menu and seconds field.
    pub kit_picture: Picture,
    pub kit_seconds: String,
    pub share_link: Option<String>,
    /// Shown next to Share until the next change: the link is on the clipboard.
    pub link_copied: bool,
    /// The embed snippet's run (a link fragment) while its dialog is open: taken when it opens,
    /// not remade every frame (that would cost a deflate per frame and reload its preview).
    pub embed_snippet: Option<String>,
    /// The embed snippet's dialog was asked for and its link is being deflated.
    embed_pending: bool,
    /// How long the last jump in time took (shown to the frame-time probe as data-seek-ms).
    pub last_seek_ms: Option<f64>,
    /// The scrubber's markers, and the milestones they were made from (how many, the last):
    /// a long run has up to millions of milestones, too many to scan every frame.
    markers: RefCell<(usize, Option<raft_sim::sim::Milestone>, Vec<MarkerView>)>,
    /// The event log's sentences and what they were made from (see [`Store::event_lines`]).
    event_lines: RefCell<(timekit::EventKey, std::rc::Rc<Vec<raft_sim::narrate::Line>>)>,
    /// A task the host page set through the embed API, with what it is measured against and
    /// whether it is done; cleared when another run opens.
    pub host_task: Option<(raft_sim::tour::Goal, raft_sim::tour::Baseline, bool)>,
    /// The tours have been fetched (or failed to be).
    pub tours_done: bool,
    /// Counts the runs opened, so the embed API's events compare a run only with itself.
    pub run_serial: u64,
    /// What the embed API last told the host page (see [`Store::embed_events`]).
    embed_watch: crate::model::embed::Watcher,
    /// The tour step's pause and task as last told (tour, step, reached pause, done), and the
    /// host task's state as last told.
    embed_told: (Option<(String, usize, bool, bool)>, bool),
    /// Effects not yet carried out.
    effects: Vec<Effect>,
    /// The tour being written on the page (store/authoring.rs).
    author: DraftRef,
    /// The language the page is shown in (a tag of `text::LANGUAGES`).
    pub language: &'static str,
    /// The tours, glossary and built-ins in English, and the language's catalogues over them.
    words: language::Words,
    /// The hunt for a bug with the page's Break Raft rules (store/hunt.rs).
    pub hunt: hunt::Hunt,
    /// A history file open in its own view (store/lincheck.rs), over the paused run.
    pub imported: Option<lincheck::ImportedHistory>,
    /// Counts the history files opened.
    history_serial: u64,
}

/// A speed as the toolbar writes it: "0.05x", "3x".
/// 10 to the power `exp`, for the page's speeds (`exp` from −2 to 2): the whole powers by
/// multiplying, the fraction by exp's series (its terms after the 30th are below 1e-17 here).
/// Within a few 1e-16 of `powf`, without libm's `pow` in the wasm.
pub fn exp10(exp: f64) -> f64 {
    let whole = exp.floor();
    let x = (exp - whole) * std::f64::consts::LN_10;
    let (mut sum, mut term) = (1.0, 1.0);
    for k in 1..=30 {
        term *= x / f64::from(k);
        sum += term;
    }
    let mut power = 1.0;
    for _ in 0..(whole.abs().min(400.0) as u32) {
        power *= 10.0;
    }
    if whole < 0.0 {
        sum / power
    } else {
        sum * power
    }
}

pub fn speed_text(speed: f64) -> String {
    if speed < 0.1 {
        format!("{speed:.3}x")
    } else if speed < 1.0 {
        format!("{speed:.2}x")
    } else {
        format!("{speed:.0}x")
    }
}

/// A live run does not stop at the scenario's end: the student keeps watching and poking.
fn open_ended(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.duration_ms = MAX_DURATION_MS;
    s
}

fn start(scenario: &Scenario) -> Result<Session, String> {
    Session::new(&open_ended(scenario)).map_err(|e| format!("{}: {e}", scenario.name))
}

impl Store {
    /// The page as its address asks: `fragment` is a run document's link, a tour step (opened
    /// once the tours arrive, see [`Action::ToursLoaded`]) or empty (the default scenario).
    pub fn new(base: String, fragment: &str, clock: fn() -> f64) -> Store {
        let builtins = builtin::catalog().to_vec();
        // Until the built-ins arrive (the page fetches them) no run is open, unless a link
        // opens one: see [`Action::BuiltinsLoaded`].
        let default = builtins.first().map(|b| b.scenario.clone());
        let mut store = Store {
            base,
            clock,
            builtins,
            course_builtins: Vec::new(),
            course: None,
            tours: Vec::new(),
            glossary: None,
            pending_tour: None,
            pending_link: false,
            builtins_done: false,
            tour: None,
            verdict: None,
            scenario: default.clone().unwrap_or_else(|| builtin::cluster(3, false)),
            session: None,
            error: None,
            notice: None,
            hint: None,
            paused_note: None,
            skip_idle: true,
            resume_on_act: false,
            event_filter: None,
            playing: true,
            speed_exp: SPEED_DEFAULT_EXP,
            last_frame: None,
            selected: None,
            selected_message: None,
            diagram: DiagramState::default(),
            help: false,
            present: false,
            kit_note: None,
            kit_picture: Picture::Stage,
            kit_seconds: "5".into(),
            share_link: None,
            link_copied: false,
            embed_snippet: None,
            embed_pending: false,
            last_seek_ms: None,
            markers: Default::default(),
            event_lines: Default::default(),
            host_task: None,
            tours_done: false,
            run_serial: 0,
            embed_watch: Default::default(),
            embed_told: (None, false),
            effects: Vec::new(),
            author: DraftRef::default(),
            language: crate::text::language(),
            words: language::Words::default(),
            hunt: hunt::Hunt::default(),
            imported: None,
            history_serial: 0,
        };
        store.builtins_arrived(store.builtins.clone());
        let opened = if let Some(packed) = authoring::packed_of_tour_fragment(fragment) {
            // A tour link: inflated by the browser, opened once the built-ins are here.
            match packed {
                Ok(packed) => {
                    Rc::make_mut(&mut store.author.0).pending_link = true;
                    store.effects.push(Effect::Unpack(packed));
                }
                Err(e) => store.notice = Some(tf("store.tour-link-unreadable", &[("why", &e)])),
            }
            false
        } else if let Some((id, step)) = parse_tour_fragment(fragment) {
            // Opened once the tours arrive; the default scenario runs meanwhile.
            store.pending_tour = Some((id.to_string(), step));
            false
        } else if !fragment.is_empty() {
            // A run link's data is inflated by the browser, then opened (`Action::Unpacked`).
            match share::packed_of_link(fragment) {
                Ok(packed) => {
                    store.pending_link = true;
                    store.effects.push(Effect::Unpack(packed));
                    true
                }
                Err(e) => store.open_document(Err(e), "link"),
            }
        } else {
            false
        };
        if !opened {
            if !fragment.is_empty() && store.pending_tour.is_none() && !store.author.0.pending_link {
                store.playing = true;
                if let Some(notice) = &mut store.notice {
                    notice.push_str(" Showing the default scenario instead.");
                }
            }
            if let Some(default) = default {
                store.load(default);
            }
        }
        store
    }

    /// The fetched built-ins: kept for the picker and installed for the tours, which name them.
    /// What could not be loaded is said; a page that opened no run yet opens the first
    /// built-in, or, if none arrived, a plain three-server cluster: the page still works.
    fn builtins_loaded(&mut self, index: Result<Vec<IndexEntry>, String>, files: &[(String, Result<String, String>)]) {
        let (builtins, mut problems) = match &index {
            Ok(index) => builtin::from_files(index, files),
            Err(e) => (Vec::new(), vec![format!("{}: {e}", builtin::INDEX_FILE)]),
        };
        if let Ok(index) = &index {
            let (course, course_problems) = course::course_builtins(index, files);
            self.course_builtins = course;
            problems.extend(course_problems);
            self.recognise_course_builtin();
        }
        if !builtins.is_empty() {
            builtin::install(builtins.clone());
            self.builtins_arrived(builtins);
        }
        if !problems.is_empty() {
            let id = if self.builtins.is_empty() { "store.builtins-none" } else { "store.builtins-some" };
            self.notice = Some(tf(id, &[("problems", &problems.join("; "))]));
        }
        self.builtins_done = true;
        self.adopt_description();
        self.tour_after_builtins();
        if self.session.is_none() && self.course.is_none() && !self.pending_link {
            let first = self.builtins.first().map(|b| b.scenario.clone());
            self.load(first.unwrap_or_else(|| builtin::cluster(3, false)));
        }
    }

    /// A run opened from a link or file whose scenario is a built-in without its description
    /// (links leave it out) gets the description back, so the page names it as that built-in.
    fn adopt_description(&mut self) {
        if !self.scenario.description.is_empty() {
            return;
        }
        let same = |b: &&Builtin| Scenario { description: String::new(), ..b.scenario.clone() } == self.scenario;
        if let Some(b) = self.builtins.iter().find(same) {
            self.scenario.description = b.scenario.description.clone();
        }
    }

    /// The built-in this run is, if it is one (unchanged): the page shows its title and
    /// description.
    pub fn current_builtin(&self) -> Option<&Builtin> {
        self.builtins.iter().find(|b| b.scenario == self.scenario)
    }

    /// The effects the last actions asked for, in order; the caller carries them out.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn apply(&mut self, action: Action) {
        // While a history file is open, the run waits behind it: its time controls (the keys
        // still send them) do nothing, → and ← step through the linearization shown instead,
        // and Escape closes the history.
        if self.imported.is_some() {
            match action {
                Action::Step => return self.history_step_by(true),
                Action::StepBack => return self.history_step_by(false),
                Action::TogglePlay | Action::PrevMarker | Action::NextMarker | Action::SetPlaying(_) => return,
                Action::Escape if !self.present && !self.help => {
                    return self.history_action(lincheck::HistoryAction::Close);
                }
                _ => {}
            }
        }
        // While another protocol's run is open, the time controls play it.
        if self.course.is_some() {
            if let Action::Frame(timestamp) = action {
                if self.playing {
                    if let Some(last) = self.last_frame {
                        self.course_frame(timestamp - last);
                    }
                    self.last_frame = Some(timestamp);
                }
                return;
            }
            if self.course_controls(&action) {
                self.check_tour();
                return;
            }
        }
        match action {
            Action::Frame(timestamp) => {
                if self.playing {
                    if let Some(last) = self.last_frame {
                        self.advance(timestamp - last);
                        self.check_tour();
                    }
                    self.last_frame = Some(timestamp);
                }
            }
            Action::TogglePlay => {
                self.playing = !self.playing;
                self.last_frame = None;
                if self.playing {
                    self.paused_note = None;
                }
            }
            Action::PrevMarker => self.prev_marker(),
            Action::NextMarker => self.next_marker(),
            Action::SetSeed(text) => self.set_seed(&text),
            Action::NewRun(seed) => self.new_run(seed),
            Action::NoSeed(why) => self.error = Some(why),
            Action::ToggleSkipIdle => self.skip_idle = !self.skip_idle,
            Action::ToggleResumeOnAct => self.resume_on_act = !self.resume_on_act,
            Action::FilterEvents(topic) => self.filter_events(topic),
            Action::ExportPicture { picture, png } => self.export_picture(picture, png),
            Action::KitPicture(picture) => self.kit_picture = picture,
            Action::KitSeconds(text) => self.kit_seconds = text,
            Action::Animate => self.animate(&self.kit_seconds.clone()),
            Action::TogglePresent => self.present = !self.present,
            Action::Escape => self.escape(),
            Action::SetPlaying(on) => {
                if on != self.playing {
                    self.apply(Action::TogglePlay);
                }
            }
            Action::OpenBuiltin(name) => match self.builtins.iter().position(|b| b.scenario.name == name) {
                Some(index) => self.apply(Action::Load(index)),
                None => self.course_action(CourseAction::Open(name)),
            },
            Action::OpenTourStep(id, step) => match self.tours.iter().find(|t| t.id == id).cloned() {
                Some(t) => self.open_step_and_play(t, step),
                None => self.error = Some(tf("store.no-tour", &[("id", &id)])),
            },
            Action::GoTo(t) => {
                self.timed_seek(|s| {
                    let frontier = s.frontier().time_us;
                    s.seek(Target::Time(t.min(frontier)));
                    if t > frontier {
                        s.advance(t, TOUR_REPLAY_EVENTS, false);
                    }
                });
                self.check_tour();
            }
            Action::SetTask(goal) => match &self.session {
                Some(session) => {
                    let baseline = raft_sim::tour::Baseline::of(session.sim());
                    let done = goal.reached(session.sim(), baseline);
                    self.host_task = Some((goal, baseline, done));
                }
                None => self.error = Some(t("store.no-run").into()),
            },
            Action::Step => {
                self.playing = false;
                if let Some(s) = self.session.as_mut() {
                    s.step();
                }
                self.check_tour();
            }
            Action::StepBack => self.timed_seek(|s| {
                s.step_back();
            }),
            Action::SeekTime(t) => self.timed_seek(|s| s.seek(Target::Time(t.min(s.frontier().time_us)))),
            Action::SeekEvent(e) => self.timed_seek(|s| s.seek(Target::Event(e))),
            Action::Speed(exp) => self.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            Action::SpeedBy(step) => {
                self.speed_exp = (((self.speed_exp + step) * 10.0).round() / 10.0).clamp(SPEED_MIN_EXP, SPEED_MAX_EXP)
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::Load(index) => {
                if let Some(b) = self.builtins.get(index) {
                    self.load(b.scenario.clone());
                }
            }
            Action::Cluster { nodes, load } => self.load(builtin::cluster(nodes, load)),
            Action::Configure(settings) => {
                // Keep the running cluster if the new settings are refused.
                let mut scenario = self.scenario.clone();
                scenario.raft = settings;
                match start(&scenario) {
                    Ok(session) => {
                        self.install(scenario, session);
                        self.playing = true;
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Action::Select(id) => self.selected = if self.selected == Some(id) { None } else { Some(id) },
            Action::SelectMessage(id) => {
                // Inspecting a moving dot is easier when it stands still.
                self.playing = false;
                self.selected_message = Some(id);
            }
            Action::InspectMessage { message, events } => {
                self.timed_seek(|s| s.seek(Target::Event(events)));
                self.selected_message = Some(message);
            }
            Action::CloseMessage => self.selected_message = None,
            Action::Diagram(action) => {
                let now = self.now_us();
                self.diagram.apply(action, now);
            }
            Action::Course(action) => self.course_action(action),
            Action::Act(action) => {
                // What comes after this point is a new branch: the selected event may not be on it.
                self.diagram.selected = None;
                self.act(action)
            }
            Action::GstFromNow { after_ms, tail_probability } => {
                let now_ms = self.session.as_ref().map_or(0.0, |s| s.sim().now() as f64 / 1000.0);
                let gst_ms = (now_ms + after_ms).round();
                self.act(raft_sim::scenario::Action::SetNetwork {
                    latency_ms: None,
                    loss: None,
                    duplicate: None,
                    reorder: None,
                    timing: Some(raft_sim::scenario::TimingModel::PartiallySynchronous { gst_ms, tail_probability }),
                });
            }
            Action::BuiltinsLoaded(index, files) => self.builtins_loaded(index, &files),
            Action::ToursLoaded(files) => {
                let (tours, problems) = tour::parse_files(&files);
                self.tours_arrived(tours);
                self.tours_done = true;
                if !problems.is_empty() {
                    let said = tf("store.tours-unreadable", &[("problems", &problems.join("; "))]);
                    // After what the built-ins' fetch said, if anything (it is the cause).
                    self.notice = Some(match self.notice.take() {
                        Some(before) => tf("store.notice-after", &[("before", &before), ("after", &said)]),
                        None => said,
                    });
                }
                if let Some((id, step)) = self.pending_tour.take() {
                    match self.tours.iter().find(|t| t.id == id).cloned() {
                        Some(t) => self.open_step_and_play(t, step),
                        None => self.error = Some(tf("store.no-tour", &[("id", &id)])),
                    }
                    if let Some(e) = self.error.take() {
                        self.notice = Some(tf("store.link-fallback", &[("why", &e)]));
                    }
                }
            }
            Action::GlossaryLoaded(file) => {
                match file.and_then(|text| raft_sim::glossary::Glossary::from_json(&text).map_err(|e| e.to_string())) {
                    Ok(g) => self.glossary_arrived(g),
                    Err(e) => {
                        let said = tf("store.glossary-unreadable", &[("why", &e)]);
                        self.notice = Some(match self.notice.take() {
                            Some(before) => tf("store.notice-after", &[("before", &before), ("after", &said)]),
                            None => said,
                        });
                    }
                }
                if let Some(t) = self.tour.as_mut() {
                    t.text = std::rc::Rc::new(crate::model::glossary::StepText {
                        settings: t.text.settings.clone(),
                        ..crate::model::glossary::step_text(&self.tours, &t.tour, t.step, self.glossary.as_deref())
                    });
                }
            }
            Action::CheckLinearizability => {
                if let Some(session) = &self.session {
                    let sim = session.sim();
                    let report = raft_sim::linearizability::check_run(sim, raft_sim::linearizability::DEFAULT_BUDGET);
                    let flagged = raft_core::ordered::set_of(report.ops.iter().map(|o| (o.client, o.seq)));
                    self.verdict = Some(Verdict { view: VerdictView::of(&report, sim.events()), flagged });
                }
            }
            Action::OpenTour(id) => {
                if self.author.0.unlisted.is_some() {
                    Rc::make_mut(&mut self.author.0).unlisted = None;
                }
                if let Some(t) = self.tours.iter().find(|t| t.id == id).cloned() {
                    self.open_step_and_play(t, 0);
                }
            }
            Action::TourStep(step) => {
                if let Some(t) = self.tour.as_ref().map(|t| t.tour.clone()) {
                    self.open_step_and_play(t, step);
                }
            }
            Action::CloseTour => {
                self.tour = None;
                self.effects.push(Effect::ReplaceFragment(String::new()));
            }
            // A tour opened from a file, a link or the draft has no `#tour/ID/N` address: its
            // link carries the tour itself.
            Action::TourLink
                if self.tour.as_ref().is_some_and(|t| self.author.0.unlisted.as_ref() == Some(&t.tour.id)) =>
            {
                self.link_unlisted_tour()
            }
            Action::TourLink => {
                if let Some(t) = &self.tour {
                    let link = self.address(&[], &t.fragment());
                    self.effects.push(Effect::Copy(link.clone()));
                    self.share_link = Some(link);
                    self.link_copied = true;
                }
            }
            Action::Share => self.pack(LinkUse::Share),
            Action::ToggleEmbedSnippet => {
                if self.embed_snippet.is_some() || self.embed_pending {
                    self.embed_snippet = None;
                    self.embed_pending = false;
                } else {
                    self.embed_pending = true;
                    self.pack(LinkUse::Embed);
                }
            }
            Action::OpenFull => self.pack(LinkUse::OpenFull),
            Action::Packed(LinkUse::Tour, packed) => self.tour_packed(packed),
            Action::Author(a) => self.author(a),
            Action::Hunt(a) => self.hunt_action(a),
            a @ (Action::ChooseLanguage(_) | Action::LanguageLoaded(_)) => self.language_action(a),
            Action::Packed(then, Err(e)) => {
                self.embed_pending &= then != LinkUse::Embed;
                self.error = Some(tf("store.link-not-made", &[("why", &e)]));
            }
            Action::Packed(then, Ok(packed)) => {
                let fragment = share::fragment_of_packed(&packed);
                let link = self.address(&[], &fragment);
                match then {
                    LinkUse::Share => {
                        self.effects.push(Effect::ReplaceFragment(fragment));
                        self.effects.push(Effect::Copy(link.clone()));
                        self.share_link = Some(link);
                        self.link_copied = true;
                    }
                    LinkUse::Embed if self.embed_pending => {
                        self.embed_pending = false;
                        self.embed_snippet = Some(fragment);
                    }
                    LinkUse::Embed | LinkUse::Tour => {}
                    LinkUse::OpenFull => self.effects.push(Effect::OpenTab(link)),
                }
            }
            Action::Unpacked(result) if self.author.0.pending_link => self.tour_unpacked(result),
            Action::Unpacked(result) => {
                if !std::mem::take(&mut self.pending_link) {
                    return;
                }
                let foreign = result
                    .as_ref()
                    .ok()
                    .and_then(|json| std::str::from_utf8(json).ok())
                    .filter(|text| raft_sim::scenario::protocol::foreign_protocol(text).is_some())
                    .map(str::to_string);
                let opened = match foreign {
                    Some(text) => self.open_course_document(&text),
                    None => {
                        let doc = result
                            .map_err(|_| raft_sim::ScenarioError::new("", share::UNPACK_ERROR))
                            .and_then(|json| RunDocument::from_unpacked(&json));
                        self.open_document(doc, "link")
                    }
                };
                if !opened {
                    self.playing = true;
                    if let Some(notice) = &mut self.notice {
                        notice.push_str(" Showing the default scenario instead.");
                    }
                    if self.session.is_none() && (self.builtins_done || !self.builtins.is_empty()) {
                        let first = self.builtins.first().map(|b| b.scenario.clone());
                        self.load(first.unwrap_or_else(|| builtin::cluster(3, false)));
                    }
                }
            }
            Action::Export => {
                if let Some(doc) = self.document() {
                    let name = format!("raft-run-{}.json", doc.scenario.name);
                    self.effects.push(Effect::Download { name, text: doc.to_json() });
                }
            }
            Action::History(action) => self.history_action(action),
            Action::Imported(result) => {
                if let Some(text) = result.as_ref().ok().filter(|t| lincheck::is_history(t)) {
                    let text = text.clone();
                    self.open_history(&text);
                    return;
                }
                // A run document opened over a history shows that run.
                if result.is_ok() {
                    self.history_action(lincheck::HistoryAction::Close);
                }
                if let Some(text) =
                    result.as_ref().ok().filter(|t| raft_sim::scenario::protocol::foreign_protocol(t).is_some())
                {
                    let text = text.clone();
                    self.open_course_document(&text);
                    return;
                }
                let doc = result
                    .map_err(|e| raft_sim::ScenarioError::new("", e))
                    .and_then(|text| RunDocument::from_json(&text));
                self.open_document(doc, "file");
            }
        }
    }

    /// What the test hook asks (see test_hook.rs): play to `target` as frames would, however
    /// many frames' budgets it takes, only while the run plays.
    pub fn play_hook(&mut self, target: Option<u64>) {
        if self.course.is_some() {
            if let Some(t) = target.filter(|_| self.playing) {
                self.course_play_to(t);
            }
            return;
        }
        while let Some(t) = target.filter(|_| self.playing) {
            if self.play_to(t) != Stop::Budget {
                break;
            }
        }
        self.check_tour();
    }

    /// The run shown (the course run if one is open, else the Raft run): its time, events and
    /// trace hash, for the test hook.
    pub fn shown_run(&self) -> Option<(u64, u64, String)> {
        if let Some(c) = &self.course {
            return Some((c.run.now_us(), c.run.events(), format!("{:016x}", c.run.trace_hash())));
        }
        let sim = self.session.as_ref()?.sim();
        Some((sim.now(), sim.events(), sim.trace_hash_hex()))
    }

    /// The virtual time now (0 before a run is open).
    pub fn now_us(&self) -> u64 {
        if let Some(c) = &self.course {
            return c.run.now_us();
        }
        self.session.as_ref().map_or(0, |s| s.sim().now())
    }

    /// The class that draws attention to a panel the current tour step points at.
    pub fn spot(&self, panel: &str) -> Option<&'static str> {
        self.tour.as_ref().is_some_and(|t| t.spotlights(panel)).then_some("spotlight")
    }

    /// The markers for the session's milestones, made again only when they changed (they only
    /// grow along a branch; a new branch ends with a different milestone).
    pub fn markers(&self) -> Vec<MarkerView> {
        let Some(session) = &self.session else { return Vec::new() };
        let milestones = session.milestones();
        let key = (milestones.len(), milestones.last().copied());
        let mut cache = self.markers.borrow_mut();
        if (cache.0, cache.1) != key {
            *cache = (key.0, key.1, MarkerView::of(milestones));
        }
        cache.2.clone()
    }

    /// The run as a document: the scenario as the student chose it, everything done, this moment.
    pub fn document(&self) -> Option<RunDocument> {
        let session = self.session.as_ref()?;
        let view = View { selected: self.selected, speed_exp: Some(self.speed_exp), playing: false };
        let mut doc = RunDocument::of(session, view);
        // The link carries the scenario as the student chose it, not the open-ended copy, and
        // without a built-in's description: the page has it (see `adopt_description`), and it
        // would make every link several hundred characters longer.
        doc.scenario = self.scenario.clone();
        if self.current_builtin().is_some() {
            doc.scenario.description.clear();
        }
        Some(doc)
    }

    /// Ask the browser to deflate the run's link (see [`LinkUse`]).
    fn pack(&mut self, then: LinkUse) {
        if let Some(json) = self.course_link_json() {
            self.effects.push(Effect::Pack { json: json.into_bytes(), then });
            return;
        }
        match self.document() {
            Some(doc) => self.effects.push(Effect::Pack { json: doc.link_json(), then }),
            None => self.embed_pending = false,
        }
    }

    fn act(&mut self, action: Operator) {
        if let Some(s) = self.session.as_mut() {
            let leader = s.sim().leader();
            // Delivering or dropping a held message (manual delivery) takes effect now: while
            // paused, the events due now are played at once, so the student sees it at once.
            let held = match action {
                Operator::DeliverMessage { message } | Operator::DropMessage { message } => {
                    s.sim().held().any(|m| m.id == message)
                }
                _ => false,
            };
            match s.act(action.clone()) {
                Ok(()) => {
                    self.error = None;
                    let paused = !self.playing;
                    if held && paused {
                        let now = s.sim().now();
                        s.advance(now, EVENTS_PER_FRAME, false);
                    }
                    self.after_act(&action, leader);
                    if held && paused {
                        self.paused_note = None; // nothing left to press Play for
                    }
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.check_tour();
    }

    fn install(&mut self, scenario: Scenario, session: Session) {
        self.course = None;
        self.tour = None;
        self.host_task = None;
        self.run_serial += 1;
        self.verdict = None;
        self.scenario = scenario;
        self.session = Some(session);
        *self.markers.borrow_mut() = Default::default();
        *self.event_lines.borrow_mut() = Default::default();
        self.selected = None;
        self.selected_message = None;
        self.diagram.selected = None;
        self.diagram.end_us = None;
        self.error = None;
        self.share_link = None;
        self.last_frame = None;
        self.hint = None;
        self.paused_note = None;
        self.link_copied = false;
    }

    fn load(&mut self, scenario: Scenario) {
        match start(&scenario) {
            Ok(session) => self.install(scenario, session),
            Err(e) => self.error = Some(e),
        }
    }

    /// Open a run document (from a link or a file). On failure the current run stays (or, on
    /// first load, the default scenario runs) and the reason is shown.
    fn open_document(&mut self, doc: Result<RunDocument, raft_sim::ScenarioError>, source: &str) -> bool {
        match doc.and_then(|d| d.replay().map(|s| (d, s))) {
            Ok((doc, session)) => {
                self.install(doc.scenario.clone(), session);
                self.adopt_description();
                self.selected = doc.view.selected.filter(|&n| (1..=doc.scenario.nodes).contains(&n));
                if let Some(s) = doc.view.speed_exp {
                    self.speed_exp = s.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP);
                }
                self.playing = doc.view.playing;
                self.notice = None;
                true
            }
            Err(e) => {
                let id = if source == "file" { "store.file-unreadable" } else { "store.link-unreadable" };
                self.notice = Some(tf(id, &[("why", &e.to_string())]));
                false
            }
        }
    }

    /// The one place real time becomes virtual time (see [`Store::paced`]).
    fn advance(&mut self, real_ms: f64) {
        self.paced(real_ms.clamp(0.0, MAX_FRAME_MS), exp10(self.speed_exp));
    }

    /// Play to virtual time `target`, within one frame's event budget.
    fn play_to(&mut self, target: u64) -> Stop {
        self.play_within(target, EVENTS_PER_FRAME)
    }

    /// Play to virtual time `target`, processing at most `budget` events.
    fn play_within(&mut self, mut target: u64, budget: u64) -> Stop {
        let Some(session) = self.session.as_mut() else { return Stop::End };
        // A tour step stops exactly at its pause point, once.
        let pause = self.tour.as_ref().filter(|t| !t.reached_pause).and_then(|t| t.pause_us);
        if let Some(p) = pause {
            target = target.min(p);
        }
        // Within a tour step the step's own pause is the stopping point: its text explains any
        // violation on the way.
        let stop = session.advance(target, budget, pause.is_none());
        // Stop at the event that broke a property, so the student sees that moment; at a tour
        // step's pause; and when the run's budget (events, memory) ran out: nothing more can
        // happen on this branch (the page says why; going back in time still works).
        if stop == Stop::Violation
            || pause.is_some_and(|p| session.sim().now() >= p)
            || session.sim().stopped().is_some()
        {
            self.playing = false;
        }
        stop
    }

    /// Open step `step` of `tour`: replay its scenario to the step's start, then play to its
    /// pause. The address bar names the step, so reloading or copying it comes back here.
    fn open_tour_step(&mut self, tour: Tour, step: usize) -> Result<(), String> {
        let Some(s) = tour.steps.get(step) else {
            return Err(tf("store.tour-steps", &[("id", &tour.id), ("count", &tour.steps.len().to_string())]));
        };
        if tour.course_step(step).is_some() {
            return self.open_course_tour_step(tour, step);
        }
        let mut scenario = tour.scenario_at(step).map_err(|e| format!("{}: {e}", tour.id))?;
        // A built-in's description in the page's language (the tours name the English ones).
        if let Some(description) = self.step_description(&tour, step) {
            scenario.description = description;
        }
        let mut session = start(&scenario)?;
        let settings = crate::model::sim_text::step_settings_text(&raft_sim::scenario::settings::settings_at(
            &scenario,
            s.pause_ms.unwrap_or(s.start_ms),
        ));
        let start_us = raft_sim::scenario::ms_to_us(s.start_ms);
        session.advance(start_us, TOUR_REPLAY_EVENTS, false);
        let pause_us = s.pause_ms.map(raft_sim::scenario::ms_to_us);
        if let Some(exp) = s.speed_exp {
            self.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP);
        }
        self.install(scenario, session);
        if let Some(exp) = s.speed_exp {
            let speed = exp10(exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP));
            self.hint = Some(tf("store.tour-speed", &[("speed", &speed_text(speed))]));
        }
        let text = crate::model::glossary::StepText {
            settings,
            ..crate::model::glossary::step_text(&self.tours, &tour, step, self.glossary.as_deref())
        };
        self.tour = Some(TourRun {
            tour,
            step,
            text: std::rc::Rc::new(text),
            pause_us,
            reached_pause: false,
            baseline: None,
            done: false,
            claims: None,
        });
        self.check_tour();
        self.playing = !self.tour.as_ref().is_some_and(|t| t.reached_pause && t.pause_us.is_some());
        if let Some(t) = &self.tour {
            self.effects.push(Effect::ReplaceFragment(t.fragment()));
        }
        Ok(())
    }

    fn open_step_and_play(&mut self, tour: Tour, step: usize) {
        match self.open_tour_step(tour, step) {
            Ok(()) => {
                self.error = None;
                self.last_frame = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn check_tour(&mut self) {
        if let Some(c) = self.course.as_ref() {
            if let Some(t) = self.tour.as_mut() {
                t.check_course(c.run.as_ref());
            }
            return;
        }
        if let (Some(t), Some(session)) = (self.tour.as_mut(), self.session.as_ref()) {
            t.check(session.sim());
        }
        if let (Some((goal, baseline, done @ false)), Some(session)) = (self.host_task.as_mut(), self.session.as_ref())
        {
            *done = goal.reached(session.sim(), *baseline);
        }
    }

    /// What the embed API tells the host page now (docs/embed-api.md): what changed in the run
    /// since it was last told (from the simulator's milestones, servers and checker), a tour
    /// step's pause reached, a task done. Empty when nothing changed.
    pub fn embed_events(&mut self) -> Vec<crate::model::embed::Event> {
        use crate::model::embed::Event;
        let Some(session) = &self.session else { return Vec::new() };
        let mut out = self.embed_watch.events(self.run_serial, session.sim());
        let tour = self.tour.as_ref().map(|t| (t.tour.id.clone(), t.step, t.reached_pause, t.done));
        if tour != self.embed_told.0 {
            if let Some((id, step, reached, done)) = &tour {
                let before = self.embed_told.0.as_ref().filter(|b| (&b.0, b.1) == (id, *step));
                if *reached && !before.is_some_and(|b| b.2) {
                    out.push(Event::Step { tour: id.clone(), step: step + 1 });
                }
                if *done && !before.is_some_and(|b| b.3) {
                    out.push(Event::Done { task: format!("tour/{id}/{}", step + 1) });
                }
            }
            self.embed_told.0 = tour;
        }
        let host_done = self.host_task.as_ref().is_some_and(|t| t.2);
        if host_done && !self.embed_told.1 {
            out.push(Event::Done { task: "host".into() });
        }
        self.embed_told.1 = host_done;
        out
    }

    /// A jump in time (it pauses the run), timed for the frame-time probe.
    fn timed_seek(&mut self, seek: impl FnOnce(&mut Session)) {
        self.playing = false;
        let Some(session) = self.session.as_mut() else { return };
        let started = (self.clock)();
        seek(session);
        self.last_seek_ms = Some((self.clock)() - started);
    }
}
