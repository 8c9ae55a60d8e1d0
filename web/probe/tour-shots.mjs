// Screenshots of every step of the named tours (default: the course tours), each at its pause,
// at desktop (1280×800) and phone (390×844) size, into target/shots/tour-ID-STEP-SIZE.png (or
// SHOTS_DIR), with any console error printed. For people to look at: nothing is asserted.
// `PLAYGROUND_URL=http://127.0.0.1:PORT/ TOURS=failure-detection,primary-backup node probe/tour-shots.mjs`
import { launch, openPage, runUntil } from '../e2e/browser.mjs';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const dir = process.env.SHOTS_DIR ?? fileURLToPath(new URL('../../target/shots/', import.meta.url));
mkdirSync(dir, { recursive: true });
const tours = (process.env.TOURS ?? 'logical-clocks,chandy-lamport,primary-backup,failure-detection,two-generals,flood-consensus').split(',');
const sizes = (process.env.SIZES ?? 'desktop,phone').split(',');
const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const browser = await launch();
for (const size of sizes) {
  for (const id of tours) {
    const page = await openPage(browser, `#tour/${id}/1`);
    await page.setViewportSize(viewports[size]);
    await page.getByTestId('tour').waitFor({ timeout: 60_000 });
    const steps = Number(await page.getByTestId('tour').getAttribute('data-steps'));
    for (let step = 1; step <= steps; step++) {
      await page.locator(`[data-testid="tour"][data-step="${step}"]`).waitFor();
      await runUntil(page, `[data-testid="tour"][data-step="${step}"][data-paused="true"]`, { stepMs: 100 });
      await page.screenshot({ path: `${dir}/tour-${id}-${step}-${size}.png`, fullPage: process.env.FULL === "1" });
      if (step < steps) await page.getByTestId('tour-next').click();
    }
    console.log(size, id, steps, 'steps', page.errors.length ? page.errors : 'no errors');
    await page.close();
  }
}
await browser.close();
