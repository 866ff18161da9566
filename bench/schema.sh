#!/usr/bin/env bash
# Benchmarks of issue 9's targets, side by side in one run, over the same files: every
# `template.y*ml` of serverless-patterns (sam off):
#   1. `preflight audit FILES` with all built-in policies (template, schema, security),
#      without `schema` (the before figure) and `schema` alone, against cfn-lint 1.58.0
#      (one process over all files) and cloudformation-validate 1.14.0 (its Python
#      package, one engine for all files): wall time, CPU time, peak RSS (targets:
#      preflight <= 1 s wall on 2 cores, >= 50x faster than cfn-lint, >= 1.5x faster
#      than cloudformation-validate, <= 300 MiB);
#   2. a cold `preflight check` of one typical template (target <= 30 ms);
#   3. the size the schema policy (and its data) adds to the binary.
# Usage: bench/schema.sh [RUNS] [--write]   (after `make build` and `make test-deps`)
#   --write  replaces the block between the bench/schema.sh markers in docs/benchmarks.md.
# Takes about two minutes on a quiet 2-core machine (cfn-lint alone about one).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 5 "$@"
bin=${PREFLIGHT:-target/release/preflight}
venv=target/venv/bin
corpus=../shared/corpus/serverless-patterns
typical=$corpus/apigw-lambda-dynamodb-stream-lambda/template.yaml
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 2; }
[ -x "$venv/cfn-lint" ] || { echo "install the peers first: make test-deps" >&2; exit 2; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent" >&2; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PREFLIGHT_CACHE_DIR=$work/cache
find "$corpus" -name 'template.y*ml' | sort > "$work/list"
mapfile -t files < "$work/list"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)


read -r all_w all_min all_c all_m < <(measure "$runs" "$bin" audit "${files[@]}" --sam off --format json)
read -r nos_w nos_min nos_c nos_m < <(measure "$runs" "$bin" audit "${files[@]}" --sam off --format json --policy template --policy security)
read -r sch_w sch_min sch_c sch_m < <(measure "$runs" "$bin" audit "${files[@]}" --sam off --format json --policy schema)
read -r cfv_w cfv_min cfv_c cfv_m < <(measure "$runs" "$venv/python" policies/schema/tests/peers/peers.py "$work/list" cloudformation-validate)
# cfn-lint crashes (one traceback; the files after it in the run are never checked) on a
# template whose `Resources` is null or empty, or whose other top-level section is null:
# those few are left out of its run. Its run is then checked to have finished (exit code
# other than 1, a JSON report): a crash part-way would make its time cover only part of
# the files. (Until 2 December 2026 a null `Parameters` stopped it at file 233 of 493,
# and the ratios below were taken against that half run.)
"$venv/python" - "$work/list" > "$work/lint-list" <<'PY'
import sys
from cfnlint.decode import decode
SECTIONS = ("Parameters", "Mappings", "Conditions", "Outputs", "Globals", "Metadata", "Rules")
for path in open(sys.argv[1]).read().split():
    template, _ = decode(path)
    # A file cfn-lint cannot decode is kept: it reports the parse error.
    if isinstance(template, dict) and (
        ("Resources" in template and not template["Resources"])
        or any(k in template and template[k] is None for k in SECTIONS)
    ):
        continue
    print(path)
PY
mapfile -t lint_files < "$work/lint-list"
lint_status=0
/usr/bin/time -q -f "%e %U %S %M" -o "$work/lint-time" "$venv/cfn-lint" --format json --regions us-east-1 -- "${lint_files[@]}" > "$work/lint.json" 2> "$work/lint.err" || lint_status=$?
if [ "$lint_status" = 1 ] || ! "$venv/python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/lint.json" 2>/dev/null; then
  echo "cfn-lint did not finish its run (exit $lint_status); its figure would cover only part of the files:" >&2
  tail -5 "$work/lint.err" >&2
  exit 1
fi
read -r lint_w lint_min lint_c lint_m < <(tail -1 "$work/lint-time" | python3 -c '
import sys
w, u, s, m = (float(x) for x in sys.stdin.read().split())
print("%.3f %.3f %.3f %.0f" % (w, w, u + s, m / 1024))')
lint_checked=$("$venv/python" -c 'import json, sys; print(len({m["Filename"] for m in json.load(open(sys.argv[1]))}))' "$work/lint.json")
read -r cold_w cold_min cold_c cold_m < <(measure $((runs * 4)) "$bin" check "$typical" --sam off)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
ms() { python3 -c "import sys; print('%.0f ms' % (float(sys.argv[1]) * 1000))" "$1"; }
mib() { python3 -c "import os, sys; print('%.2f MiB' % (os.path.getsize(sys.argv[1]) / 1048576 if os.path.exists(sys.argv[1]) else 0))" "$1"; }

table=$work/table.md
{
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(uname -srm)), load average $load_before before and $load_after after; ${#files[@]} files; wall and CPU are medians of $runs runs (cfn-lint: 1), CPU = user + system."
  echo
  echo "| command | wall (min) | CPU | peak RSS | target |"
  echo "|---|---|---|---|---|"
  echo "| \`preflight audit FILES --sam off --format json\` (template, schema, security) | $all_w s ($all_min) | $all_c s | $all_m MiB | <= 1 s, <= 300 MiB |"
  echo "| the same, \`--policy template --policy security\` (no schema) | $nos_w s ($nos_min) | $nos_c s | $nos_m MiB | |"
  echo "| the same, \`--policy schema\` | $sch_w s ($sch_min) | $sch_c s | $sch_m MiB | |"
  echo "| cloudformation-validate 1.14.0, one engine | $cfv_w s ($cfv_min) | $cfv_c s | $cfv_m MiB | |"
  echo "| cfn-lint 1.58.0, one process, ${#lint_files[@]} of the files (it crashes on those whose \`Resources\` is null or empty or another section null; it ran to the end, findings in $lint_checked files) | $lint_w s | $lint_c s | $lint_m MiB | |"
  echo "| \`preflight check\` of \`$(basename "$(dirname "$typical")")/template.yaml\`, cold process ($((runs * 4)) runs) | $(ms "$cold_w") ($(ms "$cold_min")) | $(ms "$cold_c") | $cold_m MiB | <= 30 ms |"
  echo
  echo "Wall-time ratios (median): cfn-lint / preflight **$(ratio "$lint_w" "$all_w")x** (target >= 50x); cloudformation-validate / preflight **$(ratio "$cfv_w" "$all_w")x** (target >= 1.5x). CPU ratios: $(ratio "$lint_c" "$all_c")x and $(ratio "$cfv_c" "$all_c")x."
  echo
  # The guests as the build embedded them (runner/builtins builds them into its OUT_DIR).
  guests=$(dirname "$(ls -t target/release/build/preflight-builtins-*/out/guests/wasm32-wasip2/release/preflight_policy_schema.wasm 2>/dev/null | head -1)")
  for p in template schema security; do
    echo "- built-in \`$p\`: component $(mib "$guests/preflight_policy_${p}.wasm"), precompiled $(mib "target/precompiled/$p.cwasm")"
  done
  echo "- schema data (\`policies/schema/data/schemas.bin\`) $(mib policies/schema/data/schemas.bin); preflight binary $(mib "$bin")"
} > "$table"
cat "$table"

if [ "$write" = yes ]; then
  write_block bench/schema.sh "$table"
fi
