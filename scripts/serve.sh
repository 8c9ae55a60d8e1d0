#!/usr/bin/env bash
# Install what is missing, then build and serve the playground on http://127.0.0.1:$PORT/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
PORT="${PORT:-8080}"
echo
echo "Raft Playground: building, then serving at  http://127.0.0.1:${PORT}/  (Ctrl-C stops)"
echo
exec trunk serve --release --port "$PORT" --address 127.0.0.1
