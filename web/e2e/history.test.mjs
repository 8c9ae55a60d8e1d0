import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the client history draws one lane per client with a bar per request', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('history-empty').waitFor();
  await page.getByTestId('client-load').check();
  const ops = page.getByTestId('history-op');
  await runUntil(page, () => document.querySelectorAll('[data-testid="history-op"]').length >= 5);
  const labels = await page.locator('[data-testid="history"] .lane-label').allTextContents();
  assert.ok(labels.length >= 2, `a lane per client, got ${labels}`);
  assert.ok(labels.every((l) => /^C\d+$/.test(l)), `lanes are named after clients: ${labels}`);
  const titles = await ops.locator('title').allTextContents();
  assert.ok(titles.some((t) => /answered at/.test(t)), 'some requests were answered');
  assert.equal(await page.locator('[data-testid="history-op"][data-flagged="true"]').count(), 0);
  assert.deepEqual(page.errors, []);
});
