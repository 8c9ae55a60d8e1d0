import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, runTo } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function runPast(page, scenario, ms) {
  await page.getByTestId('live-scenario').selectOption(scenario);
  await runTo(page, ms);
  const m = (await page.getByTestId('clock').textContent()).match(/t = ([\d.]+) ms/);
  assert.ok(m && Number(m[1]) >= ms, `the clock reads t ≥ ${ms} ms`);
  await page.getByTestId('play').click(); // pause
}

test('the checker finds the stale read of a deposed leader and shows the operations involved', async () => {
  const page = await openPage(browser);
  await runPast(page, 'stale-read', 1500);
  await page.getByTestId('check-linearizability').click();
  const verdict = page.getByTestId('linearizability');
  assert.equal(await verdict.getAttribute('data-verdict'), 'violation');
  assert.match(await verdict.innerText(), /get x → 1 from S1/);
  await page.getByTestId('show-violation').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-op"][data-flagged="true"]').length >= 2);
  assert.deepEqual(page.errors, []);
});

test('with ReadIndex the same moves stay linearizable; the read mode is a setting', async () => {
  const page = await openPage(browser);
  await runPast(page, 'read-index', 1500);
  await page.getByTestId('check-linearizability').click();
  assert.equal(await page.getByTestId('linearizability').getAttribute('data-verdict'), 'ok');
  assert.equal(await page.locator('[data-testid="history-op"][data-flagged="true"]').count(), 0);
  await page.getByTestId('raft-settings').locator('summary').click();
  assert.equal(await page.getByTestId('read-mode').inputValue(), 'read_index');
  assert.deepEqual(page.errors, []);
});
