// The JavaScript SDK, natively (node --test): template walking, SAM Globals, pointers,
// rule statuses, the export glue's error handling and the rule conventions.

import { test } from "node:test";
import assert from "node:assert/strict";

import { Node, Policy, Severity, Status, Template, assertRulesWellDescribed, describe } from "../preflight-policy.js";

const TEMPLATE = {
  Transform: "AWS::Serverless-2016-10-31",
  Globals: { Function: { Runtime: "python3.12", Timeout: 3 } },
  Parameters: { Stage: { Type: "String" } },
  Resources: {
    Fn: { Type: "AWS::Serverless::Function", Properties: { Timeout: 9 } },
    "a/b~c": { Type: "AWS::SQS::Queue", Properties: { Tags: [{ Key: "k" }] } },
    Bucket: { Type: "AWS::S3::Bucket", Properties: { VersioningConfiguration: { Status: "Suspended" } } },
    NotAResource: 3,
  },
};

const HELP = `
  ## What it does
  Checks that every S3 bucket turns on versioning.

  ## Why is this bad?
  Without versioning, an overwrite or delete loses data for good.

  ## Example
  \`\`\`yaml
  Bucket:
    Type: AWS::S3::Bucket
  \`\`\`

  ## Fix
  Set \`VersioningConfiguration.Status\` to \`Enabled\`.
`;

function versioningPolicy() {
  const policy = new Policy({ id: "acme", version: "1.0.0", description: "Acme's house rules" });
  policy.rule({
    id: "ACME001",
    name: "bucket-versioning",
    title: "S3 buckets turn on versioning",
    resourceTypes: ["AWS::S3::Bucket"],
    help: HELP,
    check(cx, out) {
      for (const bucket of cx.template.resourcesOfType("AWS::S3::Bucket")) {
        const status = bucket.propertyPath("VersioningConfiguration/Status");
        if (status?.asStr() !== "Enabled") out.add(status ?? bucket.node, `bucket \`${bucket.id}\` does not turn on versioning`);
      }
    },
  });
  policy.rule({
    id: "ACME002",
    name: "queue-tags",
    title: "Queues are tagged",
    severity: Severity.LOW,
    resourceTypes: ["AWS::SQS::Queue"],
    equivalents: { checkov: ["CKV_X"] },
    help: HELP,
    check(cx, out) {
      for (const queue of cx.template.resourcesOfType("AWS::SQS::Queue")) {
        out.add(queue.propertyPath("Tags/0/Key"), "tagged").withSeverity(Severity.HIGH).withHighlight("k");
      }
    },
  });
  return policy;
}

test("properties fall back to SAM Globals", () => {
  const t = new Template(TEMPLATE);
  assert.equal(t.isSam(), true);
  const fn = t.resource("Fn");
  assert.equal(fn.property("Timeout").pointer, "/Resources/Fn/Properties/Timeout");
  assert.equal(fn.property("Runtime").pointer, "/Globals/Function/Runtime");
  assert.equal(t.resource("a/b~c").property("Runtime"), undefined);
  assert.deepEqual([...t.resources()].map((r) => r.id), ["Fn", "a/b~c", "Bucket"]);
  assert.deepEqual(t.parameters().map(([n]) => n), ["Stage"]);
});

test("pointers are escaped and paths index lists", () => {
  const q = new Template(TEMPLATE).resource("a/b~c");
  const key = q.propertyPath("Tags/0/Key");
  assert.equal(key.pointer, "/Resources/a~1b~0c/Properties/Tags/0/Key");
  assert.equal(key.resourceId(), "a/b~c");
  assert.equal(q.propertyPath("Tags/x"), undefined);
  assert.equal(q.propertyPath("Tags/5/Key"), undefined);
});

test("node values", () => {
  assert.equal(new Node("TRUE").asBool(), true);
  assert.equal(new Node("yes").asBool(), undefined);
  assert.equal(new Node(" 42 ").asInt(), 42);
  assert.deepEqual(new Node({ Ref: "X" }).intrinsic(), ["Ref", "X"]);
  assert.equal(new Node({ Ref: "X", Other: 1 }).isIntrinsic(), false);
  assert.deepEqual(new Node([1, 2], "/L").oneOrMany().map((n) => n.pointer), ["/L/0", "/L/1"]);
  assert.deepEqual(new Node(null).oneOrMany(), []);
});

test("findings and statuses", () => {
  const report = versioningPolicy().evaluate(TEMPLATE);
  assert.deepEqual(report.findings.map((f) => [f.rule, f.pointer, f.resource, f.severity]), [
    ["ACME001", "/Resources/Bucket/Properties/VersioningConfiguration/Status", "Bucket", "medium"],
    ["ACME002", "/Resources/a~1b~0c/Properties/Tags/0/Key", "a/b~c", "high"],
  ]);
  assert.equal(report.findings[1].highlight, "k");
  assert.deepEqual(report.rules, [
    { rule: "ACME001", status: Status.FAIL },
    { rule: "ACME002", status: Status.FAIL },
  ]);
});

test("skip when no resource of the type, and when disabled", () => {
  const policy = versioningPolicy();
  const ok = { Resources: { B: { Type: "AWS::S3::Bucket", Properties: { VersioningConfiguration: { Status: "Enabled" } } } } };
  assert.deepEqual(policy.evaluate(ok).rules.map((r) => r.status), ["pass", "skip"]);
  const off = policy.evaluate('{"Resources": {}}', { settings: '{"disable": ["ACME001"]}' });
  assert.deepEqual(off.rules.map((r) => r.status), ["skip", "skip"]);
});

test("the exports: metadata, and an exception becomes the result's error", () => {
  const policy = versioningPolicy();
  const { metadata, evaluate } = policy.exports();
  const meta = metadata();
  assert.equal(meta.rules[0].defaultSeverity, "medium");
  assert.ok(meta.rules[0].help.startsWith("## What it does\nChecks that every S3 bucket"));
  assert.deepEqual(meta.rules[1].equivalents, [{ tool: "checkov", ids: ["CKV_X"] }]);
  const input = { template: JSON.stringify(TEMPLATE), baseline: undefined, path: "t.yaml", settings: "{}" };
  assert.equal(evaluate(input).findings.length, 2);
  policy.rule({ id: "ACME003", name: "boom", title: "Boom", help: HELP, check() { null.x; } });
  assert.throws(() => evaluate(input), (e) => typeof e === "string" && e.startsWith("TypeError:"));
});

test("rule conventions", () => {
  const policy = versioningPolicy();
  assertRulesWellDescribed(policy, "ACME");
  policy.rule({ id: "ACME004", name: "gap", title: "A gap", help: HELP, check() {} });
  assert.throws(() => assertRulesWellDescribed(policy, "ACME"), /ACME004: rules are registered in code order/);
  assert.throws(() => policy.rule({ id: "ACME001", name: "x", title: "x", check() {} }), /registered twice/);
  assert.match(describe(new RangeError("bad")), /^RangeError: bad/);
  assert.equal(describe("text"), "thrown: text");
});
