//! A new JavaScript policy: the rule module, the kit (`kits/js/preflight-policy.js`)
//! and the WIT contract copied in, a native unit test, YAML test cases and a Makefile.

use super::{FIXTURE, WIT, cases_yaml, pin_readme};

/// The kit, as shipped in this binary.
const KIT: &str = include_str!("../../../kits/js/preflight-policy.js");
/// Its TypeScript declarations.
const KIT_TYPES: &str = include_str!("../../../kits/js/preflight-policy.d.ts");

/// Every file of policy `name` (rule codes `{code}001`, ...).
pub fn files(name: &str, code: &str) -> Vec<(String, String)> {
    vec![
        ("preflight-policy.js".to_string(), KIT.to_string()),
        ("preflight-policy.d.ts".to_string(), KIT_TYPES.to_string()),
        ("wit/policy.wit".to_string(), WIT.to_string()),
        ("policy.js".to_string(), policy_js(name, code)),
        ("tests/policy.test.mjs".to_string(), test_js(code)),
        ("tests/cases.yaml".to_string(), cases_yaml(name, code)),
        (
            "tests/fixtures/bucket_versioning.yaml".to_string(),
            FIXTURE.to_string(),
        ),
        ("Makefile".to_string(), makefile(name)),
        ("README.md".to_string(), readme(name)),
        (".gitignore".to_string(), "/*.wasm\n".to_string()),
    ]
}

fn policy_js(name: &str, code: &str) -> String {
    format!(
        r#"// The `{name}` policy for preflight.
import {{ Policy, Severity }} from "./preflight-policy.js";

export const policy = new Policy({{
  id: "{name}",
  version: "0.1.0",
  description: "Describe what this policy checks, for `preflight policy list`.",
}});

policy.rule({{
  id: "{code}001",
  name: "bucket-versioning",
  title: "S3 buckets turn on versioning",
  severity: Severity.MEDIUM,
  resourceTypes: ["AWS::S3::Bucket"],
  help: `
    ## What it does
    Checks that every S3 bucket turns on versioning.

    ## Why is this bad?
    Without versioning, an overwrite or a delete loses data for good.

    ## Example
    \`\`\`yaml
    Bucket:
      Type: AWS::S3::Bucket
    \`\`\`

    ## Fix
    Set \`VersioningConfiguration.Status\` to \`Enabled\`.
  `,
  check(cx, out) {{
    for (const bucket of cx.template.resourcesOfType("AWS::S3::Bucket")) {{
      const status = bucket.propertyPath("VersioningConfiguration/Status");
      if (status?.asStr() !== "Enabled") {{
        out.add(status ?? bucket.node, `bucket \`${{bucket.id}}\` does not turn on versioning`);
      }}
    }}
  }},
}});

// The component's exports.
export const {{ metadata, evaluate }} = policy.exports();
"#
    )
}

fn test_js(code: &str) -> String {
    format!(
        r#"// The rules, natively (no WebAssembly): `node --test tests/`.
import {{ test }} from "node:test";
import assert from "node:assert/strict";

import {{ policy }} from "../policy.js";
import {{ assertRulesWellDescribed }} from "../preflight-policy.js";

test("unversioned buckets are reported where they fall short", () => {{
  const report = policy.evaluate({{
    Resources: {{
      Versioned: {{ Type: "AWS::S3::Bucket", Properties: {{ VersioningConfiguration: {{ Status: "Enabled" }} }} }},
      Suspended: {{ Type: "AWS::S3::Bucket", Properties: {{ VersioningConfiguration: {{ Status: "Suspended" }} }} }},
      Plain: {{ Type: "AWS::S3::Bucket" }},
    }},
  }});
  assert.deepEqual(report.findings.map((f) => [f.rule, f.pointer]), [
    ["{code}001", "/Resources/Suspended/Properties/VersioningConfiguration/Status"],
    ["{code}001", "/Resources/Plain"],
  ]);
}});

test("no bucket skips the rule", () => {{
  const report = policy.evaluate({{ Resources: {{ Q: {{ Type: "AWS::SQS::Queue" }} }} }});
  assert.deepEqual(report.rules, [{{ rule: "{code}001", status: "skip" }}]);
}});

test("rules are well described", () => {{
  assertRulesWellDescribed(policy, "{code}");
}});
"#
    )
}

fn makefile(name: &str) -> String {
    format!(
        r#"# `make` builds the component; `make test` runs the unit tests natively, then the
# test cases in preflight's sandbox. Never --aot: it downloads a binary at run time;
# -d http -d fetch-event keep wasi:http out of the component.
COMPONENTIZE_JS ?= componentize-js
NODE ?= node
PREFLIGHT ?= preflight

build: {name}.wasm

{name}.wasm: policy.js preflight-policy.js wit/policy.wit
	$(COMPONENTIZE_JS) policy.js --wit wit -n policy -d http -d fetch-event -o $@

test: {name}.wasm
	$(NODE) --test tests/
	$(PREFLIGHT) policy test --wasm {name}.wasm -t tests/cases.yaml

.PHONY: build test
"#
    )
}

fn readme(name: &str) -> String {
    format!(
        r#"# {name}

A preflight policy in JavaScript, built into a WebAssembly component with
componentize-js 0.23.0 (`npm install @bytecodealliance/componentize-js@0.23.0`).
`preflight-policy.js` is preflight's JavaScript kit (with TypeScript declarations in
`preflight-policy.d.ts`) and `wit/` the contract, copied in by `preflight policy new`.

```sh
make        # builds {name}.wasm
make test   # unit tests (node --test), then tests/cases.yaml in the sandbox
```

{}"#,
        pin_readme(name, &format!("{name}.wasm"))
    )
}
