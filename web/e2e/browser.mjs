// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core (no
// browser download; Playwright gives each launch a fresh temporary profile), and a page wrapper that fails the test on any console error.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

export const BASE_URL = process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A new page that records console errors and page errors in `page.errors`. */
export async function openPage(browser, path = '') {
  const page = await browser.newPage();
  page.errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  await page.goto(new URL(path, BASE_URL).href);
  return page;
}

/** The trace hash the native simulator computes for a built-in scenario. */
export function nativeHash(name) {
  const raftsim = process.env.RAFTSIM ?? '../target/release/raftsim';
  let out;
  try {
    out = execFileSync(raftsim, ['run', name, '--json'], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout; // exit 3 (a violation) still prints the report
  }
  return JSON.parse(out).trace_hash;
}

/** Set the speed slider: 10^exponent times real time (0 is 1x, 1 is 10x, 2 is 100x). */
export async function setSpeed(page, exponent) {
  await page.getByTestId('speed').evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, exponent);
}
