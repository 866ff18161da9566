#!/usr/bin/env python3
"""Local AWS for hello-sam: no account needed.

    local_aws.py up                 start moto's server at $AWS_ENDPOINT_URL when it is a
                                    local address and nothing answers there yet
    local_aws.py down               stop the server `up` started
    local_aws.py bucket NAME        create the artifact bucket when it is missing
    local_aws.py transform IN OUT   expand the SAM transform locally (moto's
                                    CloudFormation does not implement AWS::Serverless)

Runs with the Python the SAM CLI is installed in (it provides boto3 and
aws-sam-translator); moto comes from `pip install 'moto[server]'`.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent.parent
STATE = HERE / ".moto"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def fail(message):
    print(f"local_aws: {message}", file=sys.stderr)
    sys.exit(1)


def endpoint():
    url = os.environ.get("AWS_ENDPOINT_URL", "").strip()
    if not url:
        fail("AWS_ENDPOINT_URL is not set (the Makefile sets it to a local moto server)")
    return url


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def moto_command(port):
    try:
        import moto.server  # noqa: F401

        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    except ImportError:
        pass
    program = shutil.which("moto_server")
    if program:
        return [program, "-H", "127.0.0.1", "-p", str(port)]
    fail("moto is not installed: pip install 'moto[server]' (or run `make test-deps` at the repository root)")


def up():
    url = urlparse(endpoint())
    host, port = url.hostname, url.port or 80
    if host not in LOCAL_HOSTS:
        print(f"local_aws: using {url.geturl()}")
        return
    if answers("127.0.0.1", port):
        print(f"local_aws: moto answers on 127.0.0.1:{port}")
        return
    STATE.mkdir(exist_ok=True)
    log = open(STATE / "moto.log", "ab")
    # Its own session: the server outlives this deploy (preflight verifies the stack
    # against it afterwards) and is not stopped with the deploy's process group.
    process = subprocess.Popen(
        moto_command(port),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    (STATE / "moto.pid").write_text(f"{process.pid}\n")
    deadline = time.time() + 30
    while not answers("127.0.0.1", port):
        if process.poll() is not None:
            fail(f"moto's server exited with status {process.returncode}; see {STATE / 'moto.log'}")
        if time.time() > deadline:
            fail(f"moto's server did not answer on 127.0.0.1:{port} within 30 s; see {STATE / 'moto.log'}")
        time.sleep(0.1)
    print(f"local_aws: started moto on 127.0.0.1:{port} (pid {process.pid}; `make down` stops it)")


def down():
    pid_file = STATE / "moto.pid"
    if not pid_file.exists():
        print("local_aws: no moto server started here")
        return
    pid = int(pid_file.read_text().strip())
    try:
        os.kill(pid, signal.SIGTERM)
        print(f"local_aws: stopped moto (pid {pid})")
    except ProcessLookupError:
        print(f"local_aws: moto (pid {pid}) was not running")
    pid_file.unlink()


def s3():
    import boto3

    return boto3.client("s3", endpoint_url=endpoint())


def bucket(name):
    client = s3()
    try:
        client.head_bucket(Bucket=name)
    except Exception:
        client.create_bucket(Bucket=name)
        print(f"local_aws: created bucket {name}")


def transform(source, target):
    try:
        from samtranslator.translator.transform import transform as sam_transform
        from samtranslator.yaml_helper import yaml_parse
    except ImportError:
        fail("aws-sam-translator is not importable: run this with the Python the SAM CLI is installed in (PYTHON=...)")

    class NoManagedPolicyLookup:
        """Managed policies are named by ARN in this template: nothing to look up."""

        def load(self):
            return {}

    template = yaml_parse(Path(source).read_text())
    expanded = sam_transform(template, {}, NoManagedPolicyLookup())
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(json.dumps(expanded, indent=2) + "\n")
    print(f"local_aws: expanded the SAM transform into {target}")


def main(argv):
    commands = {
        "up": (up, 0),
        "down": (down, 0),
        "bucket": (bucket, 1),
        "transform": (transform, 2),
    }
    if not argv or argv[0] not in commands or len(argv) - 1 != commands[argv[0]][1]:
        fail(__doc__.strip())
    function, _ = commands[argv[0]]
    function(*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
