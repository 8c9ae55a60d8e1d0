//! The live cluster: the one place where virtual time advances, once per animation frame
//! (requestAnimationFrame), by the real time elapsed times the chosen speed; on a test page
//! (`?test-hook`, see test_hook.rs) by the virtual time the test asks for instead, through the
//! same [`Live::play_to`]. Everything else
//! here turns clicks into operator actions or seeks on the [`Session`] and hands snapshots of
//! it to components that draw them.
use crate::browser;
use crate::client_panel::ClientPanel;
use crate::embed_view::{embed_view, EmbedBody};
use crate::failure_panel::FailurePanel;
use crate::history_view::{HistoryData, HistoryView, VerdictView};
use crate::lab_panel::LabPanel;
use crate::log_view::{LogData, LogView};
use crate::message_view::{MessageDetail, MessageInspector};
use crate::model;
use crate::monitor::Monitor;
use crate::settings::SettingsPanel;
use crate::share_panel::share_panel;
use crate::stage::{Stage, StageData};
use crate::timeline::{MarkerView, Timeline};
use crate::toolbar::{self, ToolbarData};
use crate::tour_panel::{TaskView, TourPanel, TourView};
use raft_sim::scenario::{Action, RaftSettings, MAX_DURATION_MS, MAX_SCENARIO_BYTES};
use raft_sim::session::{Session, Stop, Target};
// Speeds from 0.01x to 100x, as a power of ten: the range run documents are checked against.
use raft_sim::share::{RunDocument, View, SPEED_MAX_EXP, SPEED_MIN_EXP};
use raft_sim::tour::{self, Baseline, Tour};
use raft_sim::{builtin, Scenario};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::html::Scope;
use yew::prelude::*;

/// 0.05x: a 10-20 ms message takes a visible fraction of a second to cross.
const SPEED_DEFAULT_EXP: f64 = -1.3;
/// A frame never processes more than this many events (absurd settings slow down, not hang).
const EVENTS_PER_FRAME: u64 = 50_000;
/// Real milliseconds one frame may account for (after a background tab, do not leap).
const MAX_FRAME_MS: f64 = 100.0;
/// Opening a tour step replays its scenario to the step's start at once, within this budget.
const TOUR_REPLAY_EVENTS: u64 = 5_000_000;

pub enum Msg {
    Frame(f64),
    TogglePlay,
    Step,
    StepBack,
    SeekTime(u64),
    SeekEvent(u64),
    Speed(f64),
    SpeedBy(f64),
    Load(usize),
    Cluster { nodes: u32, load: bool },
    Select(u32),
    SelectMessage(u64),
    CloseMessage,
    Act(Action),
    Configure(RaftSettings),
    ToggleHelp,
    Share,
    ToggleEmbedSnippet,
    OpenFull,
    Export,
    Import(web_sys::File),
    Imported(Result<String, String>),
    CheckLinearizability,
    ToursLoaded(Vec<(String, Result<String, String>)>),
    OpenTour(String),
    TourStep(usize),
    CloseTour,
    TourLink,
    Hook(crate::test_hook::Request),
}

/// A guided tour being followed: which step, and the state of its pause and task.
struct TourRun {
    tour: Tour,
    step: usize,
    /// Where the step pauses (virtual µs), if it does.
    pause_us: Option<u64>,
    reached_pause: bool,
    /// The state the task is measured against, taken when the step reaches its pause.
    baseline: Option<Baseline>,
    done: bool,
    /// Of the step's claims about its pause point, how many held when it was reached here
    /// (the same claims the tour tests check natively).
    claims: Option<(usize, usize)>,
}

impl TourRun {
    fn highlight(&self) -> Option<&tour::Highlight> {
        self.tour.steps.get(self.step).map(|s| &s.highlight)
    }

    fn spotlights(&self, panel: &str) -> bool {
        self.highlight().is_some_and(|h| h.panels.iter().any(|p| p == panel))
    }

