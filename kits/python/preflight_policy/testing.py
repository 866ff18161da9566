"""Native test helpers: run a policy on a template without WebAssembly, and check the
rule conventions the Rust rules follow.

Fixtures with line and column belong to ``preflight policy test`` (YAML test cases run
in the sandbox, as preflight runs the component); these helpers are for fast unit tests
on templates written as dicts or JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from .model import Report, Status
from .policy import Policy

HEADINGS = ["## What it does", "## Why is this bad?", "## Example", "## Fix"]


@dataclass
class Outcome:
    """A policy's report on one template."""

    report: Report

    def fired(self) -> list[str]:
        """The ids of the rules that produced findings, in order, without repeats."""
        ids: list[str] = []
        for f in self.report.findings:
            if f.rule not in ids:
                ids.append(f.rule)
        return ids

    def pointers(self, rule: str) -> list[str]:
        """The JSON pointers of ``rule``'s findings, in order."""
        return [f.pointer for f in self.report.findings if f.rule == rule]

    def status(self, rule: str) -> Status:
        """``rule``'s status (skip when it was not evaluated)."""
        return dict(self.report.rules).get(rule, Status.SKIP)


def run(policy: Policy, template: Union[dict, str], **kwargs) -> Outcome:
    """Runs ``policy`` on ``template`` (a dict or JSON text; keywords as
    :meth:`Policy.evaluate`)."""
    return Outcome(policy.evaluate(template, **kwargs))


def assert_rules_well_described(policy: Policy, prefix: str) -> None:
    """Checks the conventions of a rule set: codes ``{prefix}001``, ``{prefix}002``, ... in
    registry order; unique kebab-case names; titles without a final period; help with
    exactly the headings ``## What it does``, ``## Why is this bad?``, ``## Example``,
    ``## Fix``. Raises AssertionError naming the first rule that breaks one."""
    names: set[str] = set()
    for i, rule in enumerate(policy.rules, start=1):
        expected = f"{prefix}{i:03}"
        assert rule.id == expected, f"{rule.id}: rules are registered in code order (expected {expected})"
        assert re.fullmatch(r"[a-z0-9-]+", rule.name), f"{rule.id}: name {rule.name!r} is not kebab-case"
        assert rule.name not in names, f"{rule.id}: duplicate name {rule.name!r}"
        names.add(rule.name)
        assert rule.title and not rule.title.endswith("."), f"{rule.id}: title"
        headings = [line for line in rule.help.splitlines() if line.startswith("## ")]
        assert headings == HEADINGS, f"{rule.id}: help headings are {headings}, expected {HEADINGS}"
