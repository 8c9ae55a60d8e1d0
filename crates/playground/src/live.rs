//! The live cluster: the one place where virtual time advances, once per animation frame
//! (requestAnimationFrame), by the real time elapsed times the chosen speed.
use crate::log_view::{LogData, LogView};
use crate::monitor::Monitor;
use crate::settings::SettingsPanel;
use crate::stage::{Stage, StageData};
use raft_sim::scenario::RaftSettings;
use raft_sim::scenario::{Action, CrashMode, NodeFaults, MAX_DURATION_MS};
use raft_sim::{builtin, Scenario, Simulation};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::html::Scope;
use yew::prelude::*;

/// Speeds from 0.01x to 100x, as a power of ten.
const SPEED_MIN_EXP: f64 = -2.0;
const SPEED_MAX_EXP: f64 = 2.0;
/// 0.05x: a 10-20 ms message takes a visible fraction of a second to cross.
const SPEED_DEFAULT_EXP: f64 = -1.3;
/// A frame never processes more than this many events (absurd settings slow down, not hang).
const EVENTS_PER_FRAME: u32 = 50_000;
/// Real milliseconds one frame may account for (after a background tab, do not leap).
const MAX_FRAME_MS: f64 = 100.0;

pub enum Msg {
    Frame(f64),
    TogglePlay,
    Step,
    Speed(f64),
    Load(usize),
    Select(u32),
    Act(Action),
    Configure(RaftSettings),
    SpeedBy(f64),
    ToggleHelp,
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

/// Space plays or pauses, → steps one event, + and - change the speed, ? shows the keys.
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

fn request_frame(link: &Scope<Live>) -> Option<AnimationFrame> {
    let link = link.clone();
    let callback = Closure::once(move |timestamp: f64| link.send_message(Msg::Frame(timestamp)));
    let id = web_sys::window()?.request_animation_frame(callback.as_ref().unchecked_ref()).ok()?;
    Some(AnimationFrame { id, _callback: callback })
}

pub struct Live {
    scenarios: Vec<Scenario>,
    current: usize,
    sim: Option<Simulation>,
    error: Option<String>,
    playing: bool,
    speed_exp: f64,
    last_frame: Option<f64>,
    frame: Option<AnimationFrame>,
    selected: Option<u32>,
    /// Made once, so the settings panel's props stay equal across frames and it is not
    /// re-rendered (which would reset what the student is typing) sixty times a second.
    on_configure: Callback<RaftSettings>,
    help: bool,
    _keys: Option<KeyListener>,
}

/// A live run does not stop at the scenario's end: the student keeps watching and poking.
fn start(scenario: &Scenario) -> Result<Simulation, String> {
    let mut open_ended = scenario.clone();
    open_ended.duration_ms = MAX_DURATION_MS;
    Simulation::new(&open_ended).map_err(|e| format!("{}: {e}", scenario.name))
}

impl Live {
    fn load(&mut self, index: usize) {
        self.current = index;
        self.selected = None;
        match self.scenarios.get(index).map(start) {
            Some(Ok(sim)) => {
                self.sim = Some(sim);
                self.error = None;
            }
            Some(Err(e)) => self.error = Some(e),
            None => self.error = Some("no such scenario".into()),
        }
    }

