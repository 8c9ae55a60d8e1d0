//! The embed API (docs/embed-api.md): a page that frames the playground drives it with
//! `postMessage` and hears what happens in it. This file is the boundary only: it checks who
//! sent a message, reads it into typed Rust values (field by field with `serde-wasm-bindgen`, so
//! an error names the field), and posts replies and events. What a command does is a store
//! [`Action`]; what an event says comes from the store's snapshot (`Store::embed_events`).
//!
//! Who is answered: only the window that frames this page (`window.parent`), never another
//! frame, a popup or an opener; with `origin=` in the address (repeated or comma-separated),
//! only when that parent's origin is listed. Replies and events go to the parent at the origin
//! its accepted message came from, never to `"*"`.
use crate::store::Action;
use raft_sim::scenario::MAX_SCENARIO_BYTES;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The protocol's version: every message carries it as `v`.
pub const VERSION: u32 = 1;
/// Every message in and out has `type: "raft-playground"`: other traffic is not ours.
pub const TYPE: &str = "raft-playground";
/// At most this many fields in a message.
const MAX_FIELDS: u32 = 8;
/// Request ids, names and ids of scenarios and tours.
const MAX_SHORT_CHARS: u32 = 100;
/// An action or a goal as JSON.
const MAX_ACTION_CHARS: u32 = 8_192;

#[wasm_bindgen(inline_js = r#"
export function listen(handle) {
  if (window.parent === window) return;
  window.addEventListener('message', (e) => {
    if (e.source === window.parent) handle(e.data, e.origin);
  });
}
export function post(message, origin) {
  try { window.parent.postMessage(message, origin); } catch (_) {}
}
"#)]
extern "C" {
    fn listen(handle: &Closure<dyn FnMut(JsValue, String)>);
    fn post(message: &JsValue, origin: &str);
}

/// What a host page asks.
#[derive(Debug)]
pub enum Command {
    /// Attach: answered once the page is ready (a run open, the tours loaded).
    Hello,
    State,
    Play,
    Pause,
    Step,
    /// Go to this virtual time (µs).
    Seek(u64),
    /// Speed as a power of ten.
    Speed(f64),
    /// An operator action, as the scenario format writes one.
    Act(raft_sim::scenario::Action),
    OpenScenario(String),
    /// A run document or a scenario file, as JSON.
    OpenDocument(String),
    /// A tour id and a step counted from 1.
    OpenTour(String, usize),
    Task(raft_sim::tour::Goal),
    /// Show the page in this language (a tag of `text::LANGUAGES`).
    Language(String),
}

impl Command {
    /// The store action that carries it out (none for `hello` and `state`).
    pub fn action(self) -> Option<Action> {
        Some(match self {
            Command::Hello | Command::State => return None,
            Command::Play => Action::SetPlaying(true),
            Command::Pause => Action::SetPlaying(false),
            Command::Step => Action::Step,
            Command::Seek(us) => Action::GoTo(us),
            Command::Speed(exp) => Action::Speed(exp),
            Command::Act(a) => Action::Act(a),
            Command::OpenScenario(name) => Action::OpenBuiltin(name),
            Command::OpenDocument(json) => Action::Imported(Ok(json)),
            Command::OpenTour(id, step) => Action::OpenTourStep(id, step.saturating_sub(1)),
            Command::Task(goal) => Action::SetTask(goal),
            Command::Language(tag) => Action::ChooseLanguage(tag),
        })
    }
}

/// A checked message: its id, what it asks, and the origin to answer.
pub struct Request {
    pub id: String,
    pub command: Command,
    pub origin: String,
}

/// Why a message was refused: the field at fault (none: the message as a whole).
#[derive(Debug, Serialize)]
pub struct Refusal {
    pub field: Option<&'static str>,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { field: Some(field), message: message.into() }
}

/// The origins a query allows (`origin=` repeated or comma-separated, percent-encoded or not;
/// `decode` undoes the encoding, None if it is malformed): None without `origin=` (the parent is
/// answered, whatever its origin); a list otherwise, empty (nobody) when no value reads as an
/// origin, so a mistyped `origin=` never opens the page to every origin.
pub fn allowed_origins(search: &str, decode: impl Fn(&str) -> Option<String>) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    for pair in search.trim_start_matches('?').split('&') {
        if let Some(value) = pair.strip_prefix("origin=") {
            let list = out.get_or_insert_with(Vec::new);
            let Some(value) = decode(value) else { continue };
            list.extend(value.split(',').map(|o| o.trim().trim_end_matches('/').to_string()).filter(|o| !o.is_empty()));
        }
    }
    out
}

