import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the failure-model lab applies models to the running cluster and measures availability', async () => {
  const page = await openPage(browser);
  await page.getByTestId('node-count').selectOption('5');
  await page.getByTestId('lab').locator('summary').click();
  const availability = page.getByTestId('availability');
  await runUntil(page, '[data-testid="availability"][data-up="true"]');
  assert.equal(await availability.getAttribute('data-failures'), '0');

  // Crash-stop the leader: a failure, then a new leader repairs it.
  await page.getByTestId('lab-apply-crash-stop').click();
  await page.locator('[data-testid="stage-node"][data-state="crashed"]').waitFor();
  await runUntil(page, '[data-testid="availability"][data-failures="1"][data-up="true"]');
  assert.match(await availability.innerText(), /A = MTTF \/ \(MTTF \+ MTTR\) = \d+\.\d%/);

  // Links and timing: fair-loss links and a partially synchronous network keep the cluster safe.
  await page.getByTestId('lab-apply-fair-loss').click();
  await page.getByTestId('lab-apply-omission').click();
  await page.getByTestId('lab-apply-partially-synchronous').click();
  await advance(page, 5000);
  assert.equal(await page.locator('[data-testid="monitor"] li[data-broken="true"]').count(), 0, 'no safety property breaks');
  await page.getByTestId('lab-apply-reliable').click();
  await page.getByTestId('lab-apply-synchronous').click();
  assert.match(await page.getByTestId('lab-byzantine').innerText(), /3f\+1/);
  assert.deepEqual(page.errors, []);
});
