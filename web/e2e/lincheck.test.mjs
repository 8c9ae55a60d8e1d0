// A history file brought to the page (Jepsen's log, Porcupine's key-value format): opened
// through the import button or dropped on the page, judged in wasm by the same checker as
// `raftsim lincheck`, drawn with its unorderable operations highlighted and its partial
// linearization scrubbable; a malformed file gets a message naming the line and field, and the
// run behind the history is untouched when it closes. And all 108 of Porcupine's test histories get
// the verdict its tests expect in the page's wasm, as they do natively (porcupine_agreement.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, advance, simState } from './browser.mjs';

const DATA = fileURLToPath(new URL('../../third_party/porcupine/test_data/', import.meta.url));
// Porcupine's porcupine_test.go: checkJepsen(t, 2, true), checkJepsen(t, 97, false).
const GOOD = join(DATA, 'jepsen/etcd_002.log');
const BAD = join(DATA, 'jepsen/etcd_097.log');
const KV_BAD = join(DATA, 'kv/c01-bad.txt');

/** `raftsim lincheck FILE --json` (exit 0 linearizable, 3 not): its report. */
function native(file) {
  const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';
  let out;
  try {
    out = execFileSync(raftsim, ['lincheck', file, '--json'], { encoding: 'utf8' });
  } catch (e) {
    if (e.status !== 3) throw e;
    out = e.stdout;
  }
  return JSON.parse(out);
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function importFile(page, file) {
  await page.getByTestId('import').setInputFiles(file);
}

async function verdict(page) {
  const v = page.getByTestId('lincheck-verdict');
  await v.waitFor({ timeout: 60_000 });
  return {
    verdict: await v.getAttribute('data-verdict'),
    operations: Number(await v.getAttribute('data-operations')),
    partitions: Number(await v.getAttribute('data-partitions')),
  };
}

async function stepOf(page) {
  return Number(await page.getByTestId('lincheck-state').getAttribute('data-step'));
}

/**
 * Porcupine's 108 histories with the verdict its own tests expect: the 102 Jepsen logs named by
 * `checkJepsen(t, N, true|false)` in porcupine_test.go, the 6 key-value logs by their names.
 */
function porcupineCases() {
  const cases = [];
  const tests = readFileSync(join(DATA, '../porcupine_test.go'), 'utf8');
  for (const m of tests.matchAll(/checkJepsen\(t, (\d+), (true|false)\)/g)) {
    cases.push({ name: `jepsen/etcd_${m[1].padStart(3, '0')}.log`, expected: m[2] === 'true' ? 'ok' : 'violation' });
  }
  for (const name of readdirSync(join(DATA, 'kv')).sort()) {
    const m = /^c\d+-(ok|bad)\.txt$/.exec(name);
    if (m) cases.push({ name: `kv/${name}`, expected: m[1] === 'ok' ? 'ok' : 'violation' });
  }
  return cases;
}

test('all 108 of Porcupine\'s histories get its verdict in the page\'s wasm', async () => {
  const cases = porcupineCases();
  assert.equal(cases.length, 108);
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  // The page's simulator as a module (the one its workers import), judging each text as a
  // history opened on the page is judged: same code, same step budget.
  const verdicts = [];
  for (let i = 0; i < cases.length; i += 12) {
    const batch = cases.slice(i, i + 12).map((c) => ({ name: c.name, text: readFileSync(join(DATA, c.name), 'utf8') }));
    verdicts.push(...await page.evaluate(async (batch) => {
      const sim = await import(new URL('raft-sim.js', document.baseURI).href);
      return batch.map(({ name, text }) => {
        try {
          return { name, verdict: JSON.parse(sim.lincheck(text)).verdict };
        } catch (e) {
          return { name, verdict: `error: ${e.message ?? e}` };
        }
      });
    }, batch));
  }
  const wrong = cases
    .map((c, k) => ({ ...c, got: verdicts[k].verdict }))
    .filter((c) => c.got !== c.expected)
    .map((c) => `${c.name}: ${c.got}, Porcupine's tests expect ${c.expected}`);
  assert.deepEqual(wrong, [], 'every verdict is Porcupine\'s');
  assert.equal(verdicts.filter((v) => v.verdict === 'ok').length, 23 + 3, '23 Jepsen and 3 key-value histories are linearizable');
  assert.deepEqual(page.errors, []);
});

test('a linearizable Jepsen history gets raftsim lincheck\'s verdict and closes back to the run', async () => {
  const page = await openPage(browser);
  await advance(page, 300);
  const before = await simState(page);
  await importFile(page, GOOD);
  const shown = await verdict(page);
  const cli = native(GOOD);
  assert.equal(shown.verdict, cli.verdict, 'the page and the CLI agree');
  assert.equal(shown.verdict, 'ok', 'Porcupine: etcd_002 is linearizable');
  assert.equal(shown.operations, cli.operations);
  assert.equal(shown.partitions, cli.partitions);
  assert.equal(shown.partitions, 1, 'a register is one partition');
  const bars = page.getByTestId('lincheck-op');
  assert.equal(await bars.count(), shown.operations, 'a bar per operation');
  const lanes = await page.locator('[data-testid="lincheck"] .lane-label').allTextContents();
  assert.ok(lanes.length >= 2 && lanes.every((l) => /^P\d+$/.test(l)), `a lane per process: ${lanes}`);
  assert.equal(await page.locator('[data-testid="lincheck-op"][data-unorderable="true"]').count(), 0);
  assert.match(await page.getByTestId('lincheck-explain').innerText(), /instant|moment/);
  // The whole history is one linearization: every operation has its step, but those that
  // never returned may be left out (they did not take effect).
  const total = Number(await page.getByTestId('lincheck-scrub').getAttribute('max'));
  const left = await page.locator('[data-testid="lincheck-op"][data-dimmed="true"]').count();
  assert.equal(await page.locator('[data-testid="lincheck-op"][data-dimmed="true"]:not(.open)').count(), 0);
  assert.equal(total + left, shown.operations);
  assert.equal(await page.getByTestId('lincheck-point').count(), total, 'a tick per step');
  assert.equal(await page.getByTestId('stage').count(), 0, 'the history has the page');
  await page.getByTestId('lincheck-close').click();
  await page.getByTestId('stage').waitFor();
  const after = await simState(page);
  assert.equal(after.traceHash, before.traceHash, 'the run is as it was');
  assert.equal(after.nowMs, before.nowMs);
  assert.deepEqual(page.errors, []);
});

test('a violation highlights the operations that cannot be ordered and scrubs its partial linearization', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await importFile(page, BAD);
  const shown = await verdict(page);
  const cli = native(BAD);
  assert.equal(shown.verdict, cli.verdict);
  assert.equal(shown.verdict, 'violation', 'Porcupine: etcd_097 is not linearizable');
  assert.equal(shown.operations, cli.operations);
  assert.equal(shown.partitions, cli.partitions);
  const flagged = page.locator('[data-testid="lincheck-op"][data-unorderable="true"]');
  const listed = await page.locator('[data-testid="lincheck-unorderable"] li').count();
  assert.ok(listed > 0, 'the unorderable operations are listed');
  assert.equal(await flagged.count(), listed, 'and highlighted');
  const lines = (await flagged.evaluateAll((gs) => gs.map((g) => Number(g.dataset.line)))).sort((a, b) => a - b);
  assert.deepEqual(lines, cli.unorderable.map((o) => o.line).sort((a, b) => a - b), 'the CLI\'s unorderable operations');
  const stroke = await flagged.first().locator('rect').evaluate((r) => getComputedStyle(r).stroke);
  assert.equal(stroke, 'rgb(192, 38, 45)', 'drawn red');
  // The partial linearization: scrub it back to the start and step through it.
  const total = Number(await page.getByTestId('lincheck-scrub').getAttribute('max'));
  assert.ok(total > 0 && total < shown.operations, `a partial linearization (${total} of ${shown.operations})`);
  assert.equal(total, cli.partial_linearization.length, 'as long as the CLI\'s longest');
  assert.equal(await stepOf(page), total, 'shown whole at first');
  assert.ok(await page.locator('[data-testid="lincheck-op"][data-dimmed="true"]').count() > 0, 'the rest fade');
  await page.getByTestId('lincheck-scrub').fill('0');
  assert.equal(await stepOf(page), 0);
  assert.equal(await page.getByTestId('lincheck-point').count(), 0);
  const initial = await page.getByTestId('lincheck-state').innerText();
  await page.getByTestId('lincheck-next').click();
  await page.getByTestId('lincheck-next').click();
  assert.equal(await stepOf(page), 2);
  assert.equal(await page.getByTestId('lincheck-point').count(), 2);
  assert.notEqual(await page.getByTestId('lincheck-state').innerText(), initial);
  assert.equal(await page.locator('[data-testid="lincheck-op"].current').count(), 1);
  await page.getByTestId('lincheck-prev').click();
  assert.equal(await stepOf(page), 1);
  // Choosing an unorderable operation shows the longest linearization through it (or the one
  // after which the model refused it).
  const before = await page.getByTestId('lincheck-note').innerText();
  await flagged.first().dispatchEvent('click');
  await page.waitForFunction((b) => document.querySelector('[data-testid="lincheck-note"]').innerText !== b, before);
  assert.equal(await page.locator('[data-testid="lincheck-op"].selected').count(), 1);
  await page.keyboard.press('Escape');
  await page.getByTestId('stage').waitFor();
  assert.deepEqual(page.errors, []);
});

