//! A hook for the browser tests: with `?test-hook` in the page's address, the page stops playing
//! by the wall clock and a test plays the run through virtual time itself, so a slow or loaded
//! machine makes the tests slower, never wrong. Without it nothing here runs and
//! `window.__playground` does not exist.
//!
//! `window.__playground` has three methods; each returns a promise that resolves, once the page
//! has rendered, with `{ nowMs, events, playing, traceHash, renders }`:
//! - `advance(ms)`: play `ms` milliseconds of virtual time (0 to 600,000);
//! - `runTo(ms)`: play up to virtual time `ms` (at most 600,000 ms ahead; earlier does nothing);
//! - `state()`: nothing moves.
//!
//! `renders` counts, per component, how often it has rendered since the page started (see
//! [`rendered`]): a test can check that playing the run re-renders what shows the moment and
//! leaves the panels alone.
//!
//! The hook plays exactly as the animation frames would (through `Live::play_to`, the same
//! session calls): only while the run is playing, and it stops where a frame stops, at a broken
//! property or a tour step's pause. A paused run stays put, as on screen.
use crate::live::{Live, Msg};
use raft_sim::scenario::MAX_DURATION_MS;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use yew::html::Scope;

/// The most virtual time one call may play: a typo in a test should not freeze the page.
const MAX_SPAN_MS: f64 = 600_000.0;

thread_local! {
    /// Read once: the address does not gain or lose its query while the page runs.
    static REQUESTED: bool = {
        let (_, search, _) = crate::browser::location();
        search.trim_start_matches('?').split('&').any(|p| p == "test-hook" || p.starts_with("test-hook="))
    };
}

thread_local! {
    /// How often each component has rendered (only counted on a test page).
    /// A short list searched in order: a map would add code to the page for a dozen names.
    static RENDERS: RefCell<Vec<(&'static str, u32)>> = const { RefCell::new(Vec::new()) };
}

/// Components call this when they render, under a name of their own; on a test page it is
/// counted (the answer's `renders`), elsewhere it does nothing.
pub fn rendered(component: &'static str) {
    if drives_time() {
        RENDERS.with(|r| {
            let mut renders = r.borrow_mut();
            match renders.iter_mut().find(|(name, _)| *name == component) {
                Some((_, count)) => *count += 1,
                None => renders.push((component, 1)),
            }
        });
    }
}

/// True when the address asks for the hook: then only the test moves virtual time.
pub fn drives_time() -> bool {
    REQUESTED.with(|r| *r)
}

enum Command {
    Advance(u64),
    RunTo(u64),
    State,
}

/// A call from the test, answered after the page renders what it did.
pub struct Request {
    command: Command,
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

impl Request {
    /// The virtual time to play to, or None if nothing should move. Err says why the call is
    /// refused (the test sees it as a rejected promise).
    pub fn target_us(&self, now_us: u64) -> Result<Option<u64>, String> {
        let max_span = (MAX_SPAN_MS * 1000.0) as u64;
        match self.command {
            Command::Advance(us) => Ok(Some(now_us.saturating_add(us))),
            Command::RunTo(t) if t <= now_us => Ok(None),
            Command::RunTo(t) if t - now_us <= max_span => Ok(Some(t)),
            Command::RunTo(t) => Err(format!(
                "__playground.runTo({} ms): more than {MAX_SPAN_MS} ms ahead of now ({} ms)",
                t / 1000,
                now_us / 1000
            )),
            Command::State => Ok(None),
        }
    }

    pub fn refuse(self, why: &str) {
        let _ = self.reject.call1(&JsValue::NULL, &js_sys::Error::new(why));
    }

    /// Resolve with the state the page shows now.
    pub fn answer(self, shown: Option<(u64, u64, String)>, playing: bool) {
        let state = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = js_sys::Reflect::set(&state, &JsValue::from_str(key), &value);
        };
        if let Some((now_us, events, hash)) = shown {
            set("nowMs", JsValue::from_f64(now_us as f64 / 1000.0));
            set("events", JsValue::from_f64(events as f64));
            set("traceHash", JsValue::from_str(&hash));
        }
        set("playing", JsValue::from_bool(playing));
        let renders = js_sys::Object::new();
        RENDERS.with(|r| {
            for (name, count) in r.borrow().iter() {
                let _ = js_sys::Reflect::set(&renders, &JsValue::from_str(name), &JsValue::from_f64(f64::from(*count)));
            }
        });
        set("renders", renders.into());
        let _ = self.resolve.call1(&JsValue::NULL, &state);
    }
}

/// Put `window.__playground` on the page if the address asks for it.
pub fn install(link: &Scope<Live>) {
    if !drives_time() {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let hook = js_sys::Object::new();
    for method in [Method::Advance, Method::RunTo, Method::State] {
        let _ = js_sys::Reflect::set(&hook, &JsValue::from_str(method.name()), &method.function(link));
    }
    let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__playground"), &hook);
}

#[derive(Clone, Copy)]
enum Method {
    Advance,
    RunTo,
    State,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Advance => "advance",
            Method::RunTo => "runTo",
            Method::State => "state",
        }
    }

    /// The command a call with argument `ms` asks for, or why it is refused.
    fn command(self, ms: &JsValue) -> Result<Command, String> {
        match self {
            Method::Advance => self.virtual_us(ms, MAX_SPAN_MS).map(Command::Advance),
            Method::RunTo => self.virtual_us(ms, MAX_DURATION_MS).map(Command::RunTo),
            Method::State => Ok(Command::State),
        }
    }

    fn virtual_us(self, ms: &JsValue, max_ms: f64) -> Result<u64, String> {
        match ms.as_f64() {
            Some(ms) if ms.is_finite() && (0.0..=max_ms).contains(&ms) => Ok((ms * 1000.0).round() as u64),
            _ => Err(format!("__playground.{}(ms): ms must be virtual milliseconds from 0 to {max_ms}", self.name())),
        }
    }

    /// A JS function that sends its call to the live cluster and returns a promise of the answer.
    fn function(self, link: &Scope<Live>) -> JsValue {
        let link = link.clone();
        // Made once and kept for the page's life: the hook is never taken away.
        Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(move |ms: JsValue| {
            js_sys::Promise::new(&mut |resolve, reject| match self.command(&ms) {
                Ok(command) => link.send_message(Msg::Hook(Request { command, resolve, reject })),
                Err(e) => {
                    let _ = reject.call1(&JsValue::NULL, &js_sys::Error::new(&e));
                }
            })
        })
        .into_js_value()
    }
}
