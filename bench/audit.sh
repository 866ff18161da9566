#!/usr/bin/env bash
# Benchmarks of issue 2's targets, over the shared corpus:
#   1. `preflight audit` of serverless-patterns with the built-in policies, sam off:
#      wall time and peak memory (target: <= 2 s, <= 300 MiB on 2 cores);
#   2. `preflight check` of one typical SAM template from a cold process, sam off
#      (target: <= 30 ms).
# Usage: bench/audit.sh [RUNS]   (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bin=target/release/preflight
corpus=../shared/corpus/serverless-patterns
typical=$corpus/apigw-lambda-dynamodb-stream-lambda/template.yaml
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 2; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent" >&2; exit 0; }
# A fresh compile cache, so the run measures the embedded precompiled policies.
export PREFLIGHT_CACHE_DIR=$(mktemp -d)
trap 'rm -rf "$PREFLIGHT_CACHE_DIR"' EXIT

measure() { # prints "wall_seconds max_rss_kib" for one run of "$@"
  /usr/bin/time -q -f "%e %M" -o /tmp/preflight-bench.$$ "$@" >/dev/null 2>&1 || true
  cat /tmp/preflight-bench.$$
}

stats() { # reads "wall rss" lines, prints min/median/max wall and max rss
  sort -n | awk '{w[NR]=$1; if ($2>m) m=$2} END {printf "wall min %.3f s, median %.3f s, max %.3f s; peak RSS %.1f MiB\n", w[1], w[int((NR+1)/2)], w[NR], m/1024}'
}

echo "machine: $(nproc) cores, $(uname -srm)"
echo "templates: $(find "$corpus" -name '*.y*ml' -o -name '*.json' | wc -l) files under $corpus"
echo
timed() { # label, runs, command...: wall statistics (hyperfine when installed) and peak RSS
  local label=$1 n=$2; shift 2
  echo "$label"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup 2 --runs "$n" -i --export-json /tmp/preflight-bench.json "$*" >/dev/null 2>&1
    python3 -c 'import json; r=json.load(open("/tmp/preflight-bench.json"))["results"][0]; print("wall mean %.1f ms ± %.1f ms, min %.1f ms, max %.1f ms (hyperfine, %d runs)" % (r["mean"]*1e3, r["stddev"]*1e3, r["min"]*1e3, r["max"]*1e3, len(r["times"])))'
  fi
  for _ in $(seq "$n"); do measure "$@"; done | stats
  echo
}

timed "audit serverless-patterns (built-in policies, sam off):" "$runs" "$bin" audit "$corpus" --sam off --format json
timed "check one typical template from a cold process ($typical, sam off):" $((runs * 5)) "$bin" check "$typical" --sam off
