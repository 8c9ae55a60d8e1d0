// Porcupine beside `raftsim lincheck` on Porcupine's 108 test histories, in the same run:
// the 102 Jepsen histories of etcd that porcupine_test.go judges (checkJepsen(t, N, verdict)) and
// the 6 key-value histories (the verdict in the name: -ok / -bad). Called by
// scripts/lincheck-bench.sh, which builds both sides.
//
//   node scripts/lincheck-bench.mjs --porcupine BIN --raftsim BIN [--runs 3] [--out-dir target/bench]
//
// Each round runs every history once on each side, one process per history and side, the two
// sides back to back and in alternating order, so that the load of a shared machine falls on
// both alike; a history's time on a side is the median of its rounds. Times are what each side
// reports for parsing and checking, not process start-up: Porcupine's CheckEvents gives a
// verdict and nothing else, so ours is timed to its verdict (verdict_us) beside it, like for
// like, and with the explanation a person reads (elapsed_us: the partial linearizations, the
// culprit, the operations that cannot be ordered) in a column of its own. Speed is reported, never
// asserted (a benchmark is not a timed test); the verdicts are: exit 1 if either side gives a
// history another verdict than Porcupine's test expects, 2 if a side does not run.
// Writes the table to OUT_DIR/lincheck.md and the figures to OUT_DIR/lincheck.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.lastIndexOf(name); // the last one given wins
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const die = (code, message) => {
  console.error(`lincheck-bench: ${message}`);
  process.exit(code);
};
const porcupine = opt('--porcupine');
const raftsim = opt('--raftsim');
if (!porcupine || !raftsim) die(2, 'usage: lincheck-bench.mjs --porcupine BIN --raftsim BIN [--runs N] [--out-dir DIR] [--data DIR]');
const runsArg = Number(opt('--runs', '3'));
if (!Number.isInteger(runsArg) || runsArg < 1 || runsArg > 15) die(2, `--runs: expected a whole number from 1 to 15, got '${opt('--runs')}'`);
const runs = runsArg;
const outDir = opt('--out-dir', 'target/bench');
const data = opt('--data', 'third_party/porcupine');
// One history on one side; generous, so that only a hang trips it.
const TIMEOUT_MS = 5 * 60_000;

// The expected verdicts, from Porcupine's own tests.
const expected = new Map();
const tests = readFileSync(join(data, 'porcupine_test.go'), 'utf8');
for (const m of tests.matchAll(/checkJepsen\(t, (\d+), (true|false)\)/g)) {
  expected.set(join(data, 'test_data/jepsen', `etcd_${m[1].padStart(3, '0')}.log`), m[2] === 'true' ? 'ok' : 'violation');
}
for (const name of readdirSync(join(data, 'test_data/kv')).sort()) {
  const m = /^(c\d+)-(ok|bad)\.txt$/.exec(name);
  if (m) expected.set(join(data, 'test_data/kv', name), m[2] === 'ok' ? 'ok' : 'violation');
}
const files = [...expected.keys()].sort();
if (files.length !== 108) die(2, `expected 108 histories with a known verdict under ${data}, found ${files.length}`);

