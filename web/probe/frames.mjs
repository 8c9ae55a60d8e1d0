// Frame-time probe: 9 servers under client load at 1x in headless Chromium. Reports the
// intervals between animation frames (the page advances the simulation once per frame), long
// tasks, and how long jumps in time take in wasm. A benchmark, not a test: it prints numbers
// (and JSON with --json) and fails only if the page breaks (console error, no progress).
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ node probe/frames.mjs [--seconds 10] [--json] [--diagram | --no-diagram]
//
// --diagram measures with the space-time diagram open, --no-diagram with it closed; without
// either, as the page opens (the diagram open).
import { launch, openPage } from '../e2e/browser.mjs';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] || 10) || 10;
const asJson = args.includes('--json');
const diagram = !args.includes('--no-diagram');

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, mean, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

const browser = await launch();
try {
  // As people see it: played by animation frames, not by the test hook.
  const page = await openPage(browser, '', { hook: false });
  await page.getByTestId('stage').waitFor();
  await page.getByTestId('client-load').check();
  const toggle = page.getByTestId('diagram-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== String(diagram)) await toggle.click();
  if ((await toggle.getAttribute('aria-expanded')) !== String(diagram)) throw new Error('could not open or close the diagram');
  await page.getByTestId('node-count').selectOption('9');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stage-node"]').length === 9);
  await page.getByTestId('speed').evaluate((input) => {
    input.value = '0'; // 10^0 = 1x
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // Let the cluster elect a leader and the clients start, then measure.
  await page.waitForSelector('[data-testid="stage-node"][data-state="leader"]', { timeout: 20_000 });
  const eventsBefore = Number(await page.getByTestId('clock').getAttribute('data-events'));
  const frames = await page.evaluate((ms) => new Promise((resolve) => {
    const intervals = [];
    const longTasks = [];
    let observer;
    try {
      observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
      observer.observe({ type: 'longtask', buffered: false });
    } catch { /* no long-task timing in this browser */ }
    let last;
    const start = performance.now();
    const tick = (now) => {
      if (last !== undefined) intervals.push(now - last);
      last = now;
      if (now - start < ms) requestAnimationFrame(tick);
      else { observer?.disconnect(); resolve({ intervals, longTasks, messages: document.querySelectorAll('[data-testid="message"]').length }); }
    };
    requestAnimationFrame(tick);
  }), seconds * 1000);
  const eventsAfter = Number(await page.getByTestId('clock').getAttribute('data-events'));

  // Jumps in time: pause, then scrub to random points of the run so far.
  await page.getByTestId('play').click();
  const seeks = [];
  const scrubber = page.getByTestId('scrubber');
  const max = Number(await scrubber.getAttribute('max'));
  let x = 0x2545f491;
  for (let i = 0; i < 40; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift: the same points every time
    const to = Math.floor(((x >>> 0) / 2 ** 32) * max);
    await scrubber.evaluate((input, v) => {
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, to);
    await page.waitForFunction(() => document.querySelector('[data-testid="clock"]')?.dataset.seekMs !== undefined);
    seeks.push(Number(await page.getByTestId('clock').getAttribute('data-seek-ms')));
  }
  if (page.errors.length) throw new Error(`the page reported errors: ${page.errors.join('; ')}`);
  if (eventsAfter <= eventsBefore) throw new Error('the simulation did not advance while probing');

  const frame = stats(frames.intervals);
  const result = {
    nodes: 9, client_load: true, speed: '1x', seconds, diagram: diagram ? 'open' : 'closed',
    frames: frame,
    fps: 1000 / frame.mean,
    frames_over_20ms: frames.intervals.filter((d) => d > 20).length,
    long_tasks: stats(frames.longTasks),
    messages_on_stage_at_end: frames.messages,
    simulated_events: eventsAfter - eventsBefore,
    run_length_ms: max / 1000,
    seek_ms: stats(seeks),
  };
  if (asJson) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f = (v) => v.toFixed(1);
    console.log(`diagram ${result.diagram}: frames: ${frame.count} in ${seconds} s, ${f(result.fps)} fps; interval mean ${f(frame.mean)} ms, p95 ${f(frame.p95)} ms, p99 ${f(frame.p99)} ms, max ${f(frame.max)} ms; ${result.frames_over_20ms} over 20 ms`);
    console.log(`long tasks (> 50 ms): ${result.long_tasks.count}${result.long_tasks.count ? `, max ${f(result.long_tasks.max)} ms` : ''}`);
    console.log(`simulated events meanwhile: ${result.simulated_events}`);
    console.log(`jumps in time (wasm, ${seeks.length} random points of a ${f(result.run_length_ms / 1000)} s run): mean ${result.seek_ms.mean.toFixed(2)} ms, p95 ${result.seek_ms.p95.toFixed(2)} ms, max ${result.seek_ms.max.toFixed(2)} ms`);
  }
} finally {
  await browser.close();
}
