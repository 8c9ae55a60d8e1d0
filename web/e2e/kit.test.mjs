// The teacher's kit: pictures of the stage, the log and the space-time diagram (SVG that stands
// alone, and PNG), the animation of the last seconds, the presentation mode (by its button and
// by `?present`, driven by keys), the help's diagram and presentation keys, and the stage's
// messages as one Tab stop with the arrow keys moving between them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { advance, launch, openPage, runTo, runUntil, simState, OUTPUT_DIR } from './browser.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser;
before(async () => { browser = await launch(); await mkdir(OUTPUT_DIR, { recursive: true }); });
after(async () => { await browser?.close(); });

/** Click `button` and return the file it makes the page download: { name, bytes }. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** Parse `text` as SVG in the page: its root, the caption, every text, or the parser's error. */
async function parseSvg(page, text) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const error = doc.querySelector('parsererror');
    return {
      error: error ? error.textContent : null,
      root: doc.documentElement.localName,
      namespace: doc.documentElement.namespaceURI,
      caption: doc.querySelector('text.caption')?.textContent ?? null,
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      frames: [...doc.querySelectorAll('g.frame')].map((g) => ({
        t: Number(g.getAttribute('data-t')), begin: g.querySelector('set')?.getAttribute('begin'),
        dur: g.querySelector('set')?.getAttribute('dur'), hidden: g.getAttribute('visibility'),
      })),
      loop: doc.querySelector('animate#loop')?.getAttribute('dur') ?? null,
    };
  }, text);
}

const leaderOnStage = '[data-testid="stage-node"][data-state="leader"]';

