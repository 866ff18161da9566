#!/usr/bin/env python3
"""Injects one mistake into each template of a list, for the `schema` policy's mutation
test, and writes the mutated templates as JSON (one member a line) with a manifest.

    python mutate.py LIST.txt OUT_DIR

Kinds, in rotation (the next kind that fits the template is taken): unknown property
(a typo in a property name), wrong type (a word where a number or boolean goes, a list
where a string goes), bad enum value, out of range (just past `maximum` or `minimum`),
missing required property, unknown resource type. The mistakes are chosen from
cfn-lint's us-east-1 resource schemas, so both sides judge the same data.
Manifest (OUT_DIR/manifest.json): [{"file", "source", "kind", "pointer"}].
"""

import json
import os
import random
import sys

import cfnlint
from cfnlint.decode import decode

DATA = os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas")
PROVIDERS = json.load(open(os.path.join(DATA, "providers", "us-east-1.json")))
PROVIDERS.update(json.load(open(os.path.join(DATA, "providers", "sam.json"))))
KINDS = ["unknown-property", "wrong-type", "bad-enum", "out-of-range", "missing-required", "unknown-type"]
_cache = {}


def schema(ty):
    h = PROVIDERS.get(ty)
    if not h:
        return None
    if h not in _cache:
        _cache[h] = json.load(open(os.path.join(DATA, "resources", f"{h}.json")))
    return _cache[h]


def deref(root, s):
    for _ in range(10):
        if isinstance(s, dict) and "$ref" in s and s["$ref"].startswith("#/"):
            node = root
            for part in s["$ref"][2:].split("/"):
                node = node.get(part, {})
            s = node
        else:
            break
    return s if isinstance(s, dict) else {}


def literal(v):
    return isinstance(v, (str, int, float, bool)) and not isinstance(v, dict) and "{{resolve" not in str(v)


def esc(k):
    return k.replace("~", "~0").replace("/", "~1")


def candidates(rid, res, root, kind):
    """(pointer, apply) pairs for one resource."""
    props = res.get("Properties")
    base = f"/Resources/{esc(rid)}"
    out = []
    if kind == "unknown-type":
        ty = res["Type"]
        out.append((base + "/Type", lambda: res.__setitem__("Type", ty + "s")))
        return out
    if not isinstance(props, dict) or "Fn::If" in props:
        return out
    sprops = root.get("properties", {})
    if kind == "unknown-property":
        for k in props:
            if len(k) > 4 and k in sprops:
                typo = k[:-2] + k[-1]  # drop the second-to-last letter
                if typo not in sprops:
                    def apply(k=k, typo=typo):
                        items = [(typo if a == k else a, b) for a, b in props.items()]
                        props.clear(); props.update(items)
                    out.append((f"{base}/Properties/{esc(typo)}", apply))
        return out
    if kind == "missing-required":
        for k in root.get("required", []):
            if k in props and len(props) > 1:
                out.append((f"{base}/Properties", lambda k=k: props.pop(k)))
        return out
    # Value mutations: top-level properties and one level into literal mappings.
    spots = [(props, k, deref(root, sprops.get(k, {})), f"{base}/Properties/{esc(k)}") for k in props]
    for parent, k, s, p in list(spots):
        if isinstance(parent[k], dict) and s.get("properties"):
            for k2 in parent[k]:
                s2 = deref(root, s["properties"].get(k2, {}))
                spots.append((parent[k], k2, s2, f"{p}/{esc(k2)}"))
    for parent, k, s, p in spots:
        v = parent[k]
        if not literal(v):
            continue
        t = s.get("type")
        if kind == "wrong-type":
            if t in ("integer", "number", "boolean"):
                out.append((p, lambda parent=parent, k=k: parent.__setitem__(k, "notvalid")))
            elif t == "string" and "enum" not in s:
                out.append((p, lambda parent=parent, k=k, v=v: parent.__setitem__(k, [v, v])))
        elif kind == "bad-enum" and s.get("enum") and t in ("string", None):
            out.append((p, lambda parent=parent, k=k: parent.__setitem__(k, "INVALID_VALUE")))
        elif kind == "out-of-range" and t in ("integer", "number") and not isinstance(v, bool):
            if "maximum" in s:
                out.append((p, lambda parent=parent, k=k, m=s["maximum"]: parent.__setitem__(k, int(m) + 1)))
            elif "minimum" in s and s["minimum"] > -1e9:
                out.append((p, lambda parent=parent, k=k, m=s["minimum"]: parent.__setitem__(k, int(m) - 1)))
    return out


def main():
    files = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    for i, path in enumerate(files):
        try:
            template, errors = decode(path)
        except Exception:
            continue
        if errors or not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            continue
        rng = random.Random(i)
        resources = [(rid, r) for rid, r in template["Resources"].items()
                     if isinstance(r, dict) and isinstance(r.get("Type"), str) and schema(r["Type"])]
        rng.shuffle(resources)
        done = False
        for step in range(len(KINDS)):
            kind = KINDS[(i + step) % len(KINDS)]
            for rid, res in resources:
                try:
                    found = candidates(rid, res, schema(res["Type"]), kind)
                except (AttributeError, TypeError, KeyError, ValueError):
                    found = []  # a shape the generator does not handle: next one
                if found:
                    pointer, apply = found[rng.randrange(len(found))]
                    apply()
                    name = f"m{i:04d}.json"
                    with open(os.path.join(out_dir, name), "w") as f:
                        json.dump(template, f, indent=1, default=str)
                    manifest.append({"file": os.path.join(out_dir, name), "source": path,
                                     "kind": kind, "pointer": pointer})
                    done = True
                    break
            if done:
                break
    json.dump(manifest, open(os.path.join(out_dir, "manifest.json"), "w"), indent=1)
    print(f"{len(manifest)} mutated templates in {out_dir}")


if __name__ == "__main__":
    main()
