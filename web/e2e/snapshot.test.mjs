// Chandy–Lamport snapshots on the page (issue 18): the bank's built-in opens from the picker into
// a ring of p1 to p3, p1 records at 60 ms and its markers travel as their own kind of message,
// each card shows the balance, the recorded state and the channels being recorded, and the page
// agrees with `raftsim run --until-ms` at the same moment and with the CLI's trace hash at the end.
// The not-FIFO variant's inconsistent cut is one click away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, openPage, runTo, simState, nativeHash } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';

/** The picture `raftsim run NAME --until-ms MS --json` prints (exit 3 still prints it). */
function nativePicture(name, ms) {
  let out;
  try {
    out = execFileSync(raftsim, ['run', name, '--until-ms', String(ms), '--json'], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout;
  }
  return JSON.parse(out);
}

/** Every value each card shows: name → [values] (a process has one fact per channel). */
async function cardValues(page) {
  return page.getByTestId('course-card').evaluateAll((cards) => Object.fromEntries(cards.map((c) => [
    c.dataset.name, [...c.querySelectorAll('dd')].map((dd) => dd.textContent),
  ])));
}

async function openCourse(page, id) {
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption(id);
  await page.getByTestId('course-stage').waitFor();
}

test('the bank snapshot: markers on the stage, channels recording, and a total that adds up', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'cl-bank-snapshot');
  assert.equal(await page.getByTestId('course-view').getAttribute('data-protocol'), 'chandy-lamport');
  // 70 ms: p1 recorded at 60 ms; its two markers are on their way to p2 and p3.
  await runTo(page, 70);
  const native = nativePicture('cl-bank-snapshot', 70);
  const shown = await cardValues(page);
  for (const node of native.nodes) {
    assert.deepEqual(shown[node.name], node.facts.map((f) => f.value), `${node.name}'s card`);
  }
  assert.ok(shown.p1.includes('p2→p1 [21]') && shown.p1.includes('80'), JSON.stringify(shown.p1));
  const node = (name) => page.locator(`[data-testid="course-node"][data-name="${name}"]`);
  assert.equal(await node('p1').getAttribute('data-badge'), 'recorded');
  assert.equal(await node('p2').getAttribute('data-badge'), null);
  const markers = native.messages.filter((m) => m.kind === 'Marker').length;
  assert.equal(markers, 2);
  assert.equal(await page.locator('[data-testid="course-message"][data-kind="Marker"]').count(), markers);
  assert.equal(await page.getByTestId('course-message').count(), native.messages.length, 'every message in flight');
  // To the end: every process recorded, 205 + 95 = 300, every check holds, the CLI's hash.
  await runTo(page, 400);
  const state = await simState(page);
  assert.equal(state.playing, false, 'it stops at the end');
  assert.equal(state.traceHash, nativeHash('cl-bank-snapshot'));
  for (const name of ['p1', 'p2', 'p3']) assert.equal(await node(name).getAttribute('data-badge'), 'recorded');
  const runFacts = await page.getByTestId('course-run-facts').locator('dd').allTextContents();
  assert.ok(runFacts.includes('205 + 95 = 300 (119.2 ms)'), JSON.stringify(runFacts));
  assert.deepEqual(await page.getByTestId('course-check').evaluateAll((l) => l.map((e) => e.dataset.broken)),
    ['false', 'false', 'false']);
  // The diagram: lanes p1 to p3, and each process's recording on its lane.
  const lanes = await page.locator('.dg-lane text').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(lanes, ['p1', 'p2', 'p3']);
  assert.ok(await page.locator('[data-testid="diagram-event"][data-kind="became"]').count() >= 3, 'each recording');
  assert.deepEqual(page.errors, []);
});

test('without FIFO channels the inconsistent cut is caught, and the break is one click away', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'cl-broken-not-fifo');
  await runTo(page, 400);
  const check = page.locator('[data-testid="course-check"][data-property="ConsistentCut"]');
  assert.equal(await check.getAttribute('data-broken'), 'true');
  const native = nativePicture('cl-broken-not-fifo', 400);
  const cut = native.checks.find((c) => c.property === 'ConsistentCut');
  assert.match(cut.broken.detail, /transfer 15 \(26\) from p1/);
  await check.getByTestId('course-see-break').click();
  const state = await simState(page);
  assert.equal(state.events, cut.broken.event, 'at the event that broke it');
  // p3 has just received p1's late transfer and has not recorded yet: its marker is still out.
  const p3 = page.locator('[data-testid="course-node"][data-name="p3"]');
  assert.equal(await p3.getAttribute('data-badge'), null);
  assert.ok(await page.locator('[data-testid="course-message"][data-kind="Marker"]').count() >= 1);
  assert.deepEqual(page.errors, []);
});