    fn view(&self) -> Option<TourView> {
        let step = self.tour.steps.get(self.step)?;
        Some(TourView {
            id: self.tour.id.clone(),
            title: self.tour.title.clone(),
            step: self.step,
            steps: self.tour.steps.iter().map(|s| s.title.clone()).collect(),
            step_title: step.title.clone(),
            text: step.text.clone(),
            task: step.task.as_ref().map(|t| TaskView {
                prompt: t.prompt.clone(),
                success: t.success.clone(),
                done: self.done,
            }),
            paused_at_end: self.reached_pause,
            claims: self.claims,
        })
    }

    fn fragment(&self) -> String {
        format!("tour/{}/{}", self.tour.id, self.step + 1)
    }
}

/// `tour/ID/N` (N counts from 1) → (id, 0-based step).
fn parse_tour_fragment(fragment: &str) -> Option<(&str, usize)> {
    let rest = fragment.strip_prefix("tour/")?;
    let (id, n) = rest.split_once('/').unwrap_or((rest, "1"));
    let n: usize = n.parse().ok()?;
    Some((id, n.checked_sub(1)?))
}

/// A pending animation frame; dropping it cancels the request.
struct AnimationFrame {
    id: i32,
    _callback: Closure<dyn FnMut(f64)>,
}

impl Drop for AnimationFrame {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.cancel_animation_frame(self.id);
        }
    }
}

/// The page-wide keyboard listener; dropping it removes the listener.
struct KeyListener {
    callback: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback("keydown", self.callback.as_ref().unchecked_ref());
        }
    }
}

/// Space plays or pauses, → and ← step one event, + and - change the speed, ? shows the keys.
/// Keys typed into a form field are left alone.
fn listen_keys(link: &Scope<Live>) -> Option<KeyListener> {
    let link = link.clone();
    let callback = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
        let in_field = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"));
        if in_field || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let msg = match e.key().as_str() {
            " " => Msg::TogglePlay,
            "ArrowRight" => Msg::Step,
            "ArrowLeft" => Msg::StepBack,
            "+" | "=" => Msg::SpeedBy(0.1),
            "-" | "_" => Msg::SpeedBy(-0.1),
            "?" => Msg::ToggleHelp,
            _ => return,
        };
        e.prevent_default();
        link.send_message(msg);
    });
    let document = web_sys::window()?.document()?;
    document.add_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref()).ok()?;
    Some(KeyListener { callback })
}

/// Fetch the shipped tours (`tours/` beside the page), in order, then hand them to the view.
fn fetch_tours(link: &Scope<Live>) {
    let link = link.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut files = Vec::new();
        for name in tour::TOUR_FILE_NAMES {
            files.push((
                name.to_string(),
                browser::fetch_text(&format!("tours/{name}"), raft_sim::input::MAX_INPUT_BYTES).await,
            ));
        }
        link.send_message(Msg::ToursLoaded(files));
    });
}

