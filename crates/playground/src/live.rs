//! The live cluster's shell: it owns the [`Store`] (the run and everything the page shows of
//! it) and the browser resources the store must not touch: the animation frame that moves
//! virtual time, the keyboard listener, a file being read, the test hook's pending answers.
//! Every event becomes a store [`Action`]; what the store asks of the browser ([`Effect`]) is
//! carried out here. The view hands each component only what it draws, with callbacks made
//! once, so a component whose data did not change (the settings, failure, client and lab
//! panels while time moves) is not re-rendered.
//!
//! Virtual time advances once per animation frame (requestAnimationFrame), by the real time
//! elapsed times the chosen speed; on a test page (`?test-hook`, see test_hook.rs) by the
//! virtual time the test asks for instead, through the same store calls.
use crate::authoring_panel::AuthoringPanel;
use crate::availability_view::availability_view;
use crate::browser;
use crate::caption_view::Caption;
use crate::client_panel::ClientPanel;
use crate::course_sweep::CourseSweep;
use crate::course_view::CourseStage;
use crate::diagram::Diagram;
use crate::embed_view::{embed_view, EmbedBody};
use crate::event_log::{EventLog, EventLogData};
use crate::export_panel::export_panel;
use crate::failure_panel::FailurePanel;
use crate::history_view::{HistoryData, HistoryView};
use crate::hunt_panel::HuntPanel;
use crate::lab_panel::LabPanel;
use crate::lincheck_view::LincheckView;
use crate::log_view::{LogData, LogView};
use crate::manual_panel::ManualPanel;
use crate::message_view::{MessageDetail, MessageInspector};
use crate::model;
use crate::model::caption::CaptionView;
use crate::monitor::Monitor;
use crate::settings::SettingsPanel;
use crate::share_panel::share_panel;
use crate::stage::{Stage, StageData};
use crate::store::{Action, Effect, Store, TourRun};
use crate::text::{t, tf};
use crate::timeline::Timeline;
use crate::toolbar;
use crate::tour_panel::TourPanel;
use raft_sim::scenario::{RaftSettings, MAX_SCENARIO_BYTES};
use raft_sim::session::Session;
use raft_sim::tour;
use yew::html::Scope;
use yew::prelude::*;

/// A button of the presentation mode: test id, text, what it does (and its key) (both text
/// ids), the action.
type PresentButton = (&'static str, &'static str, &'static str, fn() -> Action);
const PRESENT_BAR: [PresentButton; 6] = [
    ("back-marker", "toolbar.back-marker", "live.back-marker-title", || Action::PrevMarker),
    ("step-back", "live.step-back", "toolbar.step-back-title", || Action::StepBack),
    ("play", "toolbar.play", "live.play-title", || Action::TogglePlay),
    ("step", "live.step", "toolbar.step-title", || Action::Step),
    ("next-marker", "toolbar.next-marker", "toolbar.next-marker-title", || Action::NextMarker),
    ("leave-present", "live.leave", "live.leave-title", || Action::TogglePresent),
];

/// The hunt's progress is drawn at most this often (real ms) while workers answer.
const HUNT_REDRAW_MS: f64 = 200.0;

pub enum Msg {
    /// An action for the store.
    Do(Action),
    /// A run document file to read (then [`Action::Imported`]).
    Import(web_sys::File),
    /// A tour file to read (then the author panel's `Import`).
    ImportTour(web_sys::File),
    Hook(crate::test_hook::Request),
    /// A message from the page that frames this one (embed_api.rs), checked, or why refused.
    Embed(EmbedMessage),
}

/// A checked embed API request, or (its id if readable, its origin, why it was refused).
pub type EmbedMessage = Result<crate::embed_api::Request, (Option<String>, String, crate::embed_api::Refusal)>;

/// Fetch the built-in scenarios (`scenarios/` beside the page), then the glossary of the tours'
/// terms and the shipped tours (`tours/`; they name built-ins), in order, handing each to the
/// store (the glossary first, so a linked tour step opens with it).
fn fetch_data(dispatch: &Callback<Action>) {
    let dispatch = dispatch.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let (index, files) = crate::data::fetch_builtins().await;
        dispatch.emit(Action::BuiltinsLoaded(index, files));
        let glossary = format!("tours/{}", raft_sim::glossary::GLOSSARY_FILE_NAME);
        dispatch.emit(Action::GlossaryLoaded(browser::fetch_text(&glossary, raft_sim::input::MAX_INPUT_BYTES).await));
        let mut files = Vec::new();
        for name in tour::TOUR_FILE_NAMES {
            files.push((
                name.to_string(),
                browser::fetch_text(&format!("tours/{name}"), raft_sim::input::MAX_INPUT_BYTES).await,
            ));
        }
        dispatch.emit(Action::ToursLoaded(files));
    });
}

