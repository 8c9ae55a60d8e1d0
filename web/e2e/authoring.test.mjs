// Authoring a tour on the page: play a built-in, add two moments as steps with picked claims
// and a task recorded from the teacher's own action, export the tour, check the file with
// `raftsim tour` (cargo build --release -p raftsim first), import it back and play it as a
// tour. Screenshots of the panel at 1366×800 and 390×844 go to target/e2e/test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch, openPage, runTo, OUTPUT_DIR } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const RAFTSIM = process.env.RAFTSIM ?? '../target/release/raftsim';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe's serious and critical findings inside the author panel. */
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run('[data-testid="authoring"]', {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0].target.join(' ')})`);
}

async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

async function note(page) {
  return page.getByTestId('author-note').innerText();
}

/** Tick the offered claims whose sentence matches `pattern`; returns their sentences. */
async function pickClaims(page, pattern, most = 3) {
  const labels = page.getByTestId('author-claims').locator('label');
  const texts = await labels.allInnerTexts();
  const picked = [];
  for (let i = 0; i < texts.length && picked.length < most; i++) {
    if (pattern.test(texts[i])) {
      await labels.nth(i).locator('input').check();
      picked.push(texts[i].trim());
    }
  }
  return picked;
}

async function play(page) {
  if ((await page.getByTestId('play').innerText()) === 'Play') await page.getByTestId('play').click();
}

test('a teacher turns a run into a tour that raftsim accepts, imports it and plays it', async () => {
  const page = await openPage(browser);
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.getByTestId('stage').waitFor();
  await runTo(page, 1_500);
  const panel = page.getByTestId('authoring');
  await panel.locator('summary').click();
  await page.getByTestId('author-id').fill('authored-on-the-page');
  await page.getByTestId('author-title').fill('A tour made on the page');
  await page.getByTestId('author-summary').fill('An election, then the leader crashes.');

  // Step 1: the moment after the first election.
  await page.getByTestId('author-add').click();
  assert.match(await note(page), /^Step 1 added at 1500 ms/);
  assert.equal(await page.getByTestId('play').innerText(), 'Play', 'adding a moment pauses the run');
  const first = await pickClaims(page, /is leader in term|log has length/);
  assert.ok(first.some((t) => /^S\d is leader in term \d+$/.test(t)), first.join('; '));
  await page.getByTestId('author-step-title').fill('A leader');
  await page.getByTestId('author-step-text').fill('One server won the election.\n\nIt now sends heartbeats.');
  await page.getByTestId('author-node').first().check();
  await page.getByTestId('author-kind').nth(2).check(); // AppendEntries

  // Its task: crash the leader, from this moment, and wait for a new one.
  await page.getByTestId('author-task-record').click();
  await page.getByTestId('crash-leader').click();
  await settle(page);
  assert.match(await page.getByTestId('author-task').innerText(), /1 action\(s\) so far/);
  await play(page);
  await runTo(page, 3_500);
  await page.getByTestId('author-task-finish').click();
  const goals = page.getByTestId('author-task').locator('label:has([data-testid="author-goal"])');
  const goalTexts = await goals.allInnerTexts();
  const newLeader = goalTexts.findIndex((t) => t.startsWith('a new leader'));
  assert.ok(newLeader >= 0, goalTexts.join('; '));
  await goals.nth(newLeader).locator('input').check();
  await page.getByTestId('author-task-prompt').fill('Crash the leader and wait for a new one.');
  await page.getByTestId('author-task-success').fill('A follower timed out and won an election.');
  await page.getByTestId('author-task-save').click();
  assert.equal(await note(page), 'Task saved on step 1.');

  // Step 2: later in the same run.
  await play(page);
  await runTo(page, 4_000);
  await page.getByTestId('author-add').click();
  const second = await pickClaims(page, /is crashed|is leader in term/);
  assert.ok(second.some((t) => /is crashed/.test(t)), second.join('; '));
  await page.getByTestId('author-step-title').fill('A new leader');
  await page.getByTestId('author-step-text').fill('The old leader is down; another server leads.');
  assert.equal(await page.getByTestId('author-step').count(), 2);

  // Labelled, and usable from the keyboard: Tab reaches the step's title from the step list,
  // and Enter on a step's button selects it.
  assert.deepEqual(await audit(page), []);
  await page.locator('.author-pick').first().focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('author-step-title').inputValue(), 'A leader');
  await page.locator('.author-pick').nth(1).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('author-step-title').inputValue(), 'A new leader');

  mkdirSync(OUTPUT_DIR, { recursive: true });
  await panel.screenshot({ path: join(OUTPUT_DIR, 'authoring-1366.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await settle(page);
  await panel.screenshot({ path: join(OUTPUT_DIR, 'authoring-390.png') });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px on a phone`);
  await page.setViewportSize({ width: 1366, height: 800 });

  // Export: the file raftsim checks.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('author-export').click()]);
  assert.equal(download.suggestedFilename(), 'authored-on-the-page.json');
  const file = join(OUTPUT_DIR, 'authored-on-the-page.json');
  await download.saveAs(file);
  const tour = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(tour.steps.length, 2);
  assert.equal(tour.steps[0].builtin, 'first-election');
  assert.deepEqual(tour.steps[0].task.solution, [{ action: 'crash_leader', mode: 'recover' }]);
  assert.equal(tour.steps[1].builtin, undefined, 'step 2 continues step 1\'s run');
  const checked = execFileSync(RAFTSIM, ['tour', file, '--text'], { encoding: 'utf8' });
  assert.match(checked, /A new leader/);

  // A tour that does not hold is refused by the same checker (the test can fail).
  const broken = structuredClone(tour);
  broken.steps[0].claims.push({ check: 'no_leader' });
  const brokenFile = join(OUTPUT_DIR, 'authored-broken.json');
  writeFileSync(brokenFile, JSON.stringify(broken));
  assert.throws(() => execFileSync(RAFTSIM, ['tour', brokenFile], { encoding: 'utf8', stdio: 'pipe' }));

  // Import it back: it plays as a tour, and every claim holds at its pause.
  await page.getByTestId('author-import').setInputFiles(file);
  await page.getByTestId('tour').waitFor();
  assert.match(await note(page), /Opened the tour 'authored-on-the-page' \(2 steps\)/);
  assert.equal(await page.getByTestId('tour-step-title').innerText(), '1. A leader');
  await runTo(page, 1_500);
  await settle(page);
  const tourText = await page.getByTestId('tour').innerText();
  assert.match(tourText, /Now you try: Crash the leader and wait for a new one\./);
  await page.getByTestId('crash-leader').click();
  await play(page);
  await runTo(page, 4_500);
  await settle(page);
  assert.equal(await page.getByTestId('tour-task').getAttribute('data-done'), 'true');
  await page.getByTestId('tour-next').click();
  assert.equal(await page.getByTestId('tour-step-title').innerText(), '2. A new leader');

  // A hostile file is refused naming the field; the draft stays.
  const hostile = join(OUTPUT_DIR, 'authored-hostile.json');
  writeFileSync(hostile, JSON.stringify({ ...tour, steps: [{ ...tour.steps[0], pause_ms: 'soon' }] }));
  await page.getByTestId('author-import').setInputFiles(hostile);
  await settle(page);
  assert.match(await note(page), /could not be opened: .*steps\[0\]\.pause_ms/);
  assert.equal(await page.getByTestId('author-step').count(), 2);
  assert.deepEqual(page.errors, []);
});

test('a small tour travels in a link that opens it as a tour', async () => {
  const file = join(OUTPUT_DIR, 'authored-on-the-page.json');
  const page = await openPage(browser);
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('authoring').locator('summary').click();
  await page.getByTestId('author-import').setInputFiles(file);
  await page.getByTestId('tour').waitFor();
  await page.getByTestId('author-link').click();
  const link = page.getByTestId('author-link-text');
  await link.waitFor();
  const href = await link.inputValue();
  assert.match(href, /#tour1\./);
  const other = await openPage(browser, href.slice(href.indexOf('#')));
  await other.getByTestId('tour').waitFor();
  assert.equal(await other.getByTestId('tour-step-title').innerText(), '1. A leader');
  // Its "Link to this step" carries the tour too (it has no #tour/ID/N address).
  await other.getByTestId('tour-link').click();
  const again = other.getByTestId('author-link-text');
  await again.waitFor({ state: 'attached' });
  assert.match(await again.inputValue(), /#tour1\./);
  assert.deepEqual([...page.errors, ...other.errors], []);
});
