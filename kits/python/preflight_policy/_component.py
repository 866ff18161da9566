"""The component's exports: a :class:`~preflight_policy.Policy` as the ``metadata`` and
``evaluate`` functions of the ``policy`` world (``guest/wit/policy.wit``).

componentize-py generates ``wit_world`` when it builds the component and imports the
app module at build time (its pre-initialisation snapshot), so the bindings are imported
here once, at build time, not on every instance start.
"""

from __future__ import annotations

import traceback

try:
    from componentize_py_types import Err
    from wit_world.imports import types as wit
except ImportError:  # natively (tests): the exported class is defined but never called
    Err = None
    wit = None

from .model import Report, Severity, Status


def _severity(s: Severity):
    return wit.Severity[s.name]


def _status(s: Status):
    return wit.Status[s.name]


def _report(report: Report):
    return wit.Report(
        findings=[
            wit.Finding(
                rule=f.rule,
                severity=_severity(f.severity),
                message=f.message,
                resource=f.resource,
                pointer=f.pointer,
                highlight=f.highlight,
            )
            for f in report.findings
        ],
        rules=[wit.RuleStatus(rule=rule, status=_status(status)) for rule, status in report.rules],
    )


def describe(error: BaseException) -> str:
    """An exception in one line, with where it was raised: ``ValueError: bad (at
    policy.py:12 in check)``."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name})"
    return f"{type(error).__name__}: {error}{where}"


def world(policy) -> type:
    """The class componentize-py exports for ``policy`` (a
    :class:`~preflight_policy.Policy`; not imported here, so that this module and
    :mod:`.policy`, which calls it, do not import each other)."""

    class WitWorld:
        def metadata(self):
            return wit.PolicyMetadata(
                id=policy.id,
                version=policy.version,
                description=policy.description,
                rules=[
                    wit.RuleMetadata(
                        id=r.id,
                        name=r.name,
                        title=r.title,
                        default_severity=_severity(r.severity),
                        help=r.help,
                        equivalents=[wit.Equivalent(tool=t, ids=list(ids)) for t, ids in r.equivalents],
                    )
                    for r in policy.rules
                ],
                # Rules keep no state between evaluations: the host may keep a warm
                # instance (and the interpreter in it) for a whole run.
                reusable=True,
            )

        def evaluate(self, input):
            try:
                report = policy.evaluate(
                    input.template,
                    baseline=input.baseline,
                    path=input.path,
                    settings=input.settings,
                )
            except BaseException as e:
                # A rule that raises (or calls sys.exit) is this policy's error, not a
                # trap: the message says what and where.
                raise Err(describe(e))
            return _report(report)

    return WitWorld
