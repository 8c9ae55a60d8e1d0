// Feedback: an action while paused says how to see it (or resumes, by the setting), "Link
// copied" beside Share, a pointless action says why, the seed field and New run, and a
// follower's overwritten entries (struck through, narrated, the client told).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runTo, runUntil, simState } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

async function leader(page) {
  await page.getByTestId('stage').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  return page.locator('[data-testid="stage-node"][data-state="leader"]').getAttribute('data-id');
}

test('an action while paused says how to see it, or resumes by the setting', async () => {
  const page = await openPage(browser);
  const id = await leader(page);
  await page.getByTestId('play').click(); // pause
  await page.getByTestId('crash-leader').click();
  const note = page.getByTestId('paused-note');
  await note.waitFor();
  assert.match(await note.innerText(), new RegExp(`^Paused — press Play \\(Space\\) to see what the others do without S${id}\\.`));
  await page.getByTestId('resume-on-act').check();
  await page.getByTestId('align-timers').click();
  await settle(page);
  assert.equal(await page.getByTestId('play').innerText(), 'Pause', 'the setting resumed the run');
  assert.equal(await note.count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Align timers under a live leader says why it shows nothing', async () => {
  const page = await openPage(browser);
  const id = await leader(page);
  await page.getByTestId('align-timers').click();
  const hint = page.getByTestId('action-hint');
  await hint.waitFor();
  assert.equal(await hint.innerText(),
    `S${id} leads and its heartbeats reset every follower's timer: align timers only matters with no leader (crash S${id} first).`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('"Link copied" shows next to Share, in view', async () => {
  const page = await openPage(browser);
  await leader(page);
  await page.getByTestId('share').click();
  const copied = page.getByTestId('link-copied');
  await copied.waitFor();
  assert.match(await copied.innerText(), /Link copied/);
  // Both boxes from one layout: measured one after the other, a toolbar row that reflows in
  // between (a select's width settling) would move one and not the other.
  const { share, box } = await page.evaluate(() => {
    const rect = (id) => document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect().toJSON();
    return { share: rect('share'), box: rect('link-copied') };
  });
  assert.ok(Math.abs(box.y - share.y) < 40 && box.x > share.x, `beside Share: ${JSON.stringify({ share, box })}`);
  assert.ok(box.y + box.height <= page.viewportSize().height, 'on screen without scrolling');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the seed is shown and editable; New run draws a fresh one; a link carries it', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  const seed = page.getByTestId('seed');
  assert.match(await seed.inputValue(), /^\d+$/);
  await runTo(page, 500);
  // The run goes on drawing while the student types: a frame between two keystrokes must not
  // put the run's seed back in the field (the toolbar re-renders on every frame).
  await seed.click();
  await seed.fill('4');
  const before = (await simState(page)).renders;
  await advance(page, 200);
  await settle(page);
  assert.notDeepEqual((await simState(page)).renders, before, 'a frame was drawn mid-edit');
  assert.equal(await seed.inputValue(), '4', 'the typing survives a frame');
  await seed.press('End');
  await seed.type('2');
  await seed.press('Enter');
  await seed.blur();
  await settle(page);
  assert.equal(await seed.inputValue(), '42');
  assert.equal((await simState(page)).nowMs, 0, 'a new run starts at 0');
  await seed.fill('forty-two');
  await seed.blur();
  await page.getByTestId('live-error').waitFor();
  assert.match(await page.getByTestId('live-error').innerText(), /^seed: 'forty-two' is not a whole number .* keeps seed 42\.$/);
  await settle(page);
  assert.equal(await seed.inputValue(), '42', 'a refused seed gives way to the run\'s');
  await page.getByTestId('new-run').click();
  await settle(page);
  const fresh = await seed.inputValue();
  assert.notEqual(fresh, '42');
  await runTo(page, 300);
  const hash = (await simState(page)).traceHash;
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const other = await openPage(browser, link.slice(link.indexOf('#')));
  await other.getByTestId('stage').waitFor();
  await settle(other);
  assert.equal(await other.getByTestId('seed').inputValue(), fresh, 'the link carries the seed');
  assert.equal((await simState(other)).traceHash, hash);
  assert.deepEqual([...page.errors, ...other.errors], []);
  await other.close();
  await page.close();
});

test('a follower\'s overwritten entries stay struck through, are narrated, and the client is told', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('minority-leader');
  await runUntil(page, '[data-testid="overwritten-entry"]', { withinMs: 3_000 });
  const struck = page.getByTestId('overwritten-entry').first();
  assert.equal(await struck.evaluate((e) => e.tagName), 'S');
  assert.equal(await struck.getAttribute('data-term'), '1');
  await runTo(page, 2_900);
  await settle(page);
  assert.ok(await page.getByTestId('overwritten-entry').count() >= 1, 'still struck through later');
  assert.equal(await page.locator('[data-testid="marker"][data-kind="overwritten"]').count() >= 1, true);
  const log = (await page.getByTestId('event-line').allInnerTexts()).join('\n');
  assert.match(log, /S\d discarded entr(y|ies) [\d–]+ of terms? [\d–]+: (it|they) conflicted with the Leader's log/);
  const row = page.locator('[data-testid="client-op-row"][data-fate="overwritten"]');
  assert.match(await row.innerText(), /no answer: the leader S1 \(term 1\) was deposed; the entry was overwritten/);
  // Before the removal, nothing is struck through.
  await page.getByTestId('scrubber').evaluate((input) => {
    input.value = '1000000';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle(page);
  assert.equal(await page.getByTestId('overwritten-entry').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a request to a leader that crashes times out, is retried at another server and answered', async () => {
  const page = await openPage(browser);
  const id = await leader(page);
  await page.getByTestId('client-key').fill('color');
  await page.getByTestId('client-value').fill('green');
  await page.getByTestId('client-send').click(); // to the leader, the panel's default
  await page.getByTestId('crash-leader').click(); // before the request arrives
  await runUntil(page, () => /timed out, retrying at S\d/.test(
    document.querySelector('[data-testid="client-op-row"]:last-child')?.innerText ?? ''), { withinMs: 2_000 });
  const text = await page.getByTestId('client-op-row').last().innerText();
  assert.match(text, /timed out, retrying at S\d \(retry \d of 5\)/);
  assert.doesNotMatch(text, new RegExp(`retrying at S${id} `), 'not at the crashed leader');
  await runUntil(page, () => /\bok\b/.test(
    document.querySelector('[data-testid="client-op-row"]:last-child')?.innerText ?? ''), { withinMs: 5_000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the overwritten flash respects prefers-reduced-motion', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  const { pageUrl } = await import('./browser.mjs');
  await page.goto(pageUrl(''));
  await page.getByTestId('live-scenario').selectOption('minority-leader');
  await runUntil(page, '[data-testid="overwritten-entry"]', { withinMs: 3_000 });
  const animation = await page.getByTestId('overwritten-entry').first().evaluate((e) => getComputedStyle(e).animationName);
  assert.equal(animation, 'none');
  await context.close();
});
