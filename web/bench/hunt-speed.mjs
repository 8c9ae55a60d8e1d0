// The hunt's speed: `raftsim check` natively with 1 and 2 threads beside the page's "Find a
// bug" in headless Chromium with 1 and N Web Workers (N = navigator.hardwareConcurrency), the
// same campaign (safe rules, `--seeds`, default 3,000) on the same machine in the same test
// run. A report, not a speed test: it prints seeds and events per second for each, and fails
// only if a side does not run or the seeds and events differ between sides (the same campaign
// must run the same seeds to the same events everywhere).
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ RAFTSIM=target/release/raftsim \
//     node bench/hunt-speed.mjs [--seeds 3000] [--json]
// The page's figure is real time from Start to the last worker's answer (data-elapsed-ms):
// what a student waits, workers' start-up included.
import { execFileSync } from 'node:child_process';
import { launch, openPage } from '../e2e/browser.mjs';

const args = process.argv.slice(2);
const seeds = Math.min(100_000, Math.max(10, Number(args[args.indexOf('--seeds') + 1] || 3000) || 3000));
const asJson = args.includes('--json');
const raftsim = process.env.RAFTSIM;
if (!raftsim) {
  console.error('hunt-speed: set RAFTSIM to the release raftsim binary (cargo build --release -p raftsim)');
  process.exit(2);
}
const fail = (message) => {
  console.error(`hunt-speed: ${message}`);
  process.exit(1);
};

const rows = [];
for (const threads of [1, 2]) {
  const out = JSON.parse(execFileSync(raftsim, ['check', '--seeds', String(seeds), '--threads', String(threads), '--json'], { encoding: 'utf8' }));
  if (out.failure) fail(`raftsim check found a violation in a safe campaign: ${JSON.stringify(out.failure)}`);
  rows.push({ side: `native, ${threads} thread${threads > 1 ? 's' : ''}`, seeds: out.seeds_run, events: out.events, seconds: out.seconds });
}

const browser = await launch();
try {
  const probe = await openPage(browser);
  await probe.waitForSelector('[data-testid="hunt-panel"]', { timeout: 120_000 });
  const cores = Math.max(1, await probe.evaluate(() => navigator.hardwareConcurrency || 1));
  await probe.close();
  for (const workers of [...new Set([1, cores])]) {
    const page = await openPage(browser, `?hunt-workers=${workers}`);
    await page.waitForSelector('[data-testid="hunt-panel"]', { timeout: 120_000 });
    await page.getByTestId('hunt-seeds').fill(String(seeds));
    await page.getByTestId('hunt-start').click();
    await page.waitForSelector('[data-testid="hunt-panel"]:not([data-phase="running"]):not([data-phase="idle"])', { timeout: 30 * 60_000 });
    const panel = page.getByTestId('hunt-panel');
    const phase = await panel.getAttribute('data-phase');
    if (phase !== 'nothing') fail(`the page's hunt with ${workers} workers ended '${phase}': ${await page.getByTestId('hunt-outcome').innerText()}`);
    if (page.errors.length) fail(`console errors: ${page.errors.join('; ')}`);
    rows.push({
      side: `wasm, ${workers} worker${workers > 1 ? 's' : ''}`,
      seeds: Number(await panel.getAttribute('data-seeds')),
      events: Number(await panel.getAttribute('data-events')),
      seconds: Number(await panel.getAttribute('data-elapsed-ms')) / 1000,
    });
    await page.close();
  }
} finally {
  await browser.close();
}

for (const r of rows) {
  if (r.seeds !== rows[0].seeds || r.events !== rows[0].events) {
    fail(`${r.side} ran ${r.seeds} seeds and ${r.events} events, ${rows[0].side} ${rows[0].seeds} and ${rows[0].events}`);
  }
  r.seeds_per_second = r.seeds / Math.max(r.seconds, 1e-9);
  r.events_per_second = r.events / Math.max(r.seconds, 1e-9);
}
if (asJson) {
  console.log(JSON.stringify({ seeds, rows }));
} else {
  console.log(`hunt speed: raftsim check's campaign, safe rules, ${seeds} seeds, ${rows[0].events.toLocaleString('en-US')} events on every side`);
  console.log('| side | seeds/s | events/s | seconds |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.side} | ${r.seeds_per_second.toFixed(0)} | ${Math.round(r.events_per_second).toLocaleString('en-US')} | ${r.seconds.toFixed(2)} |`);
  }
}
