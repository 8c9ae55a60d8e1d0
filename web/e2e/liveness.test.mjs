// The monitor's Liveness section: a run with no leader shows Leader Elected "not yet judged"
// until its bound passes, then "failed" with what was seen; a healthy cluster shows it holding.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, runTo, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const row = (property) => `[data-testid="liveness"] li[data-property="${property}"]`;

test('a round trip above the election timeout fails Leader Elected once its bound has passed', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('live-scenario').selectOption('latency-above-timeout');
  await runTo(page, 3000);
  assert.equal(await page.locator(row('Leader Elected')).getAttribute('data-status'), 'not-judged');
  assert.match(await page.locator(row('Leader Elected')).innerText(), /not yet judged/);
  assert.equal(await page.locator(row('Leader Kept')).getAttribute('data-status'), 'off');
  await runTo(page, 5000);
  const text = await page.locator(row('Leader Elected')).innerText();
  assert.equal(await page.locator(row('Leader Elected')).getAttribute('data-status'), 'failed');
  assert.match(text, /failed at 4849\.2 ms .*no leader that can commit kept its term for 400 ms/);
  // Safety is untouched: every safety property still holds, and the run did not pause.
  assert.equal(await page.locator('.monitor > ul li[data-broken="true"]').count(), 0);
  await page.getByTestId('monitor').screenshot({ path: `${OUTPUT_DIR}liveness-monitor.png` });
  assert.deepEqual(page.errors, []);
});

test('a healthy cluster shows Leader Elected holding', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await runTo(page, 3000);
  assert.equal(await page.locator(row('Leader Elected')).getAttribute('data-status'), 'holding');
  assert.match(await page.locator(row('Leader Elected')).innerText(), /holding \(judged 1×\)/);
  assert.deepEqual(page.errors, []);
});
