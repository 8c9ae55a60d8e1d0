//! The hunt's Web Workers (the browser resource behind store/hunt.rs): module workers running
//! web/hunt/worker.js, which imports the simulator module (raft-sim.js: this same wasm, which
//! does not draw the page there) and answers each job with `huntBatch` or `shrink`. Jobs go
//! out and answers come back as JSON values read into hunt_wire.rs' structs; every answer
//! becomes an [`Action::Hunt`]. Dropping the pool terminates its workers.
use crate::hunt_wire::{BatchReply, ShrinkReply};
use crate::store::hunt::{HuntAction, HuntJob};
use crate::store::Action;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

/// The worker's script, beside the page (index.html copies web/hunt/ into dist/hunt/).
const WORKER_URL: &str = "hunt/worker.js";

type OnMessage = Closure<dyn FnMut(web_sys::MessageEvent)>;
type OnError = Closure<dyn FnMut(web_sys::ErrorEvent)>;

pub struct Pool {
    workers: Vec<(web_sys::Worker, OnMessage, OnError)>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        for (worker, _, _) in &self.workers {
            worker.terminate();
        }
    }
}

/// The workers to run: `navigator.hardwareConcurrency` (at least 1), or `?hunt-workers=N`.
pub fn worker_count() -> usize {
    let reported = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    let (_, search, _) = crate::browser::location();
    let forced =
        search.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("hunt-workers=")).map(str::to_string);
    crate::store::hunt::Hunt::worker_count(reported, forced.as_deref())
}

/// A JS value as our JSON text (the worker's answer, written by the browser).
fn json_of(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string())
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A worker's answer as the store's action.
fn answer(serial: u64, worker: usize, data: &JsValue) -> Action {
    let kind = field(data, "kind").as_string().unwrap_or_default();
    let reply: Result<String, String> = if field(data, "ok").as_bool() == Some(true) {
        json_of(&field(data, "result")).ok_or_else(|| "the worker's answer cannot be read".to_string())
    } else {
        Err(field(data, "error").as_string().unwrap_or_else(|| "the worker gave no reason".into()))
    };
    let read = |text: &str| format!("the worker's answer is not what was expected: {text}");
    Action::Hunt(match kind.as_str() {
        "shrink" => HuntAction::Shrunk {
            serial,
            reply: reply.and_then(|t| serde_json::from_str::<ShrinkReply>(&t).map_err(|e| read(&e.to_string()))),
        },
        "batch" => HuntAction::Batch {
            serial,
            worker,
            reply: reply.and_then(|t| serde_json::from_str::<BatchReply>(&t).map_err(|e| read(&e.to_string()))),
        },
        _ => HuntAction::WorkerFailed { serial, message: reply.err().unwrap_or_else(|| read(&kind)) },
    })
}

impl Pool {
    /// Start `count` workers for hunt `serial`; their answers go to `dispatch`.
    pub fn spawn(serial: u64, count: usize, dispatch: &Callback<Action>) -> Result<Pool, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let mut workers = Vec::with_capacity(count);
        for index in 0..count {
            let worker = web_sys::Worker::new_with_options(WORKER_URL, &options)
                .map_err(|e| e.as_string().unwrap_or_else(|| format!("{WORKER_URL} could not start")))?;
            let on_message: OnMessage = {
                let dispatch = dispatch.clone();
                Closure::new(move |e: web_sys::MessageEvent| dispatch.emit(answer(serial, index, &e.data())))
            };
            let on_error: OnError = {
                let dispatch = dispatch.clone();
                Closure::new(move |e: web_sys::ErrorEvent| {
                    e.prevent_default();
                    let message = format!("{WORKER_URL}: {}", e.message());
                    dispatch.emit(Action::Hunt(HuntAction::WorkerFailed { serial, message }));
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            workers.push((worker, on_message, on_error));
        }
        Ok(Pool { workers })
    }

    /// One worker judging history `serial`'s `text` (store/lincheck.rs); its answer goes to
    /// `dispatch` as the history's `Checked`. Dropping the pool ends the check.
    pub fn lincheck(serial: u64, text: &str, dispatch: &Callback<Action>) -> Result<Pool, String> {
        use crate::store::lincheck::HistoryAction;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(WORKER_URL, &options)
            .map_err(|e| e.as_string().unwrap_or_else(|| format!("{WORKER_URL} could not start")))?;
        let checked = move |reply| Action::History(HistoryAction::Checked { serial, reply });
        let on_message: OnMessage = {
            let dispatch = dispatch.clone();
            Closure::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                let reply = if field(&data, "ok").as_bool() == Some(true) {
                    field(&data, "result").as_string().ok_or_else(|| "the worker's answer cannot be read".to_string())
                } else {
                    Err(field(&data, "error").as_string().unwrap_or_else(|| "the worker gave no reason".into()))
                };
                dispatch.emit(checked(reply));
            })
        };
        let on_error: OnError = {
            let dispatch = dispatch.clone();
            Closure::new(move |e: web_sys::ErrorEvent| {
                e.prevent_default();
                dispatch.emit(checked(Err(format!("{WORKER_URL}: {}", e.message()))));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let job = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&job, &"kind".into(), &"lincheck".into());
        let _ = js_sys::Reflect::set(&job, &"text".into(), &text.into());
        let pool = Pool { workers: vec![(worker, on_message, on_error)] };
        pool.workers[0].0.post_message(&job).map_err(|_| "the history cannot be sent to its worker".to_string())?;
        Ok(pool)
    }

    /// Send worker `index` a job (ignored if there is no such worker).
    pub fn send(&self, index: usize, job: &HuntJob) -> Result<(), String> {
        let Some((worker, _, _)) = self.workers.get(index) else { return Ok(()) };
        let message = match job {
            HuntJob::Batch(options) => serde_json::json!({ "kind": "batch", "options": options }),
            HuntJob::Shrink { scenario, max_attempts } => serde_json::json!({
                "kind": "shrink", "scenario": scenario, "options": { "maxAttempts": max_attempts }
            }),
        };
        let value = js_sys::JSON::parse(&message.to_string()).map_err(|_| "the job cannot be written".to_string())?;
        worker.post_message(&value).map_err(|_| "the job cannot be sent to its worker".to_string())
    }
}
