//! A new Python policy: the rule module, the kit (`kits/python/preflight_policy`) and
//! the WIT contract copied in, a native unit test, YAML test cases and a Makefile.

use super::{FIXTURE, WIT, cases_yaml, pin_readme};

/// The kit's files, as shipped in this binary.
const KIT: &[(&str, &str)] = &[
    (
        "preflight_policy/__init__.py",
        include_str!("../../../kits/python/preflight_policy/__init__.py"),
    ),
    (
        "preflight_policy/_component.py",
        include_str!("../../../kits/python/preflight_policy/_component.py"),
    ),
    (
        "preflight_policy/model.py",
        include_str!("../../../kits/python/preflight_policy/model.py"),
    ),
    (
        "preflight_policy/policy.py",
        include_str!("../../../kits/python/preflight_policy/policy.py"),
    ),
    (
        "preflight_policy/template.py",
        include_str!("../../../kits/python/preflight_policy/template.py"),
    ),
    (
        "preflight_policy/testing.py",
        include_str!("../../../kits/python/preflight_policy/testing.py"),
    ),
];

/// Every file of policy `name` (rule codes `{code}001`, ...).
pub fn files(name: &str, code: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = KIT
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    files.extend([
        ("wit/policy.wit".to_string(), WIT.to_string()),
        ("policy.py".to_string(), policy_py(name, code)),
        ("tests/test_policy.py".to_string(), test_py(code)),
        ("tests/cases.yaml".to_string(), cases_yaml(name, code)),
        (
            "tests/fixtures/bucket_versioning.yaml".to_string(),
            FIXTURE.to_string(),
        ),
        ("Makefile".to_string(), makefile(name)),
        ("README.md".to_string(), readme(name)),
        (
            ".gitignore".to_string(),
            "__pycache__/\n/*.wasm\n".to_string(),
        ),
    ]);
    files
}

fn policy_py(name: &str, code: &str) -> String {
    format!(
        r#""""The `{name}` policy for preflight."""

from preflight_policy import Policy, Severity

policy = Policy(id="{name}", version="0.1.0", description="Describe what this policy checks, for `preflight policy list`.")


@policy.rule(
    id="{code}001",
    name="bucket-versioning",
    title="S3 buckets turn on versioning",
    severity=Severity.MEDIUM,
    resource_types=["AWS::S3::Bucket"],
)
def bucket_versioning(cx, out):
    """
    ## What it does
    Checks that every S3 bucket turns on versioning.

    ## Why is this bad?
    Without versioning, an overwrite or a delete loses data for good.

    ## Example
    ```yaml
    Bucket:
      Type: AWS::S3::Bucket
    ```

    ## Fix
    Set `VersioningConfiguration.Status` to `Enabled`.
    """
    for bucket in cx.template.resources_of_type("AWS::S3::Bucket"):
        status = bucket.property_path("VersioningConfiguration/Status")
        if status is None or status.as_str() != "Enabled":
            out.add(status or bucket.node, f"bucket `{{bucket.id}}` does not turn on versioning")


# The component's exports (componentize-py looks for `WitWorld`).
WitWorld = policy.world()
"#
    )
}

fn test_py(code: &str) -> String {
    format!(
        r#""""The rules, natively (no WebAssembly): `python3 -m unittest discover -s tests`."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from policy import policy  # noqa: E402
from preflight_policy import Status  # noqa: E402
from preflight_policy.testing import assert_rules_well_described, run  # noqa: E402


class BucketVersioningTest(unittest.TestCase):
    def test_unversioned_buckets_are_reported_where_they_fall_short(self):
        outcome = run(policy, {{"Resources": {{
            "Versioned": {{"Type": "AWS::S3::Bucket",
                          "Properties": {{"VersioningConfiguration": {{"Status": "Enabled"}}}}}},
            "Suspended": {{"Type": "AWS::S3::Bucket",
                          "Properties": {{"VersioningConfiguration": {{"Status": "Suspended"}}}}}},
            "Plain": {{"Type": "AWS::S3::Bucket"}},
        }}}})
        self.assertEqual(outcome.fired(), ["{code}001"])
        self.assertEqual(outcome.pointers("{code}001"), [
            "/Resources/Suspended/Properties/VersioningConfiguration/Status",
            "/Resources/Plain",
        ])

    def test_no_bucket_skips_the_rule(self):
        outcome = run(policy, {{"Resources": {{"Q": {{"Type": "AWS::SQS::Queue"}}}}}})
        self.assertEqual(outcome.status("{code}001"), Status.SKIP)

    def test_rules_are_well_described(self):
        assert_rules_well_described(policy, "{code}")


if __name__ == "__main__":
    unittest.main()
"#
    )
}

fn makefile(name: &str) -> String {
    format!(
        r#"# `make` builds the component; `make test` runs the unit tests natively, then the
# test cases in preflight's sandbox.
COMPONENTIZE_PY ?= componentize-py
PYTHON ?= python3
PREFLIGHT ?= preflight

build: {name}.wasm

{name}.wasm: policy.py $(wildcard preflight_policy/*.py) wit/policy.wit
	$(COMPONENTIZE_PY) -d wit -w policy componentize policy -o $@

test: {name}.wasm
	$(PYTHON) -m unittest discover -s tests
	$(PREFLIGHT) policy test --wasm {name}.wasm -t tests/cases.yaml

.PHONY: build test
"#
    )
}

fn readme(name: &str) -> String {
    format!(
        r#"# {name}

A preflight policy in Python, built into a WebAssembly component with
[componentize-py](https://pypi.org/project/componentize-py/) 0.25.1
(`pip install componentize-py==0.25.1`). `preflight_policy/` is preflight's Python kit and
`wit/` the contract, copied in by `preflight policy new`.

```sh
make        # builds {name}.wasm
make test   # unit tests (python3 -m unittest), then tests/cases.yaml in the sandbox
```

{}"#,
        pin_readme(name, &format!("{name}.wasm"))
    )
}

#[cfg(test)]
mod tests {
    use super::KIT;

    /// A module added to the kit is copied into new policies too.
    #[test]
    fn every_kit_module_is_shipped() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kits/python/preflight_policy");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".py"))
            .map(|name| format!("preflight_policy/{name}"))
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = KIT.iter().map(|(path, _)| path.to_string()).collect();
        shipped.sort();
        assert_eq!(shipped, on_disk);
    }
}
