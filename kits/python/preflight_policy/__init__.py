"""The preflight policy SDK for Python.

A policy is a Python module built into a WebAssembly component with componentize-py
against ``wit/policy.wit``. It receives a CloudFormation / SAM template as canonical
JSON and returns findings that point into it with JSON pointers; preflight turns the
pointers into file, line and column. It runs in a sandbox: no files, no environment, no
network, bounded time and memory.

A one-property rule::

    from preflight_policy import Policy, Severity

    policy = Policy(id="acme", version="1.0.0", description="Acme's house rules")

    @policy.rule(id="ACME001", name="bucket-versioning",
                 title="S3 buckets turn on versioning", severity=Severity.MEDIUM,
                 resource_types=["AWS::S3::Bucket"])
    def bucket_versioning(cx, out):
        \"\"\"
        ## What it does
        Checks that every S3 bucket turns on versioning.
        ...
        \"\"\"
        for bucket in cx.template.resources_of_type("AWS::S3::Bucket"):
            status = bucket.property_path("VersioningConfiguration/Status")
            if status is None or status.as_str() != "Enabled":
                out.add(status or bucket.node, f"bucket `{bucket.id}` does not turn on versioning")

    WitWorld = policy.world()
"""

import sys

from .model import Finding, Report, RuleInfo, Severity, Status
from .policy import Context, Findings, Policy
from .template import PSEUDO_PARAMETERS, Node, Resource, Template

__all__ = [
    "Context",
    "Finding",
    "Findings",
    "Node",
    "PSEUDO_PARAMETERS",
    "Policy",
    "Report",
    "Resource",
    "RuleInfo",
    "Severity",
    "Status",
    "Template",
    "log",
]

_LEVELS = ("trace", "debug", "info", "warn", "error")


def log(level: str, message: str) -> None:
    """Writes a message to the host's log (shown with ``--verbose``): ``level`` is one of
    trace, debug, info, warn, error. Natively (in tests), warnings and errors go to
    standard error and the rest is dropped."""
    if level not in _LEVELS:
        raise ValueError(f"log level must be one of {', '.join(_LEVELS)}")
    try:
        from wit_world.imports import host, types
    except ImportError:
        if _LEVELS.index(level) >= _LEVELS.index("warn"):
            print(f"[{level}] {message}", file=sys.stderr)
        return
    host.log(types.LogLevel[level.upper()], message)
