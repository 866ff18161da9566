#!/usr/bin/env bash
# Benchmark of the guard policy against native cfn-guard 3.2.1 (issue 4's target: preflight
# takes at most half of cfn-guard's wall time for the same rules x templates):
#
#   cfn-guard validate -r RULES -d CORPUS                       (its default output)
#   cfn-guard validate -r RULES -d CORPUS --structured -o json  (its cheapest output)
#   preflight audit CORPUS --rules RULES --policy guard --sam off [--format json]
#
# RULES is every rules file of the AWS Guard Rules Registry; CORPUS is every
# CloudFormation template of serverless-patterns that loads (copied into one directory:
# cfn-guard stops a directory run at the first file it cannot read).
#
# Usage: bench/guard.sh [RUNS] [--write]   (after `make build tools`)
#   --write  replaces the "Guard" section of docs/benchmarks.md with the figures.
# PREFLIGHT=path/to/preflight and CFN_GUARD=path/to/cfn-guard override the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 3 "$@"
bin=${PREFLIGHT:-target/release/preflight}
guard=${CFN_GUARD:-target/tools/bin/cfn-guard}
shared=../shared/corpus
rules=$shared/aws-guard-rules-registry/rules
patterns=$shared/serverless-patterns
[ -x "$bin" ] || { echo "build first: make build (or set PREFLIGHT)" >&2; exit 2; }
[ -x "$guard" ] || { echo "native cfn-guard is missing: make tools (or set CFN_GUARD)" >&2; exit 2; }
[ -d "$rules" ] && [ -d "$patterns" ] || { echo "SKIPPED: $shared is absent" >&2; exit 0; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PREFLIGHT_CACHE_DIR=$work/cache
corpus=$work/corpus
mkdir -p "$corpus"
# CloudFormation templates without a parse error, per the corpus index.
awk -F'\t' 'NR > 1 && $4 == "1" && $7 == "" { print $1 }' "$patterns/_templates.tsv" |
  while read -r path; do cp "$patterns/$path" "$corpus/${path//\//__}"; done
templates=$(find "$corpus" -type f | wc -l)
rule_files=$(find "$rules" -name '*.guard' | wc -l)
# Warm the compile cache, so runs measure evaluation (the build embeds precompiled
# policies; this matters only for a binary built without them).
"$bin" check "$(find "$corpus" -type f | head -1)" --sam off --policy guard --rules "$rules" >/dev/null 2>&1 || true

# One command, $runs times: prints "median_s min_s max_s peak_rss_mib cpu_s" (the CPU
# time of the median run).
measure() {
  local i out
  for i in $(seq "$runs"); do
    out=$work/time.$i
    /usr/bin/time -q -f "%e %M %U %S" -o "$out" "$@" >/dev/null 2>&1 || true
    cat "$out"
  done | sort -n | awk '{w[NR]=$1; c[NR]=$3+$4; if ($2>m) m=$2} END {
    printf "%.2f %.2f %.2f %.0f %.2f\n", w[int((NR+1)/2)], w[1], w[NR], m/1024, c[int((NR+1)/2)]}'
}

load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "machine: $(nproc) cores, $(uname -srm), load average $load_before; $rule_files rules files x $templates templates; $runs runs each"
native_default=$(measure "$guard" validate -r "$rules" -d "$corpus")
echo "cfn-guard validate (default output):         $native_default  (wall median min max s, peak MiB, CPU s)"
native_json=$(measure "$guard" validate -r "$rules" -d "$corpus" --structured -o json --show-summary none)
echo "cfn-guard validate --structured -o json:     $native_json"
ours_human=$(measure "$bin" audit "$corpus" --rules "$rules" --policy guard --sam off)
echo "preflight audit --policy guard:              $ours_human"
ours_json=$(measure "$bin" audit "$corpus" --rules "$rules" --policy guard --sam off --format json)
echo "preflight audit --policy guard --format json: $ours_json"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { echo "$1" | cut -d' ' -f1; }
peak() { echo "$1" | cut -d' ' -f4; }
cpu() { echo "$1" | cut -d' ' -f5; }
r_default=$(ratio "$(median "$ours_human")" "$(median "$native_default")")
r_json=$(ratio "$(median "$ours_json")" "$(median "$native_json")")
echo
echo "ratio, default outputs (preflight human / cfn-guard default): $r_default"
echo "ratio, JSON outputs (preflight json / cfn-guard structured json): $r_json"

if [ "$write" = yes ]; then
  doc=docs/benchmarks.md
  section=$work/section.md
  cat >"$section" <<EOF
## Guard

\`bench/guard.sh\` ($(date -u +%Y-%m-%d)): every rules file of the AWS Guard Rules Registry
($rule_files files) over every CloudFormation template of serverless-patterns that loads
($templates templates, copied into one directory), median of $runs runs, on $(nproc) cores
($(uname -srm); load average $load_before before the runs: other work on the machine
slows preflight, which uses every core, more than cfn-guard, which uses one). Native
cfn-guard is the crates.io 3.2.1 release (\`make tools\`).

| command | wall median (min-max) | CPU (user+sys) | peak RSS |
|---|---|---|---|
| \`cfn-guard validate -r RULES -d CORPUS\` | $(median "$native_default") s ($(echo "$native_default" | cut -d' ' -f2)-$(echo "$native_default" | cut -d' ' -f3)) | $(cpu "$native_default") s | $(peak "$native_default") MiB |
| \`cfn-guard validate -r RULES -d CORPUS --structured -o json --show-summary none\` | $(median "$native_json") s ($(echo "$native_json" | cut -d' ' -f2)-$(echo "$native_json" | cut -d' ' -f3)) | $(cpu "$native_json") s | $(peak "$native_json") MiB |
| \`preflight audit CORPUS --rules RULES --policy guard --sam off\` | $(median "$ours_human") s ($(echo "$ours_human" | cut -d' ' -f2)-$(echo "$ours_human" | cut -d' ' -f3)) | $(cpu "$ours_human") s | $(peak "$ours_human") MiB |
| \`preflight audit CORPUS --rules RULES --policy guard --sam off --format json\` | $(median "$ours_json") s ($(echo "$ours_json" | cut -d' ' -f2)-$(echo "$ours_json" | cut -d' ' -f3)) | $(cpu "$ours_json") s | $(peak "$ours_json") MiB |

Ratio of wall times, preflight / cfn-guard: **$r_default** with each tool's default output,
**$r_json** with JSON output on both sides (cfn-guard's structured JSON skips its summary
formatting, which is most of the difference between its two rows). Target: at most 0.5.

EOF
  cat "$(dirname "$0")/guard-notes.md" >>"$section"
  if [ -f "$doc" ]; then
    # Replace the Guard section (up to the next "## " heading), or append it.
    awk -v section="$section" '
      /^## Guard$/ { while ((getline line < section) > 0) print line; skip = 1; next }
      skip && /^## / { skip = 0 }
      !skip { print }
    ' "$doc" >"$work/doc.md"
    grep -q '^## Guard$' "$doc" || { echo >>"$work/doc.md"; cat "$section" >>"$work/doc.md"; }
    cp "$work/doc.md" "$doc"
  else
    { echo "# Benchmarks"; echo; cat "$section"; } >"$doc"
  fi
  echo "wrote the Guard section of $doc"
fi
