// Manual delivery: with "Deliver messages by hand" on, messages between servers wait in flight
// while time advances; delivering them one by one forces an interleaving (a later RequestVote
// wins the vote), dropping one keeps it from its receiver, and a share link reopens the same run
// (same trace hash in a new page, and natively in `raftsim replay`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { advance, launch, openPage, runTo, runUntil, simState } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** The waiting messages as the list says them, oldest first: [{ id, text }]. */
async function held(page) {
  await settle(page);
  return page.getByTestId('held-message').evaluateAll((els) =>
    els.map((e) => ({ id: e.dataset.id, text: e.querySelector('span').textContent })));
}

/** The list row of the waiting message that reads `text`. */
function row(page, text) {
  return page.getByTestId('held-message').filter({ has: page.getByText(text, { exact: true }) });
}

async function timeOut(page, node) {
  await page.locator(`[data-testid="stage-node"][data-id="${node}"]`).click();
  await page.getByTestId('inspector').getByRole('button', { name: 'Time out now' }).click();
  await page.getByTestId('inspector-close').click();
}

test('messages wait to be delivered by hand; an interleaving is forced and shared', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  const nodes = await page.getByTestId('stage-node').count();
  // At time 0, before anyone times out: switch on, pause, and start two elections in term 1.
  const toggle = page.getByTestId('manual-delivery');
  await toggle.check();
  await page.getByTestId('play').click(); // pause
  assert.equal(await page.getByTestId('play').innerText(), 'Play');
  await timeOut(page, 1);
  await timeOut(page, 2);
  let waiting = await held(page);
  assert.equal(waiting.length, 2 * (nodes - 1), JSON.stringify(waiting));
  assert.equal(waiting[0].text, 'RequestVote S1 → S2, term 1');
  assert.ok(waiting.some((m) => m.text === 'RequestVote S2 → S3, term 1'));
  // Each waits parked on the stage, marked as held.
  for (const m of waiting) {
    assert.equal(await page.locator(`[data-testid="message"][data-id="${m.id}"]`).getAttribute('data-held'), 'true');
  }

  // Force the interleaving: S3 hears S2's RequestVote (sent second) before S1's, and votes S2.
  const s3 = page.locator('[data-testid="stage-node"][data-id="3"]');
  await row(page, 'RequestVote S2 → S3, term 1').getByTestId('deliver-held').click();
  await row(page, 'RequestVote S1 → S3, term 1').getByTestId('deliver-held').click();
  await settle(page);
  assert.match(await s3.textContent(), /voted S2/);
  const now = await held(page);
  assert.ok(!now.some((m) => m.text.endsWith('→ S3, term 1')), 'delivered ones leave the list');
  assert.deepEqual(now.filter((m) => m.text.startsWith('RequestVoteReply S3')).map((m) => m.text),
    ['RequestVoteReply S3 → S2, term 1', 'RequestVoteReply S3 → S1, term 1'], 'its answers wait in turn');

  // Drop one: it leaves the list and the stage; its receiver never hears it.
  const dropped = (await held(page)).find((m) => m.text === 'RequestVote S1 → S2, term 1');
  await row(page, dropped.text).getByTestId('drop-held').click();
  await settle(page);
  assert.ok(!(await held(page)).some((m) => m.id === dropped.id));
  assert.equal(await page.locator(`[data-testid="message"][data-id="${dropped.id}"]`).count(), 0);

  // Time runs on (timers fire, more elections), and nothing is delivered on its own.
  waiting = await held(page);
  await page.getByTestId('play').click();
  await advance(page, 1_500);
  await page.getByTestId('play').click();
  const later = await held(page);
  assert.ok(later.length > waiting.length, 'new elections add waiting messages');
  for (const m of waiting) {
    assert.ok(later.some((l) => l.id === m.id), `#${m.id} (${m.text}) still waits`);
  }
  assert.equal(await page.locator('[data-testid="stage-node"][data-state="leader"]').count(), 0);

  // Duplicate one, then deliver the copy from the message inspector (keyboard: Enter on its dot).
  const copied = (await held(page)).find((m) => m.text === 'RequestVote S2 → S1, term 1');
  const before = (await held(page)).length;
  await row(page, copied.text).getByTestId('duplicate-held').focus();
  await page.keyboard.press('Enter');
  const copies = (await held(page)).filter((m) => m.text === copied.text);
  assert.equal(copies.length, 2);
  assert.equal((await held(page)).length, before + 1);
  await page.locator(`[data-testid="message"][data-id="${copies[1].id}"]`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('deliver-message').click();
  await settle(page);
  assert.equal((await held(page)).filter((m) => m.text === copied.text).length, 1);

  // Share, reopen in a new page: the same run, the same messages waiting.
  const state = await simState(page);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const other = await openPage(browser, link.slice(link.indexOf('#')));
  await other.getByTestId('stage').waitFor();
  await settle(other);
  const reopened = await simState(other);
  assert.equal(reopened.traceHash, state.traceHash);
  assert.equal(reopened.events, state.events);
  assert.deepEqual(await held(other), await held(page));
  assert.ok(await other.getByTestId('manual-delivery').isChecked());
  // And natively.
  const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';
  const report = JSON.parse(execFileSync(raftsim, ['replay', link, '--json'], { encoding: 'utf8' }));
  assert.equal(report.trace_hash, state.traceHash);

  // Switching off sends the waiting messages on: the cluster elects a leader.
  await other.getByTestId('manual-delivery').uncheck();
  await other.getByTestId('play').click();
  await advance(other, 3_000);
  assert.equal(await other.getByTestId('held-message').count(), 0);
  assert.equal(await other.locator('[data-testid="stage-node"][data-state="leader"]').count(), 1);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
  await page.close();
  await other.close();
});

