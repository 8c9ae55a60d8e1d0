import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { advance, launch, openPage, runUntil } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const node = (id) => `[data-testid="stage-node"][data-id="${id}"]`;

/**
 * Click `button` to ask for a membership change. The stage shows the new configuration as soon
 * as the leader appends it, but the next change must wait until that entry commits (one change
 * at a time): while it has not, the page refuses and says so, and a moment later we ask again.
 * Returns whether the change was accepted.
 */
async function askForChange(page, button) {
  const error = page.getByTestId('live-error');
  for (let i = 0; i < 50; i++) {
    await button.click();
    if (await error.count() === 0) return true;
    assert.match(await error.innerText(), /already in progress/);
    if (!(await advance(page, 20)).playing) return false;
  }
  assert.fail('the change was refused for 1 s of virtual time');
}

test('adding servers: outside, learners, joint consensus, then five voters; removing one again', async () => {
  const page = await openPage(browser);
  await page.getByTestId('live-scenario').selectOption('add-server');
  await page.getByTestId('play').click(); // pause at the start
  assert.equal(await page.locator(`${node(4)}[data-membership="outside"]`).count(), 1, 'S4 starts outside the cluster');
  assert.match(await page.getByTestId('configuration').textContent(), /voters \{S1, S2, S3\}/);
  await page.getByTestId('play').click();
  await runUntil(page, () => document.querySelector('[data-testid="configuration"]')?.textContent === 'voters {S1, S2, S3, S4, S5}');
  for (const id of [1, 2, 3, 4, 5]) assert.equal(await page.locator(`${node(id)}[data-membership="voter"]`).count(), 1);
  // The log shows the joint configuration entry, then the new one.
  const cells = await page.getByTestId('log-view').locator('.c').allTextContents();
  assert.ok(cells.includes('C old,new') && cells.includes('C new'), `configuration entries in the log: ${cells}`);

  // Remove S5 through the inspector; the stage shows it outside once C_new commits.
  await page.locator(node(5)).dispatchEvent('click');
  assert.ok(await askForChange(page, page.getByTestId('remove-server')), 'the removal was accepted');
  await runUntil(page, () => document.querySelector('[data-testid="configuration"]')?.textContent === 'voters {S1, S2, S3, S4}');
  assert.equal(await page.locator(`${node(5)}[data-membership="outside"]`).count(), 1);

  // Replace S4 with S5 in one change. (S5 is still selected: clicking it again would close it.)
  // S5 is removed but running; leader liveliness (on by default) keeps it from deposing
  // leaders, but a change needs a leader: pause at a moment when there is one.
  const replace = page.locator('[data-testid="replace-server"][data-old="4"]');
  let accepted = false;
  for (let i = 0; i < 40 && !accepted; i++) {
    await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
    await page.getByTestId('play').click(); // pause
    accepted = await replace.count() > 0 && await askForChange(page, replace);
    await page.getByTestId('play').click();
    if (!accepted) await advance(page, 50);
  }
  assert.ok(accepted, 'the replacement was accepted');
  await runUntil(page, () => document.querySelector('[data-testid="configuration"]')?.textContent === 'voters {S1, S2, S3, S5}');
  assert.equal(await page.locator(`${node(4)}[data-membership="outside"]`).count(), 1);
  assert.deepEqual(page.errors, []);
});

test('a refused membership change says why, and the run goes on', async () => {
  const page = await openPage(browser);
  await runUntil(page, '[data-testid="stage-node"][data-state="leader"]');
  await page.getByTestId('play').click();
  // Two changes at once: the second is refused while the first is under way.
  await page.locator(node(3)).dispatchEvent('click');
  await page.getByTestId('remove-server').click();
  await page.locator(node(2)).dispatchEvent('click');
  await page.getByTestId('remove-server').click();
  assert.match(await page.getByTestId('live-error').innerText(), /refused|in progress/i);
  assert.deepEqual(page.errors, []);
});
