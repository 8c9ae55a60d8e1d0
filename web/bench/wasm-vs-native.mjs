// The simulator's speed in the page: `raftsim bench`'s workload run natively (the release
// binary) and in the page's wasm in headless Chromium (`?bench`, see crates/playground/src/
// bench_page.rs), in the same test run, on the same machine: `--runs` rounds (default 3) of one
// native run and one wasm run, each side keeping its fastest. A benchmark, not a speed test: it prints
// events per second for both and the ratio (the goal is wasm within 1.3x of native), and fails
// only if a side does not run or the two traces differ (same scenario, so the same trace).
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ RAFTSIM=target/release/raftsim \
//     node bench/wasm-vs-native.mjs [--runs 3] [--json]
import { execFileSync } from 'node:child_process';
import { launch, openPage, pageUrl } from '../e2e/browser.mjs';

const args = process.argv.slice(2);
const runs = Math.min(10, Math.max(1, Number(args[args.indexOf('--runs') + 1] || 3) || 3));
const asJson = args.includes('--json');
const raftsim = process.env.RAFTSIM;
if (!raftsim) {
  console.error('wasm-vs-native: set RAFTSIM to the release raftsim binary (cargo build --release -p raftsim)');
  process.exit(2);
}

function fail(message) {
  console.error(`wasm-vs-native: ${message}`);
  process.exit(1);
}

// Rounds of one native run then one run in the page, keeping each side's fastest: on a shared
// machine the load drifts, and alternating exposes both sides to the same drift.
const browser = await launch();
let native;
let wasm;
try {
  const page = await openPage(browser, '', { hook: false });
  for (let i = 0; i < runs; i++) {
    const n = JSON.parse(execFileSync(raftsim, ['bench', '--json'], { encoding: 'utf8' }));
    if (!native || n.wall_seconds < native.wall_seconds) native = n;
    // The page runs the workload itself when its address asks (?bench) and shows the result.
    await page.goto(pageUrl('?bench&runs=1', false));
    await page.waitForSelector('[data-testid="bench-result"][data-state]', { timeout: 120_000 });
    const result = page.getByTestId('bench-result');
    const state = await result.getAttribute('data-state');
    const text = await result.textContent();
    if (state !== 'done') fail(`the page's benchmark did not run: ${text}`);
    if (page.errors.length) fail(`the page reported errors: ${page.errors.join('; ')}`);
    const w = JSON.parse(text);
    if (!wasm || w.wall_seconds < wasm.wall_seconds) wasm = w;
  }
} finally {
  await browser.close();
}

if (wasm.trace_hash !== native.trace_hash || wasm.events !== native.events) {
  fail(`the traces differ: native ${native.events} events, trace ${native.trace_hash}; ` +
    `wasm ${wasm.events} events, trace ${wasm.trace_hash}`);
}
const ratio = native.events_per_second / wasm.events_per_second;
if (asJson) {
  console.log(JSON.stringify({ runs, native, wasm, ratio }));
} else {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`bench workload: ${native.events} events, ${native.simulated_seconds} simulated s, trace ${native.trace_hash} (identical in both)`);
  console.log(`native (raftsim bench): ${fmt(native.events_per_second)} events/s (fastest of ${runs})`);
  console.log(`wasm (page, Chromium):  ${fmt(wasm.events_per_second)} events/s (fastest of ${runs})`);
  console.log(`ratio native/wasm: ${ratio.toFixed(2)}x (wasm takes ${ratio.toFixed(2)} times native's time; goal 1.3 or less; reported, not a pass/fail threshold)`);
}