/// The callbacks handed to components, made once: a callback is equal only to itself, so new
/// ones every frame would re-render every component that takes one.
struct Callbacks {
    dispatch: Callback<Action>,
    act: Callback<raft_sim::scenario::Action>,
    configure: Callback<RaftSettings>,
    import: Callback<web_sys::File>,
    import_tour: Callback<web_sys::File>,
    seek_time: Callback<u64>,
    seek_event: Callback<u64>,
    select: Callback<u32>,
    select_message: Callback<u64>,
    drop_message: Callback<u64>,
    duplicate_message: Callback<u64>,
    deliver_message: Callback<u64>,
    close_message: Callback<()>,
    check_linearizability: Callback<()>,
    tour_step: Callback<usize>,
    close_tour: Callback<()>,
    tour_link: Callback<()>,
    filter_events: Callback<Option<raft_sim::narrate::Topic>>,
    diagram: Callback<crate::model::diagram::DiagramAction>,
    inspect: Callback<(u64, u64)>,
    /// In another protocol's diagram, clicking a message goes to right after its send.
    inspect_course: Callback<(u64, u64)>,
}

impl Callbacks {
    fn new(link: &Scope<Live>) -> Callbacks {
        use raft_sim::scenario::Action as Operator;
        let dispatch = link.callback(Msg::Do);
        Callbacks {
            act: dispatch.reform(Action::Act),
            configure: dispatch.reform(Action::Configure),
            import: link.callback(Msg::Import),
            import_tour: link.callback(Msg::ImportTour),
            seek_time: dispatch.reform(Action::SeekTime),
            seek_event: dispatch.reform(Action::SeekEvent),
            select: dispatch.reform(Action::Select),
            select_message: dispatch.reform(Action::SelectMessage),
            drop_message: dispatch.reform(|message| Action::Act(Operator::DropMessage { message })),
            duplicate_message: dispatch.reform(|message| Action::Act(Operator::DuplicateMessage { message })),
            deliver_message: dispatch.reform(|message| Action::Act(Operator::DeliverMessage { message })),
            close_message: dispatch.reform(|_| Action::CloseMessage),
            check_linearizability: dispatch.reform(|_| Action::CheckLinearizability),
            tour_step: dispatch.reform(Action::TourStep),
            close_tour: dispatch.reform(|_| Action::CloseTour),
            tour_link: dispatch.reform(|_| Action::TourLink),
            filter_events: dispatch.reform(Action::FilterEvents),
            diagram: dispatch.reform(Action::Diagram),
            inspect: dispatch.reform(|(message, events)| Action::InspectMessage { message, events }),
            inspect_course: dispatch.reform(|(_, events)| Action::SeekEvent(events)),
            dispatch,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LiveProps {
    /// Only the stage and a small control bar, for iframes in course notes.
    #[prop_or_default]
    pub embed: bool,
}

pub struct Live {
    store: Store,
    on: Callbacks,
    frame: Option<browser::AnimationFrame>,
    _keys: Option<browser::KeyListener>,
    _file_read: Option<browser::FileRead>,
    /// Test hook calls to answer once the page has rendered what they did.
    hook_replies: Vec<crate::test_hook::Request>,
    /// The embed API's listener (embed_api.rs; none when the page is not framed).
    _embed_api: Option<wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue, String)>>,
    /// The hunt's Web Workers while a hunt runs (hunt_pool.rs; store/hunt.rs coordinates them).
    hunt_pool: Option<crate::hunt_pool::Pool>,
    /// When the hunt's progress was last drawn (real ms).
    hunt_drawn_ms: f64,
    /// An element to scroll into view once the page has drawn ([`Effect::Reveal`]).
    reveal: Option<&'static str>,
    /// The origin of the framing page's last accepted message: events go there.
    embed_origin: Option<String>,
    /// The last `hello` (id, origin), answered once the page is ready (only the last: the
    /// helper asks again until answered, and a flood of them must not grow the page).
    embed_hello: Option<(String, String)>,
    /// The check of a history file, waiting for the page to show that it is checking.
    history_check: Option<browser::AnimationFrame>,
    /// The worker judging a history file (for the history opened as `.0`); dropped, and so
    /// ended, once that history is judged, closed or replaced.
    history_worker: Option<(u64, crate::hunt_pool::Pool)>,
}

impl Live {
    /// Carry out what the store asked of the browser, and keep an animation frame pending
    /// exactly while the run plays.
    fn settle(&mut self) {
        for effect in self.store.take_effects() {
            match effect {
                Effect::ReplaceFragment(fragment) => browser::replace_fragment(&fragment),
                Effect::Copy(text) => browser::copy_to_clipboard(&text),
                Effect::OpenTab(url) => browser::open_in_new_tab(&url),
                Effect::Download { name, text } => browser::download(&name, &text),
                Effect::SavePng { name, svg, width, height } => browser::save_png(&name, &svg, width, height),
                Effect::FetchLanguage { language, ui, tours } => {
                    crate::language::fetch(language, ui, tours, &self.on.dispatch)
                }
                Effect::LanguageShown(language) => crate::language::shown(language),
                Effect::Pack { json, then } => {
                    let dispatch = self.on.dispatch.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let packed = browser::deflate_raw(&json, true, usize::MAX).await;
                        dispatch.emit(Action::Packed(then, packed));
                    });
                }
                Effect::HuntSpawn { serial, workers } => {
                    self.hunt_pool = None; // terminates the previous workers
                    match crate::hunt_pool::Pool::spawn(serial, workers, &self.on.dispatch) {
                        Ok(pool) => self.hunt_pool = Some(pool),
                        Err(message) => {
                            let failed = crate::store::hunt::HuntAction::WorkerFailed { serial, message };
                            self.on.dispatch.emit(Action::Hunt(failed));
                        }
                    }
                }
                Effect::HuntSend { serial, worker, job } => {
                    if let Some(Err(message)) = self.hunt_pool.as_ref().map(|p| p.send(worker, &job)) {
                        let failed = crate::store::hunt::HuntAction::WorkerFailed { serial, message };
                        self.on.dispatch.emit(Action::Hunt(failed));
                    }
                }
                Effect::HuntTerminate => self.hunt_pool = None,
                Effect::Reveal(selector) => self.reveal = Some(selector),
                Effect::CheckHistory { serial, text } => {
                    // In a worker; where none starts, here once "checking" has been drawn.
                    self.history_check = None;
                    match crate::hunt_pool::Pool::lincheck(serial, &text, &self.on.dispatch) {
                        Ok(pool) => self.history_worker = Some((serial, pool)),
                        Err(_) => {
                            self.history_worker = None;
                            let dispatch = self.on.dispatch.clone();
                            self.history_check = browser::after_paint(move || {
                                dispatch.emit(crate::store::lincheck::check_action(serial))
                            });
                        }
                    }
                }
                Effect::Unpack(packed) => {
                    let dispatch = self.on.dispatch.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let json = browser::deflate_raw(&packed, false, MAX_SCENARIO_BYTES).await;
                        dispatch.emit(Action::Unpacked(json));
                    });
                }
            }
        }
        let checking = self.store.imported.as_ref().filter(|h| h.judgement.is_none()).map(|h| h.serial);
        if self.history_worker.as_ref().is_some_and(|(serial, _)| Some(*serial) != checking) {
            self.history_worker = None;
        }
        if !self.store.playing {
            self.frame = None;
        } else if self.frame.is_none() {
            // On a test page only the test moves virtual time (test_hook.rs).
            if !crate::test_hook::drives_time() {
                let dispatch = self.on.dispatch.clone();
                self.frame = browser::request_frame(move |timestamp| dispatch.emit(Action::Frame(timestamp)));
            }
        }
    }
}

