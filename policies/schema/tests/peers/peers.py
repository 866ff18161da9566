#!/usr/bin/env python3
"""Runs the peers the `schema` policy is compared with, on the files named in a list,
and prints one JSON object a line: {"file", "tool", "rule", "line", "message"}.

    python peers.py LIST.txt [cfn-lint] [cloudformation-validate]

cfn-lint runs as its command-line tool (`cfn-lint --format json`, every rule, region
us-east-1), in batches; cloudformation-validate through its Python package (one engine
for all files). Both come from target/venv (`make test-deps`).
"""

import json
import os
import subprocess
import sys


def cfn_lint(files):
    """In batches of 10; a batch whose run cfn-lint cannot finish (it crashes on some
    templates) is run again file by file, so one template loses only its own results."""
    exe = os.path.join(os.path.dirname(sys.executable), "cfn-lint")

    def run(batch):
        done = subprocess.run(
            [exe, "--format", "json", "--regions", "us-east-1", "--"] + batch,
            capture_output=True, text=True,
        )
        # Exit codes 0, 2, 4, 8 (and their sums) carry a report; 1 is a crash, which
        # prints a traceback and no report at all.
        if done.returncode == 1 or not done.stdout.strip():
            return [] if done.returncode == 0 else None
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            return None

    for i in range(0, len(files), 10):
        batch = files[i : i + 10]
        found = run(batch)
        if found is None:
            found = []
            for one in batch:
                got = run([one])
                if got is None:
                    print(f"cfn-lint: no result for {one}", file=sys.stderr)
                found.extend(got or [])
        for f in found:
            if not f.get("Filename"):
                continue
            yield {
                "file": os.path.abspath(f["Filename"]),
                "tool": "cfn-lint",
                "rule": f["Rule"]["Id"],
                "line": f["Location"]["Start"]["LineNumber"],
                "message": f["Message"],
            }


def cloudformation_validate(files):
    from cloudformation_validate import CompositeEngine

    engine = CompositeEngine()
    for path in files:
        try:
            report = engine.validate_template(path)
        except Exception as e:  # a template the validator cannot read
            print(f"cloudformation-validate: {path}: {e}", file=sys.stderr)
            continue
        for d in report.diagnostics:
            line = d.start_line
            yield {
                "file": os.path.abspath(path),
                "tool": "cloudformation-validate",
                "rule": d.rule_id,
                "line": line,
                "message": d.message,
            }


def main():
    files = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    tools = sys.argv[2:] or ["cfn-lint", "cloudformation-validate"]
    for tool in tools:
        runner = cfn_lint if tool == "cfn-lint" else cloudformation_validate
        for row in runner(files):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
