// Accessibility: axe-core (from npm, injected into the page) on the main page, the embed and a
// tour step must find nothing serious or critical; and every control can be reached with Tab
// and shows where the focus is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BASE_URL, launch, openPage, pageUrl, runUntil } from './browser.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** axe's serious and critical findings on the page as it is now, one line each. */
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  // Everything is audited, the time bar's markers (24 px targets) included.
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0].target.join(' ')})`);
}

const leaderOnStage = '[data-testid="stage-node"][data-state="leader"]';

test('axe finds nothing serious on the main page, with a server and its panels open', async () => {
  const page = await openPage(browser);
  await runUntil(page, leaderOnStage);
  await page.locator(leaderOnStage).dispatchEvent('click');
  await page.getByTestId('inspector').waitFor();
  for (const model of ['model-crash-recovery', 'model-partitions', 'model-timing']) {
    await page.getByTestId(model).locator('summary').click();
  }
  await page.getByTestId('embed-button').click();
  // The snippet's link is deflated by the browser, so it appears a moment later.
  await page.getByTestId('embed-snippet').waitFor();
  await page.getByTestId('help-button').click();
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(page.errors, []);
});

test('axe finds nothing serious on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(pageUrl(''));
  await runUntil(page, leaderOnStage);
  await page.locator(leaderOnStage).dispatchEvent('click');
  await page.getByTestId('inspector').waitFor();
  assert.deepEqual(await audit(page), []);
  await context.close();
});

test('axe finds nothing serious in the embed', async () => {
  const page = await openPage(browser, '?embed');
  await runUntil(page, leaderOnStage);
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(page.errors, []);
});

test('axe finds nothing serious in a tour step, a glossary definition open or not', async () => {
  const page = await openPage(browser, '#tour/leader-election/2');
  await page.getByTestId('tour').waitFor();
  assert.deepEqual(await audit(page), []);
  // With a glossary term focused and its definition open.
  await page.getByTestId('gloss-term').first().focus();
  await page.locator('[data-testid="gloss-tip"]:not([hidden])').waitFor();
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(page.errors, []);
});

test('Tab reaches every control in order, each with a visible focus ring', async () => {
  const page = await openPage(browser);
  await runUntil(page, leaderOnStage);
  await page.getByTestId('play').click(); // hold still: a moving page re-renders under the focus
  await page.locator('h1').click(); // Tab from the top of the page
  const reached = new Set();
  const unmarked = [];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const body = el.querySelector?.(':scope > circle.body');
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
        || (body && parseFloat(getComputedStyle(body).strokeWidth) >= 4);
      return { id: el.dataset?.testid ?? `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent).trim().slice(0, 30)}`, ring };
    });
    if (focus === null) break; // past the last control
    if (reached.has(focus.id) && focus.id === 'live-scenario') break; // wrapped around
    reached.add(focus.id);
    if (!focus.ring) unmarked.push(focus.id);
  }
  for (const id of ['live-scenario', 'tour-menu', 'play', 'step', 'share', 'scrubber', 'stage-node', 'export']) {
    assert.ok(reached.has(id), `Tab reaches ${id} (reached: ${[...reached].join(', ')})`);
  }
  assert.deepEqual(unmarked, [], 'every focused control shows a focus ring');
  assert.deepEqual(page.errors, []);
});

test('axe finds nothing serious on the example course page (web/embed/example)', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(new URL('embed/example/', BASE_URL).href);
  // Attached: the course page's state line names the leader.
  await page.waitForFunction(() => document.querySelector('[data-testid="state"]').textContent.includes('leads'), null, { timeout: 60_000 });
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});