impl Component for Live {
    type Message = Msg;
    type Properties = LiveProps;

    fn create(ctx: &Context<Self>) -> Self {
        let on = Callbacks::new(ctx.link());
        let (base, _, fragment) = browser::location();
        let mut store = Store::new(base, &fragment, browser::now_ms);
        store.present = browser::query_flag("present");
        store.hunt.workers = crate::hunt_pool::worker_count();
        if let Some((language, why)) = crate::language::take_startup_problem() {
            store.language_failed(language, &why);
        }
        let mut live = Live {
            store,
            _keys: {
                let dispatch = on.dispatch.clone();
                browser::listen_keys(move |key| toolbar::key_action(key).map(|a| dispatch.emit(a)).is_some())
            },
            on,
            frame: None,
            _file_read: None,
            hook_replies: Vec::new(),
            _embed_api: {
                let link = ctx.link().clone();
                crate::embed_api::install(move |m| link.send_message(Msg::Embed(m)))
            },
            hunt_pool: None,
            reveal: None,
            hunt_drawn_ms: 0.0,
            embed_origin: None,
            embed_hello: None,
            history_check: None,
            history_worker: None,
        };
        crate::test_hook::install(ctx.link());
        fetch_data(&live.on.dispatch);
        live.settle();
        live
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Do(action) => {
                if let Action::Frame(_) = action {
                    // This frame has fired: the next one is requested in `settle` if still playing.
                    self.frame = None;
                }
                if let Action::Imported(_) | Action::Author(crate::store::AuthorAction::Import(_)) = action {
                    self._file_read = None;
                }
                let progress = matches!(action, Action::Hunt(crate::store::hunt::HuntAction::Batch { .. }));
                let phase = progress.then(|| self.store.hunt.phase.clone());
                self.store.apply(action);
                // A worker's answer that only moves the progress is drawn at most every
                // HUNT_REDRAW_MS: the page's thread then leaves the cores to the workers.
                if phase.is_some_and(|p| p == self.store.hunt.phase) {
                    let now = browser::now_ms();
                    self.settle();
                    if now - self.hunt_drawn_ms < HUNT_REDRAW_MS {
                        return false;
                    }
                    self.hunt_drawn_ms = now;
                    return true;
                }
            }
            Msg::Import(file) => {
                let dispatch = self.on.dispatch.clone();
                self._file_read =
                    browser::read_text_file(file, MAX_SCENARIO_BYTES, move |r| dispatch.emit(Action::Imported(r)));
                return false;
            }
            Msg::ImportTour(file) => {
                let dispatch = self.on.dispatch.clone();
                self._file_read = browser::read_text_file(file, MAX_SCENARIO_BYTES, move |r| {
                    dispatch.emit(Action::Author(crate::store::AuthorAction::Import(r)))
                });
                return false;
            }
            Msg::Hook(request) => match request.target_us(self.store.now_us()) {
                Ok(target) => {
                    self.store.play_hook(target);
                    self.hook_replies.push(request);
                }
                Err(e) => {
                    request.refuse(&e);
                    return false;
                }
            },
            Msg::Embed(message) => self.embed_command(message),
        }
        self.settle();
        self.embed_tell();
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if let Some(selector) = self.reveal.take() {
            browser::reveal(selector);
        }
        for request in self.hook_replies.drain(..) {
            request.answer(self.store.shown_run(), self.store.playing);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        crate::language::keyed(self.page(ctx), self.store.language)
    }
}

