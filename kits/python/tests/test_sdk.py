"""The Python SDK, natively: template walking, SAM Globals, pointers, rule statuses, the
export glue's error handling and the rule conventions."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from preflight_policy import Node, Policy, Severity, Status, Template  # noqa: E402
from preflight_policy._component import describe  # noqa: E402
from preflight_policy.testing import assert_rules_well_described, run  # noqa: E402

TEMPLATE = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Globals": {"Function": {"Runtime": "python3.12", "Timeout": 3}},
    "Parameters": {"Stage": {"Type": "String"}},
    "Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 9}},
        "a/b~c": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "k"}]}},
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"VersioningConfiguration": {"Status": "Suspended"}},
        },
        "NotAResource": 3,
    },
}


def versioning_policy():
    policy = Policy(id="acme", version="1.0.0", description="Acme's house rules")

    @policy.rule(
        id="ACME001",
        name="bucket-versioning",
        title="S3 buckets turn on versioning",
        resource_types=["AWS::S3::Bucket"],
    )
    def bucket_versioning(cx, out):
        """
        ## What it does
        Checks that every S3 bucket turns on versioning.

        ## Why is this bad?
        Without versioning, an overwrite or delete loses data for good.

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
                out.add(status or bucket.node, f"bucket `{bucket.id}` does not turn on versioning")

    @policy.rule(id="ACME002", name="queue-tags", title="Queues are tagged", severity=Severity.LOW,
                 resource_types=["AWS::SQS::Queue"], equivalents={"checkov": ["CKV_X"]})
    def queue_tags(cx, out):
        """
        ## What it does
        x
        ## Why is this bad?
        x
        ## Example
        x
        ## Fix
        x
        """
        for queue in cx.template.resources_of_type("AWS::SQS::Queue"):
            key = queue.property_path("Tags/0/Key")
            out.add(key, "tagged").with_severity(Severity.HIGH).with_highlight("k")

    return policy


class TemplateTest(unittest.TestCase):
    def test_properties_fall_back_to_sam_globals(self):
        t = Template(TEMPLATE)
        self.assertTrue(t.is_sam())
        fn = t.resource("Fn")
        self.assertEqual(fn.property("Timeout").pointer, "/Resources/Fn/Properties/Timeout")
        self.assertEqual(fn.property("Runtime").pointer, "/Globals/Function/Runtime")
        self.assertIsNone(t.resource("a/b~c").property("Runtime"))
        self.assertEqual([r.id for r in t.resources()], ["Fn", "a/b~c", "Bucket"])
        self.assertTrue(t.has_parameter("Stage") and not t.has_parameter("Nope"))
        self.assertEqual([n for n, _ in t.parameters()], ["Stage"])

    def test_pointers_are_escaped_and_paths_index_lists(self):
        q = Template(TEMPLATE).resource("a/b~c")
        key = q.property_path("Tags/0/Key")
        self.assertEqual(key.pointer, "/Resources/a~1b~0c/Properties/Tags/0/Key")
        self.assertEqual(key.resource_id(), "a/b~c")
        self.assertIsNone(q.property_path("Tags/x"))
        self.assertIsNone(q.property_path("Tags/5/Key"))

    def test_node_values(self):
        self.assertEqual(Node("TRUE").as_bool(), True)
        self.assertIsNone(Node("yes").as_bool())
        self.assertEqual(Node(" 42 ").as_int(), 42)
        self.assertIsNone(Node(True).as_int())
        self.assertEqual(Node({"Ref": "X"}).intrinsic(), ("Ref", "X"))
        self.assertTrue(Node({"Fn::Sub": "x"}).is_intrinsic())
        self.assertFalse(Node({"Ref": "X", "Other": 1}).is_intrinsic())
        self.assertEqual([n.pointer for n in Node([1, 2], "/L").one_or_many()], ["/L/0", "/L/1"])
        self.assertEqual(Node(None).one_or_many(), [])
        self.assertEqual(Node("x").one_or_many(), [Node("x")])


class PolicyTest(unittest.TestCase):
    def test_findings_and_statuses(self):
        outcome = run(versioning_policy(), TEMPLATE)
        self.assertEqual(outcome.fired(), ["ACME001", "ACME002"])
        self.assertEqual(
            outcome.pointers("ACME001"),
            ["/Resources/Bucket/Properties/VersioningConfiguration/Status"],
        )
        first = outcome.report.findings[0]
        self.assertEqual((first.resource, first.severity), ("Bucket", Severity.MEDIUM))
        second = outcome.report.findings[1]
        self.assertEqual((second.severity, second.highlight), (Severity.HIGH, "k"))
        self.assertEqual(outcome.status("ACME001"), Status.FAIL)

    def test_skip_when_no_resource_of_the_type_and_when_disabled(self):
        policy = versioning_policy()
        outcome = run(policy, {"Resources": {"B": {"Type": "AWS::S3::Bucket",
            "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}}})
        self.assertEqual(outcome.report.rules, [("ACME001", Status.PASS), ("ACME002", Status.SKIP)])
        outcome = run(policy, '{"Resources": {}}', settings='{"disable": ["ACME001"]}')
        self.assertEqual(outcome.report.rules, [("ACME001", Status.SKIP), ("ACME002", Status.SKIP)])

    def test_bad_templates_and_duplicate_ids(self):
        with self.assertRaises(ValueError):
            versioning_policy().evaluate("[1]")
        policy = versioning_policy()
        with self.assertRaises(ValueError):
            policy.rule(id="ACME001", name="again", title="Again")(lambda cx, out: None)

    def test_metadata_follows_the_rust_conventions(self):
        policy = versioning_policy()
        assert_rules_well_described(policy, "ACME")
        info = policy.rules[0]
        self.assertTrue(info.help.startswith("## What it does\nChecks that every S3 bucket"))
        self.assertEqual(policy.rules[1].equivalents, (("checkov", ("CKV_X",)),))
        policy.rule(id="ACME004", name="gap", title="A gap.")(lambda cx, out: None)
        with self.assertRaisesRegex(AssertionError, "ACME004: rules are registered in code order"):
            assert_rules_well_described(policy, "ACME")

    def test_an_exception_is_described_with_where_it_was_raised(self):
        try:
            {}["missing"]
        except KeyError as e:
            text = describe(e)
        self.assertRegex(text, r"^KeyError: 'missing' \(at test_sdk\.py:\d+ in test_an_exception")

    def test_world_is_defined_natively(self):
        world = versioning_policy().world()
        self.assertTrue(hasattr(world, "metadata") and hasattr(world, "evaluate"))


if __name__ == "__main__":
    unittest.main()
