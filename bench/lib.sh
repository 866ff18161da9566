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
