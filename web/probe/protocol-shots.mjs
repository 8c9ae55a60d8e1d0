// Screenshots of each protocol's stage other than Raft (issue 18) at desktop (1280×800), phone
// (390×844) and embed (640×480) size, each at a moment that shows what the protocol is about,
// into target/shots/ (or SHOTS_DIR), with any console error printed.
// `node probe/protocol-shots.mjs [URL]` with the page served at URL; PAGE_LANG=zh-CN takes them
// in that language (files named proto-zh-CN-…), ONLY=id,id takes only those built-ins.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const base = process.argv[2] ?? process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8732/';
const dir = process.env.SHOTS_DIR ?? fileURLToPath(new URL('../../target/shots/', import.meta.url));
mkdirSync(dir, { recursive: true });
const only = process.env.ONLY ? process.env.ONLY.split(',') : null;
const lang = process.env.PAGE_LANG ? `&lang=${process.env.PAGE_LANG}` : '';
const prefix = process.env.PAGE_LANG ? `proto-${process.env.PAGE_LANG}` : 'proto';
// Each built-in at a moment worth seeing (virtual ms).
const moments = [
  ['flood-p1-p4', 115], ['flood-p1-p4-one-round', 200], ['two-generals-last-lost', 45], ['pb-partition-no-arbiter', 720],
  ['pb-primary-crash', 760], ['pb-two-backups-crash', 719],
  ['chain-middle-crash', 600], ['cl-bank-snapshot', 85], ['fd-pause-false-suspicion', 900], ['cl-broken-not-fifo', 339],
  ['chain-early-ack', 602],
].filter(([id]) => !only || only.includes(id));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const sizes = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }], ['embed', { width: 640, height: 480 }]];
for (const [name, viewport] of sizes) {
  for (const [id, ms] of moments) {
    const page = await browser.newPage({ viewport });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(`?test-hook${lang}`, base).href);
    await page.waitForSelector('[data-testid="stage"]', { timeout: 60_000 });
    if (!await page.locator(`[data-testid="live-scenario"] option[value="${id}"]`).count()) {
      console.log(`${id}: not a built-in here`);
      await page.close();
      continue;
    }
    if (name === 'embed') {
      // The embed: a link to the run (made by the full page's Share) opened with ?embed.
      await page.getByTestId('live-scenario').selectOption(id);
      await page.evaluate((ms) => window.__playground.runTo(ms), ms);
      await page.getByTestId('play').click();
      await page.getByTestId('share').click();
      await page.getByTestId('link-copied').waitFor();
      const hash = new URL(page.url()).hash;
      await page.goto(new URL(`?embed&test-hook${lang}${hash}`, base).href);
      await page.waitForSelector('[data-testid="course-stage"]', { timeout: 60_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/${prefix}-${id}-${name}.png` });
      console.log(name, id, errors.length ? errors : 'no errors');
      await page.close();
      continue;
    }
    await page.getByTestId('live-scenario').selectOption(id);
    await page.waitForSelector('[data-testid="course-stage"]');
    await page.evaluate((ms) => window.__playground.runTo(ms), ms);
    await page.getByTestId('course-stage').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${dir}/${prefix}-${id}-${name}.png` });
    if (name === 'desktop') {
      await page.screenshot({ path: `${dir}/${prefix}-${id}-full.png`, fullPage: true });
      // The stage alone, as docs/screenshots keeps one of each protocol's.
      await page.getByTestId('course-stage').screenshot({ path: `${dir}/${prefix}-${id}-stage.png` });
    }
    console.log(name, id, errors.length ? errors : 'no errors');
    await page.close();
  }
}
await browser.close();
