import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// One test per shipped tour: every step reaches its pause and its claims hold in wasm too.
const tourDir = new URL('../../crates/raft-sim/tours/', import.meta.url);
const tours = readdirSync(tourDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, tourDir), 'utf8')));

test('the tour menu lists every shipped tour', async () => {
  const page = await openPage(browser);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="tour-menu"] option').length > n, tours.length);
  const ids = await page.getByTestId('tour-menu').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual([...ids].sort(), tours.map((t) => t.id).sort());
  assert.deepEqual(page.errors, []);
});

for (const tour of tours) {
  test(`tour ${tour.id} plays start to finish: each step reaches its pause and its claims hold in wasm`, async () => {
    const id = tour.id;
    const page = await openPage(browser, `#tour/${id}/1`);
    const panel = page.getByTestId('tour');
    await panel.waitFor();
    const steps = Number(await panel.getAttribute('data-steps'));
    assert.equal(steps, tour.steps.length);
    for (let step = 1; step <= steps; step++) {
      await page.locator(`[data-testid="tour"][data-step="${step}"]`).waitFor();
      await runUntil(page, `[data-testid="tour"][data-step="${step}"][data-paused="true"]`, { stepMs: 100 })
        .catch((e) => { throw new Error(`${id} step ${step} never reached its pause: ${e.message}`); });
      const claims = await panel.getAttribute('data-claims');
      const [held, of] = claims.split('/').map(Number);
      assert.equal(held, of, `${id} step ${step}: claims held ${claims}`);
      assert.match(page.url(), new RegExp(`#tour/${id}/${step}$`), 'the address names the step');
      if (step < steps) await page.getByTestId('tour-next').click();
    }
    if (steps > 1) {
      await page.getByTestId('tour-start-over').click();
      await page.locator('[data-testid="tour"][data-step="1"]').waitFor();
    }
    assert.deepEqual(page.errors, [], id);
    await page.close();
  });
}

test('a tour task is checked live: crashing the leader completes "now you try"', async () => {
  const page = await openPage(browser, '#tour/leader-election/5');
  const task = page.getByTestId('tour-task');
  await page.getByTestId('tour').waitFor();
  await runUntil(page, '[data-testid="tour"][data-paused="true"]', { stepMs: 100 });
  assert.equal(await task.getAttribute('data-done'), 'false');
  await page.getByTestId('crash-leader').click();
  await page.getByTestId('play').click();
  await runUntil(page, '[data-testid="tour-task"][data-done="true"]');
  assert.match(await task.innerText(), /Well done/);
  // The last step finishes the tour.
  await page.getByTestId('tour-finish').click();
  await page.getByTestId('tour').waitFor({ state: 'detached' });
  await page.goto(new URL('#tour/leader-election/5', page.url()).href);
  await page.reload();
  await page.locator('[data-testid="tour"][data-step="5"]').waitFor();
  // Back and Replay reopen earlier steps exactly.
  await page.getByTestId('tour-back').click();
  await page.locator('[data-testid="tour"][data-step="4"]').waitFor();
  assert.deepEqual(page.errors, []);
});

test('a tour step embeds: the stage and the step text only; a bad tour link falls back', async () => {
  const page = await openPage(browser, '?embed#tour/split-vote/2');
  await page.getByTestId('embed').waitFor();
  await page.locator('[data-testid="tour"][data-step="2"]').waitFor();
  assert.match(await page.getByTestId('tour-step-title').innerText(), /two of four/i);
  assert.equal(await page.getByTestId('tour-link').count(), 0, 'no link tools in embed mode');
  assert.equal(await page.getByTestId('log-view').count(), 0);
  await page.getByTestId('tour-next').click();
  await page.locator('[data-testid="tour"][data-step="3"]').waitFor();

  const bad = await openPage(browser, '#tour/no-such-tour/1');
  assert.match(await bad.getByTestId('link-error').innerText(), /no tour 'no-such-tour'/);
  await bad.getByTestId('stage').waitFor();
  const beyond = await openPage(browser, '#tour/split-vote/99');
  assert.match(await beyond.getByTestId('link-error').innerText(), /has 3 steps/);
  assert.deepEqual([...page.errors, ...bad.errors, ...beyond.errors], []);
});
