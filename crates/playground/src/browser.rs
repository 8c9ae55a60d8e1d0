//! The few browser services the page uses: its address, the clipboard, downloading and reading
//! files, opening a tab, animation frames and the keyboard. Each fails soft (returns None or does nothing) rather than panicking.
use raft_sim::input::CappedText;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The page's address split as (base without query or fragment, query, fragment without '#').
pub fn location() -> (String, String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return Default::default() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    (format!("{origin}{path}"), search, hash.trim_start_matches('#').to_string())
}

/// A monotonic clock in milliseconds, for measuring how long the page's own work takes (never
/// for the simulation, which has its own virtual time).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Whether the address's query has `name` (`?name` or `?name=…`): `embed`, `present`.
pub fn query_flag(name: &str) -> bool {
    let (_, search, _) = location();
    search.trim_start_matches('?').split('&').any(|p| p.split('=').next() == Some(name))
}

/// Scroll the first element matching `selector` into view (nothing if there is none).
pub fn reveal(selector: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(selector).ok().flatten());
    if let Some(element) = element {
        element.scroll_into_view();
    }
}

/// Embed mode: `?embed` (or `?embed=1`) in the address.
pub fn embed_requested() -> bool {
    query_flag("embed")
}

/// Whether the reader asked their system for reduced motion (`prefers-reduced-motion`). Read
/// through `matchMedia` by name, which needs no extra web-sys feature (no extra weight), once:
/// the stage asks every frame, and the preference rarely changes while a page is open.
pub fn prefers_reduced_motion() -> bool {
    static REDUCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *REDUCED.get_or_init(read_reduced_motion)
}

fn read_reduced_motion() -> bool {
    let Some(window) = web_sys::window() else { return false };
    js_sys::Reflect::get(&window, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&window, &"(prefers-reduced-motion: reduce)".into()).ok())
        .and_then(|query| js_sys::Reflect::get(&query, &"matches".into()).ok())
        .and_then(|matches| matches.as_bool())
        .unwrap_or(false)
}

/// Put `fragment` in the address bar without reloading or adding a history entry.
pub fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else { return };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// Put `search` (`?embed&lang=zh-CN`, or empty) as the address's query, keeping its path and
/// fragment, without reloading or adding a history entry.
pub fn replace_query(search: &str) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}{hash}")));
    }
}

/// The reader's languages, most wanted first (`navigator.languages`).
pub fn languages() -> Vec<String> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    window.navigator().languages().iter().filter_map(|l| l.as_string()).collect()
}

/// Mark the document as written in `language` (`<html lang>`): screen readers pick their
/// voice by it, and browsers their fonts.
pub fn set_document_language(language: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", language);
    }
}

/// Best effort: browsers refuse without a secure context or user gesture; the page also shows
/// the text so it can be copied by hand.
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

pub fn open_in_new_tab(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.open_with_url_and_target(url, "_blank");
    }
}

// Saving files: a few lines of the browser's own API, kept in JavaScript (the wasm would need
// bindings for each call, and every byte of it is downloaded). `save` offers a file through a
// download link; `savePng` draws an SVG document on a canvas at twice its size (crisp on a
// projector) and saves the canvas as PNG.
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export function save(name, data, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
export function savePng(name, svg, w, h) {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  img.onload = () => {
    const c = document.createElement('canvas');
    c.width = Math.round(w * 2);
    c.height = Math.round(h * 2);
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    URL.revokeObjectURL(url);
    c.toBlob((png) => png && save(name, png));
  };
  img.src = url;
}
export async function deflateRaw(bytes, pack, limit) {
  const s = new Blob([bytes]).stream()
    .pipeThrough(pack ? new CompressionStream('deflate-raw') : new DecompressionStream('deflate-raw'));
  const reader = s.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) { reader.cancel(); throw 'over ' + limit + ' bytes'; }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) { out.set(p, n); n += p.length; }
  return out;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = deflateRaw, catch)]
    async fn deflate_raw_js(
        bytes: &[u8],
        pack: bool,
        limit: f64,
    ) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
    fn save(name: &str, data: &str, mime: &str);
    #[wasm_bindgen(js_name = savePng)]
    fn save_png_js(name: &str, svg: &str, width: f64, height: f64);
}

/// Deflate (`pack`) or inflate raw deflate data (RFC 1951, as share links hold it) with the
/// browser's `CompressionStream` / `DecompressionStream`: no compressor in the wasm. Output
/// past `limit` bytes is refused as soon as it is reached; damaged data is an Err.
pub async fn deflate_raw(bytes: &[u8], pack: bool, limit: usize) -> Result<Vec<u8>, String> {
    let out = deflate_raw_js(bytes, pack, limit as f64).await.map_err(describe)?;
    Ok(js_sys::Uint8Array::new(&out).to_vec())
}

/// Offer `text` as a file download, typed by the name's extension (SVG or JSON).
pub fn download(filename: &str, text: &str) {
    save(filename, text, if filename.ends_with(".svg") { "image/svg+xml" } else { "application/json" });
}

/// Offer the SVG document `svg` (`width` × `height`) as a PNG at twice its size.
pub fn save_png(filename: &str, svg: &str, width: f64, height: f64) {
    save_png_js(filename, svg, width, height);
}