test('a key-value history is shown one key at a time; a dropped file opens too', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  const text = readFileSync(KV_BAD, 'utf8');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'c01-bad.txt', { type: 'text/plain' }));
    const target = document.querySelector('section.live');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);
  const shown = await verdict(page);
  const cli = native(KV_BAD);
  assert.equal(shown.verdict, cli.verdict);
  assert.equal(shown.verdict, 'violation', 'c01-bad is not linearizable');
  assert.ok(shown.partitions > 1, 'partitioned by key');
  assert.equal(shown.partitions, cli.partitions);
  const picker = page.getByTestId('lincheck-partition');
  const options = await picker.locator('option').count();
  assert.equal(options, shown.partitions);
  const first = await picker.inputValue();
  assert.ok(await page.locator('[data-testid="lincheck-op"][data-unorderable="true"]').count() > 0,
    'it opens on a partition that is not linearizable, its culprits highlighted');
  const other = first === '0' ? '1' : '0';
  await picker.selectOption(other);
  await page.waitForFunction((v) => document.querySelector('[data-testid="lincheck-partition"]').value === v, other);
  const bars = await page.getByTestId('lincheck-op').count();
  assert.ok(bars > 0 && bars < shown.operations, 'one key\'s operations');
  assert.deepEqual(page.errors, []);
});

test('a malformed history names the line and the field, and the page keeps working', async () => {
  const page = await openPage(browser);
  await advance(page, 200);
  const dir = mkdtempSync(join(tmpdir(), 'lincheck-'));
  const good = readFileSync(GOOD, 'utf8');
  const file = join(dir, 'broken.log');
  writeFileSync(file, `${good}INFO  jepsen.util - 3\t:ok\t:cas\t[3 x]\n`);
  const line = good.split('\n').filter((l) => l !== '').length + 1;
  await importFile(page, file);
  const alert = page.getByTestId('link-error');
  await alert.waitFor();
  const message = await alert.innerText();
  assert.match(message, new RegExp(`line ${line}\\b`), message);
  assert.match(message, /field/, message);
  assert.equal(await page.getByTestId('lincheck').count(), 0);
  // The run goes on, and a good file still opens.
  const state = await advance(page, 100);
  assert.ok(state.nowMs >= 300);
  await importFile(page, GOOD);
  assert.equal((await verdict(page)).verdict, 'ok');
  assert.deepEqual(page.errors, []);
});
