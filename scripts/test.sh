#!/usr/bin/env bash
# Run the tests. Stops at the first failure.
#
#   scripts/test.sh          everything (what CI runs: .ci/run calls this): formatting, clippy, Rust
#                            unit and property tests, the tours, the check campaigns, the benchmarks
#                            (Porcupine beside raftsim lincheck among them),
#                            wasm tests in headless Chromium, the page build, the browser tests,
#                            the frame-time probe, the wasm-vs-native benchmark and the hunt's
#                            speed report. Installs what is missing first.
#   scripts/test.sh quick    the developers' loop: formatting, clippy, Rust unit and property tests
#                            (no campaigns, no wasm, no browser; needs only cargo).
#   scripts/test.sh browser  the page build, the browser end-to-end tests, the frame-time probe,
#                            the wasm-vs-native simulator benchmark and the hunt's speed report.
#
# It runs while ./scripts/serve.sh serves: the page under test is built into target/e2e/dist and
# served from there on a free port, never from dist/, which trunk serve owns (and which it
# rewrites with its live-reload script). trunk serve's watcher ignores target/.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-all}"
case "$MODE" in
  all | quick | browser) ;;
  *) echo "usage: scripts/test.sh [quick|browser]  (no argument: everything)" >&2; exit 2 ;;
esac

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# The page under test: its own trunk output folder (trunk stages into <dist>/.stage).
E2E_DIST=target/e2e/dist

rust_checks() {
  step "formatting"
  cargo fmt --all -- --check

  # The whole workspace, the page included: it builds natively too (web-sys and Yew compile for
  # the host), and it has no target-specific code, so one native pass covers it.
  step "clippy (warnings are errors)"
  cargo clippy --workspace --all-targets -- -D warnings

  # The page's view-models (crates/playground/src/model) are plain Rust: their tests run natively.
  step "Rust unit and property tests"
  cargo test --workspace
}

if [ "$MODE" = quick ]; then
  rust_checks
  step "quick checks passed (scripts/test.sh runs everything)"
  exit 0
fi

bash scripts/setup.sh
source scripts/env.sh

browser_tests() {
  step "page build (trunk, release, into $E2E_DIST)"
  trunk build --release --dist "$E2E_DIST"
  local wasm; wasm="$(ls "$E2E_DIST"/*.wasm)"
  echo "wasm: $(wc -c < "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped (gzip -9; the budget is 400,000)"

  step "browser end-to-end tests (Playwright + Debian Chromium)"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$E2E_DIST" > /dev/null 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
  done
  export PLAYGROUND_URL="http://127.0.0.1:$port/"
  (cd web && node --test e2e/)

  step "frame-time probe: 9 servers under client load at 1x, diagram open and closed (reported)"
  (cd web && node probe/frames.mjs --seconds 5 --diagram && node probe/frames.mjs --seconds 5 --no-diagram)

  # Fails only if a side does not run or the wasm and native traces differ.
  step "simulator speed: raftsim bench's workload in the page's wasm beside native (reported)"
  (cd web && node bench/wasm-vs-native.mjs --runs 3)

  # Fails only if a side does not run or the seeds and events differ between sides.
  step "hunt speed: raftsim check with 1 and 2 threads beside the page's hunt with 1 and N workers (reported)"
  (cd web && node bench/hunt-speed.mjs --seeds 3000)
}

if [ "$MODE" = browser ]; then
  cargo build --release -p raftsim # the tests compare the page's trace hashes with it
  export RAFTSIM="$PWD/target/release/raftsim"
  browser_tests
  step "browser tests passed"
  exit 0
fi

rust_checks

step "guided tours: every claim holds, every task can be done"
cargo run -q --release -p raftsim -- tour >/dev/null
for id in $(cargo run -q --release -p raftsim -- tour | awk 'NF > 2 && $2 ~ /^[0-9]+$/ { print $1 }'); do
  cargo run -q --release -p raftsim -- tour "$id"
done

step "raftsim (release)"
cargo build --release -p raftsim
RAFTSIM="$PWD/target/release/raftsim"

