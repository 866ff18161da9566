#!/usr/bin/env python3
"""Generates the data embedded in the `schema` policy and in the policy SDK's diff.

Reads the cfn-lint Python package installed in this environment (`make schema-data`
installs the pinned version into target/venv and runs this with its Python) and writes:

- policies/schema/data/schemas.bin: every CloudFormation resource provider schema that
  cfn-lint bundles (all regions), and cfn-lint's SAM resource schemas
  (`AWS::Serverless::*`), reduced to the JSON-schema keywords the policy checks; which
  types exist in which region; the attributes `Fn::GetAtt` may name (as cfn-lint
  derives them from `readOnlyProperties`); IAM actions per service; the IAM condition
  operators and ARN shape. Format: see `policies/schema/src/data.rs`.
- guest/data/create_only.txt: for every type, the properties whose change replaces the
  resource (`createOnlyProperties`), and which types hold data (cfn-lint's
  StatefulResources.json), for the SDK's diff.
- policies/schema/data/SOURCE.md: the source, version and licence of the data.

cfn-lint is MIT-0 (Copyright Amazon.com, Inc. or its affiliates), its bundled schemas
come from the CloudFormation registry; the SAM schemas are derived from
aws-sam-translator (Apache-2.0).

Usage: python generate.py   (from anywhere; paths are relative to this file)
"""

import json
import os
import re
import struct
import sys
import zlib

import cfnlint
from cfnlint.schema._schema import Schema

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(os.path.dirname(cfnlint.__file__), "data")
SCHEMAS = os.path.join(DATA, "schemas")

# Keywords kept at schema positions; everything else (descriptions, handlers, tagging,
# formats, examples, ...) is dropped.
KEEP = {
    "type", "$ref", "additionalProperties", "properties", "patternProperties",
    "definitions", "required", "enum", "const", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "items", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    "oneOf", "anyOf", "allOf", "dependencies", "dependentRequired", "requiredXor",
    "enumCaseInsensitive",
}
MAPS = {"properties", "patternProperties", "definitions"}
SUBSCHEMA = {"additionalProperties", "items"}
LISTS = {"oneOf", "anyOf", "allOf"}


def reduce(schema):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key in MAPS:
            value = {k: reduce(v) for k, v in value.items()}
        elif key in SUBSCHEMA:
            value = reduce(value) if isinstance(value, dict) else value
        elif key in LISTS:
            value = [reduce(v) for v in value]
        elif key == "dependencies":
            value = {k: (reduce(v) if isinstance(v, dict) else v) for k, v in value.items()}
        elif key == "$ref" and not value.startswith("#/"):
            continue
        out[key] = value
    return out


def getatts(raw):
    """(name, pointer) pairs; `*` in a name matches any text."""
    schema = Schema(raw)
    out = []
    for name, pointer in schema.get_atts.data.items():
        # cfn-lint's names are regular expressions of two shapes: literal names (dots
        # unescaped) and `.*` wildcards (`Outputs\\..*`, `.*`, `Treatments.*.Key`).
        glob = name.replace("\\.", "\0").replace(".*", "*").replace("\0", ".")
        if re.search(r"[\\+?\[\](){}|^$]", glob):
            sys.exit(f"{raw.get('typeName')}: unexpected attribute pattern {name!r}")
        out.append([glob, pointer])
    return sorted(out)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return c.compress(data) + c.flush()


