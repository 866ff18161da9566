#!/usr/bin/env bash
# Issue 12's targets, per policy language, with the same rule ("every S3 bucket turns on
# versioning", as `preflight policy new --lang L` writes it; the Rego file from
# runner/tests/fixtures/rego):
#   1. the first compile of the component (once per machine and policy version);
#   2. a cold `check` of one template with that policy alone, component cached
#      (target for Python and JavaScript: <= 100 ms), and where its time goes (the
#      host's debug log: mapping the compiled component, linking, the first call with
#      the instantiation, the evaluation);
#   3. the serverless-patterns audit with that policy alone (target: <= 2 s), and from
#      it the warm cost of one evaluation.
# Usage: bench/languages.sh [RUNS] [--write]   (after `make build test-deps`)
#   --write  replaces the block between the bench/languages.sh markers in
#            docs/benchmarks.md.
# Takes a few minutes: building the Python and JavaScript components is most of it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/lib.sh
bench_args 10 "$@"
bin=${PREFLIGHT:-$root/target/release/preflight}
corpus=$root/../shared/corpus/serverless-patterns
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 2; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent" >&2; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PREFLIGHT_CACHE_DIR=$work/cache NO_COLOR=1
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

build() { # lang -> prints the component path
  local lang=$1 dir=$work/acme-$1
  "$bin" policy new "acme-$lang" --lang "$lang" --dir "$dir" >/dev/null
  case $lang in
    rust)
      (cd "$dir" && CARGO_TARGET_DIR=$root/target/scaffold-test cargo build --quiet --release --target wasm32-wasip2)
      echo "$root/target/scaffold-test/wasm32-wasip2/release/acme_rust.wasm" ;;
    python) make -s -C "$dir" COMPONENTIZE_PY="$root/target/venv/bin/componentize-py" >/dev/null; echo "$dir/acme-python.wasm" ;;
    js) make -s -C "$dir" COMPONENTIZE_JS="$root/target/node/node_modules/.bin/componentize-js" >/dev/null; echo "$dir/acme-js.wasm" ;;
  esac
}

ms() { python3 -c "import sys; print('%.0f' % (float(sys.argv[1]) * 1000))" "$1"; }
# The host's own account of one cold check (the median of 5 runs of each step).
breakdown() {
  for _ in 1 2 3 4 5; do
    PREFLIGHT_LOG=preflight=trace "$@" 2>&1 >/dev/null | grep -E ' (loaded|evaluated)' || true
  done | python3 -c '
import re, sys, statistics
unit = {"ns": 1e-6, "µs": 1e-3, "ms": 1.0, "s": 1e3}
steps = {}
after_load = False
for line in sys.stdin:
    # Each run logs: the metadata call, "loaded", then the evaluation.
    if " evaluated" in line and not after_load:
        continue
    after_load = " loaded" in line
    for key, value, u in re.findall(r"(\w+)=([0-9.]+)(ns|µs|ms|s)\b", line):
        key = "evaluate" if key == "elapsed" else key
        steps.setdefault(key, []).append(float(value) * unit[u])
order = ["component", "linked", "metadata", "evaluate"]
print(" / ".join("%s %.1f" % (k, statistics.median(steps[k])) for k in order if k in steps) + " ms")'
}

template=$work/acme-python/tests/fixtures/bucket_versioning.yaml
n=$(find "$corpus" -name 'template.y*ml' | wc -l)
table=$work/table.md
{
  echo "| language | component | first compile | cold check, cached: wall (min) / CPU | its steps (host log, medians) | audit, that policy alone: wall / CPU | per evaluation, warm |"
  echo "|---|---|---|---|---|---|---|"
} > "$table"
for lang in rust python js rego; do
  if [ "$lang" = rego ]; then
    policy=(--rego "$root/runner/tests/fixtures/rego/policy/versioning.rego"); only=rego; size="(built-in)"
    first="(precompiled)"
  else
    wasm=$(build "$lang"); size=$(du -h "$wasm" | cut -f1)
    printf '[policies.acme-%s]\npath = "%s"\nsha256 = "%s"\n' "$lang" "$wasm" "$(sha256sum "$wasm" | cut -d' ' -f1)" > "$work/preflight.toml"
    policy=(--config "$work/preflight.toml"); only=acme-$lang
    rm -rf "$PREFLIGHT_CACHE_DIR"
    read -r fw _ _ _ < <(measure 1 "$bin" check --sam off "${policy[@]}" --policy "$only" "$template")
    first="$fw s"
  fi
  cold=("$bin" check --sam off "${policy[@]}" --policy "$only" "$template")
  "${cold[@]}" >/dev/null 2>&1 || true
  read -r cw cmin cc _ < <(measure "$runs" "${cold[@]}")
  steps=$(breakdown "${cold[@]}")
  read -r aw _ ac _ < <(measure 3 "$bin" audit --sam off "${policy[@]}" --policy "$only" "$corpus")
  per=$(python3 -c 'import sys; print("%.2f ms" % ((float(sys.argv[1]) - float(sys.argv[2])) * 1e3 / int(sys.argv[3])))' "$aw" "$cw" "$n")
  echo "| $lang | $size | $first | $(ms "$cw") ms ($(ms "$cmin")) / $(ms "$cc") ms | $steps | $aw s / $ac s | $per |" >> "$table"
done
{
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(uname -srm)), load average $load_before before and $(cut -d' ' -f1-3 /proc/loadavg) after; cold check: median of $runs runs; audit: median of 3 over $n template.yaml/yml files. Per evaluation, warm: (audit - cold check) / templates, on warm reusable instances (one per worker)."
} >> "$table"
cat "$table"

if [ "$write" = yes ]; then
  write_block bench/languages.sh "$table"
fi