/// Listen for the parent's messages: `deliver` gets each checked request, or the refusal to
/// send back (with the request's id, if it had a readable one). Messages from elsewhere, from a
/// disallowed origin, or not of this protocol are ignored. Returns the listener (kept for the
/// page's lifetime).
pub fn install(
    deliver: impl Fn(Result<Request, (Option<String>, String, Refusal)>) + 'static,
) -> Option<Closure<dyn FnMut(JsValue, String)>> {
    web_sys::window()?;
    // The browser's decodeURIComponent (it throws on a malformed escape: then None).
    let decode = |v: &str| js_sys::decode_uri_component(v).ok().map(String::from);
    let allowed = allowed_origins(&crate::browser::location().1, decode);
    let handle = Closure::<dyn FnMut(JsValue, String)>::new(move |data: JsValue, origin: String| {
        if allowed.as_ref().is_some_and(|list| !list.contains(&origin)) {
            return;
        }
        if let Some(read) = read(&data) {
            deliver(match read {
                Ok((id, command)) => Ok(Request { id, command, origin }),
                Err((id, refusal)) => Err((id, origin, refusal)),
            });
        }
    });
    listen(&handle);
    Some(handle)
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string field of at most `max` characters, checked before it is copied into the wasm.
fn short_text(obj: &JsValue, key: &'static str, max: u32) -> Result<String, Refusal> {
    let value = get(obj, key);
    match value.dyn_ref::<js_sys::JsString>() {
        Some(s) if s.length() == 0 => Err(refuse(key, "must not be empty")),
        Some(s) if s.length() > max => Err(refuse(key, format!("is longer than {max} characters"))),
        _ => serde_wasm_bindgen::from_value::<String>(value).map_err(|e| refuse(key, e.to_string())),
    }
}

/// A number field, finite and within `range`.
fn number(obj: &JsValue, key: &'static str, range: std::ops::RangeInclusive<f64>) -> Result<f64, Refusal> {
    let n = serde_wasm_bindgen::from_value::<f64>(get(obj, key)).map_err(|e| refuse(key, e.to_string()))?;
    if !n.is_finite() || !range.contains(&n) {
        return Err(refuse(key, format!("must be a number from {} to {}", range.start(), range.end())));
    }
    Ok(n)
}

/// A JSON field given as an object or as its text, at most `max` characters of JSON.
fn json_text(obj: &JsValue, key: &'static str, max: u32) -> Result<String, Refusal> {
    let value = get(obj, key);
    let text = if value.is_string() {
        value
    } else if value.is_object() {
        js_sys::JSON::stringify(&value).map(JsValue::from).map_err(|_| refuse(key, "cannot be written as JSON"))?
    } else {
        return Err(refuse(key, "must be an object or its JSON text"));
    };
    let text = text.dyn_into::<js_sys::JsString>().map_err(|_| refuse(key, "cannot be written as JSON"))?;
    if text.length() > max {
        return Err(refuse(key, format!("is longer than {max} characters of JSON")));
    }
    Ok(String::from(text))
}

/// Read a message: None if it is not one of ours (ignored); else the id and command, or the
/// id (if readable) and why it was refused.
#[allow(clippy::type_complexity)]
fn read(data: &JsValue) -> Option<Result<(String, Command), (Option<String>, Refusal)>> {
    if !data.is_object() || get(data, "type").as_string().as_deref() != Some(TYPE) {
        return None;
    }
    let id = short_text(data, "id", MAX_SHORT_CHARS);
    Some(match (id, command(data)) {
        (Ok(id), Ok(command)) => Ok((id, command)),
        (Ok(id), Err(refusal)) => Err((Some(id), refusal)),
        (Err(refusal), _) => Err((None, refusal)),
    })
}

fn command(data: &JsValue) -> Result<Command, Refusal> {
    let keys = js_sys::Object::keys(data.unchecked_ref::<js_sys::Object>());
    if keys.length() > MAX_FIELDS {
        return Err(Refusal { field: None, message: format!("has more than {MAX_FIELDS} fields") });
    }
    let v = number(data, "v", 0.0..=f64::from(u32::MAX))?;
    if v != f64::from(VERSION) {
        return Err(refuse("v", format!("this page speaks version {VERSION} of the protocol")));
    }
    let name = short_text(data, "command", MAX_SHORT_CHARS)?;
    let (command, fields): (Command, &[&str]) = match name.as_str() {
        "hello" => (Command::Hello, &[]),
        "state" => (Command::State, &[]),
        "play" => (Command::Play, &[]),
        "pause" => (Command::Pause, &[]),
        "step" => (Command::Step, &[]),
        "seek" => {
            let ms = number(data, "timeMs", 0.0..=raft_sim::scenario::MAX_DURATION_MS)?;
            (Command::Seek(raft_sim::scenario::ms_to_us(ms)), &["timeMs"])
        }
        "speed" => {
            // The store's own 10^x and the browser's log10: Rust's `powf`/`log10` would bring
            // libm into the wasm (number.rs's guard test).
            // A hair of slack at both ends so that 0.01 and 100 themselves pass whatever the
            // last bit of the series; the exponent is then held to the range exactly.
            let (lo, hi) = (raft_sim::share::SPEED_MIN_EXP, raft_sim::share::SPEED_MAX_EXP);
            let (min, max) = (crate::store::exp10(lo) * (1.0 - 1e-9), crate::store::exp10(hi) * (1.0 + 1e-9));
            let speed = number(data, "speed", min..=max)?;
            (Command::Speed(js_sys::Math::log10(speed).clamp(lo, hi)), &["speed"])
        }
        "act" => {
            let text = json_text(data, "action", MAX_ACTION_CHARS)?;
            let action = serde_json::from_str(&text).map_err(|e| refuse("action", e.to_string()))?;
            (Command::Act(action), &["action"])
        }
        "language" => (Command::Language(short_text(data, "lang", MAX_SHORT_CHARS)?), &["lang"]),
        "task" => {
            let text = json_text(data, "goal", MAX_ACTION_CHARS)?;
            let goal = serde_json::from_str(&text).map_err(|e| refuse("goal", e.to_string()))?;
            (Command::Task(goal), &["goal"])
        }
        "open" => {
            let given = |k: &str| !get(data, k).is_undefined();
            match (given("scenario"), given("document"), given("tour")) {
                (true, false, false) => {
                    (Command::OpenScenario(short_text(data, "scenario", MAX_SHORT_CHARS)?), &["scenario"])
                }
                (false, true, false) => {
                    let max = u32::try_from(MAX_SCENARIO_BYTES).unwrap_or(u32::MAX);
                    (Command::OpenDocument(json_text(data, "document", max)?), &["document"])
                }
                (false, false, true) => {
                    let tour = short_text(data, "tour", MAX_SHORT_CHARS)?;
                    let step = if given("step") { number(data, "step", 1.0..=1000.0)? } else { 1.0 };
                    if step.fract() != 0.0 {
                        return Err(refuse("step", "must be a whole number"));
                    }
                    (Command::OpenTour(tour, step as usize), &["tour", "step"])
                }
                _ => {
                    return Err(Refusal { field: None, message: "open takes one of scenario, document or tour".into() })
                }
            }
        }
        _ => return Err(refuse("command", format!("'{name}' is not a command of this protocol"))),
    };
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !["type", "v", "id", "command"].contains(&key.as_str()) && !fields.contains(&key.as_str()) {
            return Err(Refusal { field: None, message: format!("unknown field '{key}' for {name}") });
        }
    }
    Ok(command)
}

