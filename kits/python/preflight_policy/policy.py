"""Rules and policies: a rule is a function registered on a :class:`Policy` with its
metadata; its docstring is its help text, with the same headings as the Rust rules
(``## What it does``, ``## Why is this bad?``, ``## Example``, ``## Fix``).
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Union

from .model import Finding, Report, RuleInfo, Severity, Status
from .template import Node, Template, resource_of_pointer


class Context:
    """What a rule sees: the template, the baseline (last deployed) template when there
    is one, the template's path (for messages only) and the policy's settings."""

    __slots__ = ("template", "baseline", "path", "settings")

    def __init__(
        self,
        template: Template,
        baseline: Optional[Template] = None,
        path: str = "",
        settings: Optional[dict] = None,
    ) -> None:
        self.template = template
        self.baseline = baseline
        self.path = path
        self.settings = settings or {}


class Findings:
    """Where a rule reports what it found."""

    __slots__ = ("_info", "items")

    def __init__(self, info: RuleInfo) -> None:
        self._info = info
        self.items: list[Finding] = []

    def add(self, node: Node, message: str) -> Finding:
        """Reports a problem at ``node`` (a :class:`Node`: its pointer locates it)."""
        return self.add_at(node.pointer, message)

    def add_at(self, pointer: str, message: str) -> Finding:
        """Reports a problem at a JSON pointer (``/Resources/Bucket/Properties``)."""
        finding = Finding(
            rule=self._info.id,
            severity=self._info.severity,
            message=message,
            pointer=pointer,
            resource=resource_of_pointer(pointer),
        )
        self.items.append(finding)
        return finding

    def __len__(self) -> int:
        return len(self.items)


Check = Callable[[Context, Findings], None]


@dataclass
class _Rule:
    info: RuleInfo
    check: Check


class Policy:
    """A policy: an id, a version, a description and its rules, in registry order.

    Register rules with :meth:`rule`; end the module with ``WitWorld = policy.world()``
    so componentize-py exports the policy as a component.
    """

    def __init__(self, id: str, version: str, description: str) -> None:
        self.id = id
        self.version = version
        self.description = description
        self._rules: list[_Rule] = []

    def rule(
        self,
        *,
        id: str,
        name: str,
        title: str,
        severity: Severity = Severity.MEDIUM,
        resource_types: Iterable[str] = (),
        equivalents: Optional[dict[str, Iterable[str]]] = None,
    ) -> Callable[[Check], Check]:
        """Registers the decorated function ``check(cx, out)`` as a rule. Its docstring
        is the rule's help (markdown). With ``resource_types``, the rule is skipped on a
        template that has none of them."""

        def register(check: Check) -> Check:
            if any(r.info.id == id for r in self._rules):
                raise ValueError(f"rule id {id} is registered twice")
            info = RuleInfo(
                id=id,
                name=name,
                title=title,
                severity=severity,
                help=inspect.cleandoc(check.__doc__ or ""),
                resource_types=tuple(resource_types),
                equivalents=tuple(
                    (tool, tuple(ids)) for tool, ids in (equivalents or {}).items()
                ),
            )
            self._rules.append(_Rule(info, check))
            return check

        return register

    @property
    def rules(self) -> list[RuleInfo]:
        """Every rule's metadata, in registry order."""
        return [r.info for r in self._rules]

    def evaluate(
        self,
        template: Union[dict, str],
        *,
        baseline: Union[dict, str, None] = None,
        path: str = "template.yaml",
        settings: Union[dict, str, None] = None,
    ) -> Report:
        """Runs every rule on ``template`` (its canonical JSON, as a dict or JSON text).
        Settings may list rule ids under ``"disable"`` to skip them."""
        value = json.loads(template) if isinstance(template, str) else template
        if not isinstance(value, dict):
            raise ValueError("the template is not a mapping")
        base = json.loads(baseline) if isinstance(baseline, str) else baseline
        conf = json.loads(settings) if isinstance(settings, str) and settings.strip() else settings
        conf = conf if isinstance(conf, dict) else {}
        disabled = set(conf.get("disable") or ())
        cx = Context(Template(value), Template(base) if base is not None else None, path, conf)
        present = {r.type for r in cx.template.resources()}
        report = Report()
        for rule in self._rules:
            info = rule.info
            if info.id in disabled or (
                info.resource_types and present.isdisjoint(info.resource_types)
            ):
                report.rules.append((info.id, Status.SKIP))
                continue
            out = Findings(info)
            rule.check(cx, out)
            report.findings.extend(out.items)
            report.rules.append((info.id, Status.FAIL if out.items else Status.PASS))
        return report

    def world(self) -> type:
        """The class componentize-py exports (``WitWorld = policy.world()``)."""
        from ._component import world

        return world(self)
