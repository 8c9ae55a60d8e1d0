import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const leaderOnStage = '[data-testid="stage-node"][data-state="leader"]';

test('the live stage elects a leader, and crashing it elects another in a higher term', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  assert.equal(await page.getByTestId('stage-node').count(), 3);
  await runUntil(page, leaderOnStage);
  const leader = page.locator(leaderOnStage);
  const first = { id: await leader.getAttribute('data-id'), term: Number(await leader.getAttribute('data-term')) };

  await page.getByTestId('crash-leader').click();
  await page.locator(`[data-testid="stage-node"][data-id="${first.id}"][data-state="crashed"]`).waitFor();
  const next = page.locator(`${leaderOnStage}:not([data-id="${first.id}"])`);
  await runUntil(page, `${leaderOnStage}:not([data-id="${first.id}"])`);
  assert.ok(Number(await next.getAttribute('data-term')) > first.term, 'the new leader has a higher term');
  assert.deepEqual(page.errors, []);
});

test('pause freezes virtual time; step advances one event; the inspector acts on a server', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('play').click(); // pause
  const clock = page.getByTestId('clock');
  const frozen = await clock.innerText();
  await advance(page, 300); // plays only while playing, as the animation frames do
  assert.equal(await clock.innerText(), frozen);
  await page.getByTestId('step').click();
  assert.notEqual(await clock.innerText(), frozen);

  await page.locator('[data-testid="stage-node"][data-id="2"]').click();
  await page.getByTestId('inspector').getByRole('button', { name: 'Crash', exact: true }).click();
  await page.locator('[data-testid="stage-node"][data-id="2"][data-state="crashed"]').waitFor();
  await page.getByTestId('inspector').getByRole('button', { name: 'Restart' }).click();
  await page.locator('[data-testid="stage-node"][data-id="2"][data-state="follower"]').waitFor();
  assert.deepEqual(page.errors, []);
});

test('the log view shows the lecture crash example: S4 leads with o1 and o2 committed', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('crash-example');
  // The scripted timeline takes 0.7 s of virtual time.
  await runUntil(page, '[data-testid="log-row"][data-id="4"][data-commit="2"]');
  for (const id of ['1', '3', '4', '5']) {
    await runUntil(page, `[data-testid="log-row"][data-id="${id}"][data-length="2"]`);
  }
  const s2 = page.locator('[data-testid="log-row"][data-id="2"]');
  assert.equal(await s2.getAttribute('data-length'), '1', 'S2 crashed holding only o1');
  assert.match(await page.locator('[data-testid="log-row"][data-id="4"]').innerText(), /o1=1[\s\S]*o2=2/);
  assert.deepEqual(page.errors, []);
});

test('a broken rule turns an invariant red and pauses the run at that event', async () => {
  const page = await openPage(browser);
  const monitor = page.getByTestId('monitor');
  await monitor.waitFor();
  assert.equal(await monitor.locator('li[data-broken="true"]').count(), 0, 'all green at the start');
  await page.getByTestId('live-scenario').selectOption('figure-8-unsafe');
  await runUntil(page, '[data-testid="monitor"] li[data-property="Leader Completeness"][data-broken="true"]');
  assert.equal(await page.getByTestId('play').innerText(), 'Play', 'the run paused itself');
  assert.match(await page.getByTestId('violation').innerText(), /became leader of term 5 without the entry at index 2/);
  assert.deepEqual(page.errors, []);
});

test('a Break Raft toggle turns a safe run red; bad settings are refused and the run goes on', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('figure-8');
  const panel = page.getByTestId('raft-settings');
  await panel.locator('summary').click();

  // Minimum above maximum: a clear message, the cluster keeps running.
  const min = panel.locator('input[type="number"]').first();
  await min.fill('99999');
  await min.dispatchEvent('change');
  await page.getByTestId('apply-settings').click();
  assert.match(await page.getByTestId('live-error').innerText(), /election_timeout_ms/);
  assert.equal(await page.getByTestId('stage-node').count(), 5);
  await min.fill('10000');
  await min.dispatchEvent('change');

  await panel.locator('[data-rule="commit-old-terms"] input').check();
  await page.getByTestId('apply-settings').click();
  await runUntil(page, '[data-testid="monitor"] li[data-property="Leader Completeness"][data-broken="true"]');
  assert.deepEqual(page.errors, []);
});

test('isolating a server draws its cut links; healing removes them; a cut-off leader is replaced', async () => {
  const page = await openPage(browser);
  await runUntil(page, leaderOnStage);
  const leader = page.locator(leaderOnStage);
  const id = await leader.getAttribute('data-id');
  const term = Number(await leader.getAttribute('data-term'));
  // A message in flight may cover the server's circle; dispatch the click to the server itself.
  await page.locator(`[data-testid="stage-node"][data-id="${id}"]`).dispatchEvent('click');
  await page.getByTestId('inspector').getByRole('button', { name: 'Isolate', exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="cut"]').length === 2); // two links of a 3-server ring
  const next = page.locator(`${leaderOnStage}:not([data-id="${id}"])`);
  await runUntil(page, `${leaderOnStage}:not([data-id="${id}"])`);
  assert.ok(Number(await next.getAttribute('data-term')) > term);
  await page.getByTestId('inspector').getByRole('button', { name: 'Heal the network' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="cut"]').length === 0);
  assert.deepEqual(page.errors, []);
});

test('keyboard: space pauses and plays, the right arrow steps, ? shows the shortcuts', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('play').innerText(), 'Play');
  const clock = page.getByTestId('clock');
  const frozen = await clock.innerText();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await clock.innerText(), frozen);
  await page.keyboard.press('?');
  await page.getByTestId('help').waitFor();
  await page.keyboard.press('?');
  assert.equal(await page.getByTestId('help').count(), 0);
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('play').innerText(), 'Pause');
  assert.deepEqual(page.errors, []);
});