/// A plain JS object from a serializable value (maps as objects).
fn js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn envelope() -> js_sys::Object {
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &"type".into(), &TYPE.into());
    let _ = js_sys::Reflect::set(&out, &"v".into(), &VERSION.into());
    out
}

/// Answer request `id` at `origin`: `result` when it was done, else the refusal.
pub fn reply(origin: &str, id: Option<&str>, answer: Result<JsValue, Refusal>) {
    let out = envelope();
    let _ = js_sys::Reflect::set(&out, &"id".into(), &id.map_or(JsValue::NULL, JsValue::from_str));
    let _ = js_sys::Reflect::set(&out, &"ok".into(), &answer.is_ok().into());
    match answer {
        Ok(result) => js_sys::Reflect::set(&out, &"result".into(), &result),
        Err(refusal) => js_sys::Reflect::set(&out, &"error".into(), &js(&refusal)),
    }
    .ok();
    post(&out, origin);
}

/// A value as the reply's `result`.
pub fn result<T: Serialize>(value: &T) -> JsValue {
    js(value)
}

/// Tell `origin` about `event` (its fields beside `type`, `v` and `event`).
pub fn tell<T: Serialize>(origin: &str, event: &T) {
    let out = envelope();
    let fields = js(event);
    let _ = js_sys::Object::assign(&out, fields.unchecked_ref());
    post(&out, origin);
}

#[cfg(test)]
mod tests {
    use super::allowed_origins;

    /// decodeURIComponent's job for the escapes the tests use (js_sys runs only in a browser).
    fn decode(v: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = v;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            let byte = u8::from_str_radix(rest.get(at + 1..at + 3)?, 16).ok()?;
            out.push(char::from(byte).is_ascii().then_some(char::from(byte))?);
            rest = &rest[at + 3..];
        }
        out.push_str(rest);
        Some(out)
    }

    #[test]
    fn origins_are_read_from_the_query_and_a_bad_one_allows_nobody() {
        assert_eq!(allowed_origins("?embed", decode), None);
        assert_eq!(allowed_origins("", decode), None);
        let both = Some(vec!["https://a.org".to_string(), "http://b.org:8080".to_string()]);
        assert_eq!(allowed_origins("?embed&origin=https%3A%2F%2Fa.org%2F,http://b.org:8080", decode), both);
        assert_eq!(allowed_origins("?origin=https://a.org&embed&origin=http%3A%2F%2Fb.org%3A8080", decode), both);
        assert_eq!(allowed_origins("?embed&origin=", decode), Some(vec![]));
        assert_eq!(allowed_origins("?embed&origin=%E0%A4%A", decode), Some(vec![]), "malformed: nobody, not everybody");
        assert_eq!(allowed_origins("?embed&origin=%ZZ", decode), Some(vec![]));
    }
}
