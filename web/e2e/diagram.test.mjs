// The space-time diagram: arrows for messages, ✕ for lost ones, clicking jumps time or inspects
// a message, the clocks overlay, and happened-before on click. Screenshots at desktop and phone
// sizes with the clocks on go to target/e2e/test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advance, launch, openPage, runTo, runUntil, simState, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

test('an arrow per message from send to receipt; clicking the background jumps there', async () => {
  const page = await openPage(browser);
  await page.getByTestId('diagram-svg').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await advance(page, 300);
  const arrows = page.locator('[data-testid="diagram-arrow"][data-fate="delivered"]');
  assert.ok(await arrows.count() > 4, 'the election and heartbeats are drawn');
  const kinds = await page.locator('[data-testid="diagram-arrow"]').evaluateAll((els) => els.map((e) => e.getAttribute('class')));
  assert.ok(kinds.some((k) => /\bk-RequestVote\b/.test(k)), 'the RequestVotes are there');
  assert.ok(await page.locator('[data-testid="diagram-event"][data-kind="leader"]').count() >= 1, 'a leader mark');
  assert.ok(await page.locator('[data-testid="diagram-event"][data-kind="timeout"]').count() >= 1, 'a timeout mark');

  // Clicking a quarter of the way along the drawing (the window is a second wide) jumps back there.
  const before = await simState(page);
  const bg = page.getByTestId('diagram-svg');
  await bg.scrollIntoViewIfNeeded();
  const box = await bg.boundingBox();
  await page.mouse.click(box.x + box.width * 0.25, box.y + 3);
  await settle(page);
  const after = await simState(page);
  assert.equal(after.playing, false);
  assert.ok(after.nowMs < before.nowMs - 100, `jumped back: ${before.nowMs} -> ${after.nowMs}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a message lost to a partition ends in a cross; clicking an arrow opens the inspector', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('minority-leader');
  await page.getByTestId('diagram-svg').waitFor();
  await runTo(page, 600);
  const lost = page.locator('[data-testid="diagram-arrow"][data-fate="lost"]');
  assert.ok(await lost.count() > 0, 'messages across the partition are lost');
  assert.ok(await page.getByTestId('diagram-lost').count() > 0, 'each ends in ✕');
  assert.match(await lost.first().locator('title').textContent(), /never arrived: cut off by a partition/);

  // Clicking a delivered arrow goes back to its send and shows the message in flight.
  const arrow = page.locator('[data-testid="diagram-arrow"][data-fate="delivered"]').last();
  const id = await arrow.getAttribute('data-message');
  await arrow.locator('.hit').dispatchEvent('click');
  await settle(page);
  const inspector = page.getByTestId('message-inspector');
  await inspector.waitFor();
  assert.match(await inspector.innerText(), new RegExp(`#${id} `));
  assert.match(await page.getByTestId('message-fate').innerText(), /arrives in/);
  assert.equal((await simState(page)).playing, false);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the clocks overlay shows Lamport and vector clocks; an event shows what happened before it', async () => {
  const page = await openPage(browser);
  await page.getByTestId('diagram-svg').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await advance(page, 400);
  await page.getByTestId('play').click(); // pause
  await page.getByTestId('diagram-clocks').click();
  await page.getByTestId('diagram-clock-rules').waitFor();
  // Zoom in until labels fit.
  for (let i = 0; i < 3; i++) await page.getByTestId('diagram-zoom-in').click();
  await settle(page);
  assert.ok(await page.getByTestId('diagram-lamport').count() > 0, 'Lamport timestamps are written');
  const vector = await page.getByTestId('diagram-vector').first().textContent();
  assert.match(vector, /^\[\d+,\d+,\d+\]$/, 'a vector per event, one entry per server');

  // Back out to see the whole election, then pick a receipt in the middle.
  for (let i = 0; i < 4; i++) await page.getByTestId('diagram-zoom-out').click();
  await settle(page);
  const receipts = page.locator('[data-testid="diagram-event"][data-kind="receive"]');
  const n = await receipts.count();
  assert.ok(n > 6);
  const chosen = receipts.nth(Math.floor(n / 2));
  const seq = await chosen.getAttribute('data-seq');
  await chosen.dispatchEvent('click');
  await settle(page);
  const picked = page.locator(`[data-testid="diagram-event"][data-seq="${seq}"]`);
  assert.equal(await picked.getAttribute('data-relation'), 'selected');
  const relations = await page.getByTestId('diagram-event').evaluateAll((els) => els.map((e) => e.dataset.relation));
  assert.ok(relations.includes('before') && relations.includes('after'), 'its past and its future are marked');
  const selected = page.getByTestId('diagram-selected');
  assert.match(await selected.innerText(), /happened before it/);
  // Every event marked "before" has a vector ≤ the selected one's, entry by entry.
  const mine = JSON.parse(await picked.getAttribute('data-vector'));
  const past = await page.locator('[data-testid="diagram-event"][data-relation="before"]').evaluateAll((els) =>
    els.map((e) => JSON.parse(e.dataset.vector)));
  for (const v of past) assert.ok(v.every((x, i) => x <= mine[i]), `${v} ≤ ${mine}`);
  const concurrent = await page.locator('[data-testid="diagram-event"][data-relation="concurrent"]').evaluateAll((els) =>
    els.map((e) => JSON.parse(e.dataset.vector)));
  for (const v of concurrent) {
    assert.ok(v.some((x, i) => x > mine[i]) && mine.some((x, i) => x > v[i]), `${v} ∥ ${mine}`);
  }

  // Keyboard: focus the drawing, zoom out and move back; End follows the present again.
  const windowText = await page.getByTestId('diagram-window').innerText();
  await page.getByTestId('diagram-svg').focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.keyboard.press('ArrowLeft');
  await settle(page);
  assert.notEqual(await page.getByTestId('diagram-window').innerText(), windowText);
  assert.equal(await page.getByTestId('diagram-follow').isDisabled(), false, 'panned away from the present');
  await page.keyboard.press('End');
  await settle(page);
  assert.equal(await page.getByTestId('diagram-follow').isDisabled(), true);

  await page.setViewportSize({ width: 1366, height: 800 });
  await page.getByTestId('diagram').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT_DIR, 'diagram-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('diagram').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUTPUT_DIR, 'diagram-phone.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a long run stays bounded: a wide window draws at most the cap and says so', async () => {
  const page = await openPage(browser);
  await page.getByTestId('node-count').selectOption('9');
  await page.getByTestId('diagram-svg').waitFor();
  await runTo(page, 120_000);
  for (let i = 0; i < 8; i++) await page.getByTestId('diagram-zoom-out').click();
  await settle(page);
  const arrows = await page.getByTestId('diagram-arrow').count();
  assert.ok(arrows <= 2000, `${arrows} arrows`);
  const capped = await page.getByTestId('diagram-capped').count();
  const notKept = await page.getByTestId('diagram-not-kept').count();
  assert.ok(capped + notKept > 0, 'the page says what it left out');
  assert.deepEqual(page.errors, []);
  await page.close();
});
