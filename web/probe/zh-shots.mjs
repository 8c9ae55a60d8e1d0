// Screenshots of the page in Chinese (a tour step at desktop and phone size, the embed, the
// main page) into /work/shots, with any console error printed: `node probe/zh-shots.mjs [URL]`.
import { chromium } from 'playwright-core';
const base = process.argv[2] ?? 'http://127.0.0.1:8765/';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const shots = [
  ['zh-tour-desktop', '?lang=zh-CN#tour/split-vote/3', { width: 1280, height: 800 }],
  ['zh-tour-phone', '?lang=zh-CN#tour/split-vote/3', { width: 390, height: 844 }],
  ['zh-embed', '?embed&lang=zh-CN', { width: 800, height: 460 }],
  ['zh-main', '?lang=zh-CN', { width: 1280, height: 800 }],
];
for (const [name, path, viewport] of shots) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(path, base).href);
  await page.waitForSelector('[data-testid="stage"]');
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `/work/shots/${name}.png` });
  console.log(name, errors.length ? errors : 'no errors');
  await page.close();
}
await browser.close();
