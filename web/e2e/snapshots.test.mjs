import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('snapshots: compacted prefixes show as snapshot blocks; a restarted server catches up by InstallSnapshot', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('snapshot-catch-up');
  // While S3 is down S1 compacts its log.
  await runUntil(page, '[data-testid="log-row"][data-id="1"] [data-testid="snapshot-block"]');
  // S3 restarts at 1.5 s and receives the leader's snapshot in chunks.
  await runUntil(page, '[data-testid="log-row"][data-id="3"] [data-testid="snapshot-block"]');
  await page.getByTestId('play').click();
  const s1 = page.locator('[data-testid="log-row"][data-id="1"]');
  const s3 = page.locator('[data-testid="log-row"][data-id="3"]');
  await page.getByTestId('play').click();
  await runUntil(page, () => {
    const row = (id) => document.querySelector(`[data-testid="log-row"][data-id="${id}"]`);
    return row(1) && row(3) && row(1).dataset.commit === row(3).dataset.commit && Number(row(3).dataset.commit) > 30;
  });
  assert.equal(await s3.getAttribute('data-commit'), await s1.getAttribute('data-commit'));
  assert.match(await s3.locator('[data-testid="snapshot-block"]').innerText(), /snapshot ≤\d+/);
  assert.deepEqual(page.errors, []);
});
