//! The live cluster: the one place where virtual time advances, once per animation frame
//! (requestAnimationFrame), by the real time elapsed times the chosen speed; on a test page
//! (`?test-hook`, see test_hook.rs) by the virtual time the test asks for instead, through the
//! same [`Live::play_to`]. Everything else
//! here turns clicks into operator actions or seeks on the [`Session`] and hands snapshots of
//! it to components that draw them.
use crate::browser;
use crate::client_panel::ClientPanel;
use crate::failure_panel::FailurePanel;
use crate::history_view::{HistoryData, HistoryView, VerdictView};
use crate::lab_panel::LabPanel;
use crate::log_view::{LogData, LogView};
use crate::message_view::{MessageDetail, MessageInspector};
use crate::monitor::Monitor;
use crate::settings::SettingsPanel;
use crate::stage::{node_state, Stage, StageData};
use crate::timeline::{MarkerView, Timeline};
use crate::tour_panel::{TaskView, TourPanel, TourView};
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, CrashMode, NodeFaults, RaftSettings, MAX_DURATION_MS, MAX_NODES, MAX_SCENARIO_BYTES};
use raft_sim::session::{Session, Stop, Target};
// Speeds from 0.01x to 100x, as a power of ten: the range run documents are checked against.
use raft_sim::share::{RunDocument, View, SPEED_MAX_EXP, SPEED_MIN_EXP};
use raft_sim::tour::{self, Baseline, Tour};
use raft_sim::{builtin, Property, Scenario};
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
                    { self.help_view(ctx) }
                }
                if let Some(session) = &self.session {
                    { self.timeline(ctx, session) }
                    <div class="live-body">
                        { self.stage(ctx, session) }
                        <div class="side">
                            { self.tour_panel(ctx, false) }
                            <p class="clock" data-testid="clock" data-hash={session.sim().trace_hash_hex()} data-events={session.sim().events().to_string()}
                               data-frontier={session.frontier().events.to_string()}
                               data-seek-ms={self.last_seek_ms.map(|ms| format!("{ms:.2}"))}>{ clock_text(session) }</p>
                            if let Some(message) = session.sim().stop_message() {
                                <p class="error" role="alert" data-testid="budget-stop"
                                   data-stopped={session.sim().stopped().map(|s| s.name())}>
                                    { format!("This run has {message}. You can still go back in time, or start the scenario again.") }
                                </p>
                            }
                            <div class={classes!("spot-wrap", self.spot("monitor"))}><Monitor broken={broken(session)}
                                     violations={monitor_violations(session)} total={session.sim().total_violations()}
                                     on_jump={link.callback(Msg::SeekEvent)} /></div>
                            if let Some(id) = self.selected_message {
                                <MessageInspector id={id}
                                    detail={session.sim().in_flight().find(|m| m.id == id).map(|m| MessageDetail::of(m, session.sim().now()))}
                                    on_drop={link.callback(|message| Msg::Act(Action::DropMessage { message }))}
                                    on_duplicate={link.callback(|message| Msg::Act(Action::DuplicateMessage { message }))}
                                    on_close={link.callback(|_| Msg::CloseMessage)} />
                            }
                            { self.node_panel(ctx, session) }
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

fn byzantine_label(b: Behaviour) -> &'static str {
    match b {
        Behaviour::InflateTerm => "claim a higher term",
        Behaviour::VoteForAll => "vote for every candidate",
        Behaviour::ForgeEntries => "forge entries",
        Behaviour::ForgeCommit => "forge the commit index",
        Behaviour::LieInReplies => "lie in replies",
    }
}

fn clock_text(session: &Session) -> String {
    let sim = session.sim();
    let mut text = format!("t = {:.1} ms · {} events", sim.now() as f64 / 1000.0, sim.events());
    let frontier = session.frontier();
    if session.position() < frontier {
        text.push_str(&format!(" · replaying (the run goes on to {:.1} ms)", frontier.time_us as f64 / 1000.0));
    }
    text
}

