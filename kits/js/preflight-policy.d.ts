// TypeScript declarations for preflight-policy.js: write a policy in TypeScript, compile
// it to JavaScript (tsc), then build the component from the JavaScript with componentize-js.

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export type Status = "pass" | "fail" | "skip";
export declare const Severity: Readonly<{ INFO: "info"; LOW: "low"; MEDIUM: "medium"; HIGH: "high"; CRITICAL: "critical" }>;
export declare const Status: Readonly<{ PASS: "pass"; FAIL: "fail"; SKIP: "skip" }>;
export declare const PSEUDO_PARAMETERS: readonly string[];

export declare function escape(token: string): string;
export declare function resourceOfPointer(pointer: string): string | undefined;
export declare function describe(error: unknown): string;
export declare function dedent(text: string): string;

/** A JSON value and the JSON pointer it sits at. */
export declare class Node {
  constructor(value: unknown, pointer?: string);
  readonly value: any;
  readonly pointer: string;
  get(key: string): Node | undefined;
  index(i: number): Node | undefined;
  path(path: string): Node | undefined;
  items(): IterableIterator<Node>;
  entries(): IterableIterator<[string, Node]>;
  oneOrMany(): Node[];
  asStr(): string | undefined;
  asBool(): boolean | undefined;
  asInt(): number | undefined;
  isObject(): boolean;
  intrinsic(): [string, unknown] | undefined;
  isIntrinsic(): boolean;
  resourceId(): string | undefined;
}

/** One resource of a template. */
export declare class Resource {
  readonly template: Template;
  readonly id: string;
  readonly type: string;
  readonly node: Node;
  isSam(): boolean;
  properties(): Node | undefined;
  attribute(name: string): Node | undefined;
  property(name: string): Node | undefined;
  propertyPath(path: string): Node | undefined;
}

/** A template: sections, resources and SAM Globals. */
export declare class Template {
  constructor(value: unknown);
  readonly value: any;
  root(): Node;
  section(name: string): Node | undefined;
  isSam(): boolean;
  resources(): IterableIterator<Resource>;
  resourcesOfType(...types: string[]): IterableIterator<Resource>;
  resource(id: string): Resource | undefined;
  hasResource(id: string): boolean;
  hasParameter(name: string): boolean;
  parameters(): [string, Node][];
  outputs(): [string, Node][];
  conditions(): [string, Node][];
  globalsFor(type: string): Node | undefined;
}

export declare class Finding {
  rule: string;
  severity: Severity;
  message: string;
  pointer: string;
  resource: string | undefined;
  highlight: string | undefined;
  withSeverity(severity: Severity): Finding;
  withHighlight(text: string): Finding;
}

export declare class Findings {
  readonly items: Finding[];
  add(node: Node, message: string): Finding;
  addAt(pointer: string, message: string): Finding;
}

export interface Context {
  template: Template;
  baseline: Template | undefined;
  path: string;
  settings: Record<string, any>;
}

export interface RuleSpec {
  id: string;
  name: string;
  title: string;
  severity?: Severity;
  resourceTypes?: string[];
  equivalents?: Record<string, string[]>;
  help?: string;
  check(cx: Context, out: Findings): void;
}

export interface Report {
  findings: Finding[];
  rules: { rule: string; status: Status }[];
}

export declare class Policy {
  constructor(meta: { id: string; version: string; description: string });
  readonly rules: (Required<RuleSpec>)[];
  rule(spec: RuleSpec): Required<RuleSpec>;
  evaluate(template: object | string, options?: { baseline?: object | string; path?: string; settings?: object | string }): Report;
  exports(): { metadata(): unknown; evaluate(input: unknown): unknown };
}

export declare function assertRulesWellDescribed(policy: Policy, prefix: string): void;
