// Time travel, share links, embed mode, hostile links and the message inspector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Let the page process pending messages and render (Yew renders asynchronously). */
async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Everything visible about the cluster that must be identical at the same moment. */
async function snapshot(page) {
  await settle(page);
  const clock = page.getByTestId('clock');
  const nodes = await page.getByTestId('stage-node').evaluateAll((els) =>
    els.map((e) => `${e.dataset.id}:${e.dataset.state}:${e.dataset.term}`).join(' '));
  const logs = await page.getByTestId('log-row').evaluateAll((els) =>
    els.map((e) => `${e.dataset.id}:${e.dataset.length}:${e.dataset.commit}`).join(' '));
  const messages = await page.getByTestId('message').count();
  return {
    hash: await clock.getAttribute('data-hash'),
    events: await clock.getAttribute('data-events'),
    text: await clock.innerText(),
    nodes,
    logs,
    messages,
  };
}

async function playUntilLeaderThenCrashIt(page) {
  await page.getByTestId('stage').waitFor();
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await page.getByTestId('crash-leader').click();
  await advance(page, 700);
  await page.getByTestId('play').click(); // pause
}

test('scrubbing back and forth, and stepping back then forward, returns identical state', async () => {
  const page = await openPage(browser);
  await playUntilLeaderThenCrashIt(page);
  const end = await snapshot(page);
  assert.ok(Number(end.events) > 20);

  // Jump to the first marker (an election), then back to the end of the run.
  await page.getByTestId('marker').first().click();
  const early = await snapshot(page);
  assert.notEqual(early.hash, end.hash, 'the state early in the run differs');
  assert.ok(Number(early.events) < Number(end.events));
  const max = await page.getByTestId('scrubber').getAttribute('max');
  await page.getByTestId('scrubber').evaluate((input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, max);
  const again = await snapshot(page);
  assert.equal(again.hash, end.hash);
  assert.equal(again.nodes, end.nodes);
  assert.equal(again.logs, end.logs);
  assert.equal(again.messages, end.messages);

  // Step back five events and forward five: same hash and cluster (the keyboard does it too).
  for (let i = 0; i < 5; i++) await page.getByTestId('step-back').click();
  const back = await snapshot(page);
  assert.equal(Number(back.events), Number(end.events) - 5);
  await page.evaluate(() => document.activeElement?.blur()); // keys typed on a button are the button's
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  const forward = await snapshot(page);
  assert.equal(forward.hash, end.hash);
  assert.equal(forward.nodes, end.nodes);
  assert.deepEqual(page.errors, []);
});

test('a share link opened in a new page reproduces the run: same trace hash, natively too', async () => {
  const page = await openPage(browser);
  await playUntilLeaderThenCrashIt(page);
  await page.getByTestId('stage-node').nth(1).click();
  await page.getByTestId('inspector-put').click();
  await page.getByTestId('step').click();
  const before = await snapshot(page);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.ok(link.includes('#run1.'), link);
  assert.ok(link.length < 2000, `link is ${link.length} characters`);

  const other = await openPage(browser, link.slice(link.indexOf('#')));
  await other.getByTestId('stage').waitFor();
  const after = await snapshot(other);
  assert.equal(after.hash, before.hash);
  assert.equal(after.events, before.events);
  assert.equal(after.nodes, before.nodes);
  assert.equal(after.logs, before.logs);
  assert.equal(await other.getByTestId('inspector').count(), 1, 'the view (selected server) comes back too');
  assert.equal(await other.getByTestId('play').innerText(), 'Play', 'a shared moment opens paused');

  // The page deflates with the browser's CompressionStream; a link deflated by another
  // compressor (zlib here, miniz_oxide in raftsim) opens the same run.
  const packed = Buffer.from(link.slice(link.indexOf('#run1.') + 6), 'base64url');
  const json = zlib.inflateRawSync(packed);
  assert.ok(json.toString('utf8').startsWith('{"format":"raft-playground-run"'), 'raw deflate of the run JSON');
  const relinked = '#run1.' + zlib.deflateRawSync(json, { level: 1 }).toString('base64url');
  const third = await openPage(browser, relinked);
  await third.getByTestId('stage').waitFor();
  assert.equal((await snapshot(third)).hash, before.hash, 'a link deflated elsewhere');
  assert.deepEqual(third.errors, []);

  // The same link replayed by the native simulator gives the same trace hash.
  const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';
  const report = JSON.parse(execFileSync(raftsim, ['replay', link, '--json'], { encoding: 'utf8' }));
  assert.equal(report.trace_hash, before.hash);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
});

test('a hostile or truncated link shows a clear message and the default scenario', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('share').click();
  const good = await page.getByTestId('share-link').inputValue();
  const fragment = good.slice(good.indexOf('#'));
  for (const bad of ['#run1.AAAA', '#run1.' + 'x'.repeat(70000), fragment.slice(0, fragment.length - 40), '#<script>alert(1)</script>']) {
    const p = await openPage(browser, bad);
    await p.getByTestId('link-error').waitFor();
    const message = await p.getByTestId('link-error').innerText();
    assert.match(message, /could not be opened.*default scenario/s, message);
    // The default scenario runs once the built-ins have been fetched.
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="stage-node"]').length === 3);
    assert.equal(await p.getByTestId('live-scenario').inputValue(), 'first-election');
    assert.deepEqual(p.errors, []);
    await p.close();
  }
});

