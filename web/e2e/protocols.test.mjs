// The course's other protocols on the page (issue 18): a built-in of flood consensus, the Two
// Generals or primary-backup opens from the picker into its own stage, plays with the same
// controls as a Raft run, shows its checks, and draws its space-time diagram with lanes named
// as the notes name the processes. What the page shows is what `raftsim run --until-ms` says
// natively at the same moment, and the trace hash at the end is the CLI's.
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

/** What the page's cards show: name → { badge, facts }. */
async function cards(page) {
  return page.getByTestId('course-card').evaluateAll((cards) => Object.fromEntries(cards.map((c) => [
    c.dataset.name,
    Object.fromEntries([...c.querySelectorAll('dd')].map((dd) => [dd.previousElementSibling.textContent, dd.textContent])),
  ])));
}

async function openCourse(page, id) {
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption(id);
  await page.getByTestId('course-stage').waitFor();
}

test('flood consensus: the lecture example plays, P3 suspects P1 after round 1, and all decide a', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'flood-p1-p4');
  assert.equal(await page.getByTestId('course-view').getAttribute('data-protocol'), 'flood-consensus');
  assert.match(await page.locator('.course-caption').innerText(), /P1 crashes in the middle of its multicast/);
  // Round 1 ends at 100 ms: the page shows what the native run shows at that moment.
  await runTo(page, 100);
  const native = nativePicture('flood-p1-p4', 100);
  const shown = await cards(page);
  for (const node of native.nodes) {
    assert.ok(shown[node.name], `${node.name} has a card`);
    for (const fact of node.facts) {
      assert.ok(Object.values(shown[node.name]).includes(fact.value), `${node.name} ${fact.label} = ${fact.value}: ${JSON.stringify(shown[node.name])}`);
    }
  }
  assert.equal(shown.P3.suspects, 'P1');
  assert.equal(await page.locator('[data-testid="course-node"][data-name="P1"]').getAttribute('data-status'), 'crashed');
  assert.equal(await page.getByTestId('course-message').count(), native.messages.length, 'the messages in flight');
  // To the end: P2, P3 and P4 decide a; every check holds; the trace hash is the CLI's.
  await runTo(page, 400);
  const state = await simState(page);
  assert.equal(state.playing, false, 'it stops at the end');
  assert.equal(state.traceHash, nativeHash('flood-p1-p4'));
  for (const name of ['P2', 'P3', 'P4']) {
    assert.equal(await page.locator(`[data-testid="course-node"][data-name="${name}"]`).getAttribute('data-badge'), 'decided');
  }
  assert.deepEqual(await page.getByTestId('course-check').evaluateAll((l) => l.map((e) => e.dataset.broken)),
    ['false', 'false', 'false', 'false']);
  // The space-time diagram: lanes P1 to P4, P1's crash on its lane, clocks on its events.
  const lanes = await page.locator('.dg-lane text').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(lanes, ['P1', 'P2', 'P3', 'P4']);
  assert.ok(await page.locator('[data-testid="diagram-event"][data-kind="crash"]').count() >= 1);
  assert.ok(await page.locator('[data-testid="diagram-event"][data-kind="became"]').count() >= 3, 'each decision');
  assert.deepEqual(page.errors, []);
});

test('primary-backup without the arbiter: two primaries are caught, and the break is one click away', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'pb-partition-no-arbiter');
  await runTo(page, 1500);
  const broken = page.locator('[data-testid="course-check"][data-property="SinglePrimary"]');
  assert.equal(await broken.getAttribute('data-broken'), 'true');
  const native = nativePicture('pb-partition-no-arbiter', 1500);
  const single = native.checks.find((c) => c.property === 'SinglePrimary');
  await broken.getByTestId('course-see-break').click();
  const state = await simState(page);
  assert.equal(state.events, single.broken.event, 'at the event that broke it');
  assert.equal(await page.locator('[data-testid="course-node"][data-name="S1"]').getAttribute('data-badge'), 'primary');
  assert.equal(await page.locator('[data-testid="course-node"][data-name="S2"]').getAttribute('data-badge'), 'primary');
  assert.deepEqual(page.errors, []);
});

test('a shared link reopens the Two Generals at the same moment, and Raft comes back from the picker', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'two-generals-last-lost');
  await runTo(page, 60);
  const before = await simState(page);
  await page.getByTestId('play').click(); // pause
  await page.getByTestId('share').click();
  await page.getByTestId('link-copied').waitFor();
  const fragment = new URL(page.url()).hash;
  assert.ok(fragment.length > 1, 'the address holds the run');
  const again = await openPage(browser, `./${fragment}`);
  await again.getByTestId('course-stage').waitFor();
  const state = await simState(again);
  assert.equal(state.nowMs, before.nowMs);
  assert.equal(state.events, before.events);
  assert.equal(state.playing, false);
  // The link may open before the built-ins arrive; then the picker names the built-in it is.
  await again.waitForFunction(() => document.querySelector('[data-testid="live-scenario"]').value === 'two-generals-last-lost');
  assert.match(await again.locator('.course-caption h2').innerText(), /Two Generals/);
  // Back to Raft.
  await again.getByTestId('live-scenario').selectOption('first-election');
  await again.getByTestId('stage').waitFor();
  assert.equal(await again.getByTestId('course-view').count(), 0);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
});

test('the Chinese page words every broken check in Chinese: no English detail is left', async () => {
  const runs = [['pb-partition-no-arbiter', 1500], ['cl-broken-not-fifo', 339], ['fd-pause-false-suspicion', 3000], ['chain-early-ack', 602]];
  for (const [id, ms] of runs) {
    const page = await openPage(browser, '?lang=zh-CN');
    await openCourse(page, id);
    await runTo(page, ms);
    const native = nativePicture(id, ms).checks.filter((c) => c.broken);
    // A line's words without the property's name (an identifier, kept) and its button.
    const shown = await page.locator('[data-testid="course-check"][data-broken="true"]').evaluateAll((lines) => lines.map((li) => {
      const copy = li.cloneNode(true);
      copy.querySelectorAll('strong, button').forEach((e) => e.remove());
      return copy.textContent;
    }));
    assert.equal(shown.length, native.length, `${id}: every broken check is shown`);
    for (const text of shown) {
      // Names (P1, S2, p3) and the unit stay; a word of two or more Latin letters is English.
      const english = (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => w !== 'ms');
      assert.deepEqual(english, [], `${id}: ${text}`);
      assert.match(text, /[\u4e00-\u9fff]/, `${id}: ${text}`);
    }
    for (const c of native) assert.ok(!shown.some((t) => t.includes(c.broken.detail)), `${id}: ${c.broken.detail}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
