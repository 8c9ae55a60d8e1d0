// Time: jumping between markers (buttons and keys), markers big enough to hit and labelled, the
// event log (sentences, filters, jumps, the live summary) and the pacing that skips idle time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Keys act only when no control has the focus (browser.rs): leave the button just clicked. */
async function blur(page) {
  await page.evaluate(() => document.activeElement?.blur());
}

async function events(page) {
  await settle(page);
  return Number(await page.getByTestId('clock').getAttribute('data-events'));
}

/** A run with an election, a leader, a crash and a new election. */
async function runWithACrash(page) {
  await page.getByTestId('stage').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await page.getByTestId('crash-leader').click();
  // A second leader: the crashed one's successor.
  await runUntil(page, '[data-testid="marker"][data-kind="leader"] ~ [data-testid="marker"][data-kind="leader"]');
  await advance(page, 200);
  await page.getByTestId('play').click(); // pause
  await settle(page);
}

test('markers are 24 px targets with a visible mark and a label', async () => {
  const page = await openPage(browser);
  await runWithACrash(page);
  const markers = page.getByTestId('marker');
  assert.ok(await markers.count() >= 4);
  for (const m of await markers.all()) {
    const box = await m.boundingBox();
    assert.ok(box.width >= 24 && box.height >= 24, `marker ${await m.getAttribute('data-kind')}: ${box.width}x${box.height}`);
    assert.match(await m.getAttribute('aria-label'), /ms, event \d+: /);
    assert.ok((await m.innerText()).trim().length > 0, 'a visible mark, not colour alone');
  }
  assert.equal(await page.locator('[data-testid="marker"][data-kind="crash"]').innerText(), '✕');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('◀ Marker and [ go to the previous marker, ] and Marker ▶ to the next; ‹ 1 still steps one event', async () => {
  const page = await openPage(browser);
  await runWithACrash(page);
  const marks = (await page.getByTestId('marker').evaluateAll((els) => els
    .filter((e) => e.dataset.kind !== 'action').map((e) => Number(e.dataset.events)))).sort((a, b) => a - b);
  const end = await events(page);
  const before = (e) => marks.filter((m) => m < e).at(-1) ?? 0;
  const after = (e) => marks.find((m) => m > e);
  assert.ok(marks.length >= 3, marks.join());
  await page.getByTestId('back-marker').click();
  let at = await events(page);
  assert.equal(at, before(end));
  await blur(page);
  await page.keyboard.press('[');
  assert.equal(await events(page), before(at));
  at = await events(page);
  await page.keyboard.press('[');
  assert.equal(await events(page), before(at));
  at = await events(page);
  await page.keyboard.press(']');
  assert.equal(await events(page), after(at));
  at = await events(page);
  await page.getByTestId('next-marker').click();
  assert.equal(await events(page), after(at));
  at = await events(page);
  await page.getByTestId('step-back').click();
  assert.equal(await events(page), at - 1, 'single-event step back is still there');
  await blur(page);
  await page.keyboard.press('?');
  const help = await page.getByTestId('help').innerText();
  assert.match(help, /previous \/ next marker/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the event log tells the run in sentences, filters, jumps, and has a polite live summary', async () => {
  const page = await openPage(browser);
  await runWithACrash(page);
  const log = page.getByTestId('event-log');
  const lines = () => log.getByTestId('event-line').allInnerTexts();
  const all = (await lines()).join('\n');
  assert.match(all, /S\d became a Candidate for term \d+ and sent RequestVote RPCs/);
  assert.match(all, /S\d won the election for term \d+ with votes from S\d(, S\d)+ and became the Leader/);
  assert.match(all, /S\d crashed/);
  assert.match(all, /You acted on the cluster: crash leader/);
  const summary = page.getByTestId('event-summary');
  assert.equal(await summary.getAttribute('aria-live'), 'polite');
  const newest = (await lines())[0];
  assert.ok(newest.endsWith(await summary.innerText()), `${newest} / ${await summary.innerText()}`);
  // Filters.
  await log.locator('[data-testid="event-filter"][data-topic="faults"]').click();
  const topics = await log.getByTestId('event-line').evaluateAll((els) => els.map((e) => e.dataset.topic));
  assert.ok(topics.length > 0 && topics.every((t) => t === 'faults' || t === 'safety'), topics.join());
  await log.locator('[data-testid="event-filter"][data-topic="elections"]').click();
  const election = log.locator('[data-testid="event-line"][data-topic="elections"]').last(); // the oldest
  const target = Number(await election.getAttribute('data-events'));
  await election.locator('button').click();
  assert.equal(await events(page), target, 'a line jumps to its moment');
  // Lines after the moment shown are marked as ahead.
  assert.ok(await log.locator('[data-testid="event-line"].ahead').count() > 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('pacing: the default speed skips idle time, so the first election comes within seconds', async () => {
  const page = await openPage(browser, '', { hook: false });
  assert.ok(await page.getByTestId('skip-idle').isChecked());
  // At the default 0.016x without skipping, the first timeout (>= 150 ms) would take >= 9 s.
  await page.locator('[data-testid="marker"][data-kind="election"]').first().waitFor({ timeout: 7_000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a tour step that sets the speed says so', async () => {
  const page = await openPage(browser, '#tour/leader-election/5') // the 5th step sets 0.1x;
  await page.getByTestId('tour').waitFor({ timeout: 60_000 });
  await page.getByTestId('action-hint').waitFor();
  assert.equal(await page.getByTestId('action-hint').innerText(), 'This step plays at 0.10x (the tour set the speed).');
  assert.equal(await page.locator('.speed output').innerText(), '0.10x');
  assert.deepEqual(page.errors, []);
  await page.close();
});
