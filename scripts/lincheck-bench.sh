#!/usr/bin/env bash
# The linearizability checker's speed beside Porcupine's: builds Porcupine (Go, the vendored copy
# in third_party/porcupine, with the small program in crates/raftsim/bench/porcupine) and the
# release raftsim, then runs both over Porcupine's 108 test histories in the same run and prints
# the per-history table, totals and worst (scripts/lincheck-bench.mjs; also written to
# target/bench/lincheck.md and .json). Speed is reported, not asserted; exits 1 if a verdict
# differs from the one Porcupine's tests expect, 2 if a side cannot be built or run.
#
#   scripts/lincheck-bench.sh [--runs 3]        (RAFTSIM=path skips building raftsim)
#
# Offline: Go from Debian's golang-go (scripts/setup.sh installs it), no module proxy, no
# toolchain download; Go's build cache and module folder stay under target/go.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if ! command -v go >/dev/null; then
  echo "lincheck-bench: no go on PATH; scripts/setup.sh installs Debian's golang-go" >&2
  exit 2
fi
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOENV=off GOTELEMETRY=off
export GOCACHE="$ROOT/target/go/cache" GOPATH="$ROOT/target/go/path"
mkdir -p target/bench
(cd crates/raftsim/bench/porcupine && go build -trimpath -o "$ROOT/target/bench/porcupine-bench" .)

if [ -z "${RAFTSIM:-}" ]; then
  cargo build -q --release -p raftsim
  RAFTSIM="$ROOT/target/release/raftsim"
fi

exec node scripts/lincheck-bench.mjs --porcupine target/bench/porcupine-bench --raftsim "$RAFTSIM" \
  --out-dir target/bench "$@"
