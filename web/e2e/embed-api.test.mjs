// The embed API (docs/embed-api.md) through the example course page (web/embed/example/): its
// own buttons drive the framed playground, its quiz completes when S3 becomes leader, hostile
// messages get error replies naming the field and leave the page working, and a host page whose
// origin is not allowed is ignored. Real time plays here (no test hook: the API is what drives
// the page), so waits are generous and every check is on what the page reports, never on timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, BASE_URL, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function course() {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(new URL('embed/example/', BASE_URL).href);
  // Attached, the scenario opened and played to 1 s: the state line names the leader.
  await page.waitForFunction(() => document.querySelector('[data-testid="state"]').textContent.includes('leads'), null, { timeout: 60_000 });
  return page;
}

const logText = (page) => page.getByTestId('log').textContent();

test('the example course page drives the playground with its own buttons and its quiz completes', async () => {
  const page = await course();
  const frame = page.frameLocator('[data-testid="frame"]');
  await frame.getByTestId('stage').waitFor();
  assert.match(await page.getByTestId('state').textContent(), /S2 leads term 1/);
  assert.match(await logText(page), /^leader \{"node":2,"term":1/m, 'the election was told as it happened');

  // Pause and play with the page's own button: the embedded page's own button follows.
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]').textContent === 'Play');
  assert.equal(await frame.getByTestId('play').textContent(), 'Play');
  const paused = await page.evaluate(() => window.course.state());
  await page.waitForTimeout(400);
  assert.equal((await page.evaluate(() => window.course.state())).timeMs, paused.timeMs, 'paused: time stands');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]').textContent === 'Pause');

  // The quiz: hand leadership to S3; the playground says the task is done.
  assert.match(await page.getByTestId('verdict').textContent(), /Not yet/);
  await page.getByTestId('target').selectOption('3');
  await page.getByTestId('transfer').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]').textContent.startsWith('Done'), null, { timeout: 60_000 });
  assert.match(await page.getByTestId('verdict').textContent(), /Done: S3 leads term 2/);
  assert.match(await logText(page), /^leader \{"node":3,"term":2/m);
  assert.match(await logText(page), /^done \{"task":"host"\}/m);
  await page.screenshot({ path: `${OUTPUT_DIR}embed-api-course.png`, fullPage: true });

  // Crash the leader: S3's role change is told.
  await page.getByTestId('crash').click();
  await page.waitForFunction(() => /^role \{"node":3,"role":"crashed"/m.test(document.querySelector('[data-testid="log"]').textContent), null, { timeout: 30_000 });
  const state = await page.evaluate(() => window.course.state());
  assert.equal(state.servers[2].status, 'crashed');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('hostile messages get an error reply naming the field, and the page still works', async () => {
  const page = await course();
  const replies = await page.evaluate(async () => {
    const frame = document.querySelector('[data-testid="frame"]').contentWindow;
    const origin = new URL(document.querySelector('[data-testid="frame"]').src).origin;
    const cyclic = { action: 'crash_leader' };
    cyclic.self = cyclic;
    const messages = [
      { id: 'h1', command: 'seek', timeMs: 'soon' },
      { id: 'h2', command: 'seek', timeMs: -5 },
      { id: 'h3', command: 'act', action: { action: 'crash', node: 'S1' } },
      { id: 'h4', command: 'act', action: cyclic },
      { id: 'h5', command: 'explode' },
      { id: 'h6', command: 'open', scenario: 'no-such-scenario' },
      { id: 'h7', command: 'state', extra: 1 },
      { id: 'x'.repeat(5000), command: 'state' },
      { id: 'h9', command: 'speed', speed: 1e9 },
      { id: 'h10', command: 'open', document: '{"not": "a run"' },
      { id: 'h11', command: 'act', action: 'x'.repeat(100000) },
      { id: 'h12', command: 'open', tour: 'elections', step: 1.5 },
    ].map((m) => ({ type: 'raft-playground', v: 1, ...m }));
    messages.push({ type: 'raft-playground', v: 2, id: 'h13', command: 'state' });
    const got = [];
    const listener = (e) => { if (e.data?.type === 'raft-playground' && e.data.id !== undefined) got.push(e.data); };
    window.addEventListener('message', listener);
    for (const m of messages) frame.postMessage(m, origin);
    const until = Date.now() + 10_000;
    while (got.length < messages.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    window.removeEventListener('message', listener);
    return got.map((r) => ({ id: r.id === null ? null : r.id.slice(0, 8), ok: r.ok, field: r.error?.field ?? null, message: r.error?.message }));
  });
  const byId = Object.fromEntries(replies.map((r) => [r.id, r]));
  const expect = { h1: 'timeMs', h2: 'timeMs', h3: 'action', h4: 'action', h5: 'command', h6: 'scenario', h7: null, h9: 'speed', h10: 'document', h11: 'action', h12: 'step', h13: 'v' };
  for (const [id, field] of Object.entries(expect)) {
    assert.ok(byId[id], `a reply to ${id}: ${JSON.stringify(replies)}`);
    assert.equal(byId[id].ok, false, `${id} refused`);
    assert.equal(byId[id].field, field, `${id}: ${byId[id].message}`);
  }
  assert.match(byId.h7.message, /unknown field 'extra'/);
  assert.match(byId.h4.message, /JSON/);
  const long = replies.find((r) => r.id === null);
  assert.ok(long && long.field === 'id', `the over-long id is refused by name: ${JSON.stringify(replies)}`);

  // Still working: it answers, plays, and its own controls work.
  const state = await page.evaluate(() => window.course.state());
  assert.equal(state.servers.length, 3);
  await page.getByTestId('crash').click();
  await page.waitForFunction(() => /^role \{"node":2,"role":"crashed"/m.test(document.querySelector('[data-testid="log"]').textContent), null, { timeout: 30_000 });
  await page.frameLocator('[data-testid="frame"]').getByTestId('stage').waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a host page whose origin is not allowed is ignored; without origin= the parent is answered', async () => {
  const playground = new URL(BASE_URL);
  // The host pages come from another origin: a server of this test's own on another port.
  const host = (query) => `<!doctype html><title>host</title>
    <iframe id="f" src="${new URL(`?embed${query}`, playground).href}" width="600" height="400"></iframe>
    <script>
      window.ask = (command, wait) => new Promise((resolve) => {
        const f = document.getElementById('f').contentWindow;
        const id = 'q' + Math.random();
        const timer = setTimeout(() => { removeEventListener('message', l); resolve(null); }, wait);
        const l = (e) => { if (e.data && e.data.id === id) { clearTimeout(timer); removeEventListener('message', l); resolve(e.data); } };
        addEventListener('message', l);
        f.postMessage({ type: 'raft-playground', v: 1, id, command }, '${playground.origin}');
      });
    </script>`;
  const pages = { '/denied.html': host(`&origin=${encodeURIComponent(playground.origin)}`), '/default.html': host('') };
  const server = createServer((req, res) => {
    const body = pages[req.url];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html' });
    res.end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const other = `http://127.0.0.1:${server.address().port}`;
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  try {
    // Allowed: only the playground's own origin; this host is another origin.
    await page.goto(`${other}/denied.html`);
    const frame = page.frameLocator('#f');
    await frame.getByTestId('stage').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.ask('hello', 3000)), null, 'no answer to a disallowed origin');
    assert.equal(await page.evaluate(() => window.ask('play', 1000)), null);

    // No origin= : the parent, whatever its origin, is answered.
    await page.goto(`${other}/default.html`);
    // The one hello is sent once the frame listens: a message posted while it still loads is
    // lost (the helper, web/embed, sends hello again until answered; this page does not).
    await page.frameLocator('#f').getByTestId('stage').waitFor({ timeout: 60_000 });
    const hello = await page.evaluate(() => window.ask('hello', 30_000));
    assert.equal(hello?.ok, true, JSON.stringify(hello));
    assert.ok(hello.result.servers.length > 0);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test('a sibling frame cannot drive the playground: only its parent is answered', async () => {
  const playground = new URL(BASE_URL);
  // The host (another origin) frames the playground and a second page of its own; the sibling
  // posts to the playground frame through window.parent.frames, which the browser allows.
  const host = `<!doctype html><title>host</title>
    <iframe id="f" name="playground" src="${new URL('?embed', playground).href}" width="600" height="400"></iframe>
    <iframe id="s" src="/sibling.html" width="200" height="100"></iframe>
    <script>
      window.ask = (command, wait) => new Promise((resolve) => {
        const id = 'q' + Math.random();
        const timer = setTimeout(() => { removeEventListener('message', l); resolve(null); }, wait);
        const l = (e) => { if (e.data && e.data.id === id) { clearTimeout(timer); removeEventListener('message', l); resolve(e.data); } };
        addEventListener('message', l);
        document.getElementById('f').contentWindow.postMessage({ type: 'raft-playground', v: 1, id, command }, '*');
      });
    </script>`;
  const sibling = `<!doctype html><title>sibling</title>
    <script>
      window.heard = [];
      addEventListener('message', (e) => window.heard.push(e.data));
      window.send = (fields) => window.parent.frames['playground'].postMessage({ type: 'raft-playground', v: 1, id: 'sib', ...fields }, '*');
    </script>`;
  const pages = { '/host.html': host, '/sibling.html': sibling };
  const server = createServer((req, res) => {
    const body = pages[req.url];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html' });
    res.end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/host.html`);
    await page.frameLocator('#f').getByTestId('stage').waitFor({ timeout: 60_000 });
    // The parent pauses the run and reads where it is.
    const hello = await page.evaluate(() => window.ask('hello', 30_000));
    assert.equal(hello?.ok, true, JSON.stringify(hello));
    const paused = await page.evaluate(() => window.ask('pause', 30_000));
    assert.equal(paused?.ok, true, JSON.stringify(paused));
    const before = await page.evaluate(() => window.ask('state', 30_000));
    assert.equal(before?.ok, true, JSON.stringify(before));
    // The sibling asks to play, seek and open another scenario: nothing happens, nothing answers it.
    const siblingFrame = page.frame({ url: /sibling\.html$/ });
    await siblingFrame.evaluate(() => {
      window.send({ command: 'play' });
      window.send({ command: 'seek', timeMs: 1500 });
      window.send({ command: 'open', scenario: 'split-vote' });
      window.send({ command: 'hello' });
    });
    await page.waitForTimeout(1500);
    const after = await page.evaluate(() => window.ask('state', 30_000));
    assert.equal(after?.ok, true, JSON.stringify(after));
    assert.equal(after.result.playing, false, 'still paused');
    assert.equal(after.result.timeMs, before.result.timeMs, 'time did not move');
    assert.equal(after.result.traceHash, before.result.traceHash, 'the same run');
    assert.equal(after.result.servers.length, before.result.servers.length, 'the same scenario');
    assert.deepEqual(await siblingFrame.evaluate(() => window.heard), [], 'the sibling heard nothing');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