test('Export image: the stage, the log and the diagram as standalone SVG with a caption', async () => {
  const page = await openPage(browser);
  const state = await runTo(page, 3000);
  const seed = await page.getByTestId('seed').inputValue();
  for (const view of ['stage', 'log', 'diagram']) {
    await page.getByTestId('export-view').selectOption(view);
    const { name, bytes } = await download(page, 'export-svg');
    assert.match(name, new RegExp(`^raft-.+-seed${seed}-3000ms-${view}\\.svg$`));
    const text = bytes.toString('utf8');
    const svg = await parseSvg(page, text);
    assert.equal(svg.error, null, `${view}: ${svg.error}`);
    assert.equal(svg.root, 'svg');
    assert.equal(svg.namespace, 'http://www.w3.org/2000/svg');
    assert.match(svg.caption, new RegExp(`· seed ${seed} · t = ${state.nowMs} ms$`), svg.caption);
    for (const server of ['S1', 'S2', 'S3']) {
      assert.ok(svg.texts.some((t) => t.startsWith(server)), `${view} names ${server}: ${svg.texts.slice(0, 12)}`);
    }
    // Standalone: its own style sheet, no page variables, generic fonts.
    assert.match(text, /<style>text\{font-family:sans-serif/);
    assert.doesNotMatch(text, /var\(--/);
    assert.match(await page.getByTestId('kit-note').textContent(), new RegExp(`Saved ${name.replace(/\./g, '\\.')} \\(\\d+ KB\\)`));
    await writeFile(`${OUTPUT_DIR}/kit-${view}.svg`, bytes);
  }
  // The stage picture shows the leader the page shows.
  const leader = await page.locator(leaderOnStage).getAttribute('data-id');
  const stage = (await readFile(`${OUTPUT_DIR}/kit-stage.svg`)).toString('utf8');
  assert.ok(stage.includes('<g class="server leader voter"'), 'a leader on the picture');
  assert.ok(stage.includes(`<text class="name" y="-4">S${leader}</text>`));
  assert.deepEqual(page.errors, []);
});

test('Export image as PNG: the picture at twice its size', async () => {
  const page = await openPage(browser);
  await runTo(page, 2000);
  await page.getByTestId('export-view').selectOption('stage');
  const { name, bytes } = await download(page, 'export-png');
  assert.match(name, /-stage\.png$/);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  // IHDR: width and height, big-endian, right after the signature and the chunk's header.
  assert.equal(bytes.readUInt32BE(16), 800);
  assert.equal(bytes.readUInt32BE(20), 896);
  assert.ok(bytes.length > 10_000, `a drawn picture, not an empty one (${bytes.length} bytes)`);
  await page.getByTestId('export-view').selectOption('diagram');
  const diagram = await download(page, 'export-png');
  assert.match(diagram.name, /-diagram\.png$/);
  assert.equal(diagram.bytes.readUInt32BE(0), 0x89504e47);
  await writeFile(`${OUTPUT_DIR}/kit-stage.png`, bytes);
  assert.deepEqual(page.errors, []);
});

test('Animate the last seconds: frames at a fixed virtual-time step, each shown in turn, and the moment kept', async () => {
  const page = await openPage(browser);
  await runTo(page, 4000);
  await page.getByTestId('play').click(); // pause, then step between two events of one instant
  await page.getByTestId('step').click();
  const before = await simState(page);
  await page.getByTestId('animate-seconds').fill('1');
  const { name, bytes } = await download(page, 'animate');
  assert.match(name, /-animation\.svg$/);
  const after = await simState(page);
  assert.deepEqual([after.nowMs, after.events, after.traceHash], [before.nowMs, before.events, before.traceHash]);
  const svg = await parseSvg(page, bytes.toString('utf8'));
  assert.equal(svg.error, null);
  // 1 s: 150 frames at most, here 10 ms apart (the finest step), the last one the moment itself.
  assert.equal(svg.frames.length, 101);
  assert.equal(svg.frames[0].t, Math.round((before.nowMs - 1000) * 10) / 10);
  assert.equal(svg.frames.at(-1).t, Math.round(before.nowMs * 10) / 10);
  svg.frames.slice(0, -1).forEach((f, i) => assert.equal(Math.round((f.t - svg.frames[0].t) * 10) / 10, i * 10, `frame ${i}`));
  svg.frames.forEach((f, i) => {
    assert.equal(f.begin, `loop.begin+${Math.round(i) / 10}s`, `frame ${i} shows at its time`);
    assert.equal(f.dur, '0.1s');
    assert.equal(f.hidden, 'hidden');
  });
  assert.equal(svg.loop, '10.1s');
  assert.match(svg.caption, /seed \d+ · t = [\d.]+ to [\d.]+ ms · 101 frames, one per 10 ms of virtual time$/);
  assert.match(await page.getByTestId('kit-note').textContent(), /101 frames, one per 10 ms of virtual time, 10\.1 s long, looping/);
  await writeFile(`${OUTPUT_DIR}/kit-animation.svg`, bytes);

  // Out of bounds: the field is named and the default span used.
  await page.getByTestId('animate-seconds').fill('500');
  const fallback = await download(page, 'animate');
  assert.match(await page.getByTestId('kit-note').textContent(),
    /seconds to animate: '500' is not a number from 0\.1 to 60; animating the last 5 s/);
  // 5 s reach back past the run's start (4 s in): from 0, one frame per 33.6 ms (150 at most for 5 s).
  const five = await parseSvg(page, fallback.bytes.toString('utf8'));
  assert.equal(five.frames[0].t, 0);
  assert.equal(five.frames.length, Math.ceil(before.nowMs / 33.558) + 1);
  assert.match(five.caption, /t = 0 to [\d.]+ ms · \d+ frames, one per 33\.6 ms of virtual time$/);
  assert.deepEqual(page.errors, []);
});

test('The animation plays: a frame is visible at its time', async () => {
  const page = await openPage(browser);
  await runTo(page, 1500);
  await page.getByTestId('animate-seconds').fill('0.5');
  const { bytes } = await download(page, 'animate');
  const viewer = await browser.newPage();
  await viewer.setContent(bytes.toString('utf8'));
  const visible = await viewer.evaluate(async () => {
    const svg = document.querySelector('svg');
    svg.pauseAnimations();
    const seen = [];
    for (const at of [0.05, 0.25, 1.05]) {
      svg.setCurrentTime(at);
      await new Promise((r) => requestAnimationFrame(() => r()));
      seen.push([...document.querySelectorAll('g.frame')].filter((g) => getComputedStyle(g).visibility === 'visible').map((g) => g.dataset.t));
    }
    return seen;
  });
  const times = await viewer.evaluate(() => [...document.querySelectorAll('g.frame')].map((g) => g.dataset.t));
  assert.deepEqual(visible, [[times[0]], [times[2]], [times[10]]], 'one frame at a time, in order');
  await viewer.close();
  assert.deepEqual(page.errors, []);
});

/** axe's serious and critical findings on the page as it is now. */
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0].target.join(' ')})`);
}

async function presentationKeys(page) {
  const presentation = page.getByTestId('presentation');
  await presentation.waitFor();
  assert.equal(await page.getByTestId('live-scenario').count(), 0, 'no toolbar');
  assert.equal(await page.getByTestId('share-panel').count(), 0, 'no other panels');
  assert.ok(await page.locator('h1').isHidden(), 'no masthead');
  assert.ok(await presentation.getByTestId('stage').isVisible());
  assert.ok(await presentation.getByTestId('log-view').isVisible());
  assert.match(await page.getByTestId('present-keys').textContent(), /Space play \/ pause · ← → step one event · \[ \] previous \/ next marker · Esc leave/);
  const seed = await simState(page);
  assert.match(await page.getByTestId('present-caption').textContent(), new RegExp(`· seed \\d+ · t = ${seed.nowMs} ms$`));
  // Large type: the caption and the log's cells are bigger than on the page.
  const size = await page.getByTestId('present-caption').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 26, `caption at ${size}px`);
  // Side by side when wide: the log to the right of the stage.
  const [stage, log] = [await presentation.getByTestId('stage').boundingBox(), await presentation.getByTestId('log-view').boundingBox()];
  assert.ok(log.x >= stage.x + stage.width - 1, `the log beside the stage (${JSON.stringify({ stage, log })})`);

  await page.locator('body').press(' ');
  let s = await simState(page);
  assert.equal(s.playing, false, 'Space pauses');
  const at = s.events;
  await page.keyboard.press('ArrowRight');
  assert.equal((await simState(page)).events, at + 1, '→ steps');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await simState(page)).events, at, '← steps back');
  await page.keyboard.press('[');
  const back = (await simState(page)).events;
  assert.ok(back < at, `[ goes back to a marker (${back} < ${at})`);
  await page.keyboard.press(']');
  assert.ok((await simState(page)).events > back, '] goes on to the next');
  // The keys still drive the run from a focused button (after clicking one, say).
  const here = (await simState(page)).events;
  await page.getByTestId('step').focus();
  await page.keyboard.press('Enter');
  const stepped = (await simState(page)).events;
  assert.equal(stepped, here + 1, 'Enter presses the focused button');
  await page.keyboard.press('ArrowRight');
  assert.equal((await simState(page)).events, stepped + 1, '→ on a focused button still steps');
}

test('Presentation mode by its button: large type, stage and log, keys; Esc leaves', async () => {
  const page = await openPage(browser);
  await page.setViewportSize({ width: 1366, height: 800 });
  await runUntil(page, leaderOnStage);
  await page.getByTestId('present').click();
  await presentationKeys(page);
  await page.keyboard.press('Escape');
  await page.getByTestId('live-scenario').waitFor();
  assert.equal(await page.getByTestId('presentation').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('Presentation mode by ?present: every control reachable by Tab, axe finds nothing serious', async () => {
  const page = await openPage(browser, '?present');
  await page.setViewportSize({ width: 1366, height: 800 });
  await runUntil(page, leaderOnStage);
  await presentationKeys(page);
  const reached = new Set();
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.dataset?.testid ?? null);
    if (id) reached.add(id);
  }
  for (const id of ['stage-node', 'back-marker', 'step-back', 'play', 'step', 'next-marker', 'leave-present']) {
    assert.ok(reached.has(id), `Tab reaches ${id} (${[...reached]})`);
  }
  assert.deepEqual(await audit(page), []);
  await page.getByTestId('leave-present').click();
  await page.getByTestId('live-scenario').waitFor();
  assert.deepEqual(page.errors, []);
});

test('The help lists the diagram and presentation keys besides the page keys', async () => {
  const page = await openPage(browser);
  await runTo(page, 100);
  await page.getByTestId('help-button').click();
  const diagram = await page.getByTestId('help-diagram').textContent();
  for (const words of ['zoom in / out', 'earlier / later', 'follow the present', 'an arrow: inspect its message', 'Lamport timestamps']) {
    assert.ok(diagram.includes(words), `the diagram's help says ${words}: ${diagram}`);
  }
  const present = await page.getByTestId('help-present').textContent();
  assert.match(present, /\?present/);
  assert.match(present, /Esc\s*leave/);
  assert.match(await page.getByTestId('help-stage').textContent(), /the messages in flight as one stop/);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('help').count(), 0, 'Esc closes the help');
  assert.deepEqual(page.errors, []);
});

