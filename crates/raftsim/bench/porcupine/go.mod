// Porcupine's side of the lincheck benchmark (scripts/lincheck-bench.sh): built offline against
// the vendored copy, never fetched (GOPROXY=off).
module raftplayground/porcupinebench

go 1.19

require github.com/anishathalye/porcupine v0.0.0

replace github.com/anishathalye/porcupine => ../../../../third_party/porcupine
