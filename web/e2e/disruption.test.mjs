import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const leaderOnStage = '[data-testid="stage-node"][data-state="leader"]';
const node = (id) => `[data-testid="stage-node"][data-id="${id}"]`;

async function leaderNow(page) {
  await runUntil(page, leaderOnStage);
  const leader = page.locator(leaderOnStage);
  return { id: await leader.getAttribute('data-id'), term: Number(await leader.getAttribute('data-term')) };
}

test('with PreVote an isolated server stays a pre-candidate and cannot depose the leader when it returns', async () => {
  const page = await openPage(browser);
  const panel = page.getByTestId('raft-settings');
  await panel.locator('summary').click();
  await page.getByTestId('pre-vote').locator('input').check();
  await page.getByTestId('apply-settings').click();
  const leader = await leaderNow(page);
  const follower = ['1', '2', '3'].find((id) => id !== leader.id);
  await page.locator(node(follower)).dispatchEvent('click');
  await page.getByTestId('inspector').getByRole('button', { name: 'Isolate', exact: true }).click();
  await runUntil(page, `${node(follower)}[data-state="pre-candidate"]`);
  await advance(page, 3000); // several more election timeouts pass
  assert.equal(Number(await page.locator(node(follower)).getAttribute('data-term')), leader.term,
    'a pre-candidate does not raise its term');
  await page.getByTestId('inspector').getByRole('button', { name: 'Heal the network' }).click();
  await runUntil(page, `${node(follower)}[data-state="follower"]`);
  assert.deepEqual(await leaderNow(page), leader, 'the same leader in the same term');
  assert.deepEqual(page.errors, []);
});

test('leadership transfer makes the chosen server leader of the next term', async () => {
  const page = await openPage(browser);
  const leader = await leaderNow(page);
  const target = ['1', '2', '3'].filter((id) => id !== leader.id).at(-1);
  await page.locator(node(target)).dispatchEvent('click');
  await page.getByTestId('transfer-leadership').click();
  await runUntil(page, `${node(target)}[data-state="leader"]`);
  assert.equal(Number(await page.locator(node(target)).getAttribute('data-term')), leader.term + 1);
  assert.equal(await page.locator(`${node(leader.id)}[data-state="follower"]`).count(), 1, 'the old leader follows');
  assert.deepEqual(page.errors, []);
});