fn request_frame(link: &Scope<Live>) -> Option<AnimationFrame> {
    if crate::test_hook::drives_time() {
        return None;
    }
    let link = link.clone();
    let callback = Closure::once(move |timestamp: f64| link.send_message(Msg::Frame(timestamp)));
    let id = web_sys::window()?.request_animation_frame(callback.as_ref().unchecked_ref()).ok()?;
    Some(AnimationFrame { id, _callback: callback })
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

#[derive(Properties, PartialEq)]
pub struct LiveProps {
    /// Only the stage and a small control bar, for iframes in course notes.
    #[prop_or_default]
    pub embed: bool,
}

pub struct Live {
    builtins: Vec<Scenario>,
    /// Fetched when the page starts; empty until then.
    tours: Vec<Tour>,
    /// A link's tour step, opened once the tours have arrived.
    pending_tour: Option<(String, usize)>,
    tour: Option<TourRun>,
    /// The last linearizability check of the history, and the operations it flagged.
    verdict: Option<(VerdictView, std::collections::BTreeSet<(u64, u64)>)>,
    /// The scenario being run (a built-in, a custom cluster, an imported file or a link's).
    scenario: Scenario,
    session: Option<Session>,
    /// A refused action or setting.
    error: Option<String>,
    /// A link or file that could not be opened.
    notice: Option<String>,
    playing: bool,
    speed_exp: f64,
    last_frame: Option<f64>,
    frame: Option<AnimationFrame>,
    selected: Option<u32>,
    selected_message: Option<u64>,
    /// Made once, so the settings panel's props stay equal across frames and it is not
    /// re-rendered (which would reset what the student is typing) sixty times a second.
    on_configure: Callback<RaftSettings>,
    help: bool,
    share_link: Option<String>,
    embed_snippet: bool,
    /// How long the last jump in time took (shown to the frame-time probe as data-seek-ms).
    last_seek_ms: Option<f64>,
    /// The scrubber's markers, and the milestones they were made from (how many, the last):
    /// a long run has up to millions of milestones, too many to scan every frame.
    markers: std::cell::RefCell<(usize, Option<raft_sim::sim::Milestone>, Vec<MarkerView>)>,
    _keys: Option<KeyListener>,
    _file_read: Option<browser::FileRead>,
    /// Test hook calls to answer once the page has rendered what they did.
    hook_replies: Vec<crate::test_hook::Request>,
}

impl Live {
    fn install(&mut self, scenario: Scenario, session: Session) {
        self.tour = None;
        self.verdict = None;
        self.scenario = scenario;
        self.session = Some(session);
        *self.markers.borrow_mut() = Default::default();
        self.selected = None;
        self.selected_message = None;
        self.error = None;
        self.share_link = None;
        self.last_frame = None;
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
                self.selected = doc.view.selected.filter(|&n| (1..=doc.scenario.nodes).contains(&n));
                if let Some(s) = doc.view.speed_exp {
                    self.speed_exp = s.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP);
                }
                self.playing = doc.view.playing;
                self.notice = None;
                true
            }
            Err(e) => {
                self.notice = Some(format!("This {source} could not be opened: {e}."));
                false
            }
        }
    }

    fn advance(&mut self, real_ms: f64) {
        let Some(session) = self.session.as_ref() else { return };
        let virtual_us = (real_ms.clamp(0.0, MAX_FRAME_MS) * 1000.0 * 10f64.powf(self.speed_exp)) as u64;
        self.play_to(session.sim().now().saturating_add(virtual_us));
    }

    /// Play to virtual time `target`, within one frame's event budget.
    fn play_to(&mut self, mut target: u64) -> Stop {
        let Some(session) = self.session.as_mut() else { return Stop::End };
        // A tour step stops exactly at its pause point, once.
        let pause = self.tour.as_ref().filter(|t| !t.reached_pause).and_then(|t| t.pause_us);
        if let Some(p) = pause {
            target = target.min(p);
        }
        // Within a tour step the step's own pause is the stopping point: its text explains any
        // violation on the way.
        let stop = session.advance(target, EVENTS_PER_FRAME, pause.is_none());
        if stop == Stop::Violation {
            // Stop at the event that broke a property, so the student sees that moment.
            self.playing = false;
            self.frame = None;
        }
        if pause.is_some_and(|p| session.sim().now() >= p) {
            self.playing = false;
            self.frame = None;
        }
        // The run's budget (events, memory) ran out: nothing more can happen on this branch.
        // The page pauses and says why (see `budget_notice`); going back in time still works.
        if session.sim().stopped().is_some() {
            self.playing = false;
            self.frame = None;
        }
        stop
    }

    /// Open step `step` of `tour`: replay its scenario to the step's start, then play to its
    /// pause. The address bar names the step, so reloading or copying it comes back here.
    fn open_tour_step(&mut self, tour: Tour, step: usize) -> Result<(), String> {
        let Some(s) = tour.steps.get(step) else {
            return Err(format!("the tour '{}' has {} steps", tour.id, tour.steps.len()));
        };
        let scenario = tour.scenario_at(step).map_err(|e| format!("{}: {e}", tour.id))?;
        let mut session = start(&scenario)?;
        let start_us = raft_sim::scenario::ms_to_us(s.start_ms);
        session.advance(start_us, TOUR_REPLAY_EVENTS, false);
        let pause_us = s.pause_ms.map(raft_sim::scenario::ms_to_us);
        if let Some(exp) = s.speed_exp {
            self.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP);
        }
        self.install(scenario, session);
        self.tour =
            Some(TourRun { tour, step, pause_us, reached_pause: false, baseline: None, done: false, claims: None });
        self.check_tour();
        self.playing = !self.tour.as_ref().is_some_and(|t| t.reached_pause && t.pause_us.is_some());
        if let Some(t) = &self.tour {
            browser::replace_fragment(&t.fragment());
        }
        Ok(())
    }

    /// After anything that moves time: note the pause point once passed (the task is measured
    /// from there), and whether the task's goal has been reached.
    fn check_tour(&mut self) {
        let (Some(t), Some(session)) = (self.tour.as_mut(), self.session.as_ref()) else { return };
        let sim = session.sim();
        if !t.reached_pause && t.pause_us.is_none_or(|p| sim.now() >= p) {
            t.reached_pause = true;
            t.baseline = Some(Baseline::of(sim));
            if let Some(step) = t.tour.steps.get(t.step) {
                let at_pause: Vec<_> =
                    step.claims.iter().filter(|c| c.at_ms.is_none_or(|at| Some(at) == step.pause_ms)).collect();
                let held = at_pause.iter().filter(|c| c.check.evaluate(sim).is_ok()).count();
                t.claims = Some((held, at_pause.len()));
            }
        }
        if let (Some(baseline), false) = (t.baseline, t.done) {
            if let Some(task) = t.tour.steps.get(t.step).and_then(|s| s.task.as_ref()) {
                t.done = task.goal.reached(sim, baseline);
            }
        }
    }

    fn timed_seek(&mut self, seek: impl FnOnce(&mut Session)) {
        let Some(session) = self.session.as_mut() else { return };
        let started = browser::now_ms();
        seek(session);
        self.last_seek_ms = Some(browser::now_ms() - started);
    }

    fn pause(&mut self) {
        self.playing = false;
        self.frame = None;
    }

    fn open_step_and_play(&mut self, ctx: &Context<Self>, tour: Tour, step: usize) {
        match self.open_tour_step(tour, step) {
            Ok(()) => {
                self.error = None;
                self.last_frame = None;
                self.frame = if self.playing { request_frame(ctx.link()) } else { None };
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn document(&self) -> Option<RunDocument> {
        let session = self.session.as_ref()?;
        let view = View { selected: self.selected, speed_exp: Some(self.speed_exp), playing: false };
        let mut doc = RunDocument::of(session, view);
        // The link carries the scenario as the student chose it, not the open-ended copy.
        doc.scenario = self.scenario.clone();
        Some(doc)
    }

    fn full_link(&self) -> Option<String> {
        let (base, _, _) = browser::location();
        Some(format!("{base}#{}", self.document()?.to_link_fragment()))
    }
}

impl Component for Live {
    type Message = Msg;
    type Properties = LiveProps;

    fn create(ctx: &Context<Self>) -> Self {
        let builtins = builtin::list();
        let default = builtins.first().cloned().unwrap_or_else(|| builtin::cluster(3, false));
        let mut live = Live {
            builtins,
            tours: Vec::new(),
            pending_tour: None,
            tour: None,
            verdict: None,
            scenario: default.clone(),
            session: None,
            error: None,
            notice: None,
            playing: true,
            speed_exp: SPEED_DEFAULT_EXP,
            last_frame: None,
            frame: None,
            selected: None,
            selected_message: None,
            on_configure: ctx.link().callback(Msg::Configure),
            help: false,
            share_link: None,
            embed_snippet: false,
            _keys: listen_keys(ctx.link()),
            last_seek_ms: None,
            markers: Default::default(),
            _file_read: None,
            hook_replies: Vec::new(),
        };
        crate::test_hook::install(ctx.link());
        let (_, _, fragment) = browser::location();
        fetch_tours(ctx.link());
        let opened = if let Some((id, step)) = parse_tour_fragment(&fragment) {
            // Opened once the tours arrive; the default scenario runs meanwhile.
            live.pending_tour = Some((id.to_string(), step));
            false
        } else {
            !fragment.is_empty() && live.open_document(RunDocument::from_link(&fragment), "link")
        };
        if !opened {
            if !fragment.is_empty() && live.pending_tour.is_none() {
                live.playing = true;
                if let Some(notice) = &mut live.notice {
                    notice.push_str(" Showing the default scenario instead.");
                }
            }
            live.load(default);
        }
        if live.playing {
            live.frame = request_frame(ctx.link());
        }
        live
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(timestamp) => {
                if self.playing {
                    if let Some(last) = self.last_frame {
                        self.advance(timestamp - last);
                        self.check_tour();
                    }
                    self.last_frame = Some(timestamp);
                    if self.playing {
                        self.frame = request_frame(ctx.link());
                    }
                }
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.last_frame = None;
                self.frame = if self.playing { request_frame(ctx.link()) } else { None };
            }
            Msg::Step => {
                self.pause();
                if let Some(s) = self.session.as_mut() {
                    s.step();
                }
                self.check_tour();
            }
            Msg::StepBack => {
                self.pause();
                self.timed_seek(|s| {
                    s.step_back();
                });
            }
            Msg::SeekTime(t) => {
                self.pause();
                self.timed_seek(|s| s.seek(Target::Time(t.min(s.frontier().time_us))));
            }
            Msg::SeekEvent(e) => {
                self.pause();
                self.timed_seek(|s| s.seek(Target::Event(e)));
            }
            Msg::Speed(exp) => self.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            Msg::SpeedBy(step) => {
                self.speed_exp = (((self.speed_exp + step) * 10.0).round() / 10.0).clamp(SPEED_MIN_EXP, SPEED_MAX_EXP)
            }
            Msg::ToggleHelp => self.help = !self.help,
            Msg::Load(index) => {
                if let Some(s) = self.builtins.get(index).cloned() {
                    self.load(s);
                }
            }
            Msg::Cluster { nodes, load } => self.load(builtin::cluster(nodes, load)),
            Msg::Configure(settings) => {
                // Keep the running cluster if the new settings are refused.
                let mut scenario = self.scenario.clone();
                scenario.raft = settings;
                match start(&scenario) {
                    Ok(session) => {
                        self.install(scenario, session);
                        if !self.playing {
                            self.playing = true;
                            self.frame = request_frame(ctx.link());
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::Select(id) => self.selected = if self.selected == Some(id) { None } else { Some(id) },
            Msg::SelectMessage(id) => {
                // Inspecting a moving dot is easier when it stands still.
                self.pause();
                self.selected_message = Some(id);
            }
            Msg::CloseMessage => self.selected_message = None,
            Msg::Act(action) => {
                if let Some(s) = self.session.as_mut() {
                    match s.act(action) {
                        Ok(()) => self.error = None,
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
                self.check_tour();
            }
            Msg::ToursLoaded(files) => {
                let (tours, problems) = tour::parse_files(&files);
                self.tours = tours;
                if !problems.is_empty() {
                    self.notice = Some(format!("Some guided tours could not be loaded: {}.", problems.join("; ")));
                }
                if let Some((id, step)) = self.pending_tour.take() {
                    match self.tours.iter().find(|t| t.id == id).cloned() {
                        Some(t) => self.open_step_and_play(ctx, t, step),
                        None => self.error = Some(format!("there is no tour '{id}'")),
                    }
                    if let Some(e) = self.error.take() {
                        self.notice =
                            Some(format!("This link could not be opened: {e}. Showing the default scenario instead."));
                    }
                }
            }
            Msg::CheckLinearizability => {
                if let Some(session) = &self.session {
                    let sim = session.sim();
                    let report = raft_sim::linearizability::check_run(sim, raft_sim::linearizability::DEFAULT_BUDGET);
                    let flagged = report.ops.iter().map(|o| (o.client, o.seq)).collect();
                    self.verdict = Some((VerdictView::of(&report, sim.events()), flagged));
                }
            }
            Msg::OpenTour(id) => {
                if let Some(t) = self.tours.iter().find(|t| t.id == id).cloned() {
                    self.open_step_and_play(ctx, t, 0);
                }
            }
            Msg::TourStep(step) => {
                if let Some(t) = self.tour.as_ref().map(|t| t.tour.clone()) {
                    self.open_step_and_play(ctx, t, step);
                }
            }
            Msg::CloseTour => {
                self.tour = None;
                browser::replace_fragment("");
            }
            Msg::TourLink => {
                if let Some(t) = &self.tour {
                    let (base, _, _) = browser::location();
                    let link = format!("{base}#{}", t.fragment());
                    browser::copy_to_clipboard(&link);
                    self.share_link = Some(link);
                }
            }
            Msg::Share => {
                if let Some(doc) = self.document() {
                    let fragment = doc.to_link_fragment();
                    browser::replace_fragment(&fragment);
                    let (base, _, _) = browser::location();
                    let link = format!("{base}#{fragment}");
                    browser::copy_to_clipboard(&link);
                    self.share_link = Some(link);
                }
            }
            Msg::ToggleEmbedSnippet => self.embed_snippet = !self.embed_snippet,
            Msg::OpenFull => {
                if let Some(link) = self.full_link() {
                    browser::open_in_new_tab(&link);
                }
            }
            Msg::Export => {
                if let Some(doc) = self.document() {
                    browser::download(&format!("raft-run-{}.json", doc.scenario.name), &doc.to_json());
                }
            }
            Msg::Import(file) => {
                let link = ctx.link().clone();
                self._file_read =
                    browser::read_text_file(file, MAX_SCENARIO_BYTES, move |r| link.send_message(Msg::Imported(r)));
            }
            Msg::Imported(result) => {
                self._file_read = None;
                let doc = result
                    .map_err(|e| raft_sim::ScenarioError::new("", e))
                    .and_then(|text| RunDocument::from_json(&text));
                if self.open_document(doc, "file") {
                    self.frame = if self.playing { request_frame(ctx.link()) } else { None };
                }
            }
            Msg::Hook(request) => match request.target_us(self.session.as_ref().map_or(0, |s| s.sim().now())) {
                Ok(target) => {
                    // Played as frames would play it, however many frames' budgets it takes.
                    while let Some(t) = target.filter(|_| self.playing) {
                        if self.play_to(t) != Stop::Budget {
                            break;
                        }
                    }
                    self.check_tour();
                    self.hook_replies.push(request);
                }
                Err(e) => request.refuse(&e),
            },
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        for request in self.hook_replies.drain(..) {
            request.answer(self.session.as_ref(), self.playing);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        if ctx.props().embed {
            return self.embed_view(ctx);
        }
        let link = ctx.link();
        html! {
            <section class="live" aria-label="Live cluster">
                { self.toolbar(ctx) }
                { self.messages() }
                if self.help {
                    { toolbar::help(&link.callback(|m| m)) }
                }
                if let Some(session) = &self.session {
                    { self.timeline(ctx, session) }
                    <div class="live-body">
                        { self.stage(ctx, session) }
                        <div class="side">
                            { self.tour_panel(ctx, false) }
                            <p class="clock" data-testid="clock" data-hash={session.sim().trace_hash_hex()} data-events={session.sim().events().to_string()}
                               data-frontier={session.frontier().events.to_string()}
                               data-seek-ms={self.last_seek_ms.map(|ms| format!("{ms:.2}"))}>{ model::clock::clock_text(session) }</p>
                            if let Some(message) = session.sim().stop_message() {
                                <p class="error" role="alert" data-testid="budget-stop"
                                   data-stopped={session.sim().stopped().map(|s| s.name())}>
                                    { format!("This run has {message}. You can still go back in time, or start the scenario again.") }
                                </p>
                            }
                            <div class={classes!("spot-wrap", self.spot("monitor"))}><Monitor broken={model::monitor::broken(session.sim())}
                                     violations={model::monitor::listed_violations(session.sim())} total={session.sim().total_violations()}
                                     on_jump={link.callback(Msg::SeekEvent)} /></div>
                            if let Some(id) = self.selected_message {
                                <MessageInspector id={id}
                                    detail={session.sim().in_flight().find(|m| m.id == id).map(|m| MessageDetail::of(m, session.sim().now()))}
                                    on_drop={link.callback(|message| Msg::Act(Action::DropMessage { message }))}
                                    on_duplicate={link.callback(|message| Msg::Act(Action::DuplicateMessage { message }))}
                                    on_close={link.callback(|_| Msg::CloseMessage)} />
                            }
                            { self.inspector(ctx, session) }
                            { legend(self.scenario.raft.pre_vote, self.scenario.raft.snapshot_threshold > 0) }
                        </div>
                    </div>
                    <div class={classes!("spot-wrap", self.spot("log"))}><LogView data={LogData::of(session.sim())} /></div>
                    <div class={classes!("spot-wrap", self.spot("history"))}>
                        <HistoryView data={HistoryData::of(session.sim().history().iter(), session.sim().now(),
                                                          self.verdict.as_ref().map(|(_, f)| f.clone()).unwrap_or_default())}
                                     verdict={self.verdict.as_ref().map(|(v, _)| v.clone())}
                                     on_check={link.callback(|_| Msg::CheckLinearizability)}
                                     on_show={link.callback(Msg::SeekTime)} />
                    </div>
                    <div class="panels">
                        <div class={classes!("spot-wrap", self.spot("clients"))}>{ self.client_panel(ctx, session) }</div>
                        <div class={classes!("spot-wrap", self.spot("failures"))}>{ self.failure_panel(ctx, session) }</div>
                    </div>
                    <div class={classes!("spot-wrap", self.spot("lab"))}>{ self.lab_panel(ctx, session) }</div>
                }
                <div class={classes!("spot-wrap", self.spot("settings"))}>
                    <SettingsPanel settings={self.scenario.raft.clone()} on_apply={self.on_configure.clone()} />
                </div>
                { self.share_panel(ctx) }
            </section>
        }
    }
}

fn legend(pre_vote: bool, snapshots: bool) -> Html {
    html! {
        <p class="legend">
            <span class="key request-vote"></span>{ "RequestVote " }
            if pre_vote { <span class="key pre-vote"></span>{ "PreVote " } }
            <span class="key timeout-now"></span>{ "TimeoutNow " }
            if snapshots { <span class="key snapshot"></span>{ "InstallSnapshot chunk " } }
            <span class="key vote-granted"></span>{ "vote granted " }
            <span class="key vote-denied"></span>{ "denied " }
            <span class="key heartbeat"></span>{ "heartbeat " }
            <span class="key append"></span>{ "AppendEntries with entries " }
            <span class="key append-ok"></span>{ "ack " }
            <span class="key append-fail"></span>{ "rejected " }
            <span class="key dead">{ "✕" }</span>{ "lost " }
            <span class="key vote-line"></span>{ "vote given" }
        </p>
    }
}

impl Live {
    fn messages(&self) -> Html {
        html! {
            <>
                if let Some(n) = &self.notice {
                    <p class="error" role="alert" data-testid="link-error">{ n.clone() }</p>
                }
                if let Some(e) = &self.error {
                    <p class="error" role="alert" data-testid="live-error">{ e.clone() }</p>
                }
            </>
        }
    }

    fn stage(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let link = ctx.link();
        let highlight = self.tour.as_ref().and_then(TourRun::highlight);
        html! {
            <Stage data={StageData::of(session.sim())} selected={self.selected} on_select={link.callback(Msg::Select)}
                   selected_message={self.selected_message} on_select_message={Some(link.callback(Msg::SelectMessage))}
                   highlight_nodes={highlight.map(|h| h.nodes.clone()).unwrap_or_default()}
                   highlight_messages={highlight.map(|h| h.messages.clone()).unwrap_or_default()} />
        }
    }

    fn tour_panel(&self, ctx: &Context<Self>, compact: bool) -> Html {
        let Some(view) = self.tour.as_ref().and_then(TourRun::view) else { return html! {} };
        let link = ctx.link();
        html! {
            <TourPanel view={view} compact={compact} on_step={link.callback(Msg::TourStep)}
                       on_close={link.callback(|_| Msg::CloseTour)} on_link={link.callback(|_| Msg::TourLink)} />
        }
    }

    /// The class that draws attention to a panel the current tour step points at.
    fn spot(&self, panel: &str) -> Option<&'static str> {
        self.tour.as_ref().is_some_and(|t| t.spotlights(panel)).then_some("spotlight")
    }

    /// The markers for the session's milestones, made again only when they changed (they only
    /// grow along a branch; a new branch ends with a different milestone).
    fn markers_of(&self, session: &Session) -> Vec<MarkerView> {
        let milestones = session.milestones();
        let key = (milestones.len(), milestones.last().copied());
        let mut cache = self.markers.borrow_mut();
        if (cache.0, cache.1) != key {
            *cache = (key.0, key.1, MarkerView::of(milestones));
        }
        cache.2.clone()
    }

    fn timeline(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let link = ctx.link();
        html! {
            <Timeline now_us={session.sim().now()} end_us={session.frontier().time_us}
                      markers={self.markers_of(session)}
                      on_seek_time={link.callback(Msg::SeekTime)} on_seek_event={link.callback(Msg::SeekEvent)} />
        }
    }

    fn lab_panel(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let sim = session.sim();
        let follower = sim
            .nodes()
            .iter()
            .find(|n| {
                n.status == raft_sim::sim::NodeStatus::Up
                    && n.raft.as_ref().is_some_and(|r| r.role() != raft_core::Role::Leader)
            })
            .map(|n| n.faults.clone());
        html! {
            <LabPanel availability={sim.availability()} now_ms={sim.now() as f64 / 1000.0} follower={follower}
                      on_action={ctx.link().callback(Msg::Act)} />
        }
    }

    fn client_panel(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let sim = session.sim();
        html! {
            <ClientPanel nodes={sim.scenario().nodes} leader={sim.leader()}
                history={{ let mut h: Vec<_> = sim.script_history().rev().take(10).cloned().collect(); h.reverse(); h }}
                kv={sim.nodes().iter().map(|n| n.raft.as_ref().map(|r| r.kv().data().clone())).collect::<Vec<_>>()}
                on_action={ctx.link().callback(Msg::Act)} />
        }
    }

    fn failure_panel(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let sim = session.sim();
        let network = sim.network();
        html! {
            <FailurePanel nodes={sim.scenario().nodes} network={network.settings().clone()} groups={network.groups()}
                cuts={network.cuts().iter().copied().collect::<Vec<_>>()}
                faults={sim.nodes().iter().map(|n| n.faults.clone()).collect::<Vec<_>>()}
                statuses={sim.nodes().iter().map(|n| n.status).collect::<Vec<_>>()}
                on_action={ctx.link().callback(Msg::Act)} />
        }
    }

    fn inspector(&self, ctx: &Context<Self>, session: &Session) -> Html {
        crate::inspector::inspector(session.sim(), self.selected, &ctx.link().callback(Msg::Act))
    }

    fn toolbar(&self, ctx: &Context<Self>) -> Html {
        let data = ToolbarData {
            builtins: &self.builtins,
            scenario: &self.scenario,
            tours: &self.tours,
            tour: self.tour.as_ref().map(|t| t.tour.id.as_str()),
            playing: self.playing,
            speed_exp: self.speed_exp,
        };
        toolbar::toolbar(data, &ctx.link().callback(|m| m))
    }

    fn share_panel(&self, ctx: &Context<Self>) -> Html {
        let embed_fragment =
            self.embed_snippet.then(|| self.document().map(|d| d.to_link_fragment()).unwrap_or_default());
        share_panel(self.share_link.as_deref(), embed_fragment, &ctx.link().callback(|m| m))
    }

    fn embed_view(&self, ctx: &Context<Self>) -> Html {
        let body = self.session.as_ref().map(|session| EmbedBody {
            sim: session.sim(),
            stage: self.stage(ctx, session),
            tour_panel: self.tour_panel(ctx, true),
            playing: self.playing,
        });
        embed_view(self.messages(), body, &ctx.link().callback(|m| m))
    }
}
