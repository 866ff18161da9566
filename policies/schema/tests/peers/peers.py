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
    exe = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    for i in range(0, len(files), 200):
        batch = files[i : i + 200]
        run = subprocess.run(
            [exe, "--format", "json", "--regions", "us-east-1", "--"] + batch,
            capture_output=True, text=True,
        )
        try:
            found = json.loads(run.stdout or "[]")
        except json.JSONDecodeError:
            print(f"cfn-lint: unreadable output: {run.stderr[-500:]}", file=sys.stderr)
            continue
        for f in found:
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
