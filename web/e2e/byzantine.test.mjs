import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a Byzantine server breaks Raft: a double vote gives two leaders in one term', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('byzantine-double-vote');
  await runUntil(page, '[data-testid="monitor"] li[data-property="Election Safety"][data-broken="true"]');
  assert.ok(await page.locator('[data-testid="stage-node"][data-state="leader"]').count() >= 2, 'two leaders on the stage');
  assert.deepEqual(page.errors, []);
});

test('the inspector switches a server to Byzantine behaviours and back', async () => {
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('play').click();
  await page.locator('[data-testid="stage-node"][data-id="3"]').dispatchEvent('click');
  const vote = page.locator('[data-testid="byzantine"][data-behaviour="vote_for_all"]');
  assert.match(await vote.innerText(), /^Byzantine: vote for every candidate/);
  await vote.click();
  assert.match(await vote.innerText(), /^Stop: vote for every candidate/);
  await vote.click();
  assert.match(await vote.innerText(), /^Byzantine: /);
  assert.deepEqual(page.errors, []);
});
