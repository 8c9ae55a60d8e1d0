// The built-in scenarios are data the page fetches (scenarios/ beside it): the picker shows
// their titles, the caption their description, the Break Raft rules that are on and the
// settings that are not the defaults; a failed fetch says so and the page still runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const index = JSON.parse(readFileSync(new URL('../../crates/raft-sim/scenarios/index.json', import.meta.url), 'utf8'));

test('the picker lists every built-in by its title, grouped, each title once', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  const options = await page.getByTestId('live-scenario').locator('option').evaluateAll(
    (os) => os.map((o) => ({ value: o.value, label: o.textContent.trim(), group: o.parentElement.label })));
  // Raft's built-ins first, then the other protocols' (README "Other protocols"), each group in
  // the index's order.
  const raft = index.filter((e) => (e.protocol ?? 'raft') === 'raft');
  const others = index.filter((e) => (e.protocol ?? 'raft') !== 'raft');
  assert.ok(others.length > 0, 'the index has other protocols too');
  const grouped = (entries) => {
    const groups = [...new Set(entries.map((e) => e.group))];
    return groups.flatMap((g) => entries.filter((e) => e.group === g));
  };
  const expected = [...raft, ...grouped(others)].map((e) => ({ value: e.id, label: e.title, group: e.group }));
  assert.deepEqual(options, expected);
  assert.equal(new Set(options.map((o) => o.label)).size, options.length, 'labels never collide');
  assert.equal(await page.getByTestId('scenario-title').innerText(), 'First election');
  assert.match(await page.getByTestId('scenario-description').innerText(), /Three servers boot as followers/);
  assert.equal(await page.getByTestId('caption-broken').count(), 0, 'no rule is broken in the first election');
  assert.deepEqual(page.errors, []);
});

test('the caption names a broken rule and the settings that are not the defaults', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption('figure-8-unsafe');
  assert.equal(await page.getByTestId('scenario-title').innerText(),
    index.find((e) => e.id === 'figure-8-unsafe').title);
  assert.match(await page.getByTestId('caption-broken').innerText(), /Break Raft is on: commit-old-terms/);
  const settings = await page.getByTestId('caption-settings').innerText();
  for (const words of ['election timeout 10000-12000 ms', 'no no-op entry on election', 'leader liveliness off']) {
    assert.ok(settings.includes(words), `${words} in ${settings}`);
  }
  assert.match(await page.getByTestId('scenario-description').innerText(), /Figure 8 of the Raft paper/);
  // A rule switched on by hand shows too.
  await page.getByTestId('live-scenario').selectOption('figure-8');
  assert.equal(await page.getByTestId('caption-broken').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('when the scenarios cannot be fetched the page says so and still runs a cluster', async () => {
  const context = await browser.newContext();
  await context.route('**/scenarios/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('?test-hook', process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/').href);
  await page.getByTestId('link-error').waitFor();
  assert.match(await page.getByTestId('link-error').innerText(), /built-in scenarios.*none could be loaded.*HTTP 404/s);
  await page.getByTestId('stage').waitFor();
  assert.equal(await page.getByTestId('stage-node').count(), 3);
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('while the scenarios load, the seed field is empty and disabled (no placeholder seed)', async () => {
  const context = await browser.newContext();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await context.route('**/scenarios/index.json', async (route) => { await held; await route.continue(); });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('?test-hook', process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/').href);
  await page.getByTestId('live-scenario').locator('option', { hasText: 'Loading the scenarios' }).waitFor({ state: 'attached' });
  const seed = page.getByTestId('seed');
  assert.equal(await seed.inputValue(), '');
  assert.equal(await seed.isDisabled(), true);
  assert.equal(await page.getByTestId('new-run').isDisabled(), true);
  release();
  await page.getByTestId('stage').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="seed"]').value !== '');
  assert.equal(await seed.isDisabled(), false);
  assert.equal(await seed.inputValue(), '1', 'the first election runs seed 1');
  assert.deepEqual(errors, []);
  await context.close();
});
