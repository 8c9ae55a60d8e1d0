import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page loads and the cluster in wasm elects exactly one leader', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('speed').evaluate((input) => {
    input.value = '0'; // 1x
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.locator('[data-testid="stage-node"][data-state="leader"]').first().waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('[data-testid="stage-node"][data-state="leader"]').count(), 1);
  assert.match(await page.getByTestId('clock').getAttribute('data-hash'), /^[0-9a-f]{16}$/);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/page.png', fullPage: true });
  assert.deepEqual(page.errors, []);
});
