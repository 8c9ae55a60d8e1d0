// Screenshots of a history file opened on the page (lincheck_view.rs) at desktop (1280×800),
// phone (390×844) and embed (640×480, `?embed`) size: a Jepsen history that is not
// linearizable, scrubbed part way, and a key-value one; into target/shots/ (or SHOTS_DIR), with
// any console error printed. `node probe/lincheck-shots.mjs [URL]` with the page served at URL.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const base = process.argv[2] ?? process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8321/';
const dir = process.env.SHOTS_DIR ?? fileURLToPath(new URL('../../target/shots/', import.meta.url));
const data = fileURLToPath(new URL('../../third_party/porcupine/test_data/', import.meta.url));
mkdirSync(dir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });

/** Drop `file` on the page, as a student dragging it from their files. */
async function drop(page, file, name) {
  const text = readFileSync(`${data}/${file}`, 'utf8');
  await page.evaluate(([text, name]) => {
    const d = new DataTransfer();
    d.items.add(new File([text], name, { type: 'text/plain' }));
    const target = document.querySelector('section.live');
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: d, bubbles: true, cancelable: true }));
  }, [text, name]);
  await page.waitForSelector('[data-testid="lincheck-verdict"], [data-testid="lincheck-checking"]', { timeout: 60_000 });
}

for (const [name, viewport, query] of [
  ['desktop', { width: 1280, height: 800 }, '?test-hook'],
  ['phone', { width: 390, height: 844 }, '?test-hook'],
  ['embed', { width: 640, height: 480 }, '?embed&test-hook'],
]) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(query, base).href);
  await page.waitForSelector('[data-testid="stage"]', { timeout: 60_000 });
  await drop(page, 'jepsen/etcd_097.log', 'etcd_097.log');
  await page.waitForSelector('[data-testid="lincheck-verdict"]', { timeout: 60_000 });
  await page.screenshot({ path: `${dir}/lincheck-${name}-bad.png` });
  await page.getByTestId('lincheck-scrub').fill('5');
  await page.getByTestId('lincheck-scrub').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${dir}/lincheck-${name}-scrubbed.png` });
  await page.screenshot({ path: `${dir}/lincheck-${name}-full.png`, fullPage: true });
  await drop(page, 'kv/c01-bad.txt', 'c01-bad.txt');
  await page.waitForSelector('[data-testid="lincheck-verdict"]', { timeout: 60_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${dir}/lincheck-${name}-kv.png` });
  if (name === 'desktop') {
    // How long the page takes, from the drop to the verdict drawn, on the largest histories.
    for (const file of ['kv/c50-ok.txt', 'kv/c50-bad.txt', 'kv/c10-bad.txt', 'jepsen/etcd_029.log', 'jepsen/etcd_070.log']) {
      await page.getByTestId('lincheck-close').click();
      const started = Date.now();
      await drop(page, file, file.split('/')[1]);
      // The page's own thread answers while the worker checks: how long a round trip takes.
      const ping = Date.now();
      await page.evaluate(() => document.title);
      console.log(`  (the page answered in ${Date.now() - ping} ms while checking)`);
      await page.waitForSelector('[data-testid="lincheck-verdict"]', { timeout: 120_000 });
      const verdict = await page.getByTestId('lincheck-verdict').getAttribute('data-verdict');
      console.log(`  ${file}: ${verdict} in ${Date.now() - started} ms`);
    }
    await page.screenshot({ path: `${dir}/lincheck-${name}-last.png` });
  }
  console.log(name, errors.length ? errors : 'no errors');
  await page.close();
}
// The same in Chinese (the view's words and the glossary's definition come from zh-CN).
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('?test-hook&lang=zh-CN', base).href);
  await page.waitForSelector('[data-testid="stage"]', { timeout: 60_000 });
  await drop(page, 'kv/c01-bad.txt', 'c01-bad.txt');
  await page.waitForSelector('[data-testid="lincheck-verdict"]', { timeout: 60_000 });
  await page.screenshot({ path: `${dir}/lincheck-zh-desktop.png` });
  console.log('zh-CN', errors.length ? errors : 'no errors');
  await page.close();
}
await browser.close();
