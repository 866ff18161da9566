# Sourced by the bench scripts (after they cd to the repository root): the argument
# handling and the report writing they share.

# bench_args DEFAULT_RUNS ARGS...: sets `runs` (the first argument that is not a flag,
# else DEFAULT_RUNS) and `write` (yes with --write, else no).
bench_args() {
  runs=$1
  shift
  write=no
  for arg in "$@"; do
    case $arg in
      --write) write=yes ;;
      *) runs=$arg ;;
    esac
  done
}

# write_block NAME TABLE_FILE: puts the file's text between the markers
# `<!-- NAME -->` and `<!-- /NAME -->` of docs/benchmarks.md, replacing what stood there
# (the block is appended when the markers are absent).
write_block() {
  python3 - "$1" "$2" <<'PY'
import sys
name, table = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
path = "docs/benchmarks.md"
text = open(path).read()
start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
block = f"{start}\n{table}\n{end}"
if start in text and end in text:
    text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
  echo "wrote docs/benchmarks.md"
}

# measure N COMMAND...: "median_wall_s min_wall_s median_cpu_s max_rss_mib" over N runs of
# COMMAND (GNU time; CPU = user + system: on a shared machine wall time also counts
# waiting for a core).
measure() {
  local n=$1 out
  shift
  out=$(mktemp)
  for _ in $(seq "$n"); do
    /usr/bin/time -q -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>&1 || true
    tail -1 "$out"
  done | python3 -c '
import statistics, sys
rows = [[float(x) for x in line.split()] for line in sys.stdin if line.strip()]
wall = [r[0] for r in rows]
cpu = [r[1] + r[2] for r in rows]
print("%.3f %.3f %.3f %.0f" % (statistics.median_low(wall), min(wall), statistics.median_low(cpu), max(r[3] for r in rows) / 1024))'
  rm -f "$out"
}
