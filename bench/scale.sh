#!/usr/bin/env bash
# Issue 8's scale targets: a 5 MiB template of any shape loads and checks in well under
# a second. bench/scale.py writes one template per shape, just under the 5 MiB limit;
# each is checked from a cold process with every built-in policy (sam off), and the wall
# time and peak RSS (/usr/bin/time) are recorded.
# Usage: bench/scale.sh [RUNS] [--write]   (after `make build`)
#   --write  replaces the "Scale" section of docs/benchmarks.md with the figures.
# PREFLIGHT=path/to/preflight overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 3 "$@"
bin=${PREFLIGHT:-target/release/preflight}
loader=target/release/examples/load_timed
[ -x "$bin" ] || { echo "build first: make build (or set PREFLIGHT)" >&2; exit 2; }
# The loader alone (the same cargo shape as the build, so nothing else recompiles).
cargo build --release --workspace --all-features --example load_timed >/dev/null 2>&1 ||
  { echo "cannot build $loader" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PREFLIGHT_CACHE_DIR=$work/cache
python3 bench/scale.py "$work/t"

# "median_wall_s its_cpu_s max_rss_mib exit_code" over $runs runs of one command
# (CPU = user + system: on a shared machine the wall time also counts waiting).
measure() {
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M %x" -o "$work/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$work/time"
  done | sort -n | awk '{w[NR]=$1; c[NR]=$2+$3; if ($4>m) m=$4; x=$5} END {i=int((NR+1)/2); printf "%.2f %.2f %.0f %s\n", w[i], c[i], m/1024, x}'
}

table=$work/table.md
{
  echo "| shape | file | size | load wall / CPU | check wall / CPU (median of $runs) | check peak RSS | exit |"
  echo "|---|---|---|---|---|---|---|"
  for f in many-keys.yaml many-keys.json flow-seq.yaml flow-seq.json deep.yaml flow-nesting.yaml flow-seq-nesting.yaml flow-map-nesting.yaml json-nesting.json many-resources.yaml many-resources.json linked-resources.yaml linked-resources-sam.yaml; do
    path=$work/t/$f
    size=$(stat -c %s "$path")
    read -r lwall lcpu _ _ < <(measure "$loader" "$path")
    read -r wall cpu rss code < <(measure "$bin" check "$path" --sam off --format json)
    shape=${f%.*}
    echo "| $shape | $f | $((size / 1024)) KiB | $lwall s / $lcpu s | $wall s / $cpu s | $rss MiB | $code |"
  done
  echo
  echo "| diff | statements changed | wall / CPU (median of $runs) | peak RSS | exit |"
  echo "|---|---|---|---|---|"
  for n in 5000 20000; do
    read -r wall cpu rss code < <(measure "$bin" diff "$work/t/diff-$n-old.yaml" "$work/t/diff-$n-new.yaml" --format json)
    echo "| \`preflight diff\` of one role's policy | $n | $wall s / $cpu s | $rss MiB | $code |"
  done
} > "$table"
echo "machine: $(nproc) cores, $(uname -srm); binary: $bin"
cat "$table"

if [ "$write" = yes ]; then
  python3 - "$table" "$(nproc)" <<'PY'
import re, sys
table = open(sys.argv[1]).read()
section = ("## Scale (issue 8)\n\n"
           "`bench/scale.sh`: one template per shape, each just under the 5 MiB limit "
           "(`bench/scale.py` writes them), checked from a cold process with every built-in "
           f"policy, sam off, on {sys.argv[2]} cores. Exit 1 means findings were reported "
           "(the shapes are not clean templates); 2 would be a load error. The load columns time "
           "`template/examples/load_timed` (the loader alone, allocating as the binary does) as a "
           "whole process; the peak is the largest of the runs. The diff rows compare two "
           "templates whose role policy has N statements, every one changed.\n\n" + table + "\n")
path = "docs/benchmarks.md"
text = open(path).read()
pattern = re.compile(r"## Scale \(issue 8\)\n.*?(?=\n## |\Z)", re.S)
text = pattern.sub(section.rstrip("\n") + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
fi
