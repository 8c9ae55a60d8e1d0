// Raft Playground embed helper: drives a playground framed in an <iframe> through its
// postMessage protocol (docs/embed-api.md). No dependencies; an ES module.
//
//   import { RaftPlayground } from './raft-playground.js';
//   const p = await RaftPlayground.attach(iframe, { origin: 'https://example.org' });
//   p.on('leader', (e) => console.log(`S${e.node} leads term ${e.term}`));
//   await p.open({ scenario: 'first-election' });
//   await p.play();
//
// Every command returns a promise that resolves with the page's state after it (see `state`)
// or rejects with an Error whose `field` names the field the page refused, or on timeout.

const TYPE = 'raft-playground';
const VERSION = 1;

export class RaftPlayground {
  /**
   * Wait until the framed playground answers, then return a handle on it.
   * @param {HTMLIFrameElement} iframe the frame showing the playground (any `?embed` link)
   * @param {{origin?: string, timeout?: number, lang?: string}} options `origin`: the
   *   playground's origin (default: the frame's src's origin); `timeout`: ms to wait for each
   *   answer (default 5000; attaching waits up to three times as long, while the frame loads);
   *   `lang`: the language to show the playground in (`'zh-CN'`, `'en'`), put in the frame's
   *   address as `?lang=` (the frame loads again if it named another).
   */
  static async attach(iframe, options = {}) {
    if (options.lang !== undefined) {
      const src = new URL(iframe.src, location.href);
      if (src.searchParams.get('lang') !== options.lang) {
        src.searchParams.set('lang', options.lang);
        iframe.src = src.href;
      }
    }
    const origin = options.origin ?? new URL(iframe.src, location.href).origin;
    const p = new RaftPlayground(iframe, origin, options.timeout ?? 5000);
    // The frame may still be loading: ask again until it answers.
    const deadline = Date.now() + 3 * p.timeout;
    for (;;) {
      try {
        p.ready = await p.send('hello', {}, 500);
        return p;
      } catch (e) {
        if (e.field !== undefined || Date.now() > deadline) {
          p.detach();
          throw e.field !== undefined ? e : new Error('the playground did not answer: is the frame showing it, and is its origin right?');
        }
      }
    }
  }

  constructor(iframe, origin, timeout) {
    this.iframe = iframe;
    this.origin = origin;
    this.timeout = timeout;
    this.pending = new Map();
    this.listeners = new Map();
    this.next = 1;
    this.onMessage = (e) => this.receive(e);
    window.addEventListener('message', this.onMessage);
  }

  /** Stop listening; pending commands reject. */
  detach() {
    window.removeEventListener('message', this.onMessage);
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error('detached'));
    }
    this.pending.clear();
  }

  receive(e) {
    if (e.source !== this.iframe.contentWindow || e.origin !== this.origin) return;
    const m = e.data;
    if (!m || m.type !== TYPE || m.v !== VERSION) return;
    if (typeof m.event === 'string') {
      for (const name of [m.event, '*']) {
        for (const f of this.listeners.get(name) ?? []) f(m);
      }
      return;
    }
    const waiting = this.pending.get(m.id);
    if (!waiting) return;
    this.pending.delete(m.id);
    clearTimeout(waiting.timer);
    if (m.ok) {
      waiting.resolve(m.result);
    } else {
      const error = new Error(m.error?.field ? `${m.error.field}: ${m.error.message}` : m.error?.message);
      error.field = m.error?.field ?? null;
      waiting.reject(error);
    }
  }

  /** Send `command` with `fields`; resolves with the reply's result. */
  send(command, fields = {}, timeout = this.timeout) {
    const id = `r${this.next++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${command} within ${timeout} ms`));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      const target = this.iframe.contentWindow;
      if (!target) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error('the frame has no window'));
        return;
      }
      target.postMessage({ ...fields, type: TYPE, v: VERSION, id, command }, this.origin);
    });
  }

  /**
   * Call `f` with each event named `name` ('ready', 'leader', 'role', 'commit', 'violation',
   * 'step', 'done', or '*' for all). Returns a function that stops it.
   */
  on(name, f) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(f);
    return () => this.listeners.get(name).delete(f);
  }

  /** The next event named `name` for which `test(event)` holds (rejects after `timeout` ms). */
  once(name, test = () => true, timeout = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${name} event within ${timeout} ms`));
      }, timeout);
      const off = this.on(name, (e) => {
        if (!test(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  /** `{scenario: 'first-election'}`, `{document: runOrScenario}` or `{tour: 'elections', step: 2}`. */
  open(what) { return this.send('open', what); }
  play() { return this.send('play'); }
  pause() { return this.send('pause'); }
  step() { return this.send('step'); }
  /** Go to this virtual time (ms): back in time, or on past what has been played. */
  seek(timeMs) { return this.send('seek', { timeMs }); }
  /** 0.01 to 100 (virtual time per real time). */
  speed(speed) { return this.send('speed', { speed }); }
  /** An operator action as the scenario format writes one, e.g. `{action: 'crash_leader'}`. */
  act(action) { return this.send('act', { action }); }
  /** A goal as tours write one; a `done` event with `task: 'host'` follows once it is reached. */
  task(goal) { return this.send('task', { goal }); }
  /** Time, each server's role, term and commit index, the leader, violations. */
  state() { return this.send('state'); }

  /** Show the playground in another language (`'zh-CN'`, `'en'`); the run stays where it is. */
  language(lang) { return this.send('language', { lang }); }
}