    fn advance(&mut self, real_ms: f64) {
        let Some(sim) = self.sim.as_mut() else { return };
        let virtual_us = (real_ms.clamp(0.0, MAX_FRAME_MS) * 1000.0 * 10f64.powf(self.speed_exp)) as u64;
        let target = sim.now().saturating_add(virtual_us);
        let mut budget = EVENTS_PER_FRAME;
        let violations = sim.total_violations();
        while budget > 0 && sim.step_until(target) {
            budget -= 1;
            if sim.total_violations() > violations {
                // Stop at the event that broke a property, so the student sees that moment.
                self.playing = false;
                self.frame = None;
                return;
            }
        }
        if budget > 0 {
            sim.run_until(target);
        }
    }
}

impl Component for Live {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut live = Live {
            scenarios: builtin::list(),
            current: 0,
            sim: None,
            error: None,
            playing: true,
            speed_exp: SPEED_DEFAULT_EXP,
            last_frame: None,
            frame: None,
            selected: None,
            on_configure: ctx.link().callback(Msg::Configure),
            help: false,
            _keys: listen_keys(ctx.link()),
        };
        live.load(0);
        live.frame = request_frame(ctx.link());
        live
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(timestamp) => {
                if self.playing {
                    if let Some(last) = self.last_frame {
                        self.advance(timestamp - last);
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
                self.playing = false;
                self.frame = None;
                if let Some(sim) = self.sim.as_mut() {
                    sim.step();
                }
            }
            Msg::Speed(exp) => self.speed_exp = exp.clamp(SPEED_MIN_EXP, SPEED_MAX_EXP),
            Msg::SpeedBy(step) => {
                self.speed_exp = (((self.speed_exp + step) * 10.0).round() / 10.0).clamp(SPEED_MIN_EXP, SPEED_MAX_EXP)
            }
            Msg::ToggleHelp => self.help = !self.help,
            Msg::Load(index) => {
                self.load(index);
                self.last_frame = None;
            }
            Msg::Configure(settings) => {
                // Keep the running cluster if the new settings are refused.
                let Some(mut scenario) = self.scenarios.get(self.current).cloned() else { return false };
                scenario.raft = settings;
                match start(&scenario) {
                    Ok(sim) => {
                        self.scenarios[self.current] = scenario;
                        self.sim = Some(sim);
                        self.selected = None;
                        self.error = None;
                        self.last_frame = None;
                        if !self.playing {
                            self.playing = true;
                            self.frame = request_frame(ctx.link());
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Msg::Select(id) => self.selected = if self.selected == Some(id) { None } else { Some(id) },
            Msg::Act(action) => {
                if let Some(sim) = self.sim.as_mut() {
                    if let Err(e) = sim.act(action) {
                        self.error = Some(e.to_string());
                    }
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_scenario = link.batch_callback(|e: Event| {
            let select = e.target_dyn_into::<web_sys::HtmlSelectElement>()?;
            select.value().parse::<usize>().ok().map(Msg::Load)
        });
        let on_speed = link.batch_callback(|e: InputEvent| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
            input.value().parse::<f64>().ok().map(Msg::Speed)
        });
        let speed = 10f64.powf(self.speed_exp);
        let speed_text = if speed < 1.0 { format!("{speed:.2}x") } else { format!("{speed:.0}x") };
        html! {
            <section class="live" aria-label="Live cluster">
                <div class="toolbar">
                    <select aria-label="Scenario" data-testid="live-scenario" onchange={on_scenario}>
                        { for self.scenarios.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == self.current}>{ s.name.clone() }</option>
                        }) }
                    </select>
                    <button data-testid="play" onclick={link.callback(|_| Msg::TogglePlay)}>
                        { if self.playing { "Pause" } else { "Play" } }
                    </button>
                    <button class="secondary" data-testid="step" onclick={link.callback(|_| Msg::Step)}>{ "Step" }</button>
                    <label class="speed">{ "Speed " }
                        <input type="range" data-testid="speed" min={SPEED_MIN_EXP.to_string()} max={SPEED_MAX_EXP.to_string()} step="0.1"
                               value={self.speed_exp.to_string()} oninput={on_speed} aria-valuetext={speed_text.clone()} />
                        <output>{ speed_text }</output>
                    </label>
                    <button class="secondary" data-testid="crash-leader"
                            onclick={link.callback(|_| Msg::Act(Action::CrashLeader { mode: CrashMode::Recover }))}>{ "Crash the leader" }</button>
                    <button class="secondary" data-testid="help-button" aria-label="Keyboard shortcuts"
                            onclick={link.callback(|_| Msg::ToggleHelp)}>{ "?" }</button>
                </div>
                if let Some(e) = &self.error {
                    <p class="error" role="alert" data-testid="live-error">{ e.clone() }</p>
                }
                if self.help {
                    <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                        <strong>{ "Keyboard" }</strong>
                        <dl>
                            <dt><kbd>{ "Space" }</kbd></dt><dd>{ "play / pause" }</dd>
                            <dt><kbd>{ "→" }</kbd></dt><dd>{ "step one event (pauses)" }</dd>
                            <dt><kbd>{ "+" }</kbd>{ " " }<kbd>{ "−" }</kbd></dt><dd>{ "faster / slower" }</dd>
                            <dt><kbd>{ "?" }</kbd></dt><dd>{ "show or hide this help" }</dd>
                        </dl>
                        <button class="secondary" onclick={link.callback(|_| Msg::ToggleHelp)}>{ "Close" }</button>
                    </div>
                }
                if let Some(sim) = &self.sim {
                    <div class="live-body">
                        <Stage data={StageData::of(sim)} selected={self.selected} on_select={link.callback(Msg::Select)} />
                        <div class="side">
                            <p class="clock" data-testid="clock">{ format!("t = {:.1} ms · {} events", sim.now() as f64 / 1000.0, sim.events()) }</p>
                            <Monitor violations={sim.violations().to_vec()} />
                            { self.node_panel(ctx, sim) }
                            <p class="legend">
                                <span class="key request-vote"></span>{ "RequestVote " }
                                <span class="key vote-granted"></span>{ "vote granted " }
                                <span class="key vote-denied"></span>{ "denied " }
                                <span class="key heartbeat"></span>{ "heartbeat " }
                                <span class="key append"></span>{ "AppendEntries with entries " }
                                <span class="key append-ok"></span>{ "ack" }
                            </p>
                        </div>
                    </div>
                    <LogView data={LogData::of(sim)} />
                }
                if let Some(scenario) = self.scenarios.get(self.current) {
                    <SettingsPanel settings={scenario.raft.clone()} on_apply={self.on_configure.clone()} />
                }
            </section>
        }
    }
}

impl Live {
    fn node_panel(&self, ctx: &Context<Self>, sim: &Simulation) -> Html {
        let Some(id) = self.selected else {
            return html! { <p class="hint">{ "Click a server to inspect it and break it." }</p> };
        };
        let Some(slot) = sim.node(id) else { return html! {} };
        let act = |action: Action| ctx.link().callback(move |_| Msg::Act(action.clone()));
        let faults = &slot.faults;
        let flip = |p: f64| if p > 0.0 { 0.0 } else { 1.0 };
        let state = match (&slot.raft, slot.status) {
            (None, _) => "crashed".to_string(),
            (Some(_), raft_sim::sim::NodeStatus::Paused) => "paused".to_string(),
            (Some(r), _) => r.role().to_string(),
        };
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
                    <button onclick={act(Action::Isolate { node: id })}>{ "Isolate" }</button>
                    <button onclick={act(Action::Heal)}>{ "Heal the network" }</button>
                    <button onclick={act(Action::SetFaults(NodeFaults { send_omission: flip(faults.send_omission), ..faults.clone() }))}>
                        { if faults.send_omission > 0.0 { "Stop send omission" } else { "Send omission (drop all it sends)" } }
                    </button>
                    <button onclick={act(Action::SetFaults(NodeFaults { receive_omission: flip(faults.receive_omission), ..faults.clone() }))}>
                        { if faults.receive_omission > 0.0 { "Stop receive omission" } else { "Receive omission (drop all it receives)" } }
                    </button>
                </div>
            </div>
        }
    }
}
