// Screenshots of the hunt panel ("Find a bug") at desktop (1280×800) and phone (390×844) size:
// before a hunt, while it runs, and with a found bug shrunk and open in the player, into
// target/shots/ (or SHOTS_DIR), with any console error printed. It times the hunt for
// commit-old-terms too. `node probe/hunt-shots.mjs [URL]` with the page served at URL.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const base = process.argv[2] ?? process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8732/';
const dir = process.env.SHOTS_DIR ?? fileURLToPath(new URL('../../target/shots/', import.meta.url));
mkdirSync(dir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('?test-hook', base).href);
  await page.waitForSelector('[data-testid="stage"]', { timeout: 60_000 });
  const settings = page.getByTestId('raft-settings');
  await settings.locator('summary').click();
  await settings.locator('[data-rule="commit-old-terms"] input').check();
  await page.getByTestId('apply-settings').click();
  const panel = page.getByTestId('hunt-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${dir}/hunt-${name}-idle.png` });
  const started = Date.now();
  await page.getByTestId('hunt-start').click();
  await page.waitForSelector('[data-testid="hunt-progress"]');
  await page.waitForTimeout(1500);
  await panel.screenshot({ path: `${dir}/hunt-${name}-running.png` });
  await page.waitForSelector('[data-testid="hunt-panel"][data-phase="found"]', { timeout: 600_000 });
  const secs = (Date.now() - started) / 1000;
  // The page scrolls the player into view itself when the shrunk run opens (first: an element's
  // screenshot scrolls to that element).
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${dir}/hunt-${name}-player.png` });
  await panel.screenshot({ path: `${dir}/hunt-${name}-found.png` });
  await page.screenshot({ path: `${dir}/hunt-${name}-full.png`, fullPage: true });
  const outcome = await page.getByTestId('hunt-outcome').innerText();
  console.log(name, `${secs.toFixed(1)} s`, outcome, errors.length ? errors : 'no errors');
  await page.close();
}
await browser.close();
