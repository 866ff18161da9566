#!/usr/bin/env bash
# Issue 12's targets, per policy language, with the same rule ("every S3 bucket turns on
# versioning", as `preflight policy new --lang L` writes it; the Rego file from
# runner/tests/fixtures/rego):
#   1. the first compile of the component (once per machine and policy version);
#   2. a cold `check` of one template with that policy alone, component cached
#      (target for Python and JavaScript: <= 100 ms);
#   3. the serverless-patterns audit with that policy alone (target: <= 2 s), and from
#      it the warm cost of one evaluation.
# Usage: bench/languages.sh [RUNS]   (after `make build test-deps`; writes nothing else)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-10}
bin=$root/target/release/preflight
corpus=$root/../shared/corpus/serverless-patterns
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent" >&2; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PREFLIGHT_CACHE_DIR=$work/cache NO_COLOR=1

echo "machine: $(nproc) cores, $(uname -srm)"
echo "templates: $(find "$corpus" -name 'template.y*ml' | wc -l) template.yaml/yml files under serverless-patterns"
echo

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

ms() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f ms (min %.0f, max %.0f, %d runs)" % (r["mean"]*1e3, r["min"]*1e3, r["max"]*1e3, len(r["times"])))' "$1"; }
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; python3 -c "import time,sys; print('%.2f s' % (time.time()-float(sys.argv[1])))" "$s"; }

template=$work/acme-python/tests/fixtures/bucket_versioning.yaml
printf '| language | component | first compile | cold check, cached | audit, that policy alone | per evaluation, warm |\n|---|---|---|---|---|---|\n' > "$work/table"
for lang in rust python js rego; do
  if [ "$lang" = rego ]; then
    policy="--rego $root/runner/tests/fixtures/rego/policy/versioning.rego"; only=rego; size="(built-in)"
    first="(precompiled)"
  else
    wasm=$(build "$lang"); size=$(du -h "$wasm" | cut -f1)
    printf '[policies.acme-%s]\npath = "%s"\nsha256 = "%s"\n' "$lang" "$wasm" "$(sha256sum "$wasm" | cut -d' ' -f1)" > "$work/preflight.toml"
    policy="--config $work/preflight.toml"; only=acme-$lang
    rm -rf "$PREFLIGHT_CACHE_DIR"
    first=$(seconds "$bin" check --sam off $policy --policy "$only" "$template")
  fi
  # shellcheck disable=SC2086
  hyperfine -N --style none --warmup 2 --runs "$runs" -i --export-json "$work/cold.json" \
    "$bin check --sam off $policy --policy $only $template" >/dev/null 2>&1
  hyperfine -N --style none --warmup 1 --runs 3 -i --export-json "$work/audit.json" \
    "$bin audit --sam off $policy --policy $only $corpus" >/dev/null 2>&1
  n=$(find "$corpus" -name 'template.y*ml' | wc -l)
  per=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["results"][0]["mean"]; c=json.load(open(sys.argv[2]))["results"][0]["mean"]; print("%.2f ms" % ((a-c)*1e3/int(sys.argv[3])))' "$work/audit.json" "$work/cold.json" "$n")
  echo "| $lang | $size | $first | $(ms "$work/cold.json") | $(ms "$work/audit.json") | $per |" >> "$work/table"
done
cat "$work/table"
echo
echo "per evaluation, warm: (audit - cold check) / templates, on warm reusable instances (one per worker)."
