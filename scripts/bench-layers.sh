#!/usr/bin/env bash
# What a warm event costs layer by layer, in the side-by-side harness (../shared/bench/): the
# floor (std TCP, no SDK), lambda_runtime alone, lambda_runtime plus one SDK call
# (examples/bench_layers.rs), then the release bootstrap itself, each beside the Python peer.
# Needs the harness beside the project (BENCH_DIR); prints the harness's warm CPU rows.
set -euo pipefail
cd "$(dirname "$0")/.."
bench_dir=${BENCH_DIR:-../shared/bench}
if [[ ! -f "$bench_dir/compare.py" ]]; then
  echo "bench-layers: no harness at $bench_dir (set BENCH_DIR)" >&2
  exit 2
fi
cargo build --locked --release --bin bootstrap --example bench_layers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
example="$PWD/target/release/examples/bench_layers"
for layer in floor runtime sdk-call; do
  # The harness runs a command without arguments; the wrapper execs, so it measures the binary.
  printf '#!/bin/sh\nBENCH_LAYER=%s exec %q\n' "$layer" "$example" > "$work/$layer"
  chmod +x "$work/$layer"
done
printf '%-10s %-15s %12s %12s %7s\n' layer handler "CPU/event" "peer" ratio
for candidate in floor runtime sdk-call bootstrap; do
  command="$work/$candidate"
  [[ $candidate == bootstrap ]] && command="$PWD/target/release/bootstrap"
  if ! "${BENCH_PYTHON:-python3}" "$bench_dir/compare.py" --candidate "$command" --cold 20 \
    --json "$work/$candidate.json" > "$work/$candidate.out" 2>&1; then
    cat "$work/$candidate.out" >&2
    exit 1
  fi
  "${BENCH_PYTHON:-python3}" - "$candidate" "$work/$candidate.json" <<'PY'
import json, sys
layer, path = sys.argv[1], sys.argv[2]
run = json.load(open(path))
for handler, result in run["results"].items():
    mine, peer = result["candidate"]["warm_cpu_us"], result["peer"]["warm_cpu_us"]
    print(f"{layer:<10} {handler:<15} {mine:>9.0f} us {peer:>9.0f} us {peer / mine:>6.1f}x")
print(f"{layer:<10} load average before {run['meta']['load_before']}, after {run['meta']['load_after']}")
PY
done