// Both sides print one JSON object per file. raftsim lincheck's exit code follows the verdict
// (3: a violation, another when the budget ran out), so the JSON line is what counts: a verdict
// that is not the expected one is reported with the others below, a side that prints none stops
// the benchmark.
function judge(side, file) {
  const [bin, argv] = side === 'porcupine' ? [porcupine, [file]] : [raftsim, ['lincheck', file, '--json']];
  const r = spawnSync(bin, argv, { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
  if (r.error) die(2, `${side} on ${file}: ${r.error.message}`);
  const failed = () => `${side} on ${file}: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.trim() || r.stdout.slice(0, 200)}`;
  let out;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    die(2, failed());
  }
  if (out === null || typeof out !== 'object' || out.error !== undefined) die(2, failed());
  for (const field of side === 'porcupine' ? ['verdict', 'operations', 'elapsed_us'] : ['verdict', 'operations', 'verdict_us', 'elapsed_us']) {
    if (out[field] === undefined) die(2, `${side} on ${file}: no '${field}' in ${JSON.stringify(out)}`);
  }
  return out;
}

const started = process.hrtime.bigint();
const results = new Map(files.map((f) => [f, { porcupine: [], ours: [] }]));
for (let round = 0; round < runs; round++) {
  files.forEach((file, i) => {
    const order = (round + i) % 2 === 0 ? ['porcupine', 'ours'] : ['ours', 'porcupine'];
    for (const side of order) results.get(file)[side].push(judge(side, file));
  });
}
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const problems = [];
const rows = files.map((file) => {
  const r = results.get(file);
  const verdictOf = (side) => {
    const vs = [...new Set(r[side].map((o) => o.verdict))];
    if (vs.length > 1) problems.push(`${file}: ${side} gave different verdicts in different rounds (${vs.join(', ')})`);
    return vs.join('/');
  };
  const row = {
    history: file.slice(join(data, 'test_data').length + 1),
    expected: expected.get(file),
    operations: r.porcupine[0].operations,
    our_operations: r.ours[0].operations,
    porcupine_verdict: verdictOf('porcupine'),
    our_verdict: verdictOf('ours'),
    porcupine_ms: median(r.porcupine.map((o) => o.elapsed_us)) / 1000,
    our_ms: median(r.ours.map((o) => o.verdict_us)) / 1000,
    our_explained_ms: median(r.ours.map((o) => o.elapsed_us)) / 1000,
    our_steps: r.ours[0].steps,
  };
  if (row.porcupine_verdict !== row.expected) problems.push(`${row.history}: Porcupine says ${row.porcupine_verdict}, its test expects ${row.expected}`);
  if (row.our_verdict !== row.expected) problems.push(`${row.history}: raftsim lincheck says ${row.our_verdict}, Porcupine's test expects ${row.expected}`);
  return row;
});
// Not a failure (the counts are each side's own), but worth a look: the parsers should agree.
const opNotes = rows
  .filter((r) => r.operations !== r.our_operations)
  .map((r) => `${r.history}: Porcupine's parser finds ${r.operations} operations, ours ${r.our_operations}`);

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const worst = (key) => rows.reduce((w, r) => (r[key] > w[key] ? r : w));
const summary = {
  histories: rows.length,
  runs,
  porcupine_total_ms: sum(rows.map((r) => r.porcupine_ms)),
  our_total_ms: sum(rows.map((r) => r.our_ms)),
  our_explained_total_ms: sum(rows.map((r) => r.our_explained_ms)),
  porcupine_worst: { history: worst('porcupine_ms').history, ms: worst('porcupine_ms').porcupine_ms },
  our_worst: { history: worst('our_ms').history, ms: worst('our_ms').our_ms },
  our_explained_worst: { history: worst('our_explained_ms').history, ms: worst('our_explained_ms').our_explained_ms },
  ours_at_least_as_fast: rows.filter((r) => r.our_ms <= r.porcupine_ms).length,
  ours_explained_at_least_as_fast: rows.filter((r) => r.our_explained_ms <= r.porcupine_ms).length,
  wall_seconds: wallSeconds,
  disagreements: problems,
};

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
// Porcupine's time over ours: above 1, ours is faster.
const ratio = (p, o) => {
  if (!(o > 0)) return p > 0 ? 'inf' : '1.00x';
  const r = p / o;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
};
const lines = [
  `lincheck speed: Porcupine (Go, third_party/porcupine) beside raftsim lincheck on Porcupine's ${rows.length} test histories, ` +
    `median of ${runs} round${runs > 1 ? 's' : ''}, parse + check per history (ms). Porcupine's CheckEvents gives the verdict alone; ` +
    `"ours" is raftsim lincheck to its verdict (like for like), "ours explained" adds the evidence it prints for a violation ` +
    `(partial linearizations, culprit, operations that cannot be ordered; Porcupine has no such step)`,
  '',
  '| history | ops | expected | Porcupine | ours | Porcupine ms | ours ms | Porcupine ÷ ours | ours explained ms |',
  '|---|---:|---|---|---|---:|---:|---:|---:|',
  ...rows.map((r) =>
    `| ${r.history} | ${r.operations} | ${r.expected} | ${r.porcupine_verdict} | ${r.our_verdict} | ${ms(r.porcupine_ms)} | ${ms(r.our_ms)} | ${ratio(r.porcupine_ms, r.our_ms)} | ${ms(r.our_explained_ms)} |`),
  '',
  '| | Porcupine | ours | Porcupine ÷ ours | ours explained | Porcupine ÷ ours explained |',
  '|---|---:|---:|---:|---:|---:|',
  `| total ms | ${ms(summary.porcupine_total_ms)} | ${ms(summary.our_total_ms)} | ${ratio(summary.porcupine_total_ms, summary.our_total_ms)} | ${ms(summary.our_explained_total_ms)} | ${ratio(summary.porcupine_total_ms, summary.our_explained_total_ms)} |`,
  `| worst ms | ${ms(summary.porcupine_worst.ms)} (${summary.porcupine_worst.history}) | ${ms(summary.our_worst.ms)} (${summary.our_worst.history}) | ${ratio(summary.porcupine_worst.ms, summary.our_worst.ms)} | ${ms(summary.our_explained_worst.ms)} (${summary.our_explained_worst.history}) | ${ratio(summary.porcupine_worst.ms, summary.our_explained_worst.ms)} |`,
  '',
  `ours at least as fast as Porcupine on ${summary.ours_at_least_as_fast} of ${rows.length} histories to the verdict, ` +
    `on ${summary.ours_explained_at_least_as_fast} with the explanation; ` +
    `the whole comparison took ${wallSeconds.toFixed(1)} s (${runs} round${runs > 1 ? 's' : ''}, both sides, process start-up included).`,
  ...opNotes.map((n) => `note: ${n}`),
  ...(problems.length ? ['', `VERDICTS DISAGREE (${problems.length}):`, ...problems.map((p) => `- ${p}`)] : [`every verdict is Porcupine's expected one, on both sides.`]),
];
const table = lines.join('\n');
console.log(table);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'lincheck.md'), `${table}\n`);
writeFileSync(join(outDir, 'lincheck.json'), `${JSON.stringify({ summary, rows }, null, 1)}\n`);
process.exit(problems.length ? 1 : 0);
