// "Find a bug" (README, "Find a bug in the browser"): the page runs raftsim check's campaign in
// Web Workers and must find what the CLI finds, seed for seed. With commit-old-terms it finds
// the lowest failing seed and property `raftsim check` reports, shrinks it to the scenario
// `raftsim shrink` gives, and opens it in the player paused at the violation; a safe hunt over
// a small budget runs the CLI's seeds and events and says it found nothing; Stop ends the
// workers. The budgets are seeds, not time: a busy machine makes the test slower, never red.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch, openPage, simState, BASE_URL } from './browser.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe's serious and critical findings in the hunt panel (as a11y.test.mjs audits the page). */
async function auditPanel(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document.querySelector('[data-testid="hunt-panel"]'), {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0].target.join(' ')})`);
}

const RAFTSIM = process.env.RAFTSIM ?? '../target/release/raftsim';
/** Real time the page may take: wide, for a machine running other work beside the test. */
const HUNT_MS = 15 * 60_000;

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'hunt-test-'));
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run raftsim; a violation exits 3 and still prints what it found. */
function raftsim(args) {
  try {
    return execFileSync(RAFTSIM, args, { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    if (e.status === 3) return e.stdout;
    throw e;
  }
}

/** `raftsim check --json` over `seeds` seeds with `rules`. */
function check(rules, seeds) {
  const args = ['check', '--seeds', String(seeds), '--json', '--threads', '2'];
  for (const r of rules) args.push('--unsafe', r);
  return JSON.parse(raftsim(args));
}

/** Switch Break Raft rules on in the page's Raft settings. */
async function breakRules(page, rules) {
  const settings = page.getByTestId('raft-settings');
  await settings.locator('summary').click();
  for (const rule of rules) await settings.locator(`[data-rule="${rule}"] input`).check();
  await page.getByTestId('apply-settings').click();
}

const phase = (page) => page.getByTestId('hunt-panel').getAttribute('data-phase');

test('with commit-old-terms the hunt finds the CLI\'s lowest failing seed and opens it shrunk, paused at the violation', async () => {
  const cli = check(['commit-old-terms'], 20_000);
  assert.ok(cli.failure, 'raftsim check finds commit-old-terms within 20,000 seeds');
  // The CLI's shrink of the same scenario: its sizes and the time of the shrunk violation.
  const shrunk = raftsim(['shrink', `raftsim-failure-${cli.failure.seed}.json`, '--out', 'shrunk.json']);
  const after = shrunk.match(/after: +(.*)/)[1];
  const violationMs = Number(shrunk.match(/([\d.]+) ms +VIOLATION/)[1]);

  const page = await openPage(browser, '?hunt-workers=3');
  await simState(page);
  await breakRules(page, ['commit-old-terms']);
  const panel = page.getByTestId('hunt-panel');
  assert.equal(await page.getByTestId('hunt-command').innerText(), 'raftsim check --seeds 20000 --unsafe commit-old-terms');
  assert.equal(await panel.getAttribute('data-workers'), '3');
  const started = Date.now();
  await page.getByTestId('hunt-start').click();
  await page.waitForSelector('[data-testid="hunt-progress"]');
  await page.waitForSelector('[data-testid="hunt-panel"][data-phase="found"]', { timeout: HUNT_MS });
  console.log(`# commit-old-terms found and shrunk in the page in ${((Date.now() - started) / 1000).toFixed(1)} s (3 workers)`);

  assert.equal(Number(await panel.getAttribute('data-seed')), cli.failure.seed, 'the lowest failing seed, as the CLI');
  assert.equal(await panel.getAttribute('data-property'), cli.failure.property);
  const digits = (s) => s.replace(/[^\d ]/g, '').trim().split(/ +/).map(Number);
  assert.deepEqual(digits(await page.getByTestId('hunt-shrunk').innerText()), digits(after), 'shrunk as raftsim shrink shrinks it');
  assert.notEqual(await page.getByTestId('hunt-raw').innerText(), await page.getByTestId('hunt-shrunk').innerText());

  // The player: the shrunk run, paused at the event that broke the property, with the
  // monitor's explanation and the event log.
  const state = await simState(page);
  assert.equal(state.playing, false);
  assert.ok(Math.abs(state.nowMs - violationMs) < 0.01, `paused at ${state.nowMs} ms, the violation is at ${violationMs} ms`);
  const monitor = page.getByTestId('monitor');
  assert.equal(await monitor.locator(`li[data-property="${cli.failure.property}"]`).first().getAttribute('data-broken'), 'true');
  assert.match(await monitor.innerText(), new RegExp(`${cli.failure.property} broke`));
  assert.ok(await monitor.isVisible());
  const log = page.getByTestId('event-log');
  assert.ok(await log.isVisible());
  assert.match(await log.innerText(), /won the election/);
  const inView = await page.getByTestId('stage').evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  });
  assert.ok(inView, 'the player is scrolled into view');

  // A share link reproduces it.
  await page.getByTestId('hunt-share').click();
  const link = await page.getByTestId('hunt-link').inputValue();
  assert.match(link, /#/);
  assert.deepEqual(await auditPanel(page), [], 'the panel with its outcome, sizes and link');
  const again = await openPage(browser, new URL(link).hash);
  await again.waitForSelector('[data-testid="stage"]');
  assert.equal(await again.getByTestId('seed').inputValue(), String(cli.failure.seed));
  assert.deepEqual(again.errors, []);
  await again.close();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a safe hunt over a small budget runs the CLI\'s seeds and events and finds nothing', async () => {
  const seeds = 60;
  const cli = check([], seeds);
  assert.equal(cli.failure, null);
  const page = await openPage(browser, '?hunt-workers=2');
  await simState(page);
  await page.getByTestId('hunt-seeds').fill(String(seeds));
  assert.equal(await page.getByTestId('hunt-command').innerText(), `raftsim check --seeds ${seeds}`);
  await page.getByTestId('hunt-start').click();
  await page.waitForSelector('[data-testid="hunt-panel"][data-phase="nothing"]', { timeout: HUNT_MS });
  const panel = page.getByTestId('hunt-panel');
  assert.equal(Number(await panel.getAttribute('data-seeds')), cli.seeds_run);
  assert.equal(Number(await panel.getAttribute('data-events')), cli.events);
  const outcome = await page.getByTestId('hunt-outcome').innerText();
  assert.match(outcome, /Found nothing/);
  assert.match(outcome, new RegExp(`${seeds} seeds and ${cli.events.toLocaleString('en-US')} events`));
  assert.equal(await page.getByTestId('hunt-bar').getAttribute('value'), '100.0');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('one worker per core the browser reports; Stop ends them and the count stays', async () => {
  const page = await openPage(browser);
  await simState(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const panel = page.getByTestId('hunt-panel');
  assert.equal(Number(await panel.getAttribute('data-workers')), Math.max(1, cores));
  await page.getByTestId('hunt-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="hunt-panel"]').dataset.seeds) > 0,
    null, { timeout: HUNT_MS });
  assert.deepEqual(await auditPanel(page), [], 'the panel while it runs (progress bar, Stop)');
  assert.equal(page.workers().length, Math.max(1, cores));
  await page.getByTestId('hunt-stop').click();
  assert.equal(await phase(page), 'stopped');
  await page.waitForFunction(() => true); // let the terminations land
  for (let i = 0; i < 50 && page.workers().length > 0; i++) await page.waitForTimeout(100);
  assert.equal(page.workers().length, 0, 'the workers are terminated');
  const seeds = await panel.getAttribute('data-seeds');
  await page.waitForTimeout(1000);
  assert.equal(await panel.getAttribute('data-seeds'), seeds, 'nothing more is counted');
  assert.match(await page.getByTestId('hunt-outcome').innerText(), /Stopped after/);
  assert.ok(await page.getByTestId('hunt-start').isVisible());
  // A bad budget is named, and nothing starts.
  await page.getByTestId('hunt-seeds').fill('lots');
  await page.getByTestId('hunt-start').click();
  assert.match(await page.getByTestId('hunt-field-error').innerText(), /Seeds: 'lots'/);
  assert.equal(await phase(page), 'stopped');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the module exports huntBatch and shrink give the CLI\'s results and name a bad field', async () => {
  const cli = check(['forget-vote'], 50);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const blank = new URL('hunt-module-test.html', BASE_URL).href;
  await page.route(blank, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><body></body>' }));
  await page.goto(blank);
  const got = await page.evaluate(async () => {
    const { huntBatch, shrink } = await import('./raft-sim.js');
    const batch = huntBatch({ rules: ['forget-vote'], first: 0, count: 50 });
    const shrunk = shrink(batch.failure.scenario, { maxAttempts: 300 });
    const thrown = [];
    const bad = [
      () => huntBatch({ rules: ['nope'], first: 0, count: 1 }),
      () => huntBatch({ first: 0, count: 0 }),
      () => huntBatch({ first: 0, count: 1, nodes: 12 }),
      () => huntBatch({ first: 0, count: 1, seeds: 3 }),
      () => huntBatch(),
      () => shrink({ name: 'safe', nodes: 3, duration_ms: 500 }),
      () => shrink(batch.failure.scenario, { maxAttempts: -1 }),
    ];
    for (const f of bad) {
      try { f(); thrown.push(null); } catch (e) { thrown.push(`${e.constructor.name}: ${e.message}`); }
    }
    return { batch: { ...batch, failure: { ...batch.failure, scenario: undefined } }, shrunk: { ...shrunk, scenario: undefined }, thrown };
  });
  assert.equal(got.batch.failure.seed, cli.failure.seed);
  assert.equal(got.batch.failure.property, cli.failure.property);
  assert.equal(got.batch.seedsRun, cli.failure.seed + 1, 'the batch stops at its failure');
  assert.equal(got.shrunk.property, cli.failure.property);
  assert.match(got.shrunk.story.at(-1), /VIOLATION Election Safety/);
  assert.ok(got.shrunk.after.actions <= got.shrunk.before.actions);
  assert.ok(got.thrown.every((t) => t !== null && t.startsWith('Error: ')), JSON.stringify(got.thrown));
  for (const [i, field] of [[0, /rules: 'nope'/], [1, /count/], [2, /nodes/], [3, /seeds/], [4, /options/], [5, /breaks no property/], [6, /maxAttempts/]]) {
    assert.match(got.thrown[i], field);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