test('The messages in flight are one Tab stop; the arrow keys move between them, Enter inspects', async () => {
  const page = await openPage(browser);
  await page.getByTestId('node-count').selectOption('5'); // a leader's heartbeats: four in flight at once
  await runUntil(page, () => document.querySelectorAll('[data-testid="message"]').length >= 3, { stepMs: 2 });
  await page.getByTestId('play').click(); // hold still
  const stops = await page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => [e.dataset.id, e.getAttribute('tabindex')]));
  assert.equal(stops.filter(([, t]) => t === '0').length, 1, `one Tab stop: ${JSON.stringify(stops)}`);
  assert.ok(stops.filter(([, t]) => t === '-1').length >= 2);
  assert.equal(stops[0][1], '0', 'the oldest message takes Tab');
  const ids = stops.map(([id]) => id);
  // Tab from the last server lands on the messages, and the next Tab leaves them.
  await page.locator('[data-testid="stage-node"]').last().focus();
  await page.keyboard.press('Tab');
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid === 'message' ? document.activeElement.dataset.id : null);
  assert.equal(await focused(), ids[0]);
  const events = (await simState(page)).events;
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), ids[1], '→ moves to the next message');
  assert.equal((await simState(page)).events, events, 'and does not step the run');
  assert.equal(await page.locator(`[data-testid="message"][data-id="${ids[1]}"]`).getAttribute('tabindex'), '0', 'the Tab stop moved with it');
  await page.keyboard.press('End');
  assert.equal(await focused(), ids.at(-1));
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), ids.at(-1), 'the last stays last');
  await page.keyboard.press('Home');
  assert.equal(await focused(), ids[0]);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(), ids[0]);
  await page.keyboard.press('Tab');
  assert.notEqual(await focused(), ids[1], 'Tab leaves the messages, not to the next one');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), ids[0], 'Shift+Tab comes back to the one last focused');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.getByTestId('message-inspector').waitFor();
  assert.equal((await simState(page)).events, events);
  assert.deepEqual(page.errors, []);
});