impl Live {
    /// The page, or the embed, in the store's language (see `language::keyed`).
    fn page(&self, ctx: &Context<Self>) -> Html {
        let s = &self.store;
        if let Some(course) = &s.course {
            return self.course_page(course, ctx.props().embed);
        }
        if let Some(history) = &s.imported {
            return self.history_page(history, ctx.props().embed);
        }
        if ctx.props().embed {
            let body = s.session.as_ref().map(|session| EmbedBody {
                sim: session.sim(),
                stage: self.stage(session),
                tour_panel: self.tour_panel(true),
                playing: s.playing,
            });
            return embed_view(self.messages(), body, &self.on.dispatch, (Self::drag_over(), self.on_drop()));
        }
        if s.present {
            return self.presentation();
        }
        let embed_src = s.embed_snippet.as_ref().map(|fragment| s.address(&["embed"], fragment));
        html! {
            <section class="live" aria-label={t("live.label")} ondragover={Self::drag_over()} ondrop={self.on_drop()}>
                { toolbar::toolbar(s, &self.on.dispatch) }
                { self.feedback() }
                { self.messages() }
                if s.session.is_some() {
                    <Caption caption={CaptionView::of(&s.scenario, s.current_builtin().map(|b| b.title.as_str()))} />
                }
                if s.help {
                    { toolbar::help(&self.on.dispatch) }
                }
                if let Some(session) = &s.session {
                    { self.moment(session) }
                    { self.panels(session) }
                }
                <div class={classes!("spot-wrap", s.spot("settings"))}>
                    <SettingsPanel settings={s.scenario.raft.clone()} on_apply={self.on.configure.clone()} />
                </div>
                <HuntPanel view={model::hunt::HuntView::of(&s.hunt, &s.scenario.raft.unsafe_rules, s.run_serial)}
                           share_link={s.share_link.clone()} on={self.on.dispatch.clone()} />
                { share_panel(s.share_link.as_deref(), embed_src, &self.on.dispatch, &self.on.import) }
                { export_panel(s, &self.on.dispatch) }
                <AuthoringPanel draft={s.author_ref()} recorded={s.task_recorded()} on={self.on.dispatch.clone()}
                                on_import={self.on.import_tour.clone()} />
            </section>
        }
    }
}

