import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, nativeHash } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page runs the default scenario in wasm: one leader, native trace hash', async () => {
  const page = await openPage(browser);
  const hash = page.getByTestId('trace-hash');
  await hash.waitFor();
  const scenario = await page.getByTestId('report').getAttribute('data-scenario');
  assert.equal(scenario, 'first-election');
  assert.match(await hash.innerText(), /^[0-9a-f]{16}$/);
  assert.equal(await hash.innerText(), nativeHash('first-election'));
  assert.equal(await page.locator('[data-testid="node-row"][data-role="leader"]').count(), 1);
  assert.equal(await page.getByTestId('violations').getAttribute('data-count'), '0');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/page.png', fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('another scenario gives its own native hash, and Figure 8 unsafe shows violations', async () => {
  const page = await openPage(browser);
  await page.getByTestId('trace-hash').waitFor();
  const first = await page.getByTestId('trace-hash').innerText();
  for (const name of ['crash-example', 'figure-8-unsafe']) {
    await page.getByTestId('scenario-select').selectOption({ label: name });
    await page.getByTestId('run').click();
    await page.locator(`[data-testid="report"][data-scenario="${name}"]`).waitFor();
    const hash = await page.getByTestId('trace-hash').innerText();
    assert.notEqual(hash, first);
    assert.equal(hash, nativeHash(name), `${name}: page and native traces differ`);
  }
  const violations = Number(await page.getByTestId('violations').getAttribute('data-count'));
  assert.ok(violations > 0, 'figure-8-unsafe must break a safety property');
  assert.match(await page.getByTestId('violations').innerText(), /Leader Completeness/);
  assert.deepEqual(page.errors, []);
});

test('the benchmark runs in the browser and reports events per second', async () => {
  const page = await openPage(browser);
  await page.getByTestId('trace-hash').waitFor();
  await page.getByTestId('bench').click();
  const result = page.getByTestId('bench-result');
  await result.waitFor({ timeout: 60_000 });
  const eps = Number(await result.getAttribute('data-events-per-second'));
  assert.ok(eps > 0, `events per second: ${eps}`);
  console.log(`wasm bench in Chromium: ${await result.innerText()}`);
  assert.deepEqual(page.errors, []);
});
