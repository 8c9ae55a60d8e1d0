// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core (no
// browser download; Playwright gives each launch a fresh temporary profile), and a page wrapper that fails the test on any console error.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BASE_URL = process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/';

/** Where tests leave files (screenshots): under target/, which trunk serve's watcher ignores. */
export const OUTPUT_DIR = fileURLToPath(new URL('../../target/e2e/test-results/', import.meta.url));

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A new page that records console errors and page errors in `page.errors`. With `hook` (the
 * default) its address asks for the test hook (`?test-hook`): the page does not play by the wall
 * clock, and the test plays virtual time itself with `advance`, `runTo` and `runUntil`, so a
 * loaded machine makes a test slower, never red. `{ hook: false }` opens the page as people see it.
 */
export async function openPage(browser, path = '', { hook = true } = {}) {
  const page = await browser.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  await page.goto(pageUrl(path, hook));
  return page;
}

/** The page's address for `path` (relative to BASE_URL), asking for the test hook if `hook`. */
export function pageUrl(path = '', hook = true) {
  const url = new URL(path, BASE_URL);
  if (hook && !url.searchParams.has('test-hook')) url.search = url.search ? `${url.search}&test-hook` : '?test-hook';
  return url.href;
}

/**
 * The test hook, once the page's wasm has started and opened a run (the built-in scenarios are
 * fetched first; loading is real time, and only that waits on it).
 */
async function hook(page) {
  await page.waitForFunction(
    () => window.__playground !== undefined
      && document.querySelector('[data-testid="stage"], [data-testid="course-stage"]') !== null,
    null, { timeout: 60_000 });
}

/**
 * Play `ms` of virtual time, as the animation frames would: only while the run plays, stopping
 * at a broken property or a tour step's pause. Resolves with the hook's state once the page has
 * rendered: `{ nowMs, events, playing, traceHash }`.
 */
export async function advance(page, ms) {
  await hook(page);
  return page.evaluate((ms) => window.__playground.advance(ms), ms);
}

/** Play up to virtual time `ms` (nothing moves if the run is already past it or paused). */
export async function runTo(page, ms) {
  await hook(page);
  return page.evaluate((ms) => window.__playground.runTo(ms), ms);
}

/** The hook's state: `{ nowMs, events, playing, traceHash, renders }` (renders: per component, how often it has rendered). */
export async function simState(page) {
  await hook(page);
  return page.evaluate(() => window.__playground.state());
}

/**
 * Play the run `stepMs` of virtual time at a time until `condition` holds in the page: a CSS
 * selector that must match, or a function evaluated in the page (called with `arg`; it must not
 * use variables from the test). Fails if the run pauses first or `withinMs` of virtual time pass:
 * budgets are virtual time, so the machine's speed never decides the outcome.
 */
export async function runUntil(page, condition, { arg = null, stepMs = 20, withinMs = 60_000 } = {}) {
  await hook(page);
  const predicate = typeof condition === 'string'
    ? `() => document.querySelector(${JSON.stringify(condition)}) !== null`
    : String(condition);
  try {
    return await page.evaluate(`(${playUntil})(${predicate}, ${JSON.stringify(arg)}, ${stepMs}, ${withinMs})`);
  } catch (e) {
    const what = typeof condition === 'string' ? condition : String(condition);
    throw new Error(`runUntil ${what}: ${e.message}`);
  }
}

// Runs in the page (serialised by runUntil): the loop stays there, one hook call per step.
async function playUntil(predicate, arg, stepMs, withinMs) {
  const hook = window.__playground;
  let state = await hook.state();
  const from = state.nowMs;
  for (;;) {
    if (predicate(arg)) return state;
    if (!state.playing) throw new Error(`the run is paused at t = ${state.nowMs} ms and the condition does not hold`);
    if (state.nowMs - from >= withinMs) {
      throw new Error(`the condition did not hold within ${withinMs} ms of virtual time (t = ${state.nowMs} ms)`);
    }
    state = await hook.advance(stepMs);
  }
}

/** The trace hash the native simulator computes for a built-in scenario. */
export function nativeHash(name) {
  const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';
  let out;
  try {
    out = execFileSync(raftsim, ['run', name, '--json'], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout; // exit 3 (a violation) still prints the report
  }
  return JSON.parse(out).trace_hash;
}

/** Set the speed slider: 10^exponent times real time (0 is 1x, 1 is 10x, 2 is 100x). With the
 * test hook the slider changes nothing: the test chooses how much virtual time passes. */
export async function setSpeed(page, exponent) {
  await page.getByTestId('speed').evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, exponent);
}
