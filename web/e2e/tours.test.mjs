import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, pageUrl, runUntil, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// One test per shipped tour: every step reaches its pause and its claims hold in wasm too.
const tourDir = new URL('../../crates/raft-sim/tours/', import.meta.url);
// glossary.json beside the tours is the glossary of their terms, not a tour.
const tours = readdirSync(tourDir).filter((f) => f.endsWith('.json') && f !== 'glossary.json').sort()
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

/** A page of the given size (and touch), recording errors like openPage. */
async function sized(width, height, path, options = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  await page.goto(pageUrl(path));
  return page;
}

test('a glossary term shows its definition on hover, on focus and on a tap (a second tap closes it), and describes its button', async () => {
  const page = await openPage(browser, '#tour/leader-election/1');
  await page.locator('[data-testid="tour"][data-step="1"]').waitFor();
  const term = page.getByTestId('gloss-term').filter({ hasText: /^follower$/ }).first();
  await term.waitFor();
  const tipId = await term.getAttribute('aria-describedby');
  const tip = page.locator(`#${tipId}`);
  assert.equal(await tip.getAttribute('role'), 'tooltip');
  assert.equal(await tip.isVisible(), false, 'hidden until asked for');
  // Hidden, it still describes the button: a screen reader reads the definition with the term.
  assert.match(await tip.textContent(), /follower: A server that listens to the leader\..*Source: CS351 notes \(seed 000\)/);
  await term.hover();
  await tip.waitFor({ state: 'visible' });
  await page.locator('h1, [data-testid="stage"]').first().hover();
  await tip.waitFor({ state: 'hidden' });
  // Keyboard: Tab to it (focus), Esc closes it.
  await term.focus();
  await tip.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'hidden' });
  // Only the first use in the tour is linked: step 2 does not link "follower" again.
  await page.getByTestId('tour-next').click();
  await page.locator('[data-testid="tour"][data-step="2"]').waitFor();
  assert.equal(await page.getByTestId('gloss-term').filter({ hasText: /^follower$/ }).count(), 0);
  assert.deepEqual(page.errors, []);

  // A phone: a tap opens it.
  const phone = await sized(390, 844, '#tour/leader-election/1', { hasTouch: true, isMobile: true });
  const tapped = phone.getByTestId('gloss-term').filter({ hasText: /^election timer$/ }).first();
  await tapped.waitFor();
  await tapped.tap();
  const tappedTip = phone.locator(`#${await tapped.getAttribute('aria-describedby')}`);
  await tappedTip.waitFor({ state: 'visible' });
  // A second tap on the same term closes it again (before: it stayed open).
  await tapped.tap();
  await tappedTip.waitFor({ state: 'hidden' });
  await tapped.tap();
  await tappedTip.waitFor({ state: 'visible' });
  assert.deepEqual(phone.errors, []);
  await phone.context().close();
});

test('a step whose cluster differs from the defaults says so above its text; a default one does not', async () => {
  const page = await openPage(browser, '#tour/leader-crash/1');
  await page.locator('[data-testid="tour"][data-step="1"]').waitFor();
  const line = page.getByTestId('tour-settings');
  assert.match(await line.innerText(), /^This step's cluster: .*no no-op entry on election/);
  // It stands above the step's text.
  const [lineBox, textBox] = [await line.boundingBox(), await page.locator('[data-testid="tour"] > p:not(.tour-title):not(.tour-settings)').first().boundingBox()];
  assert.ok(lineBox.y < textBox.y, 'the settings line comes first');
  const plain = await openPage(browser, '#tour/leader-election/1');
  await plain.locator('[data-testid="tour"][data-tour="leader-election"][data-step="1"]').waitFor();
  await plain.getByTestId('gloss-term').first().waitFor();
  assert.equal(await plain.getByTestId('tour-settings').count(), 0, 'the defaults need no line');
  assert.deepEqual([...page.errors, ...plain.errors], []);
});

test('screenshots: a tour step with its settings line and a glossary definition open, desktop and phone', async () => {
  for (const [name, width, height, options] of [['desktop', 1366, 800, {}], ['phone', 390, 844, { hasTouch: true, isMobile: true }]]) {
    const page = await sized(width, height, '#tour/leader-crash/3', options);
    await page.locator('[data-testid="tour"][data-step="3"]').waitFor();
    await runUntil(page, '[data-testid="tour"][data-paused="true"]', { stepMs: 100 });
    const term = page.getByTestId('gloss-term').filter({ hasText: /^election restriction$/ }).first();
    await term.waitFor();
    await term.scrollIntoViewIfNeeded();
    if (options.hasTouch) await term.tap(); else await term.hover();
    const tip = page.locator(`#${await term.getAttribute('aria-describedby')}`);
    await tip.waitFor({ state: 'visible' });
    // On the phone, the settings line at the top of the screen and the definition (held open by
    // the tap's focus) below it; on the desktop both are in view, and scrolling would move the
    // hovered term from under the mouse.
    if (options.hasTouch) await page.getByTestId('tour-settings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(OUTPUT_DIR, `tour-glossary-${name}.png`) });
    for (const box of [await tip.boundingBox(), await page.getByTestId('tour-settings').boundingBox()]) {
      assert.ok(box.x >= 0 && box.x + box.width <= width, `the definition and the settings line fit the screen (${JSON.stringify(box)})`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
