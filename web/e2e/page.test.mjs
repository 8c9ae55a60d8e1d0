import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_DIR, launch, openPage, runTo, runUntil, setSpeed, simState } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page loads and the cluster in wasm elects exactly one leader', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  assert.equal(await page.locator('[data-testid="stage-node"][data-state="leader"]').count(), 1);
  assert.match(await page.getByTestId('clock').getAttribute('data-hash'), /^[0-9a-f]{16}$/);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, 'page.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('without the test hook, animation frames play the run by the speed slider; pause stops them', async () => {
  const page = await openPage(browser, '', { hook: false });
  const clock = page.getByTestId('clock');
  await clock.waitFor();
  assert.equal(await page.evaluate(() => typeof window.__playground), 'undefined', 'no hook unless the address asks');
  await setSpeed(page, 1);
  assert.equal(await page.locator('label.speed output').innerText(), '10x');
  // Any progress at all: frames come however slowly a loaded machine draws them.
  const before = await clock.innerText();
  await page.waitForFunction((t) => document.querySelector('[data-testid="clock"]').innerText !== t, before, { timeout: 60_000 });
  await page.getByTestId('play').click(); // pause
  const frozen = await clock.innerText();
  await page.waitForTimeout(300);
  assert.equal(await clock.innerText(), frozen, 'a paused run stands still');
  assert.deepEqual(page.errors, []);
});

test('the test hook plays to a moment, never backwards, and refuses bad arguments with a message', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  assert.equal((await runTo(page, 500)).nowMs, 500);
  assert.match(await page.getByTestId('clock').innerText(), /t = 500\.0 ms/, 'the page shows the moment it answered for');
  assert.equal((await runTo(page, 100)).nowMs, 500, 'an earlier moment: nothing moves');
  for (const bad of ['-1', 'NaN', '"soon"', '1e9']) {
    const answer = await page.evaluate(`window.__playground.advance(${bad}).then(() => 'accepted', (e) => e.message)`);
    assert.match(answer, /^__playground\.advance\(ms\): ms must be virtual milliseconds from 0 to 600000$/, bad);
  }
  const far = await page.evaluate('window.__playground.runTo(3600000).then(() => "accepted", (e) => e.message)');
  assert.match(far, /runTo\(3600000 ms\): more than 600000 ms ahead/);
  assert.equal((await simState(page)).nowMs, 500);
  assert.deepEqual(page.errors, []);
});