/// The distinct violations the monitor lists (the first few: a broken run can have many).
fn monitor_violations(session: &Session) -> Vec<raft_sim::Violation> {
    session.sim().violations().iter().take(crate::monitor::LISTED).cloned().collect()
}

fn broken(session: &Session) -> Vec<Property> {
    let violations = session.sim().violations();
    Property::ALL.iter().copied().filter(|p| violations.iter().any(|v| v.property == *p)).collect()
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

    fn toolbar(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let builtin_index = self.builtins.iter().position(|s| *s == self.scenario);
        let on_scenario = link.batch_callback(|e: Event| {
            let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
            select.value().parse::<usize>().ok().map(Msg::Load)
        });
        let nodes = self.scenario.nodes;
        let load = self.scenario.workload.is_some();
        let on_nodes = link.batch_callback(move |e: Event| {
            let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
            select.value().parse::<u32>().ok().map(|nodes| Msg::Cluster { nodes, load })
        });
        let on_load = link.batch_callback(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
            Some(Msg::Cluster { nodes, load: input.checked() })
        });
        let on_tour = link.batch_callback(|e: Event| {
            let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
            let id = select.value();
            (!id.is_empty()).then_some(Msg::OpenTour(id))
        });
        let on_speed = link.batch_callback(|e: InputEvent| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
            input.value().parse::<f64>().ok().map(Msg::Speed)
        });
        let speed = 10f64.powf(self.speed_exp);
        let speed_text = if speed < 1.0 { format!("{speed:.2}x") } else { format!("{speed:.0}x") };
        html! {
            <div class="toolbar">
              <span class="group">
                <select aria-label="Scenario" data-testid="live-scenario" onchange={on_scenario}>
                    { for self.builtins.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={builtin_index == Some(i)}>{ s.name.clone() }</option>
                    }) }
                    if builtin_index.is_none() {
                        <option value="current" selected=true>{ self.scenario.name.clone() }</option>
                    }
                </select>
                <label class="node-count">{ "Servers " }
                    <select aria-label="Number of servers" data-testid="node-count" onchange={on_nodes}>
                        { for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == nodes}>{ n }</option> }) }
                    </select>
                </label>
                <label class="load"><input type="checkbox" data-testid="client-load" checked={load} onchange={on_load} />{ " clients" }</label>
                <select aria-label="Guided tours" data-testid="tour-menu" onchange={on_tour}>
                    <option value="" selected={self.tour.is_none()}>{ "Guided tours…" }</option>
                    { for self.tours.iter().map(|t| html! {
                        <option value={t.id.clone()} selected={self.tour.as_ref().is_some_and(|r| r.tour.id == t.id)}>{ t.title.clone() }</option>
                    }) }
                </select>
              </span>
              <span class="group">
                <button data-testid="step-back" class="secondary" aria-label="Step back one event" onclick={link.callback(|_| Msg::StepBack)}>{ "◀ Back" }</button>
                <button data-testid="play" onclick={link.callback(|_| Msg::TogglePlay)}>
                    { if self.playing { "Pause" } else { "Play" } }
                </button>
                <button class="secondary" data-testid="step" onclick={link.callback(|_| Msg::Step)}>{ "Step ▶" }</button>
                <label class="speed">{ "Speed " }
                    <input type="range" data-testid="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()} step="0.1"
                           value={self.speed_exp.to_string()} oninput={on_speed} aria-valuetext={speed_text.clone()} />
                    <output>{ speed_text }</output>
                </label>
              </span>
              <span class="group">
                <button class="secondary" data-testid="crash-leader"
                        onclick={link.callback(|_| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ "Crash the leader" }</button>
                <button class="secondary" data-testid="align-timers" title="Make every follower time out at the same moment: a split vote"
                        onclick={link.callback(|_| Msg::Act(Action::AlignTimers))}>{ "Align timers" }</button>
                <button class="secondary" data-testid="spread-timers" title="Spread the timeouts out: one server clearly times out first"
                        onclick={link.callback(|_| Msg::Act(Action::SpreadTimers))}>{ "Spread timers" }</button>
                <button data-testid="share" onclick={link.callback(|_| Msg::Share)}>{ "Share" }</button>
                <button class="secondary" data-testid="help-button" aria-label="Keyboard shortcuts"
                        onclick={link.callback(|_| Msg::ToggleHelp)}>{ "?" }</button>
              </span>
            </div>
        }
    }

    fn help_view(&self, ctx: &Context<Self>) -> Html {
        html! {
            <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                <strong>{ "Keyboard" }</strong>
                <dl>
                    <dt><kbd>{ "Space" }</kbd></dt><dd>{ "play / pause" }</dd>
                    <dt><kbd>{ "→" }</kbd></dt><dd>{ "step one event forward (pauses)" }</dd>
                    <dt><kbd>{ "←" }</kbd></dt><dd>{ "step one event back (pauses)" }</dd>
                    <dt><kbd>{ "+" }</kbd>{ " " }<kbd>{ "−" }</kbd></dt><dd>{ "faster / slower" }</dd>
                    <dt><kbd>{ "?" }</kbd></dt><dd>{ "show or hide this help" }</dd>
                </dl>
                <button class="secondary" onclick={ctx.link().callback(|_| Msg::ToggleHelp)}>{ "Close" }</button>
            </div>
        }
    }

    fn share_panel(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_import = link.batch_callback(|e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
            let file = input.files()?.get(0)?;
            input.set_value("");
            Some(Msg::Import(file))
        });
        let (base, _, _) = browser::location();
        html! {
            <section class="share" aria-label="Share, embed, export" data-testid="share-panel">
                <h3>{ "Share, embed, export" }</h3>
                if let Some(l) = &self.share_link {
                    <p>{ "The link reproduces this run exactly, up to this moment (it is in the address bar and copied to your clipboard)." }</p>
                    <input class="link" readonly=true data-testid="share-link" value={l.clone()} aria-label="Share link"
                           onfocus={Callback::from(|e: FocusEvent| { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); } })} />
                    <p class="hint">{ format!("{} characters.", l.len()) }</p>
                } else {
                    <p class="hint">{ "Share makes a link to this exact run: the scenario, everything you did, and this moment." }</p>
                }
                <div class="actions">
                    <button class="secondary" data-testid="embed-button" onclick={link.callback(|_| Msg::ToggleEmbedSnippet)}>{ "Embed in course notes" }</button>
                    <button class="secondary" data-testid="export" onclick={link.callback(|_| Msg::Export)}>{ "Export JSON" }</button>
                    <label class="import">{ "Import JSON " }
                        <input type="file" accept=".json,application/json" data-testid="import" onchange={on_import} />
                    </label>
                </div>
                if self.embed_snippet {
                    <p>{ "Paste this into a page: it shows only the stage and a small control bar, starting from this run." }</p>
                    <textarea readonly=true rows="3" data-testid="embed-snippet" aria-label="Embed snippet"
                        value={format!(
                            "<iframe src=\"{base}?embed#{}\" width=\"100%\" height=\"460\" style=\"border:0\" title=\"Raft Playground\" loading=\"lazy\"></iframe>",
                            self.document().map(|d| d.to_link_fragment()).unwrap_or_default()
                        )} />
                }
            </section>
        }
    }

    fn embed_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <section class="live embed" aria-label="Raft cluster" data-testid="embed">
                { self.messages() }
                if let Some(session) = &self.session {
                    { self.stage(ctx, session) }
                    { self.tour_panel(ctx, true) }
                    <div class="toolbar mini">
                        <button data-testid="step-back" class="secondary" aria-label="Step back" onclick={link.callback(|_| Msg::StepBack)}>{ "◀" }</button>
                        <button data-testid="play" onclick={link.callback(|_| Msg::TogglePlay)}>{ if self.playing { "Pause" } else { "Play" } }</button>
                        <button data-testid="step" class="secondary" aria-label="Step" onclick={link.callback(|_| Msg::Step)}>{ "▶" }</button>
                        <button class="secondary" data-testid="crash-leader"
                                onclick={link.callback(|_| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ "Crash the leader" }</button>
                        <span class="clock" data-testid="clock" data-hash={session.sim().trace_hash_hex()} data-events={session.sim().events().to_string()}>
                            { format!("{:.0} ms", session.sim().now() as f64 / 1000.0) }
                        </span>
                        <button class="link-button" data-testid="open-full" onclick={link.callback(|_| Msg::OpenFull)}>{ "Open the full playground ↗" }</button>
                    </div>
                }
            </section>
        }
    }

    /// For a server outside the cluster: "replace S_v with it", one button per voter, as one
    /// membership change (joint consensus swaps both at once).
    fn replace_buttons(&self, ctx: &Context<Self>, voters: &std::collections::BTreeSet<u32>, id: u32) -> Html {
        html! {
            { for voters.iter().copied().map(|old| {
                let mut next: Vec<u32> = voters.iter().copied().filter(|&v| v != old).collect();
                next.push(id);
                next.sort_unstable();
                let action = Action::ChangeMembership { voters: next, via: None };
                html! {
                    <button data-testid="replace-server" data-old={old.to_string()}
                            title={format!("One membership change: S{old} leaves, S{id} joins (it first catches up as a learner)")}
                            onclick={ctx.link().callback(move |_| Msg::Act(action.clone()))}>{ format!("Replace S{old} with it") }</button>
                }
            }) }
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

    fn node_panel(&self, ctx: &Context<Self>, session: &Session) -> Html {
        let Some(id) = self.selected else {
            return html! { <p class="hint">{ "Click a server to inspect it and break it; click a message to inspect, drop or duplicate it." }</p> };
        };
        let Some(slot) = session.sim().node(id) else { return html! {} };
        let act = |action: Action| ctx.link().callback(move |_| Msg::Act(action.clone()));
        let faults = &slot.faults;
        let flip = |p: f64| if p > 0.0 { 0.0 } else { 1.0 };
        let state = node_state(slot);
        let disk = &slot.disk;
        html! {
            <div class="inspector" data-testid="inspector">
                <h3>{ format!("S{id} · {state}") }</h3>
                if let Some(r) = &slot.raft {
                    <dl>
                        <dt>{ "currentTerm" }</dt><dd>{ r.current_term() }</dd>
                        <dt>{ "votedFor" }</dt><dd>{ r.voted_for().map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                        <dt>{ "log" }</dt><dd>{ format!("{} entries (last term {})", r.log().last_index(), r.log().last_term()) }</dd>
                        <dt>{ "commitIndex" }</dt><dd>{ r.commit_index() }</dd>
                        <dt>{ "lastApplied" }</dt><dd>{ r.last_applied() }</dd>
                        if r.role() == raft_core::Role::Leader {
                            <dt>{ "nextIndex" }</dt><dd>{ r.next_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                            <dt>{ "matchIndex" }</dt><dd>{ r.match_index().iter().map(|(n, i)| format!("S{n}:{i}")).collect::<Vec<_>>().join(" ") }</dd>
                        }
                        if r.role() == raft_core::Role::Candidate {
                            <dt>{ "votes granted" }</dt><dd>{ r.votes_granted().iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(" ") }</dd>
                        }
                        <dt>{ "configuration" }</dt><dd data-testid="inspector-configuration">{ r.configuration().to_string().trim_start_matches("config ").to_string() }</dd>
                        <dt>{ "key-value state" }</dt><dd>{ r.kv().data().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ") }</dd>
                    </dl>
                } else {
                    <dl>
                        <dt>{ "on disk: currentTerm" }</dt><dd>{ disk.current_term }</dd>
                        <dt>{ "votedFor" }</dt><dd>{ disk.voted_for.map_or("null".to_string(), |v| format!("S{v}")) }</dd>
                        <dt>{ "log" }</dt><dd>{ format!("{} entries", disk.log.last_index()) }</dd>
                    </dl>
                }
                <div class="actions">
                    <button onclick={act(Action::Crash { node: id, mode: CrashMode::Recover })}>{ "Crash" }</button>
                    <button onclick={act(Action::Crash { node: id, mode: CrashMode::Stop })}>{ "Crash-stop" }</button>
                    <button onclick={act(Action::Crash { node: id, mode: CrashMode::Amnesia })}>{ "Crash with amnesia" }</button>
                    <button onclick={act(Action::Restart { node: id })}>{ "Restart" }</button>
                    <button onclick={act(Action::Pause { node: id })}>{ "Pause" }</button>
                    <button onclick={act(Action::Resume { node: id })}>{ "Resume" }</button>
                    <button onclick={act(Action::Timeout { node: id })}>{ "Time out now" }</button>
                    if session.sim().leader().is_some_and(|l| l != id) && slot.raft.is_some() {
                        <button data-testid="transfer-leadership" title="The leader brings this server's log up to date, then tells it to start an election at once (TimeoutNow)"
                                onclick={act(Action::TransferLeadership { node: id })}>{ "Make it leader (transfer)" }</button>
                    }
                    <button data-testid="inspector-put" onclick={act(Action::Client { node: id, op: raft_sim::scenario::ClientOpKind::Put, key: "x".into(), value: Some(format!("{}", session.sim().events())) })}>
                        { "Send it a put x=…" }
                    </button>
                    if let Some(leader_config) = session.sim().leader().and_then(|l| session.sim().node(l)).and_then(|s| s.raft.as_ref()).map(|r| r.configuration()) {
                        // As the leader sees it (a removed server may not know it was removed).
                        if leader_config.is_voter(id) {
                            <button data-testid="remove-server" title="Ask the leader to remove this server from the configuration (it keeps running)"
                                    onclick={act(Action::RemoveServer { node: id, via: None })}>{ "Remove from the cluster" }</button>
                        } else {
                            <button data-testid="add-server" title="Ask the leader to add this server: it joins as a learner, catches up, then becomes a voter"
                                    onclick={act(Action::AddServer { node: id, via: None })}>{ "Add to the cluster" }</button>
                            { self.replace_buttons(ctx, &leader_config.voters, id) }
                        }
                    }
                    <button onclick={act(Action::Isolate { node: id })}>{ "Isolate" }</button>
                    <button onclick={act(Action::Heal)}>{ "Heal the network" }</button>
                    <button onclick={act(Action::SetFaults(NodeFaults { send_omission: flip(faults.send_omission), ..faults.clone() }))}>
                        { if faults.send_omission > 0.0 { "Stop send omission" } else { "Send omission (drop all it sends)" } }
                    </button>
                    { for Behaviour::ALL.iter().map(|&b| {
                        let on = faults.byzantine.contains(&b);
                        let mut next = faults.byzantine.clone();
                        if on { next.retain(|x| *x != b) } else { next.push(b) }
                        html! {
                            <button class={classes!(on.then_some("byzantine-on"))} data-testid="byzantine" data-behaviour={b.name()}
                                    title="Byzantine: not a failure Raft tolerates (it assumes servers never lie)"
                                    onclick={act(Action::SetFaults(NodeFaults { byzantine: next, ..faults.clone() }))}>
                                { format!("{} {}", if on { "Stop:" } else { "Byzantine:" }, byzantine_label(b)) }
                            </button>
                        }
                    }) }
                    <button onclick={act(Action::SetFaults(NodeFaults { receive_omission: flip(faults.receive_omission), ..faults.clone() }))}>
                        { if faults.receive_omission > 0.0 { "Stop receive omission" } else { "Receive omission (drop all it receives)" } }
                    </button>
                </div>
            </div>
        }
    }
}
