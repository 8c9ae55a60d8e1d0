// The page in another language (README, "Languages"): `?lang=zh-CN` shows the language menu in
// Chinese's own name, the tours and their glossary in Chinese, links that carry the language,
// and switching back to English keeps the run where it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, pageUrl, runUntil, simState, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const zh = JSON.parse(readFileSync(new URL('../../crates/playground/text/zh-CN/tours/leader-election.json', import.meta.url), 'utf8'));
const en = JSON.parse(readFileSync(new URL('../../crates/raft-sim/tours/02-leader-election.json', import.meta.url), 'utf8'));
const glossary = JSON.parse(readFileSync(new URL('../../crates/playground/text/zh-CN/glossary.json', import.meta.url), 'utf8'));
const chinese = /[\u4e00-\u9fff]/;

test('?lang=zh-CN: the menu, a tour step and its glossary in Chinese; links carry the language; back to English keeps the time', async () => {
  const page = await openPage(browser, '?lang=zh-CN#tour/leader-election/3');
  const menu = page.getByTestId('language');
  await menu.waitFor();
  assert.equal(await menu.evaluate((s) => s.selectedOptions[0].textContent), '简体中文');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  // The step's title and text arrive in Chinese (the tour catalogues follow the tours).
  const title = page.getByTestId('tour-step-title');
  await page.waitForFunction((t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t, `3. ${zh['3.title']}`);
  assert.match(await page.getByTestId('tour').innerText(), chinese);
  await runUntil(page, '[data-testid="tour"][data-paused="true"]', { stepMs: 100 });
  // A glossary term is linked by its Chinese form, and its definition is the Chinese one.
  const term = page.getByTestId('gloss-term').filter({ hasText: chinese }).first();
  await term.waitFor();
  const form = await term.innerText();
  assert.match(form, chinese);
  await term.hover();
  const tip = page.locator(`#${await term.getAttribute('aria-describedby')}`);
  await tip.waitFor({ state: 'visible' });
  const definitions = Object.entries(glossary).filter(([k]) => k.endsWith('.definition')).map(([, v]) => v);
  const said = await tip.innerText();
  assert.ok(definitions.some((d) => said.includes(d)), `the popup holds a Chinese definition: ${said}`);

  // The share link carries the language and opens in Chinese.
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /\?lang=zh-CN#run1\./);
  const shared = await openPage(browser, link.slice(link.indexOf('?')));
  await shared.getByTestId('language').waitFor();
  await shared.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await shared.getByTestId('language').evaluate((s) => s.value), 'zh-CN');
  assert.deepEqual(shared.errors, []);
  await shared.close();

  // Back to English: the words change, the run's time does not, the address loses ?lang.
  const before = await simState(page);
  await menu.selectOption('en');
  await page.waitForFunction((t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t, `3. ${en.steps[2].title}`);
  assert.equal(await title.innerText(), `3. ${en.steps[2].title}`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.ok(!page.url().includes('lang='), page.url());
  const after = await simState(page);
  assert.equal(after.nowMs, before.nowMs);
  assert.equal(after.traceHash, before.traceHash);
  // And to Chinese again from the menu: fetched, shown, named in the address.
  await page.getByTestId('language').selectOption('zh-CN');
  await page.waitForFunction((t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t, `3. ${zh['3.title']}`);
  assert.match(page.url(), /\?test-hook&lang=zh-CN#/);
  assert.equal((await simState(page)).nowMs, before.nowMs);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the embed in Chinese (?embed&lang=zh-CN): its tour step in Chinese, and its full-page link keeps the language', async () => {
  const page = await openPage(browser, '?embed&lang=zh-CN#tour/leader-election/3');
  await page.waitForFunction((t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t, `3. ${zh['3.title']}`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  const [full] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('open-full').click()]);
  assert.match(full.url(), /\?lang=zh-CN#run1\./);
  await full.close();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the embed API: attach({ lang }) puts ?lang= in the frame, and the language command switches it', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(new URL('embed/example/', pageUrl('', false)).href);
  await page.waitForFunction(() => window.course !== undefined, null, { timeout: 60_000 });
  const frameLang = () => page.frameLocator('[data-testid="frame"]').locator('html').getAttribute('lang');
  assert.equal(await frameLang(), 'en');
  await page.evaluate(() => window.course.language('zh-CN'));
  await page.waitForFunction(() => document.querySelector('[data-testid="frame"]').contentDocument.documentElement.lang === 'zh-CN');
  const refused = await page.evaluate(() => window.course.language('xx').then(() => null, (e) => e.field));
  assert.equal(refused, 'lang');
  // A second frame attached with { lang }: its address carries it, and it is drawn in it.
  const lang = await page.evaluate(async () => {
    const { RaftPlayground } = await import('../raft-playground.js');
    const iframe = document.createElement('iframe');
    iframe.src = document.querySelector('[data-testid="frame"]').src.replace(/[?&]lang=[^&#]*/, '');
    document.body.append(iframe);
    const p = await RaftPlayground.attach(iframe, { lang: 'zh-CN', timeout: 20000 });
    p.detach();
    return [new URL(iframe.src).searchParams.get('lang'), iframe.contentDocument.documentElement.lang];
  });
  assert.deepEqual(lang, ['zh-CN', 'zh-CN']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a language whose catalogue cannot be had falls back to English and says why', async () => {
  const page = await browser.newPage();
  page.errors = [];
  // The missing file is the point: its 404 is the only console error allowed.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('404')) page.errors.push(m.text()); });
  await page.route('**/text/zh-CN/ui.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(pageUrl('?lang=zh-CN'));
  const notice = page.getByTestId('link-error');
  await notice.waitFor();
  assert.match(await notice.innerText(), /简体中文.*HTTP 404/);
  assert.equal(await page.getByTestId('language').evaluate((s) => s.value), 'en');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('screenshots: a Chinese tour step, desktop 1280x800 and phone 390x844', async () => {
  const shots = process.env.SHOTS_DIR ?? OUTPUT_DIR;
  mkdirSync(shots, { recursive: true });
  for (const [name, width, height, options] of [['desktop', 1280, 800, {}], ['phone', 390, 844, { hasTouch: true, isMobile: true }]]) {
    const context = await browser.newContext({ viewport: { width, height }, ...options });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(pageUrl('?lang=zh-CN#tour/leader-election/4'));
    await page.waitForFunction((t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t, `4. ${zh['4.title']}`);
    await runUntil(page, '[data-testid="tour"][data-paused="true"]', { stepMs: 100 });
    const term = page.getByTestId('gloss-term').first();
    await term.scrollIntoViewIfNeeded();
    if (options.hasTouch) await term.tap(); else await term.hover();
    await page.locator(`#${await term.getAttribute('aria-describedby')}`).waitFor({ state: 'visible' });
    if (options.hasTouch) await page.getByTestId('tour-step-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(shots, `zh-tour-${name}.png`) });
    assert.deepEqual(errors, []);
    await context.close();
  }
});
