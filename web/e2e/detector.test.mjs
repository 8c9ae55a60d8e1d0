// Failure detectors on the page (issue 18): a built-in opens from the picker into the protocols'
// stage; a paused process shows as paused and suspected by the others, as `raftsim run
// --until-ms` says natively at the same moment; the perfect detector's accuracy is caught
// broken; the crash is then detected by every correct process; the diagram shows the pause and
// its resume; the trace hash at the end is the CLI's.
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

const node = (page, name) => page.locator(`[data-testid="course-node"][data-name="${name}"]`);

test('failure detector: a paused process is suspected, then a crash is detected by everyone', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption('fd-pause-false-suspicion');
  await page.getByTestId('course-stage').waitFor();
  assert.equal(await page.getByTestId('course-view').getAttribute('data-protocol'), 'failure-detector');
  // At 750 ms P3 is paused and the three others suspect it, as natively.
  await runTo(page, 750);
  const native = nativePicture('fd-pause-false-suspicion', 750);
  for (const n of native.nodes) {
    assert.equal(await node(page, n.name).getAttribute('data-status'), n.status, n.name);
    assert.equal(await node(page, n.name).getAttribute('data-badge'), n.badge, n.name);
  }
  assert.equal(await node(page, 'P3').getAttribute('data-badge'), 'suspected');
  assert.equal(await node(page, 'P3').getAttribute('data-status'), 'paused');
  const accuracy = page.locator('[data-testid="course-check"][data-property="StrongAccuracy"]');
  assert.equal(await accuracy.getAttribute('data-broken'), 'true');
  // The diagram, each happening soon after it happens: the pause and the suspicion on P3's lane,
  // its resume, then P2's crash.
  const lanes = await page.locator('.dg-lane text').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(lanes, ['P1', 'P2', 'P3', 'P4']);
  const seen = (kind) => page.locator(`[data-testid="diagram-event"][data-kind="${kind}"]`).count();
  assert.ok(await seen('pause') >= 1 && await seen('became') >= 1, 'the pause and the suspicion');
  await runTo(page, 950);
  assert.ok(await seen('resume') >= 1, 'the resume');
  await runTo(page, 2050);
  assert.ok(await seen('crash') >= 1, 'the crash');
  // To the end: P2's crash is detected by all, the eventual accuracy holds, the hash is the CLI's.
  await runTo(page, 3000);
  assert.equal(await node(page, 'P2').getAttribute('data-badge'), 'detected');
  const eventual = page.locator('[data-testid="course-check"][data-property="EventualStrongAccuracy"]');
  assert.equal(await eventual.getAttribute('data-broken'), 'false');
  const state = await simState(page);
  assert.equal(state.traceHash, nativeHash('fd-pause-false-suspicion'));
  assert.deepEqual(page.errors, []);
});

test('the trade-off figure beside fd-tradeoff has the rows `raftsim detector-sweep` prints', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption('fd-tradeoff');
  await page.getByTestId('course-sweep').waitFor();
  const native = JSON.parse(execFileSync(raftsim,
    ['detector-sweep', 'fd-tradeoff', '--timeouts', '60,80,100,150,200,300,400', '--json'], { encoding: 'utf8' }));
  const rows = await page.getByTestId('course-sweep-row').evaluateAll((rs) => rs.map((r) => ({
    timeout: r.dataset.timeout, false: r.dataset.false, detection: r.dataset.detection, current: r.classList.contains('current'),
  })));
  assert.deepEqual(rows.map((r) => r.timeout), native.rows.map((r) => `${r.timeout_ms} ms`));
  assert.deepEqual(rows.map((r) => Number(r.false)), native.rows.map((r) => r.false_suspicions));
  assert.deepEqual(rows.map((r) => r.detection), native.rows.map((r) => `${r.detection_mean_ms.toFixed(1)} ms`));
  assert.deepEqual(rows.filter((r) => r.current).map((r) => r.timeout), ['100 ms']);
  assert.deepEqual(page.errors, []);
});