impl Live {
    /// A file dragged over the page may be dropped (the browser would open it in the tab).
    fn drag_over() -> Callback<DragEvent> {
        Callback::from(|e: DragEvent| e.prevent_default())
    }

    /// A file dropped on the page opens as the import button's would.
    fn on_drop(&self) -> Callback<DragEvent> {
        let import = self.on.import.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(file) = browser::dropped_file(&e) {
                import.emit(file);
            }
        })
    }

    /// A history file open on the page (store/lincheck.rs), in the page or the embed; the run
    /// waits behind it until it is closed.
    fn history_page(&self, h: &crate::store::lincheck::ImportedHistory, embed: bool) -> Html {
        let s = &self.store;
        let view = h
            .judgement
            .as_ref()
            .map(|j| model::lincheck::LincheckView::of(&h.history, j, h.partition, h.selected, h.step, &h.states()));
        let explanation = crate::store::lincheck::explanation(s);
        html! {
            <section class={classes!("live", "history-mode", embed.then_some("embed"))} aria-label={t("live.label")}
                     ondragover={Self::drag_over()} ondrop={self.on_drop()}>
                { self.messages() }
                <LincheckView view={view} operations={h.history.ops.len()} explanation={explanation}
                              on={self.on.dispatch.clone()} on_import={self.on.import.clone()} />
            </section>
        }
    }

    /// Another protocol's run (store/course.rs): the toolbar, the run's view, its space-time
    /// diagram and the share panel (the Raft-only panels are not shown).
    fn course_page(&self, course: &crate::store::Course, embed: bool) -> Html {
        let s = &self.store;
        let (title, description) = s.course_caption();
        let picture = course.run.picture();
        let view =
            model::course::CourseView::of(&picture, &title, &description, course.selected, course.run.total_events());
        let now = course.run.now_us();
        let diagram = s
            .diagram
            .open
            .then(|| model::diagram::DiagramView::named(course.run.spacetime(), &s.diagram, now, course.names.clone()));
        if embed {
            // In course notes: the run and a small control bar (as the Raft embed's).
            let send = |msg: fn() -> Action| self.on.dispatch.reform(move |_: MouseEvent| msg());
            return html! {
                <section class="live embed course-live" aria-label={t("embed_view.label")} data-testid="embed">
                    { self.messages() }
                    { self.tour_panel(true) }
                    <CourseStage view={view} on={self.on.dispatch.clone()} />
                    <div class="toolbar mini">
                        <button data-testid="step-back" class="secondary" aria-label={t("embed_view.step-back")}
                                onclick={send(|| Action::StepBack)}>{ "◀" }</button>
                        <button data-testid="play" onclick={send(|| Action::TogglePlay)}>
                            { if s.playing { t("toolbar.pause") } else { t("toolbar.play") } }
                        </button>
                        <button data-testid="step" class="secondary" aria-label={t("embed_view.step")}
                                onclick={send(|| Action::Step)}>{ "▶" }</button>
                        <button class="link-button" data-testid="open-full" onclick={send(|| Action::OpenFull)}>{ t("embed_view.open-full") }</button>
                    </div>
                </section>
            };
        }
        let embed_src = s.embed_snippet.as_ref().map(|fragment| s.address(&["embed"], fragment));
        html! {
            <section class="live course-live" aria-label={t("live.label")}>
                { toolbar::toolbar(s, &self.on.dispatch) }
                { self.feedback() }
                { self.messages() }
                { self.tour_panel(false) }
                <CourseStage view={view} on={self.on.dispatch.clone()} />
                if let Some(rows) = &course.sweep {
                    <CourseSweep view={model::sweep::SweepView::of(rows, course.timeout_ms.unwrap_or(0.0))} />
                }
                <Diagram view={diagram} on_action={self.on.diagram.clone()} on_seek_time={self.on.seek_time.clone()}
                         on_inspect={self.on.inspect_course.clone()} />
                { share_panel(s.share_link.as_deref(), embed_src, &self.on.dispatch, &self.on.import) }
            </section>
        }
    }

    /// Carry out an embed API command (embed_api.rs) as a store action and answer it.
    fn embed_command(&mut self, message: EmbedMessage) {
        use crate::embed_api::{reply, Command, Refusal};
        let request = match message {
            Ok(request) => request,
            Err((id, origin, refusal)) => return reply(&origin, id.as_deref(), Err(refusal)),
        };
        self.embed_origin = Some(request.origin.clone());
        let field = match &request.command {
            Command::Hello => return self.embed_hello = Some((request.id, request.origin)),
            Command::Act(_) => Some("action"),
            Command::OpenScenario(_) => Some("scenario"),
            Command::OpenDocument(_) => Some("document"),
            Command::OpenTour(..) => Some("tour"),
            Command::Task(_) => Some("goal"),
            Command::Language(_) => Some("lang"),
            _ => None,
        };
        if !self.embed_ready() {
            let message = "the page is not ready yet: wait for the answer to hello".to_string();
            return reply(&request.origin, Some(&request.id), Err(Refusal { field: None, message }));
        }
        if let Some(action) = request.command.action() {
            self.store.error = None;
            self.store.notice = None;
            self.store.apply(action);
        }
        let answer = match self.store.error.take().or_else(|| self.store.notice.take()) {
            Some(message) => Err(Refusal { field, message }),
            None => Ok(self.embed_summary()),
        };
        reply(&request.origin, Some(&request.id), answer);
    }

    /// A run is open and the tours have arrived (or failed to).
    fn embed_ready(&self) -> bool {
        self.store.session.is_some() && self.store.tours_done
    }

    fn embed_summary(&self) -> wasm_bindgen::JsValue {
        match &self.store.session {
            Some(session) => crate::embed_api::result(&model::embed::Summary::of(session.sim(), self.store.playing)),
            None => wasm_bindgen::JsValue::NULL,
        }
    }

    /// Answer the `hello`s once ready (with a `ready` event), then tell the framing page what
    /// changed since it was last told.
    fn embed_tell(&mut self) {
        let Some(origin) = self.embed_origin.clone() else { return };
        if !self.embed_ready() {
            return;
        }
        if let Some((id, at)) = self.embed_hello.take() {
            crate::embed_api::reply(&at, Some(&id), Ok(self.embed_summary()));
            if let Some(session) = &self.store.session {
                #[derive(serde::Serialize)]
                struct Ready<'a> {
                    event: &'static str,
                    state: &'a model::embed::Summary,
                }
                let state = model::embed::Summary::of(session.sim(), self.store.playing);
                crate::embed_api::tell(&at, &Ready { event: "ready", state: &state });
            }
        }
        for event in self.store.embed_events() {
            crate::embed_api::tell(&origin, &event);
        }
    }

    /// The presentation mode: the caption, the stage and the log in large type, the play
    /// controls, and the keys that drive it (toolbar.rs' shortcuts; Esc leaves).
    fn presentation(&self) -> Html {
        let s = &self.store;
        html! {
            <section class="live present" aria-label={t("live.presentation")} data-testid="presentation">
                { self.messages() }
                if let Some(session) = &s.session {
                    <p class="present-caption" data-testid="present-caption">{ s.moment_caption() }</p>
                    <div class="present-body">
                        { self.stage(session) }
                        <LogView data={LogData::of(session.sim())} />
                    </div>
                }
                <div class="present-bar" role="group" aria-label={t("live.presentation-controls")}>
                    { for PRESENT_BAR.iter().map(|&(id, text, title, action)| html! {
                        <button class={if id == "play" { "" } else { "secondary" }} data-testid={id} title={t(title)}
                                onclick={self.on.dispatch.reform(move |_: MouseEvent| action())}>
                            { if id == "play" && s.playing { t("toolbar.pause") } else { t(text) } }
                        </button>
                    }) }
                </div>
                <p class="present-keys" data-testid="present-keys">
                    { t("live.present-keys") }
                </p>
            </section>
        }
    }

    /// What the last action needs said: how to see its effect while paused (with the setting
    /// to resume instead), or why it shows nothing now.
    fn feedback(&self) -> Html {
        let s = &self.store;
        let on_resume = self.on.dispatch.reform(|_: Event| Action::ToggleResumeOnAct);
        html! {
            <div class="feedback" role="status">
                if let Some(note) = &s.paused_note {
                    <p class="paused-note" data-testid="paused-note">{ note.clone() }
                        <label>{ " " }<input type="checkbox" data-testid="resume-on-act" checked={s.resume_on_act}
                               onchange={on_resume} />{ t("live.resume-on-act") }</label>
                    </p>
                }
                if let Some(hint) = &s.hint {
                    <p class="action-hint" data-testid="action-hint">{ hint.clone() }</p>
                }
            </div>
        }
    }

    fn messages(&self) -> Html {
        html! {
            <>
                if let Some(n) = &self.store.notice {
                    <p class="error" role="alert" data-testid="link-error">{ n.clone() }</p>
                }
                if let Some(e) = &self.store.error {
                    <p class="error" role="alert" data-testid="live-error">{ e.clone() }</p>
                }
            </>
        }
    }

    /// What shows the moment: the time bar, the stage, the clock, the monitor, the inspectors,
    /// the log and the client history. Re-rendered as time moves.
    fn moment(&self, session: &Session) -> Html {
        let (s, on, sim) = (&self.store, &self.on, session.sim());
        let verdict = s.verdict.as_ref();
        html! {
            <>
                <Timeline now_us={sim.now()} end_us={session.frontier().time_us} markers={s.markers()}
                          on_seek_time={on.seek_time.clone()} on_seek_event={on.seek_event.clone()} />
                <div class="live-body">
                    { self.stage(session) }
                    <div class="side">
                        { self.tour_panel(false) }
                        <p class="clock" data-testid="clock" data-hash={sim.trace_hash_hex()} data-events={sim.events().to_string()}
                           data-frontier={session.frontier().events.to_string()}
                           data-seek-ms={s.last_seek_ms.map(|ms| format!("{ms:.2}"))}>{ model::clock::clock_text(session) }</p>
                        if let Some(message) = sim.stop_message() {
                            <p class="error" role="alert" data-testid="budget-stop"
                               data-stopped={sim.stopped().map(|s| s.name())}>
                                { tf("live.budget-stop", &[("message", &message)]) }
                            </p>
                        }
                        <EventLog data={EventLogData::of(&s.event_lines(), sim.now(), sim.events(), s.event_filter)}
                                  on_filter={on.filter_events.clone()} on_seek_event={on.seek_event.clone()}
                                  on_seek_time={on.seek_time.clone()} />
                        <div class={classes!("spot-wrap", s.spot("monitor"))}><Monitor broken={model::monitor::broken(sim)}
                                 violations={model::monitor::listed_violations(sim)} total={sim.total_violations()}
                                 liveness={model::monitor::liveness_rows(sim)}
                                 on_jump={on.seek_event.clone()} /></div>
                        if let Some(id) = s.selected_message {
                            <MessageInspector id={id}
                                detail={sim.in_flight().find(|m| m.id == id).map(|m| MessageDetail::of(m, sim.now()))}
                                on_drop={on.drop_message.clone()} on_duplicate={on.duplicate_message.clone()}
                                on_deliver={on.deliver_message.clone()}
                                on_close={on.close_message.clone()} />
                        }
                        { crate::inspector::inspector(sim, s.selected, &on.act, &on.select) }
                        { crate::legend::legend(s.scenario.raft.pre_vote, s.scenario.raft.snapshot_threshold > 0) }
                        // In the side column: beside the stage on a wide screen (styles.css
                        // puts it right under the clock), under it on a narrow one.
                        <div class={classes!("spot-wrap", "log-wrap", s.spot("log"))}><LogView data={LogData::of(sim)} /></div>
                        // Right under the log (styles.css orders it there): the waiting messages are
                        // what a student in manual delivery works with.
                        <ManualPanel view={model::manual::ManualView::of(sim)} on_act={on.act.clone()} />
                    </div>
                </div>
                <Diagram view={s.diagram.open.then(|| session.spacetime().map(|st| model::diagram::DiagramView::of(st, &s.diagram, sim.now()))).flatten()}
                         on_action={on.diagram.clone()} on_seek_time={on.seek_time.clone()} on_inspect={on.inspect.clone()} />
                <div class={classes!("spot-wrap", s.spot("history"))}>
                    <HistoryView data={HistoryData::of(sim.history().iter(), sim.now(), verdict.map(|v| v.flagged.clone()).unwrap_or_default())}
                                 verdict={verdict.map(|v| v.view.clone())}
                                 on_check={on.check_linearizability.clone()} on_show={on.seek_time.clone()} />
                </div>
            </>
        }
    }

    /// The panels that change the run: each gets only the values in force it shows, which stay
    /// equal while time moves, so playing does not re-render them.
    fn panels(&self, session: &Session) -> Html {
        let (s, on, sim) = (&self.store, &self.on, session.sim());
        let network = sim.network();
        let recent = model::clients::recent_requests(sim);
        html! {
            <>
                <div class="panels">
                    <div class={classes!("spot-wrap", s.spot("clients"))}>
                        <ClientPanel nodes={sim.scenario().nodes} leader={sim.leader()} history={recent.clone()}
                            fates={model::clients::fates(sim, &recent)}
                            kv={model::clients::stores(sim)} on_action={on.act.clone()} />
                    </div>
                    <div class={classes!("spot-wrap", s.spot("failures"))}>
                        <FailurePanel source={model::failures::FailureSource::of(sim)}
                            cuts={network.cuts().iter().copied().collect::<Vec<_>>()}
                            statuses={sim.nodes().iter().map(|n| n.status).collect::<Vec<_>>()}
                            on_action={on.act.clone()} />
                    </div>
                </div>
                // The lab's models stay put while time moves; the availability figures beside
                // them do not, so they are drawn here, not as a prop of the lab.
                <div class={classes!("spot-wrap", s.spot("lab"))}>
                    <details class="lab" data-testid="lab">
                        <summary>{ t("live.lab") }</summary>
                        <LabPanel follower={model::lab::running_follower(sim)} on_dispatch={on.dispatch.clone()} />
                        <h4>{ t("live.availability") }</h4>
                        { availability_view(sim.availability().as_ref()) }
                    </details>
                </div>
            </>
        }
    }

    fn stage(&self, session: &Session) -> Html {
        let highlight = self.store.tour.as_ref().and_then(TourRun::highlight);
        html! {
            <Stage data={StageData::of(session.sim())} selected={self.store.selected} on_select={self.on.select.clone()}
                   selected_message={self.store.selected_message} on_select_message={Some(self.on.select_message.clone())}
                   highlight_nodes={highlight.map(|h| h.nodes.clone()).unwrap_or_default()}
                   highlight_messages={highlight.map(|h| h.messages.clone()).unwrap_or_default()} />
        }
    }

    fn tour_panel(&self, compact: bool) -> Html {
        let Some(view) = self.store.tour.as_ref().and_then(TourRun::view) else { return html! {} };
        html! {
            <TourPanel view={view} compact={compact} on_step={self.on.tour_step.clone()}
                       on_close={self.on.close_tour.clone()} on_link={self.on.tour_link.clone()} />
        }
    }
}
