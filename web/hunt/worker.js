// A hunt worker (README, "Find a bug"): the page (crates/playground/src/hunt_pool.rs) starts
// one per core and sends each a job at a time: {kind: 'batch', options} runs seeds of a
// `raftsim check` campaign with huntBatch, {kind: 'shrink', scenario, options} shrinks a
// failing scenario; {kind: 'lincheck', text} judges a history file opened on the page
// (store/lincheck.rs), answering its judgement's JSON text. It answers {kind, ok: true, result}
// or {kind, ok: false, error}.
// The simulator is the page's own wasm, imported as a module (../raft-sim.js, written by
// scripts/module-entry.sh); there it does not draw the page (no document).
// The handler is set before the module has loaded, so no job sent meanwhile is lost: each
// waits for the import.
const sim = import('../raft-sim.js');

self.onmessage = async (event) => {
  const { kind, options, scenario, text } = event.data || {};
  try {
    const { huntBatch, shrink, lincheck } = await sim;
    let result;
    if (kind === 'batch') result = huntBatch(options);
    else if (kind === 'shrink') result = shrink(scenario, options);
    else if (kind === 'lincheck') result = lincheck(String(text));
    else throw new Error(`unknown job kind '${kind}' (batch, shrink, lincheck)`);
    self.postMessage({ kind, ok: true, result });
  } catch (e) {
    self.postMessage({ kind, ok: false, error: String((e && e.message) || e) });
  }
};
