// Chain replication on the page (issue 18): a built-in opens from the picker into the course
// view, a row from the client through the head to the tail and the configuration service. What
// the page shows is what `raftsim run --until-ms` says natively at the same moment, the trace
// hash at the end is the CLI's, and the broken variant's checks are caught with a button to the
// event that broke each one.
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

async function openCourse(page, id) {
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption(id);
  await page.getByTestId('course-stage').waitFor();
}

const badge = (page, name) => page.locator(`[data-testid="course-node"][data-name="${name}"]`).getAttribute('data-badge');

test('a middle crash: the CFG takes S2 out, S1 becomes S3\'s predecessor, as raftsim says', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'chain-middle-crash');
  assert.equal(await page.getByTestId('course-view').getAttribute('data-protocol'), 'chain-replication');
  assert.match(await page.locator('.course-caption').innerText(), /S1 first resends the writes it sent/);
  // 345 ms: the CFG has removed S2 and its messages to S1, S3 and the client are on their way.
  await runTo(page, 345);
  const native = nativePicture('chain-middle-crash', 345);
  const cards = await page.getByTestId('course-card').evaluateAll((cs) => Object.fromEntries(cs.map((c) => [
    c.dataset.name, [...c.querySelectorAll('dd')].map((dd) => dd.textContent),
  ])));
  for (const node of native.nodes) {
    for (const fact of node.facts) {
      assert.ok((cards[node.name] ?? []).includes(fact.value), `${node.name} ${fact.label} = ${fact.value}: ${cards[node.name]}`);
    }
  }
  assert.deepEqual([await badge(page, 'S1'), await badge(page, 'S2'), await badge(page, 'S3')], ['head', 'out', 'tail']);
  assert.equal(await page.locator('[data-testid="course-node"][data-name="S2"]').getAttribute('data-status'), 'crashed');
  assert.equal(await page.getByTestId('course-message').count(), native.messages.length, 'the messages in flight');
  // To the end: every check holds and the trace hash is the CLI's.
  await runTo(page, 1200);
  const state = await simState(page);
  assert.equal(state.traceHash, nativeHash('chain-middle-crash'));
  assert.deepEqual(await page.getByTestId('course-check').evaluateAll((l) => l.map((e) => e.dataset.broken)),
    ['false', 'false', 'false']);
  const lanes = await page.locator('.dg-lane text').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(lanes, ['client', 'S1', 'S2', 'S3', 'CFG']);
  assert.deepEqual(page.errors, []);
});

test('the head answering early: a stale read and a lost write, each one click from its event', async () => {
  const page = await openPage(browser);
  await openCourse(page, 'chain-early-ack');
  await runTo(page, 700);
  const native = nativePicture('chain-early-ack', 700);
  // The later break first: seeking to the earlier one leaves the later not broken yet.
  for (const property of ['NoAckedWriteLost', 'ReadsSeeAckedWrites']) {
    const check = page.locator(`[data-testid="course-check"][data-property="${property}"]`);
    assert.equal(await check.getAttribute('data-broken'), 'true', property);
    await check.getByTestId('course-see-break').click();
    const state = await simState(page);
    assert.equal(state.events, native.checks.find((c) => c.property === property).broken.event, property);
  }
  assert.equal(await page.locator('[data-testid="course-check"][data-property="UpdatePropagation"]').getAttribute('data-broken'), 'false');
  assert.deepEqual(page.errors, []);
});
