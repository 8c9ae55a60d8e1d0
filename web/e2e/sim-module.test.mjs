// The simulator as a JavaScript module (README, "The simulator as a JS module"): a blank page
// beside the playground imports dist/raft-sim.js, runs a built-in with run() and gets the same
// trace hash as `raftsim run` natively; check() gives a verdict; bad input throws a readable
// Error, and the page itself is not drawn into the importing page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, BASE_URL, nativeHash } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('run() and check() in a blank page give what raftsim gives natively', async () => {
  const expected = Object.fromEntries(['first-election', 'figure-8-unsafe'].map((n) => [n, nativeHash(n)]));
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const blank = new URL('module-test.html', BASE_URL).href;
  await page.route(blank, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><body></body>' }));
  await page.goto(blank);
  const got = await page.evaluate(async () => {
    const { run, check } = await import('./raft-sim.js');
    const text = async (name) => (await fetch(`scenarios/${name}.json`)).text();
    const first = await text('first-election');
    const ran = run(JSON.parse(first));
    const fromText = run(first, { untilMs: 500 });
    const unsafe = check(await text('figure-8-unsafe'));
    const safe = check(first);
    const thrown = [];
    for (const bad of [{ nodes: 3 }, { ...JSON.parse(first), nodes: 'three' }, 42, 'x'.repeat(2_000_000)]) {
      try { run(bad); thrown.push(null); } catch (e) { thrown.push(`${e.constructor.name}: ${e.message}`); }
    }
    try { run(first, { until: 5 }); thrown.push(null); } catch (e) { thrown.push(`${e.constructor.name}: ${e.message}`); }
    return {
      hash: ran.report.trace_hash,
      events: ran.report.events,
      leaders: ran.events.filter((e) => e.kind === 'leader').map((e) => e.node),
      history: Array.isArray(ran.history),
      halfEnd: fromText.report.end_ms,
      unsafe: { hash: unsafe.report.trace_hash, ok: unsafe.ok, problems: unsafe.problems },
      safe: { ok: safe.ok, problems: safe.problems },
      thrown,
      drawn: document.body.children.length,
    };
  });
  assert.equal(got.hash, expected['first-election']);
  assert.equal(got.unsafe.hash, expected['figure-8-unsafe']);
  assert.ok(got.events > 0);
  assert.deepEqual(got.leaders, [2], 'S2 wins the first election, as natively');
  assert.ok(got.history);
  assert.equal(got.halfEnd, 500);
  assert.equal(got.safe.ok, true, JSON.stringify(got.safe));
  assert.equal(got.unsafe.ok, false);
  assert.ok(got.unsafe.problems.some((p) => /Leader Completeness|State Machine Safety/i.test(p)), JSON.stringify(got.unsafe.problems));
  assert.ok(got.thrown.every((t) => t !== null && t.startsWith('Error: ')), JSON.stringify(got.thrown));
  assert.match(got.thrown[1], /nodes/);
  assert.match(got.thrown[3], /longer than/);
  assert.match(got.thrown[4], /until/);
  assert.equal(got.drawn, 0, 'the playground page is not drawn into the importing page');
  assert.deepEqual(errors, []);
  await page.close();
});
