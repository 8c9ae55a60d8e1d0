// Layout at the sizes people use: the embed in iframes from 320 px tall, the stage with the log
// beside it on a wide screen, and a phone (no sideways scroll, the stage near the top, the
// server panel as a bottom sheet, tap targets of at least 44 px). Also the stage's roles in
// words and marks, keyboard use of the stage, and reduced motion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, pageUrl, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const leaderOnStage = '[data-testid="stage-node"][data-state="leader"]';

/** A page of `width` × `height` with the test's error recording. */
async function sized(width, height, path = '', options = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  if (path !== null) await page.goto(pageUrl(path));
  return page;
}

/** Whether `inner` lies wholly inside `outer` (boxes from boundingBox()), to a pixel. */
function inside(inner, outer) {
  return inner.x >= outer.x - 1 && inner.y >= outer.y - 1
    && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;
}

for (const [width, height] of [[800, 460], [800, 320], [390, 320]]) {
  test(`the embed in an iframe of ${width}×${height}: the stage scales, Play stays visible and works`, async () => {
    const page = await sized(width + 40, height + 40, null);
    await page.setContent(`<body style="margin:20px"><iframe src="${pageUrl('?embed')}" width="${width}" height="${height}"
      style="border:0;display:block" title="Raft Playground"></iframe></body>`);
    const frame = page.frameLocator('iframe');
    const frameBox = await page.locator('iframe').boundingBox();
    const play = frame.getByTestId('play');
    await play.waitFor({ timeout: 60_000 });
    await frame.locator('[data-testid="stage-node"]').first().waitFor();
    // Everything the embed promises is inside the frame, with no scrolling: the stage, every
    // control of the bar, the link to the full playground.
    for (const id of ['stage', 'step-back', 'play', 'step', 'crash-leader', 'open-full', 'clock']) {
      const box = await frame.getByTestId(id).boundingBox();
      assert.ok(box && inside(box, frameBox), `${id} is inside the ${width}×${height} frame: ${JSON.stringify(box)}`);
    }
    const stage = await frame.getByTestId('stage').boundingBox();
    assert.ok(stage.height >= 150, `the stage keeps a usable size (${stage.height} px tall)`);
    const scroll = await frame.locator('html').evaluate((html) => [html.scrollHeight, html.clientHeight]);
    assert.ok(scroll[0] <= scroll[1] + 1, `nothing scrolls inside the frame (${scroll})`);
    // Clickable where it is drawn (nothing covers it), and it works.
    const before = await play.innerText();
    await play.click({ trial: true });
    await play.click();
    assert.notEqual(await play.innerText(), before, 'Play toggled');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a tour step embedded at the README\'s 640 px shows its text, the stage and the control bar', async () => {
  const page = await sized(800, 640, '?embed#tour/leader-election/2');
  await page.getByTestId('tour').waitFor();
  const view = { x: 0, y: 0, width: 800, height: 640 };
  for (const id of ['tour', 'stage', 'play', 'open-full']) {
    const box = await page.getByTestId(id).boundingBox();
    assert.ok(box && inside(box, view), `${id} is in view: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the snippet dialog has Copy and a live preview at the snippet\'s size', async () => {
  const page = await sized(1366, 800, '', { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('embed-button').click();
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  assert.match(snippet, /height="460"/);
  await page.getByTestId('copy-snippet').click();
  await page.getByTestId('snippet-copied').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
  const preview = page.getByTestId('embed-preview');
  assert.equal(await preview.getAttribute('height'), '460');
  assert.equal(await preview.getAttribute('src'), snippet.match(/src="([^"]+)"/)[1], 'the preview shows what the snippet embeds');
  await page.frameLocator('[data-testid="embed-preview"]').getByTestId('play').waitFor({ timeout: 60_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const [width, height] of [[1366, 800], [1440, 900]]) {
  test(`at ${width}×${height} the stage and the log sit side by side, both in view without scrolling`, async () => {
    const page = await sized(width, height);
    await runUntil(page, leaderOnStage);
    const stage = await page.getByTestId('stage').boundingBox();
    const log = await page.getByTestId('log-view').boundingBox();
    assert.ok(log.x >= stage.x + stage.width, `the log is beside the stage (${JSON.stringify({ stage, log })})`);
    assert.ok(log.y + log.height <= height, `the whole log is in view (bottom at ${log.y + log.height})`);
    assert.ok(stage.y + stage.height <= height, `the whole stage is in view (bottom at ${stage.y + stage.height})`);
    assert.ok(stage.width >= width * 0.4, `the stage uses the width (${stage.width} px)`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

/** Visible controls smaller than 44 px in either dimension, by kind (the timeline's markers apart). */
async function smallTargets(page) {
  return page.evaluate(() => {
    const found = { buttons: [], fields: [], markers: 0 };
    for (const el of document.querySelectorAll('button, a[href], select, input, textarea, summary, [role="button"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.width >= 44 && r.height >= 44) continue;
      if (el.classList.contains('marker')) found.markers++;
      else if (el.matches('button, a[href], summary, [role="button"]')) found.buttons.push(el.outerHTML.slice(0, 80));
      else found.fields.push(el.outerHTML.slice(0, 80));
    }
    return found;
  });
}

test('on a phone, time-bar markers at the ends of the bar stay inside the page', async () => {
  // The crash-the-leader step of the leader-crash tour had a marker 2 px past the right edge.
  const page = await sized(390, 844, '#tour/leader-crash/3', { hasTouch: true, isMobile: true });
  await page.getByTestId('marker').first().waitFor();
  await advance(page, 1_000);
  const out = await page.evaluate(() => [...document.querySelectorAll('[data-testid="marker"]')]
    .map((m) => m.getBoundingClientRect()).filter((r) => r.left < 0 || r.right > 390).length);
  assert.equal(out, 0, 'no marker sticks out');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no horizontal scroll');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('on a 390×844 phone: no sideways scroll, the stage near the top, a bottom sheet, 44 px targets', async (t) => {
  const page = await sized(390, 844, '', { hasTouch: true, isMobile: true });
  await runUntil(page, leaderOnStage);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no horizontal scroll');
  const stage = await page.getByTestId('stage').boundingBox();
  assert.ok(stage.y < 200, `the stage starts near the top (${stage.y} px)`);
  // The play controls are right under the stage and the time bar.
  const play = await page.getByTestId('play').boundingBox();
  assert.ok(play.y < 844, 'Play is on the first screen');

  // The tour menu, with its long titles, does not widen the page.
  await page.getByTestId('tour-menu').locator('option').nth(1).waitFor({ state: 'attached' });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no horizontal scroll with the tours loaded');

  // Tapping a server opens its panel as a sheet at the bottom of the screen, actions grouped.
  await page.locator('[data-testid="stage-node"][data-id="2"]').dispatchEvent('click');
  const sheet = page.getByTestId('inspector');
  await sheet.waitFor();
  const box = await sheet.boundingBox();
  assert.ok(box.y > 844 / 3 && box.y + box.height <= 845, `the panel is a bottom sheet (${JSON.stringify(box)})`);
  const groups = await sheet.locator('fieldset legend').allInnerTexts();
  for (const name of [/^Crash and restart/, /^Pause/, /^Network/, /^Byzantine/]) {
    assert.ok(groups.some((g) => name.test(g)), `a group ${name} in ${groups}`);
  }
  const small = await smallTargets(page);
  t.diagnostic(`controls under 44 px: ${small.buttons.length} buttons/links, ${small.fields.length} form fields, ${small.markers} timeline markers (left to the time-bar work)`);
  assert.deepEqual(small.buttons, [], 'every button and link is at least 44 × 44 px');
  await sheet.getByTestId('inspector-close').click();
  assert.equal(await page.getByTestId('inspector').count(), 0, 'Close closes the sheet');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('roles read in words and marks: the leader has a crown, a crashed server says so', async () => {
  const page = await openPage(browser);
  await runUntil(page, leaderOnStage);
  const leader = page.locator(leaderOnStage);
  assert.equal(await leader.getByTestId('role').textContent(), 'leader');
  assert.equal(await leader.locator('.crown').count(), 1);
  assert.match(await leader.locator('title').textContent(), /^S\d term \d+ leader: log/);
  const id = await leader.getAttribute('data-id');
  await page.getByTestId('crash-leader').click();
  const crashed = page.locator(`[data-testid="stage-node"][data-id="${id}"]`);
  await page.locator(`[data-testid="stage-node"][data-id="${id}"][data-state="crashed"]`).waitFor();
  assert.equal(await crashed.getByTestId('role').textContent(), 'crashed');
  assert.equal(await crashed.locator('.cross').count(), 1);
  const key = await page.getByTestId('legend').innerText();
  for (const word of ['leader', 'candidate', 'follower', 'paused', 'crashed', 'learner', 'RequestVote', 'heartbeat']) {
    assert.ok(key.includes(word), `the key explains ${word}`);
  }
  assert.deepEqual(page.errors, []);
});

test('the stage works from the keyboard: Enter picks a server or a message, Space does not also play', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('play').click(); // pause
  const server = page.locator('[data-testid="stage-node"][data-id="1"]');
  await server.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('inspector').waitFor();
  await server.focus();
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('inspector').count(), 0, 'Space picked it again (deselected)');
  assert.equal(await page.getByTestId('play').innerText(), 'Play', 'and did not resume the run');
  for (let i = 0; i < 60 && await page.locator('[data-testid="message"][data-dead="false"]').count() === 0; i++) {
    await page.getByTestId('step').click();
  }
  const message = page.locator('[data-testid="message"][data-dead="false"]').first();
  await message.focus();
  const tag = page.getByTestId('message-tag');
  await tag.waitFor();
  assert.match(await tag.textContent(), /^RequestVote S\d→S\d$/, 'a focused message shows its name');
  await page.keyboard.press('Enter');
  await page.getByTestId('message-inspector').waitFor();
  assert.deepEqual(page.errors, []);
});

/** Where each live message stands along its link: 0 at the sender's rim, 1 at the receiver's. */
async function messagePlaces(page) {
  return page.evaluate(() => {
    const at = (el) => el.getAttribute('transform').match(/translate\(([-\d.]+),([-\d.]+)\)/).slice(1).map(Number);
    const centre = {};
    for (const n of document.querySelectorAll('[data-testid="stage-node"]')) centre[n.dataset.id] = at(n);
    return [...document.querySelectorAll('[data-testid="message"][data-dead="false"]')].map((m) => {
      const [, from, to] = m.querySelector('title').textContent.match(/S(\d+) → S(\d+)/);
      const [a, b, p] = [centre[from], centre[to], at(m)];
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const k = 30 / len;
      const rim = [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k];
      return Math.hypot(p[0] - rim[0], p[1] - rim[1]) / (len * (1 - 2 * k));
    });
  });
}

test('with reduced motion, messages stand at three places along a link instead of gliding', async () => {
  const page = await sized(1366, 800, '', { reducedMotion: 'reduce' });
  await runUntil(page, leaderOnStage);
  assert.equal(await page.getByTestId('stage').getAttribute('data-motion'), 'reduced');
  const seen = [];
  for (let i = 0; i < 30; i++) {
    seen.push(...await messagePlaces(page));
    await advance(page, 3);
  }
  assert.ok(seen.length > 10, `messages were seen (${seen.length})`);
  for (const p of seen) {
    assert.ok([1 / 6, 1 / 2, 5 / 6].some((q) => Math.abs(p - q) < 0.02), `a message at ${p.toFixed(3)} of its link`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const moving = await sized(1366, 800);
  await runUntil(moving, leaderOnStage);
  assert.equal(await moving.getByTestId('stage').getAttribute('data-motion'), 'full');
  const glide = [];
  for (let i = 0; i < 30; i++) {
    glide.push(...await messagePlaces(moving));
    await advance(moving, 3);
  }
  assert.ok(glide.some((p) => ![1 / 6, 1 / 2, 5 / 6].some((q) => Math.abs(p - q) < 0.02)), 'without it they glide');
  await moving.context().close();
});
