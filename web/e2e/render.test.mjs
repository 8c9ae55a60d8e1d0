// What a moment re-renders: the test hook counts each component's renders (`renders` in its
// answers). Playing the run must re-render what shows the moment (the stage, the time bar) and
// leave the panels that change the run alone: re-rendering them every frame would cost time and
// could reset what a student is typing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil, simState } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PANELS = ['settings', 'failures', 'clients', 'lab'];

test('playing the run re-renders the stage and the time bar, not the settings and failure panels', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await advance(page, 200);
  const before = (await simState(page)).renders;
  for (const name of [...PANELS, 'stage', 'timeline']) assert.ok(before[name] >= 1, `${name} has rendered`);
  const frames = 10;
  for (let i = 0; i < frames; i++) await advance(page, 16);
  const after = (await simState(page)).renders;
  for (const name of ['stage', 'timeline']) {
    assert.equal(after[name] - before[name], frames, `${name} re-renders once per moment`);
  }
  for (const name of PANELS) assert.equal(after[name], before[name], `${name} is not re-rendered by time passing`);

  // What a panel shows changes: that panel re-renders, the settings panel still does not.
  await page.getByTestId('model-partitions').locator('summary').click();
  await page.getByTestId('group-select-1').selectOption('1');
  await page.getByTestId('apply-partition').click();
  await page.getByTestId('current-partition').filter({ hasText: 'Partitioned:' }).waitFor();
  const acted = (await simState(page)).renders;
  assert.ok(acted.failures > after.failures, 'the failure panel shows the partition');
  assert.equal(acted.settings, before.settings, 'the settings panel is untouched');
  assert.deepEqual(page.errors, []);
});