test('embed mode renders only the stage and a small control bar, with a way to the full page', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.getByTestId('embed-button').click();
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  assert.match(snippet, /^<iframe src="[^"]*\?embed#run1\.[^"]+"/);

  const embed = await openPage(browser, '?embed' + link.slice(link.indexOf('#')));
  await embed.getByTestId('embed').waitFor();
  assert.equal(await embed.getByTestId('stage').count(), 1);
  for (const absent of ['log-view', 'raft-settings', 'failure-panel', 'client-panel', 'timeline', 'share-panel', 'report', 'monitor']) {
    assert.equal(await embed.getByTestId(absent).count(), 0, `${absent} is not shown in embed mode`);
  }
  assert.equal(await embed.locator('h1').count(), 0);
  await embed.getByTestId('play').click();
  assert.equal(await embed.getByTestId('open-full').count(), 1);
  assert.deepEqual(embed.errors, []);
});

test('clicking a message shows its Figure 2 fields; it can be dropped or duplicated', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  // Step until the first RequestVote is on the wire.
  await page.getByTestId('play').click();
  for (let i = 0; i < 50 && await page.locator('[data-testid="message"][data-dead="false"]').count() === 0; i++) {
    await page.getByTestId('step').click();
    await settle(page);
  }
  // The click goes to the message itself (dispatched, not by coordinates): one just sent sits
  // at its sender, where a pointer click could land on whatever is drawn there.
  const message = page.locator('[data-testid="message"][data-dead="false"]').first();
  await message.dispatchEvent('click');
  const inspector = page.getByTestId('message-inspector');
  await inspector.waitFor();
  const text = await inspector.innerText();
  // Messages just sent overlap at their sender: the inspector says which one was clicked.
  const id = text.match(/#(\d+)/)[1];
  assert.match(text, /RequestVote/);
  for (const field of ['term', 'candidateId', 'lastLogIndex', 'lastLogTerm']) assert.match(text, new RegExp(field));

  const count = await page.getByTestId('message').count();
  await page.getByTestId('duplicate-message').click();
  await settle(page);
  assert.equal(await page.getByTestId('message').count(), count + 1, 'a copy is in flight');
  await page.getByTestId('drop-message').click();
  assert.match(await page.getByTestId('message-fate').innerText(), /dropped/);
  // It is drawn dead (✕) where it was when dropped, until its arrival time passes.
  await settle(page);
  assert.equal(await page.locator(`[data-testid="message"][data-id="${id}"]`).getAttribute('data-dead'), 'true');
  assert.deepEqual(page.errors, []);
});

test('nine servers under client load: a leader, vote lines in elections, committed requests', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('node-count').selectOption('9');
  await page.getByTestId('client-load').check();
  assert.equal(await page.getByTestId('stage-node').count(), 9);
  await page.getByTestId('align-timers').click();
  await runUntil(page, '[data-testid="vote-line"]', { stepMs: 5 });
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await runUntil(page, '[data-testid="log-row"][data-commit="5"]');
  assert.deepEqual(page.errors, []);
});

test('the client panel sends a put to a follower, which redirects it; every server applies it', async () => {
  const page = await openPage(browser);
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  const leader = page.locator('[data-testid="stage-node"][data-state="leader"]').first();
  const leaderId = await leader.getAttribute('data-id');
  const follower = leaderId === '1' ? '2' : '1';
  await page.getByTestId('client-node').selectOption(follower);
  await page.getByTestId('client-key').fill('color');
  await page.getByTestId('client-value').fill('blue');
  await page.getByTestId('client-send').click();
  const row = page.getByTestId('client-op-row').last();
  await runUntil(page, () => /ok/.test(document.querySelector('[data-testid="client-op-row"]:last-child')?.innerText ?? ''));
  assert.match(await row.innerText(), /redirected 1/);
  await runUntil(page, () => (document.querySelector('[data-testid="kv-table"]')?.innerText.match(/blue/g) ?? []).length === 3);
  assert.deepEqual(page.errors, []);
});

test('the failure-model panel partitions the cluster into groups and heals it', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('model-partitions').locator('summary').click();
  await page.getByTestId('group-select-1').selectOption({ index: 1 });
  await page.getByTestId('apply-partition').click();
  await page.getByTestId('cut').first().waitFor();
  assert.equal(await page.getByTestId('cut').count(), 2, 'S1 is cut off from S2 and S3');
  await page.getByTestId('heal').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="cut"]').length === 0);
  assert.deepEqual(page.errors, []);
});