test('switched on mid-run, the messages already on their way stop and wait', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  // A leader, then a moment with messages in the air (none dying: those die as they were).
  await runTo(page, 3_000);
  await runUntil(page, () => document.querySelectorAll('[data-testid="message"]').length > 0
    && document.querySelectorAll('[data-testid="message"][data-dead="true"]').length === 0, { stepMs: 1 });
  await page.getByTestId('play').click(); // pause
  await settle(page);
  const flying = (await page.locator('[data-testid="message"]').evaluateAll((els) => els.map((e) => e.dataset.id))).sort();
  assert.ok(flying.length > 0);
  await page.getByTestId('manual-delivery').check();
  assert.deepEqual((await held(page)).map((m) => m.id).sort(), flying, 'every message on its way now waits');
  for (const id of flying) {
    assert.equal(await page.locator(`[data-testid="message"][data-id="${id}"]`).getAttribute('data-held'), 'true');
  }
  // Time runs on and none of them arrives on its own.
  await page.getByTestId('play').click();
  await advance(page, 1_000);
  await page.getByTestId('play').click();
  const still = (await held(page)).map((m) => m.id);
  assert.ok(flying.every((id) => still.includes(id)), JSON.stringify({ flying, still }));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('axe finds nothing serious with messages waiting and a held one inspected', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('manual-delivery').check();
  await advance(page, 1_000);
  await page.getByTestId('play').click();
  const first = (await held(page))[0];
  await page.locator(`[data-testid="message"][data-id="${first.id}"]`).dispatchEvent('click');
  await page.getByTestId('deliver-message').waitFor();
  assert.match(await page.getByTestId('message-fate').innerText(), /^waiting for you/);
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  // What this feature adds: the panel, the stage with held messages, the inspector. (The whole
  // page is audited in a11y.test.mjs.)
  const parts = ['manual-panel', 'stage', 'message-inspector'].map((id) => [`[data-testid="${id}"]`]);
  const result = await page.evaluate((include) => window.axe.run({ include }, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }), parts);
  assert.ok(result.passes.length > 0, 'axe looked at something');
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(' ') + ' ' + n.failureSummary).join('; ')}`);
  assert.deepEqual(serious, []);
  assert.deepEqual(page.errors, []);
  await page.close();
});