/// A file being read; dropping it abandons the read.
pub struct FileRead {
    _reader: web_sys::FileReader,
    _onload: Closure<dyn FnMut()>,
}

/// Read a text file the student picked, through raft-sim's bounded reader: only its first
/// `max_bytes + 1` bytes are read (a slice of the file, whatever size it claims), and a file
/// past the cap is refused naming it. `done` gets the text or an error message.
pub fn read_text_file(
    file: web_sys::File,
    max_bytes: usize,
    done: impl Fn(Result<String, String>) + 'static,
) -> Option<FileRead> {
    let name = file.name();
    let head = file.slice_with_f64_and_f64(0.0, max_bytes as f64 + 1.0).ok()?;
    let reader = web_sys::FileReader::new().ok()?;
    let handle = reader.clone();
    let onload = Closure::<dyn FnMut()>::new(move || {
        let result = match handle.result() {
            Ok(buffer) => {
                let mut text = CappedText::new(max_bytes);
                text.push(&js_sys::Uint8Array::new(&buffer).to_vec());
                text.finish()
            }
            Err(_) => Err("could not be read".to_string()),
        };
        done(result.map_err(|problem| format!("{name} {problem}")));
    });
    reader.set_onload(Some(onload.as_ref().unchecked_ref()));
    reader.read_as_array_buffer(&head).ok()?;
    Some(FileRead { _reader: reader, _onload: onload })
}

fn describe(e: wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

/// Fetch a text file (a URL relative to the page) through raft-sim's bounded reader: the body
/// is read chunk by chunk and the download cancelled once it passes `max_bytes` (whatever
/// `Content-Length` says). Err says why it could not be had.
pub async fn fetch_text(url: &str, max_bytes: usize) -> Result<String, String> {
    read_fetched(start_fetch(url), url, max_bytes).await
}

/// Start fetching `url` now (the browser fetches while other requests are under way); read it
/// with [`read_fetched`].
pub fn start_fetch(url: &str) -> Result<js_sys::Promise, String> {
    Ok(web_sys::window().ok_or("no window")?.fetch_with_str(url))
}

/// The text of a fetch started by [`start_fetch`], read as [`fetch_text`] reads it.
pub async fn read_fetched(
    started: Result<js_sys::Promise, String>,
    url: &str,
    max_bytes: usize,
) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let response = JsFuture::from(started?).await.map_err(describe)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not an HTTP response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {} for {url}", response.status()));
    }
    let body = response.body().ok_or_else(|| format!("{url} has no body"))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut text = CappedText::new(max_bytes);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(describe)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map_err(describe)?;
        if done.as_bool().unwrap_or(true) {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(describe)?;
        if !text.push(&js_sys::Uint8Array::new(&value).to_vec()) {
            let _ = reader.cancel();
            break;
        }
    }
    text.finish().map_err(|problem| format!("{url} {problem}"))
}

/// A pending animation frame; dropping it cancels the request.
pub struct AnimationFrame {
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

/// Call `then` once the page has painted what it has drawn by now: a timeout queued from the
/// next animation frame runs after that frame's paint. Dropping the handle cancels it.
pub fn after_paint(then: impl FnOnce() + 'static) -> Option<AnimationFrame> {
    request_frame(move |_| {
        let callback = Closure::once_into_js(then);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
        }
    })
}

/// The file a drag and drop onto the page carries (the first, if several), with the browser's
/// own handling (opening the file in the tab) prevented.
pub fn dropped_file(event: &web_sys::DragEvent) -> Option<web_sys::File> {
    event.prevent_default();
    event.data_transfer()?.files()?.get(0)
}

/// Call `frame` with the frame's timestamp (real ms) at the next animation frame.
pub fn request_frame(frame: impl FnOnce(f64) + 'static) -> Option<AnimationFrame> {
    let callback = Closure::once(frame);
    let id = web_sys::window()?.request_animation_frame(callback.as_ref().unchecked_ref()).ok()?;
    Some(AnimationFrame { id, _callback: callback })
}

/// The page-wide keyboard listener; dropping it removes the listener.
pub struct KeyListener {
    callback: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback("keydown", self.callback.as_ref().unchecked_ref());
        }
    }
}

/// Hand every key pressed on the page to `handle` (the key's name, e.g. " " or "ArrowRight"),
/// which returns whether it used it (then the browser's own use of the key is prevented). Keys
/// typed into a form field, Space and Enter on a focused button (a server on the stage is one:
/// they press it), keys a component already used, and those with Ctrl, Meta or Alt, are left
/// alone. Other keys on a focused button still drive the page: after clicking Play, → steps.
pub fn listen_keys(handle: impl Fn(&str) -> bool + 'static) -> Option<KeyListener> {
    let callback = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
        let key = e.key();
        let presses = key == " " || key == "Enter";
        let in_field = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                || (presses
                    && (matches!(el.tag_name().as_str(), "BUTTON" | "SUMMARY")
                        || el.get_attribute("role").as_deref() == Some("button")))
        });
        if in_field || e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        if handle(&key) {
            e.prevent_default();
        }
    });
    let document = web_sys::window()?.document()?;
    document.add_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref()).ok()?;
    Some(KeyListener { callback })
}
