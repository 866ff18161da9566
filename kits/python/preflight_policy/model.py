"""The values a policy and the host exchange: severities, statuses, findings, reports and
rule metadata. Both the rule registry (:mod:`.policy`) and the component's exports
(:mod:`._component`) read them, so they live apart from either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional


class Severity(Enum):
    """How serious a finding is. Enforcement (whether it blocks) is configuration's."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Status(Enum):
    """The outcome of one rule on one template."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass
class Finding:
    """One problem found in the template."""

    rule: str
    severity: Severity
    message: str
    pointer: str
    resource: Optional[str] = None
    highlight: Optional[str] = None

    def with_severity(self, severity: Severity) -> "Finding":
        """Overrides the rule's severity for this finding."""
        self.severity = severity
        return self

    def with_highlight(self, text: str) -> "Finding":
        """Narrows the location to ``text`` inside the pointed node (e.g. ``${Missing}``
        inside a ``Fn::Sub`` string)."""
        self.highlight = text
        return self


@dataclass
class Report:
    """The answer to one evaluation: findings, and one status per rule."""

    findings: list[Finding] = field(default_factory=list)
    rules: list[tuple[str, Status]] = field(default_factory=list)


@dataclass(frozen=True)
class RuleInfo:
    """What a policy says about one of its rules."""

    id: str
    name: str
    title: str
    severity: Severity
    help: str
    resource_types: tuple[str, ...] = ()
    #: The same check in other tools: ``{"checkov": ["CKV_AWS_21"]}``.
    equivalents: tuple[tuple[str, tuple[str, ...]], ...] = ()
