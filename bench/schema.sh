#!/usr/bin/env bash
# Benchmarks of issue 9's targets, side by side in one run, over the same files: every
# `template.y*ml` of serverless-patterns (sam off):
#   1. `preflight audit FILES` with all built-in policies (template, schema, security),
#      and without `schema` (the before figure), against cfn-lint 1.58.0 (one process over
#      all files) and cloudformation-validate 1.14.0 (its Python package, one engine for
#      all files): wall time, CPU time, peak RSS (targets: preflight <= 1 s wall on 2
#      cores, >= 50x faster than cfn-lint, >= 1.5x faster than cloudformation-validate,
#      <= 300 MiB);
#   2. a cold `preflight check` of one typical template (target <= 30 ms);
#   3. the size the schema policy (and its data) adds to the binary.
# Usage: bench/schema.sh [RUNS]   (after `make build` and `make test-deps`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=target/release/preflight
venv=target/venv/bin
corpus=../shared/corpus/serverless-patterns
typical=$corpus/apigw-lambda-dynamodb-stream-lambda/template.yaml
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 2; }
[ -x "$venv/cfn-lint" ] || { echo "install the peers first: make test-deps" >&2; exit 2; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent" >&2; exit 0; }
export PREFLIGHT_CACHE_DIR=$(mktemp -d)
list=$(mktemp)
trap 'rm -rf "$PREFLIGHT_CACHE_DIR" "$list" /tmp/schema-bench.$$' EXIT
find "$corpus" -name 'template.y*ml' | sort > "$list"
mapfile -t files < "$list"

measure() { # one run of "$@": "wall_s cpu_s max_rss_kib"
  /usr/bin/time -q -f "%e %U %S %M" -o /tmp/schema-bench.$$ "$@" >/dev/null 2>&1 || true
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' /tmp/schema-bench.$$
}
stats() { # "wall cpu rss" lines -> median wall (min-max), median cpu, max rss
  sort -n | awk '{w[NR]=$1; c[NR]=$2; if ($3>m) m=$3} END {
    n=asort(c); printf "wall median %.3f s (min %.3f, max %.3f); CPU median %.2f s; peak RSS %.0f MiB\n",
    w[int((NR+1)/2)], w[1], w[NR], c[int((n+1)/2)], m/1024}'
}
row() { # label, runs, command...
  local label=$1 n=$2; shift 2
  printf '%-58s ' "$label"
  for _ in $(seq "$n"); do measure "$@"; done | stats
}

echo "machine: $(nproc) cores, $(uname -srm); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "files: ${#files[@]} template.y*ml under $corpus"
echo
row "preflight audit (template, schema, security)" "$runs" \
  "$bin" audit "${files[@]}" --sam off --format json
row "preflight audit (template, security: no schema)" "$runs" \
  "$bin" audit "${files[@]}" --sam off --format json --policy template --policy security
row "preflight audit (schema only)" "$runs" \
  "$bin" audit "${files[@]}" --sam off --format json --policy schema
row "cloudformation-validate 1.14.0 (Python package, one engine)" "$runs" \
  "$venv/python" policies/schema/tests/peers/peers.py "$list" cloudformation-validate
row "cfn-lint 1.58.0 (one process)" 1 \
  "$venv/cfn-lint" --format json --regions us-east-1 -- "${files[@]}"
echo
row "preflight check (cold, one typical template)" $((runs * 4)) \
  "$bin" check "$typical" --sam off
echo
guests=target/guests/wasm32-wasip2/release
for p in template schema security guard; do
  wasm=$guests/preflight_policy_${p}.wasm
  cwasm=target/precompiled/$p.cwasm
  printf 'built-in %-9s component %6.2f MiB, precompiled %6.2f MiB\n' "$p" \
    "$(echo "$(stat -c %s "$wasm" 2>/dev/null || echo 0) / 1048576" | bc -l)" \
    "$(echo "$(stat -c %s "$cwasm" 2>/dev/null || echo 0) / 1048576" | bc -l)"
done
printf 'schema data (policies/schema/data/schemas.bin) %.2f MiB; preflight binary %.1f MiB\n' \
  "$(echo "$(stat -c %s policies/schema/data/schemas.bin) / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$bin") / 1048576" | bc -l)"
