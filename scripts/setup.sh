#!/usr/bin/env bash
# Install whatever the playground needs and is missing; skip what is already there.
# Safe to run again and again: a second run only checks versions.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# trunk (bundler) and wasm-bindgen-cli (also provides wasm-bindgen-test-runner).
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 12 minutes the first time)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION" \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a crate version this registry lacks.
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Debian's Chromium and ChromeDriver for browser tests (never a downloaded browser).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q chromium chromium-driver
fi

# Go from Debian's golang-go, to build Porcupine (third_party/porcupine) for the lincheck
# benchmark (scripts/lincheck-bench.sh). It builds offline: no module proxy, no toolchain download.
if ! command -v go >/dev/null; then
  say "installing golang-go"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q golang-go
fi

# A CJK font, so the page in Chinese (?lang=zh-CN) draws its characters in the browser tests'
# headless Chromium (Debian's Chromium has none otherwise: every character would be a box).
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  say "installing fonts-noto-cjk"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q fonts-noto-cjk
fi

# npm packages: wasm-opt (binaryen@132) and playwright-core. Reinstall only when the lock changes.
stamp=web/node_modules/.package-lock.stamp
if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
  say "installing npm packages in web/"
  (cd web && npm ci --no-audit --no-fund)
  cp web/package-lock.json "$stamp"
fi