def container(entries):
    """Sorted (key, data, compressed) entries -> bytes (format: src/data.rs)."""
    entries = sorted(entries, key=lambda e: e[0].encode())
    header = struct.pack("<4sII", b"PFSD", 1, len(entries))
    table_size = 20 * len(entries)
    keys = b"".join(e[0].encode() for e in entries)
    key_base = len(header) + table_size
    data_base = key_base + len(keys)
    table, blobs, key_off, data_off = [], [], 0, 0
    for key, data, compress in entries:
        stored = deflate(data) if compress else data
        table.append(struct.pack("<IIIII", key_base + key_off, len(key.encode()),
                                 data_base + data_off, len(stored), len(data) if compress else 0))
        blobs.append(stored)
        key_off += len(key.encode())
        data_off += len(stored)
    return header + b"".join(table) + keys + b"".join(blobs)


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def main():
    providers = os.path.join(SCHEMAS, "providers")
    regions = sorted(f[:-5] for f in os.listdir(providers)
                     if f.endswith(".json") and f != "sam.json")
    if len(regions) > 52:
        sys.exit("more regions than a float-safe bit mask holds")
    by_region = {r: json.load(open(os.path.join(providers, f"{r}.json"))) for r in regions}
    sam = json.load(open(os.path.join(providers, "sam.json")))

    reduced_ids = {}   # reduced schema text -> id
    hash_to_id = {}    # cfn-lint schema hash -> id
    schema_texts = []
    raw_by_hash = {}

    def schema_id(h):
        if h in hash_to_id:
            return hash_to_id[h]
        raw = json.load(open(os.path.join(SCHEMAS, "resources", f"{h}.json")))
        raw_by_hash[h] = raw
        reduced = reduce(raw)
        for key in ("readOnlyProperties", "createOnlyProperties"):
            if raw.get(key):
                reduced[key] = raw[key]
        reduced["x-getatt"] = getatts(raw)
        text = compact(reduced)
        if text not in reduced_ids:
            reduced_ids[text] = len(schema_texts)
            schema_texts.append(text)
        hash_to_id[h] = reduced_ids[text]
        return hash_to_id[h]

    types = {}  # type -> {schema id: region mask}
    for i, region in enumerate(regions):
        for ty, h in by_region[region].items():
            types.setdefault(ty, {}).setdefault(schema_id(h), 0)
            types[ty][schema_id(h)] |= 1 << i
    all_regions = (1 << len(regions)) - 1
    for ty, h in sam.items():
        types[ty] = {schema_id(h): all_regions}

    iam = json.load(open(os.path.join(DATA, "AdditionalSpecs", "Policies.json")))
    policy_schema = json.load(open(os.path.join(SCHEMAS, "other", "iam", "policy.json")))
    condition = policy_schema["definitions"]["Condition"]
    meta = {
        "source": f"cfn-lint {cfnlint.__version__ if hasattr(cfnlint, '__version__') else version()}",
        "schema_date": json.load(open(os.path.join(SCHEMAS, "version.json")))["schema_date"],
        "regions": regions,
        "iam_condition_patterns": sorted(condition["patternProperties"].keys()),
        "iam_condition_names": sorted(condition["properties"].keys()),
        "iam_arn_pattern": policy_schema["definitions"]["AwsArn"]["pattern"],
    }

    entries = [("meta", compact(meta), False)]
    for ty, variants in types.items():
        entries.append((f"t:{ty}", compact(sorted([m, s] for s, m in variants.items())), False))
    for i, text in enumerate(schema_texts):
        entries.append((f"s:{i}", text, True))
    for service, spec in iam.items():
        actions = sorted(spec.get("Actions", {}).keys())
        entries.append((f"i:{service.lower()}", "\n".join(actions).encode(), True))
    blob = container(entries)
    with open(os.path.join(HERE, "schemas.bin"), "wb") as f:
        f.write(blob)

    # Replacement data for the SDK's diff: us-east-1's schema, else any region's.
    stateful = json.load(open(os.path.join(DATA, "AdditionalSpecs", "StatefulResources.json")))
    lines = []
    for ty in sorted(types):
        h = by_region["us-east-1"].get(ty) or sam.get(ty) or next(
            (by_region[r][ty] for r in regions if ty in by_region[r]), None)
        raw = raw_by_hash.get(h) or json.load(open(os.path.join(SCHEMAS, "resources", f"{h}.json")))
        props = [p[len("/properties/"):] for p in raw.get("createOnlyProperties", [])
                 if p.startswith("/properties/")]
        mark = "*" if ty in stateful["ResourceTypes"] else ""
        if props or mark:
            lines.append(" ".join([mark + ty] + sorted(set(props))))
    create_only = os.path.join(ROOT, "guest", "data", "create_only.txt")
    with open(create_only, "w") as f:
        f.write(f"# Generated by policies/schema/data/generate.py from {meta['source']} "
                f"(schemas of {meta['schema_date']}); * marks a type that holds data.\n")
        f.write("\n".join(lines) + "\n")

    with open(os.path.join(HERE, "SOURCE.md"), "w") as f:
        f.write(SOURCE.format(source=meta["source"], date=meta["schema_date"],
                              types=len(types), schemas=len(schema_texts),
                              regions=len(regions), services=len(iam), size=len(blob),
                              raw=sum(len(t) for t in schema_texts)))
    print(f"{len(types)} types, {len(schema_texts)} distinct schemas, {len(regions)} regions, "
          f"{len(iam)} IAM services: schemas.bin {len(blob)} bytes "
          f"({sum(len(t) for t in schema_texts)} bytes of reduced schemas before compression)")


def version():
    from importlib.metadata import version as v
    return v("cfn-lint")


SOURCE = """# Data of the `schema` policy

Generated by `generate.py` (`make schema-data`) from the PyPI package **{source}**
(MIT-0, Copyright Amazon.com, Inc. or its affiliates; <https://github.com/aws-cloudformation/cfn-lint>),
resource provider schemas dated {date}. Do not edit by hand: pin a new version in the
Makefile (`CFN_LINT_VERSION`) and run `make schema-data`.

| what | from cfn-lint | here |
|---|---|---|
| resource types and their schemas | `data/schemas/providers/<region>.json` (type → schema hash), `data/schemas/resources/*.json` | {types} types, {schemas} distinct reduced schemas ({raw} bytes before compression) |
| SAM resource types (`AWS::Serverless::*`) | `data/schemas/providers/sam.json` (schemas derived from aws-sam-translator, Apache-2.0) | in every region |
| regions | the provider files | {regions} regions; a type's schema may differ by region |
| `Fn::GetAtt` attributes | `cfnlint.schema.Schema.get_atts` (readOnlyProperties plus cfn-lint's exceptions) | `x-getatt` in each schema |
| IAM actions | `data/AdditionalSpecs/Policies.json` | {services} services |
| IAM condition operators, ARN shape | `data/schemas/other/iam/policy.json` | `meta` |
| replacement (`createOnlyProperties`) and data-holding types (`StatefulResources.json`) | as above | `guest/data/create_only.txt` |

`schemas.bin` is {size} bytes: a sorted index of keys (`t:TYPE`, `s:ID`, `i:SERVICE`,
`meta`) into raw-deflate chunks, so a check decompresses only the schemas of the types
a template uses (format in `src/data.rs`). Reduction keeps only the JSON-schema keywords
the policy checks (types, properties, required, enums, ranges, lengths, patterns, item
counts, oneOf/anyOf/allOf, dependencies) and drops descriptions, handlers and tagging.
"""

if __name__ == "__main__":
    main()
