// The preflight policy SDK for JavaScript (and TypeScript: see preflight-policy.d.ts).
//
// A policy is an ES module built into a WebAssembly component with componentize-js
// against wit/policy.wit. It receives a CloudFormation / SAM template as canonical JSON
// and returns findings that point into it with JSON pointers; preflight turns the
// pointers into file, line and column. It runs in a sandbox: no files, no environment,
// no network, bounded time and memory.
//
// The same model as the Rust SDK (guest/src/template.rs, node.rs, rule.rs) and the
// Python one (kits/python): every value is a Node that knows its JSON pointer.

/** How serious a finding is. Enforcement (whether it blocks) is configuration's. */
export const Severity = Object.freeze({
  INFO: "info",
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
  CRITICAL: "critical",
});

/** The outcome of one rule on one template. */
export const Status = Object.freeze({ PASS: "pass", FAIL: "fail", SKIP: "skip" });

const SEVERITIES = Object.values(Severity);
const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

/** CloudFormation's pseudo parameters: always defined, never declared. */
export const PSEUDO_PARAMETERS = Object.freeze([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** Escapes one JSON-pointer reference token (RFC 6901). */
export function escape(token) {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `/Resources/<id>/...` -> `<id>` (unescaped); undefined elsewhere. */
export function resourceOfPointer(pointer) {
  if (!pointer.startsWith("/Resources/")) return undefined;
  const token = pointer.slice("/Resources/".length).split("/")[0];
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A JSON value and the JSON pointer it sits at. Navigation extends the pointer. */
export class Node {
  constructor(value, pointer = "") {
    this.value = value;
    this.pointer = pointer;
  }

  /** A member of a mapping. */
  get(key) {
    return isObject(this.value) && has(this.value, key)
      ? new Node(this.value[key], `${this.pointer}/${escape(key)}`)
      : undefined;
  }

  /** An item of a sequence. */
  index(i) {
    return Array.isArray(this.value) && i >= 0 && i < this.value.length
      ? new Node(this.value[i], `${this.pointer}/${i}`)
      : undefined;
  }

  /** Follows a relative path such as `VersioningConfiguration/Status` or `Statement/0`. */
  path(path) {
    let node = this;
    for (const part of path.split("/").filter((p) => p !== "")) {
      if (node === undefined) return undefined;
      node = Array.isArray(node.value)
        ? /^\d+$/.test(part) ? node.index(Number(part)) : undefined
        : node.get(part);
    }
    return node;
  }

  /** The items of a sequence (none for other values). */
  *items() {
    if (Array.isArray(this.value)) {
      for (let i = 0; i < this.value.length; i++) yield new Node(this.value[i], `${this.pointer}/${i}`);
    }
  }

  /** The members of a mapping, as [key, node] (none for other values). */
  *entries() {
    if (isObject(this.value)) {
      for (const [k, v] of Object.entries(this.value)) yield [k, new Node(v, `${this.pointer}/${escape(k)}`)];
    }
  }

  /** A sequence's items, or the node itself when it is a single value. */
  oneOrMany() {
    if (Array.isArray(this.value)) return [...this.items()];
    return this.value === null || this.value === undefined ? [] : [this];
  }

  /** The string, if this is a literal string. */
  asStr() {
    return typeof this.value === "string" ? this.value : undefined;
  }

  /** A boolean as CloudFormation reads it: true/false, or "true"/"false" in any case. */
  asBool() {
    if (typeof this.value === "boolean") return this.value;
    if (typeof this.value === "string" && /^(true|false)$/i.test(this.value)) {
      return this.value.toLowerCase() === "true";
    }
    return undefined;
  }

  /** An integer, from a number or a numeric string. */
  asInt() {
    if (typeof this.value === "number") return Math.trunc(this.value);
    if (typeof this.value === "string" && /^\s*-?\d+\s*$/.test(this.value)) return parseInt(this.value, 10);
    return undefined;
  }

  /** Whether the value is a mapping. */
  isObject() {
    return isObject(this.value);
  }

  /** `[name, args]` when this node is an intrinsic function call (`Ref`, `Condition`, `Fn::*`). */
  intrinsic() {
    if (!isObject(this.value)) return undefined;
    const keys = Object.keys(this.value);
    if (keys.length !== 1) return undefined;
    const name = keys[0];
    return name === "Ref" || name === "Condition" || name.startsWith("Fn::")
      ? [name, this.value[name]]
      : undefined;
  }

  /** Whether the value is only known at deploy time (an intrinsic function). */
  isIntrinsic() {
    return this.intrinsic() !== undefined;
  }

  /** The logical id of the resource this node belongs to, from its pointer. */
  resourceId() {
    return resourceOfPointer(this.pointer);
  }
}

/** One resource of a template. */
export class Resource {
  constructor(template, id, value) {
    this.template = template;
    /** Logical id. */
    this.id = id;
    /** Type, e.g. `AWS::Serverless::Function` ("" when missing or not a string). */
    this.type = typeof value.Type === "string" ? value.Type : "";
    /** The whole resource entry. */
    this.node = new Node(value, `/Resources/${escape(id)}`);
  }

  /** Whether this is a SAM resource (`AWS::Serverless::*`). */
  isSam() {
    return this.type.startsWith("AWS::Serverless::");
  }

  /** The `Properties` mapping, if present. */
  properties() {
    return this.node.get("Properties");
  }

  /** A resource attribute (`DependsOn`, `Condition`, `DeletionPolicy`, ...). */
  attribute(name) {
    return this.node.get(name);
  }

  /**
   * A property as the deployed resource will see it: from `Properties`, or, for SAM
   * resources, from the matching `Globals` section when the resource does not set it.
   */
  property(name) {
    const own = this.properties()?.get(name);
    return own ?? this.template.globalsFor(this.type)?.get(name);
  }

  /** A nested property by relative path (`VersioningConfiguration/Status`), with the same `Globals` fallback. */
  propertyPath(path) {
    const at = path.indexOf("/");
    const first = at < 0 ? path : path.slice(0, at);
    const node = this.property(first);
    return at < 0 || node === undefined ? node : node.path(path.slice(at + 1));
  }
}

/** A template: sections, resources and SAM `Globals`. */
export class Template {
  constructor(value) {
    /** The canonical JSON value (short-form tags in long form: `{"Ref": "X"}`). */
    this.value = value;
  }

  /** The whole template. */
  root() {
    return new Node(this.value, "");
  }

  /** A top-level section (`Resources`, `Parameters`, `Outputs`, ...). */
  section(name) {
    return this.root().get(name);
  }

  /** Whether the template uses the SAM transform. */
  isSam() {
    const t = isObject(this.value) ? this.value.Transform : undefined;
    return t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM));
  }

  /** Every resource, in source order. */
  *resources() {
    const section = isObject(this.value) ? this.value.Resources : undefined;
    if (!isObject(section)) return;
    for (const [id, value] of Object.entries(section)) {
      if (isObject(value)) yield new Resource(this, id, value);
    }
  }

  /** The resources of the given types (e.g. `AWS::S3::Bucket`). */
  *resourcesOfType(...types) {
    for (const r of this.resources()) if (types.includes(r.type)) yield r;
  }

  /** One resource by logical id. */
  resource(id) {
    const section = isObject(this.value) ? this.value.Resources : undefined;
    return isObject(section) && has(section, id) && isObject(section[id])
      ? new Resource(this, id, section[id])
      : undefined;
  }

  /** Whether a resource with this logical id exists. */
  hasResource(id) {
    const section = isObject(this.value) ? this.value.Resources : undefined;
    return isObject(section) && has(section, id);
  }

  /** Whether a parameter with this name is declared. */
  hasParameter(name) {
    const section = isObject(this.value) ? this.value.Parameters : undefined;
    return isObject(section) && has(section, name);
  }

  /** Declared parameters: [name, node]. */
  parameters() {
    return [...(this.section("Parameters")?.entries() ?? [])];
  }

  /** Declared outputs: [name, node]. */
  outputs() {
    return [...(this.section("Outputs")?.entries() ?? [])];
  }

  /** Declared conditions: [name, node]. */
  conditions() {
    return [...(this.section("Conditions")?.entries() ?? [])];
  }

  /** The SAM `Globals` section for a serverless type (`AWS::Serverless::Function` -> `Globals/Function`). */
  globalsFor(type) {
    if (!type.startsWith("AWS::Serverless::")) return undefined;
    return this.section("Globals")?.get(type.slice("AWS::Serverless::".length));
  }
}

/** One problem found in the template. */
export class Finding {
  constructor(rule, severity, message, pointer) {
    this.rule = rule;
    this.severity = severity;
    this.message = message;
    this.pointer = pointer;
    this.resource = resourceOfPointer(pointer);
    this.highlight = undefined;
  }

  /** Overrides the rule's severity for this finding. */
  withSeverity(severity) {
    if (!SEVERITIES.includes(severity)) throw new Error(`unknown severity ${severity}`);
    this.severity = severity;
    return this;
  }

  /** Narrows the location to `text` inside the pointed node (e.g. `${Missing}` in a `Fn::Sub`). */
  withHighlight(text) {
    this.highlight = text;
    return this;
  }
}

/** Where a rule reports what it found. */
export class Findings {
  constructor(rule) {
    this.rule = rule;
    this.items = [];
  }

  /** Reports a problem at `node` (its pointer locates it). */
  add(node, message) {
    return this.addAt(node.pointer, message);
  }

  /** Reports a problem at a JSON pointer (`/Resources/Bucket/Properties`). */
  addAt(pointer, message) {
    const finding = new Finding(this.rule.id, this.rule.severity, String(message), pointer);
    this.items.push(finding);
    return finding;
  }
}

/** An exception in one line, with where it was thrown when the engine says. */
export function describe(error) {
  if (!(error instanceof Error)) return `thrown: ${String(error)}`;
  const frame = (error.stack || "").split("\n").find((l) => l.trim() !== "");
  const where = frame ? ` (at ${frame.trim().replace(/^.*@/, "").replace(/^.*\//, "")})` : "";
  return `${error.name}: ${error.message}${where}`;
}

/**
 * A policy: an id, a version, a description and its rules, in registry order.
 * Register rules with `rule({...})`; end the module with
 * `export const { metadata, evaluate } = policy.exports();`.
 */
export class Policy {
  constructor({ id, version, description }) {
    this.id = id;
    this.version = version;
    this.description = description;
    this.rules = [];
  }

  /**
   * Registers a rule: `{ id, name, title, severity, resourceTypes, equivalents, help, check }`.
   * `help` is markdown with the same headings as the Rust rules (`## What it does`,
   * `## Why is this bad?`, `## Example`, `## Fix`); `check(cx, out)` reports findings.
   * With `resourceTypes`, the rule is skipped on a template that has none of them.
   */
  rule({ id, name, title, severity = Severity.MEDIUM, resourceTypes = [], equivalents = {}, help = "", check }) {
    if (this.rules.some((r) => r.id === id)) throw new Error(`rule id ${id} is registered twice`);
    if (!SEVERITIES.includes(severity)) throw new Error(`rule ${id}: unknown severity ${severity}`);
    if (typeof check !== "function") throw new Error(`rule ${id}: check must be a function`);
    const rule = { id, name, title, severity, resourceTypes, equivalents, help: dedent(help), check };
    this.rules.push(rule);
    return rule;
  }

  /** Runs every rule on `template` (its canonical JSON, as an object or JSON text). */
  evaluate(template, { baseline, path = "template.yaml", settings } = {}) {
    const value = typeof template === "string" ? JSON.parse(template) : template;
    if (!isObject(value)) throw new Error("the template is not a mapping");
    const base = typeof baseline === "string" ? JSON.parse(baseline) : baseline;
    let conf = typeof settings === "string" && settings.trim() !== "" ? JSON.parse(settings) : settings;
    conf = isObject(conf) ? conf : {};
    const disabled = new Set(Array.isArray(conf.disable) ? conf.disable : []);
    const cx = {
      template: new Template(value),
      baseline: base === undefined || base === null ? undefined : new Template(base),
      path,
      settings: conf,
    };
    const present = new Set([...cx.template.resources()].map((r) => r.type));
    const report = { findings: [], rules: [] };
    for (const rule of this.rules) {
      if (disabled.has(rule.id) || (rule.resourceTypes.length > 0 && !rule.resourceTypes.some((t) => present.has(t)))) {
        report.rules.push({ rule: rule.id, status: Status.SKIP });
        continue;
      }
      const out = new Findings(rule);
      rule.check(cx, out);
      report.findings.push(...out.items);
      report.rules.push({ rule: rule.id, status: out.items.length > 0 ? Status.FAIL : Status.PASS });
    }
    return report;
  }

  /** The component's exports, `{ metadata, evaluate }`, for componentize-js. */
  exports() {
    const policy = this;
    return {
      metadata() {
        return {
          id: policy.id,
          version: policy.version,
          description: policy.description,
          rules: policy.rules.map((r) => ({
            id: r.id,
            name: r.name,
            title: r.title,
            defaultSeverity: r.severity,
            help: r.help,
            equivalents: Object.entries(r.equivalents).map(([tool, ids]) => ({ tool, ids: [...ids] })),
          })),
          // Rules keep no state between evaluations: the host may keep a warm instance
          // (and the engine in it) for a whole run.
          reusable: true,
        };
      },
      evaluate(input) {
        let report;
        try {
          report = policy.evaluate(input.template, {
            baseline: input.baseline,
            path: input.path,
            settings: input.settings,
          });
        } catch (e) {
          // A rule that throws is this policy's error (the `err` of the result), not a trap.
          throw describe(e);
        }
        return {
          findings: report.findings.map((f) => ({
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            resource: f.resource,
            pointer: f.pointer,
            highlight: f.highlight,
          })),
          rules: report.rules,
        };
      },
    };
  }
}

/** Template-literal help text without its common indentation. */
export function dedent(text) {
  const lines = String(text).replace(/^\n/, "").replace(/\s+$/, "").split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.match(/^ */)[0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

/**
 * Checks the conventions of a rule set (for tests): codes `${prefix}001`, `${prefix}002`,
 * ... in registry order; unique kebab-case names; titles without a final period; help
 * with exactly the headings `## What it does`, `## Why is this bad?`, `## Example`,
 * `## Fix`. Throws naming the first rule that breaks one.
 */
export function assertRulesWellDescribed(policy, prefix) {
  const expected = ["## What it does", "## Why is this bad?", "## Example", "## Fix"];
  const names = new Set();
  policy.rules.forEach((rule, i) => {
    const code = `${prefix}${String(i + 1).padStart(3, "0")}`;
    const fail = (what) => {
      throw new Error(`${rule.id}: ${what}`);
    };
    if (rule.id !== code) fail(`rules are registered in code order (expected ${code})`);
    if (!/^[a-z0-9-]+$/.test(rule.name)) fail(`name ${JSON.stringify(rule.name)} is not kebab-case`);
    if (names.has(rule.name)) fail(`duplicate name ${rule.name}`);
    names.add(rule.name);
    if (!rule.title || rule.title.endsWith(".")) fail("title");
    const headings = rule.help.split("\n").filter((l) => l.startsWith("## "));
    if (JSON.stringify(headings) !== JSON.stringify(expected)) fail(`help headings are ${JSON.stringify(headings)}`);
  });
}
