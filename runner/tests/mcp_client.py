"""Drives `preflight mcp` with the official Python MCP client (PyPI `mcp`), as a coding
agent would. Run by runner/tests/mcp.rs:

    python mcp_client.py PREFLIGHT PROJECT_DIR

PROJECT_DIR holds the deploy/iam fixture (template.yaml, broadened.yaml, a Makefile whose
`make play` leaves deployed.marker) and missing-sub.yaml. Any failed expectation raises;
the last line printed is "mcp client: N passed, 0 failed".
"""

import asyncio
import json
import os
import pty
import shutil
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

PREFLIGHT, PROJECT = sys.argv[1], sys.argv[2]
MARKER = os.path.join(PROJECT, "deployed.marker")
passed = 0


def check(condition, what, detail=""):
    global passed
    if not condition:
        raise AssertionError(f"{what}: {detail}")
    passed += 1
    print(f"ok: {what}", flush=True)


def payload(result):
    """The JSON a tool returned (its first text block)."""
    text = result.content[0].text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def approve(digest, reason, terminal):
    """`preflight approve DIGEST --reason REASON`, with a pseudo-terminal as standard input
    when `terminal` (a person typing it), else with standard input closed (an agent)."""
    args = [PREFLIGHT, "approve", digest, "--reason", reason]
    if not terminal:
        return subprocess.run(args, cwd=PROJECT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    controller, tty = pty.openpty()
    try:
        return subprocess.run(args, cwd=PROJECT, stdin=tty, capture_output=True, text=True)
    finally:
        os.close(tty)
        os.close(controller)


async def main():
    server = StdioServerParameters(command=PREFLIGHT, args=["mcp"], cwd=PROJECT, env={"NO_COLOR": "1"})
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()

            tools = {t.name: t for t in (await session.list_tools()).tools}
            check(
                set(tools) == {"check", "audit", "diff", "explain_rule", "plan_deploy", "deploy"},
                "the six tools are listed",
                sorted(tools),
            )
            deploy_props = set(tools["deploy"].input_schema.get("properties", {}))
            check(
                not deploy_props & {"override", "overrides", "approve", "digest", "reason"},
                "deploy takes no override or approval argument",
                deploy_props,
            )

            # check: a template with a missing reference gives the finding with its line.
            report = payload(await session.call_tool("check", {"templates": ["missing-sub.yaml"], "sam": "off"}))
            findings = report["templates"][0]["findings"]
            tpl = [f for f in findings if f["rule"] == "TPL001"]
            check(tpl and tpl[0]["line"] == 12 and "DeadLetters" in tpl[0]["message"],
                  "check finds the missing reference at line 12", findings)

            # An argument that looks like an option stays a file name.
            result = await session.call_tool("check", {"templates": ["--override=TPL001"], "sam": "off"})
            check(result.is_error, "an option-like template name is not an option", payload(result))

            explained = payload(await session.call_tool("explain_rule", {"rule": "TPL001"}))
            check("Fn::Sub" in explained or "reference" in explained, "explain_rule documents TPL001", explained[:200])

            diff = payload(await session.call_tool("diff", {"old": "template.yaml", "new": "broadened.yaml"}))
            check(diff["broadening"] is True and len(diff["digest"]) == 64, "diff gives broadening and a digest", diff)

            # First deploy: no baseline, nothing to approve.
            plan = payload(await session.call_tool("plan_deploy", {}))
            check(plan["would_deploy"] is True and plan["approval_required"] is False, "first plan deploys", plan)
            check(not os.path.exists(MARKER), "planning runs nothing")
            progress = []

            async def on_progress(done, total, message):
                progress.append(message)

            result = await session.call_tool("deploy", {}, progress_callback=on_progress)
            first = payload(result)
            check(not result.is_error and first["outcome"] == "deployed", "first deploy runs", first)
            check(os.path.exists(MARKER), "the deploy command ran")
            check(any("deploying iam-app" in (m or "") for m in progress),
                  "progress notifications carry the command's output", progress)
            os.remove(MARKER)

            # A broadening change: planned with its digest, refused until a person approves.
            shutil.copy(os.path.join(PROJECT, "broadened.yaml"), os.path.join(PROJECT, "template.yaml"))
            plan = payload(await session.call_tool("plan_deploy", {}))
            digest = plan["digest"]
            check(plan["approval_required"] is True and plan["would_deploy"] is False and len(digest) == 64,
                  "plan_deploy asks approval for the broadening change", plan)
            check(digest == diff["digest"], "the plan's digest is the diff's")
            check(plan["approve_command"].startswith(f"preflight approve {digest} --reason"),
                  "plan_deploy gives the exact approve command", plan["approve_command"])

            result = await session.call_tool("deploy", {})
            check(result.is_error and "approve" in payload(result)["refused"], "deploy is refused", payload(result))
            check(not os.path.exists(MARKER), "the refused deploy ran nothing")

            agent = approve(digest, "the agent says so", terminal=False)
            check(agent.returncode == 2 and "terminal" in agent.stderr, "approve refuses without a terminal", agent.stderr)
            result = await session.call_tool("deploy", {})
            check(result.is_error, "still refused after the agent's attempt")

            wrong = approve("0" * 64, "another change set", terminal=True)
            check(wrong.returncode == 0, "a person may approve another digest", wrong.stderr)
            result = await session.call_tool("deploy", {})
            check(result.is_error and not os.path.exists(MARKER), "approving another digest does not help")

            person = approve(digest, "reviewed: the reader may now write objects", terminal=True)
            check(person.returncode == 0 and digest in person.stdout, "a person approves at a terminal", person.stderr)
            plan = payload(await session.call_tool("plan_deploy", {}))
            check(plan["would_deploy"] is True and plan["approved_out_of_band"]["digest"] == digest,
                  "the plan sees the approval", plan)

            result = await session.call_tool("deploy", {})
            done = payload(result)
            check(not result.is_error and done["outcome"] == "deployed", "the approved deploy runs", done)
            check(os.path.exists(MARKER), "the deploy command ran after approval")
            approval = done["report"]["security"]["approval"]
            check(approval["status"] == "approved" and "reviewed" in approval["approved"]["reason"],
                  "the approval and its reason are recorded in the deploy", approval)

    print(f"mcp client: {passed} passed, 0 failed")


asyncio.run(main())
