#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): write raft-sim.js beside the page, a stable name for
# the simulator as a JavaScript module (README, "The simulator as a JS module"). trunk names
# the wasm-bindgen glue with a content hash (playground-<hash>.js), which a textbook page cannot
# know (nor the wasm's, which the glue does not name either); raft-sim.js imports the glue,
# loads the wasm beside it and re-exports run(), check(), huntBatch(), shrink() and lincheck()
# (the page's workers, web/hunt/worker.js, import it too: hunts, and history files' checks).
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?trunk sets TRUNK_STAGING_DIR for its hooks}"
glue="$(cd "$dir" && ls playground-*.js | head -n 1)"
wasm="$(cd "$dir" && ls playground-*_bg.wasm | head -n 1)"
[ -n "$glue" ] && [ -n "$wasm" ] || { echo "module-entry.sh: no playground-*.js and *_bg.wasm in $dir" >&2; exit 1; }
cat > "$dir/raft-sim.js" <<JS
// The Raft Playground simulator as an ES module: run(scenario, options),
// check(scenario, options), huntBatch(options) and shrink(scenario, options) return plain objects;
// lincheck(text) the judgement of a history file as JSON text (README, "The simulator as a JS module").
// Written by scripts/module-entry.sh when the page is built.
import init, { run, check, huntBatch, shrink, lincheck } from './$glue';
await init({ module_or_path: new URL('./$wasm', import.meta.url) });
export { run, check, huntBatch, shrink, lincheck };
JS
