#!/usr/bin/env python3
"""Generates the SAM data tables embedded in the preflight policy SDK.

Reads the aws-sam-translator package installed in this Python environment
(`pip install aws-sam-translator`; it also comes with aws-sam-cli) and writes:

- sam_policy_templates.json: every SAM policy template (name -> parameters and
  statements), from samtranslator/policy_templates_data/policy_templates.json;
- sam_managed_policies.json: the AWS managed policy names SAM accepts in a function's
  `Policies`, grouped by their IAM path (the ARN is `arn:aws:iam::aws:policy/<path><name>`), from
  samtranslator/internal/data/aws_managed_policies.json (partition `aws`).

aws-sam-translator is Apache-2.0 licensed (Copyright Amazon.com, Inc. or its
affiliates); see README.md in this folder.

Usage: python3 guest/data/gen_sam_data.py   (from anywhere; writes next to this file)
"""

import json
import os
import sys

import samtranslator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(samtranslator.__file__)


def find(*candidates):
    for rel in candidates:
        path = os.path.join(ROOT, *rel.split("/"))
        if os.path.exists(path):
            return path
    sys.exit(f"none of {candidates} found under {ROOT}")


def write(name, value, indent=1):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=indent, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}")


def main():
    version = getattr(samtranslator, "__version__", "unknown")

    src = find(
        "policy_templates_data/policy_templates.json",
        "policy_template_processor/policy_templates.json",
    )
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    templates = {}
    for name, tpl in sorted(data["Templates"].items()):
        templates[name] = {
            "description": tpl.get("Description", ""),
            "parameters": sorted(tpl.get("Parameters", {}).keys()),
            "statements": tpl["Definition"]["Statement"],
        }
    write(
        "sam_policy_templates.json",
        {
            "source": f"aws-sam-translator {version}, "
            "samtranslator/policy_templates_data/policy_templates.json (Apache-2.0)",
            "templates": templates,
        },
    )

    src = find("internal/data/aws_managed_policies.json")
    with open(src, encoding="utf-8") as f:
        managed = json.load(f)["aws"]
    prefix = "arn:aws:iam::aws:policy/"
    paths = {}
    for name, arn in sorted(managed.items()):
        if arn.startswith(prefix) and arn.endswith("/" + name):
            path = arn[len(prefix):-len(name)]
            paths.setdefault(path, []).append(name)
    write(
        "sam_managed_policies.json",
        {
            "source": f"aws-sam-translator {version}, "
            "samtranslator/internal/data/aws_managed_policies.json, partition aws (Apache-2.0)",
            "paths": paths,
        },
        indent=0,
    )


if __name__ == "__main__":
    main()
