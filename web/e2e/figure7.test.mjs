// The Figure 7 built-in, written from initial logs (`servers` in the scenario): at time 0 the log
// view shows the leader's log and the follower logs (a)–(f) of the paper's figure; once S1 leads
// term 8, every log is the leader's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, runTo, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const commands = async (page) => page.getByTestId('log-row').evaluateAll((rows) => rows.map((r) =>
  [...r.querySelectorAll('td.cell:not(.empty) .c')].map((c) => c.textContent)));

const terms = async (page) => page.getByTestId('log-row').evaluateAll((rows) => rows.map((r) =>
  [...r.querySelectorAll('td.cell:not(.empty) .t')].map((t) => Number(t.textContent))));

test('Figure 7: the divergent logs at time 0, then the leader of term 8 repairs them', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption('figure-7');
  assert.match(await page.getByTestId('scenario-title').innerText(), /^Figure 7/);
  assert.equal(await page.getByTestId('stage-node').count(), 7);
  assert.deepEqual(await terms(page), [
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
    [1, 1, 1, 4, 4, 5, 5, 6, 6],
    [1, 1, 1, 4],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    [1, 1, 1, 4, 4, 4, 4],
    [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  ]);
  // Every booted entry holds a command (the figure shows terms only), so no cell reads as a
  // leader's no-op until S1 appends its own in term 8.
  assert.ok((await commands(page)).flat().every((c) => !/no-op/.test(c)), JSON.stringify(await commands(page)));
  const settings = await page.getByTestId('caption-settings').innerText();
  assert.ok(settings.includes("S1's election timeout 100 ms"), settings);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}figure7-t0.png`, fullPage: true });
  await runTo(page, 1000);
  const leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
  assert.deepEqual(await terms(page), Array(7).fill(leader));
  for (const row of await commands(page)) {
    assert.deepEqual(row.map((c) => /no-op/.test(c)), [...Array(10).fill(false), true], JSON.stringify(row));
  }
  assert.equal(await page.locator('[data-testid="stage-node"][data-state="leader"]').count(), 1);
  assert.ok(await page.getByTestId('overwritten-entry').count() > 0, 'the removed entries stay visible, struck through');
  await page.screenshot({ path: `${OUTPUT_DIR}figure7-repaired.png`, fullPage: true });
  assert.deepEqual(page.errors, []);
});