test('Presentation mode: a long log shows its newest entries beside the servers\' names', async () => {
  const page = await openPage(browser);
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.getByTestId('client-load').check();
  await runTo(page, 4000);
  await page.getByTestId('present').click();
  const log = page.getByTestId('presentation').getByTestId('log-view');
  const box = await log.boundingBox();
  const { scrolled, wide } = await log.evaluate((el) => ({ scrolled: el.scrollWidth > el.clientWidth, wide: el.scrollWidth }));
  assert.ok(scrolled, `the log is wider than its column here (${wide} px in ${box.width})`);
  const heads = log.locator('thead th');
  const newest = await heads.nth((await heads.count()) - 2).boundingBox(); // the last index, before "next / match"
  assert.ok(newest.x >= box.x && newest.x + newest.width <= box.x + box.width + 1, 'the newest index is in view');
  const name = await log.locator('th[scope="row"]').first().boundingBox();
  assert.ok(name.x >= box.x - 1 && name.x + name.width <= box.x + box.width, "the servers' names stay in view");
  assert.deepEqual(page.errors, []);
});

test('A focused message keeps the focus while the run plays and others come and go', async () => {
  const page = await openPage(browser);
  await page.getByTestId('node-count').selectOption('5');
  await runUntil(page, () => document.querySelectorAll('[data-testid="message"]').length >= 3, { stepMs: 2 });
  const ids = await page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.dataset.id));
  const last = ids.at(-1);
  await page.locator(`[data-testid="message"][data-id="${last}"]`).focus();
  // Play on a little while the focused one is on its way: others arrive (their elements go) and
  // replies are sent (new elements come; without keys every element would show its neighbour).
  let others = 0;
  for (let i = 0; i < 40; i++) {
    const now = await page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.dataset.id));
    if (!now.includes(last)) break;
    others += now.filter((id) => Number(id) > Number(last)).length > 0 ? 1 : 0;
    assert.equal(await page.evaluate(() => document.activeElement?.dataset?.id), last, `step ${i}: the focus stays on message ${last}`);
    await advance(page, 0.5);
  }
  assert.ok(others > 0, 'messages were sent while it was focused');
  assert.deepEqual(page.errors, []);
});