run_campaigns() {
  local out; out="$(mktemp -d)"
  step "check campaign: safe rules, 20000 seeds (must find nothing; the client history must be linearizable, no liveness property may fail)"
  "$RAFTSIM" check --seeds 20000 --out-dir "$out"
  step "check campaign: membership changes, 20000 seeds (must find nothing)"
  "$RAFTSIM" check --seeds 20000 --membership --out-dir "$out"
  step "check campaign: the lease window, 20000 seeds (must find nothing)"
  "$RAFTSIM" check --seeds 20000 --lease-window --out-dir "$out"
  # Each broken rule alone; the last: lease reads with clocks drifting beyond the lease's bound.
  for args in "--unsafe no-vote-restriction" "--unsafe commit-old-terms" "--unsafe no-persist" \
      "--unsafe forget-vote" "--unsafe stale-reads" "--unsafe unsafe-single-server-change" \
      "--unsafe no-dedup" "--lease-window --unsafe stale-reads"; do
    step "check campaign: $args (must find a violation within 20000 seeds)"
    set +e
    # shellcheck disable=SC2086 # $args is a list of flags
    "$RAFTSIM" check --seeds 20000 $args --out-dir "$out"
    code=$?
    set -e
    if [ "$code" -ne 3 ]; then
      echo "expected a violation (exit 3) with $args, got exit $code" >&2
      return 1
    fi
    # The scenarios it wrote (as found, and shrunk) must each reproduce the violation.
    for file in "$out"/raftsim-failure-*.json; do
      set +e
      "$RAFTSIM" run "$file" > /dev/null
      code=$?
      set -e
      [ "$code" -eq 3 ] || { echo "$file for $args did not reproduce (exit $code)" >&2; return 1; }
    done
    [ -n "$(ls "$out"/raftsim-failure-*-shrunk.json 2>/dev/null)" ] || { echo "no shrunk scenario for $args" >&2; return 1; }
    rm -f "$out"/raftsim-failure-*.json
  done
  step "shrink a liveness failure (must exit 6 and write a scenario that still fails)"
  set +e
  "$RAFTSIM" shrink one-way-partition-no-leader --out "$out/liveness-shrunk.json"
  code=$?
  [ "$code" -eq 6 ] && "$RAFTSIM" run "$out/liveness-shrunk.json" > /dev/null
  code2=$?
  set -e
  if [ "$code" -ne 6 ] || [ "$code2" -ne 6 ]; then
    echo "shrinking the liveness built-in: exit $code, its shrunk run: exit $code2 (expected 6 and 6)" >&2
    return 1
  fi
  step "benchmark (reported, not a pass/fail threshold)"
  "$RAFTSIM" bench
  # The same figures for each other protocol: one working built-in each, its run repeated until
  # a million events (README, "Size and speed").
  for scenario in flood-p1-p4 two-generals-all-arrive pb-primary-crash cl-bank-snapshot chain-load fd-crash-detected; do
    "$RAFTSIM" bench --scenario "$scenario"
  done
  step "time-travel benchmark: jumps in a 10-minute run (reported)"
  "$RAFTSIM" seek-bench --minutes 10 --seeks 200
  # Fails only if a side does not build or run, or a verdict is not the one Porcupine's tests expect.
  step "lincheck speed: Porcupine (Go) beside raftsim lincheck on Porcupine's 108 histories (reported)"
  RAFTSIM="$RAFTSIM" scripts/lincheck-bench.sh --runs 3
}
run_campaigns

step "wasm tests in headless Chromium (native vs wasm trace hashes)"
RAFTSIM_NATIVE_HASHES="$("$RAFTSIM" hashes)"
RAFTSIM_NATIVE_BENCH_HASH="$("$RAFTSIM" bench --seconds 5 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace_hash"])')"
# Exit 4: the run's memory budget stopped it, which is what this probe wants.
RAFTSIM_NATIVE_BUDGET_STOP="$({ "$RAFTSIM" run crates/raft-sim/tests/data/heaviest-24h.json --memory-budget-mb 4 --json || [ $? -eq 4 ]; } | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["events"], v["trace_hash"])')"
export RAFTSIM_NATIVE_HASHES RAFTSIM_NATIVE_BENCH_HASH RAFTSIM_NATIVE_BUDGET_STOP
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test -p raft-sim --target wasm32-unknown-unknown --test wasm_determinism

export RAFTSIM
browser_tests

step "all tests passed"
