"""Command line: ``fake-azure serve``, ``fake-azure run -- COMMAND ...`` or ``fake-azure run-job JOB.yaml``.

``serve`` starts the seeded fake Azure, prints the ``export`` lines that point a shell at it and
runs until Ctrl-C or SIGTERM. ``run`` starts it, runs COMMAND with those variables set on top of
the current environment, stops it and exits with COMMAND's status. ``run-job`` runs a job YAML as
AzureML would (:mod:`azureml_obo_harness.jobrun`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from azureml_obo_harness.cloud.operations import add_operations_parser, run_operations
from azureml_obo_harness.cloud.server import FakeAzure
from azureml_obo_harness.jobrun.cli import add_run_job_parser, request_from
from azureml_obo_harness.jobrun.runner import run_job


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-azure", description="A fake Azure on 127.0.0.1 for OBO job tests."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve until Ctrl-C/SIGTERM; print export lines")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    serve.add_argument("--spark", action="store_true", help="also export the Spark OBO variables")
    run = commands.add_parser("run", help="run COMMAND against the fake; exit with its status")
    run.add_argument("--spark", action="store_true", help="also set the Spark OBO variables")
    run.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="ROUTE=SPEC",
        help="make ROUTE fail (repeatable): SPEC is an HTTP status, 'reset' (drop the connection), "
        "'html' (a 200 with a non-JSON body) or 'lost' (the service does the work, the answer is "
        "dropped), optionally followed by xN for the first N requests only (default: every one). "
        "Routes: keyvault/get_secret, ml/create_or_update_job, obo/token, ... (a service name "
        "alone covers all its routes)",
    )
    run.add_argument(
        "--deny-secrets",
        action="store_true",
        help="the user has no permission on the vault's secrets",
    )
    run.add_argument("--obo-down", action="store_true", help="the OBO endpoint refuses to answer")
    run.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")
    add_run_job_parser(commands)
    add_operations_parser(commands)
    return parser


def apply_fault(azure: FakeAzure, text: str) -> None:
    """Apply one ``--fault ROUTE=SPEC``; raises ``ValueError`` saying what is wrong with it."""
    route, sep, spec = text.partition("=")
    if not sep or not route or not spec:
        raise ValueError(f"--fault {text!r}: expected ROUTE=SPEC, e.g. keyvault/get_secret=503x2")
    kind, _, count = spec.partition("x")
    times = None
    if count:
        if not count.isdigit():
            raise ValueError(f"--fault {text!r}: the count after x must be a number")
        times = int(count)
    if kind == "reset":
        azure.faults.add(route, reset=True, times=times)
    elif kind == "lost":
        azure.faults.add(route, reset=True, after_handling=True, times=times)
    elif kind == "html":
        azure.faults.add(route, status=200, body="<html>Service Unavailable</html>", times=times)
    elif kind.isdigit():
        azure.faults.add(route, status=int(kind), times=times)
    else:
        raise ValueError(f"--fault {text!r}: SPEC must be a status, reset, html or lost")


def serve(*, port: int, spark: bool) -> int:
    """Serve until SIGINT/SIGTERM; the export lines go to stdout, one per variable."""
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeAzure(port=port) as azure:
        for name, value in azure.environ(spark=spark).items():
            print(f"export {name}={shlex.quote(value)}")
        print(f"# fake Azure serving on 127.0.0.1:{azure.port}; Ctrl-C to stop", flush=True)
        while not stopped.wait(0.5):
            pass
    return 0


def run(
    argv: Sequence[str],
    *,
    spark: bool,
    faults: Sequence[str] = (),
    deny_secrets: bool = False,
    obo_down: bool = False,
) -> int:
    """Run ``argv`` with the fake's variables (and the given faults); returns its exit status."""
    command = list(argv[1:] if argv and argv[0] == "--" else argv)
    if not command:
        print(
            "fake-azure run: give a command after --, e.g. -- python -m obo_job",
            file=sys.stderr,
        )
        return 2
    with FakeAzure() as azure:
        try:
            for fault in faults:
                apply_fault(azure, fault)
        except ValueError as error:
            print(f"fake-azure run: {error}", file=sys.stderr)
            return 2
        if deny_secrets:
            azure.grant(azure.user.object_id, [])
        azure.obo.refuse_connections = obo_down
        env = {**os.environ, **azure.environ(spark=spark)}
        try:
            return subprocess.call(command, env=env)
        except FileNotFoundError:
            print(f"fake-azure run: command not found: {command[0]}", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``fake-azure``."""
    arguments = _parser().parse_args(argv)
    if arguments.command == "run-job":
        return run_job(request_from(arguments), environ=os.environ, cwd=Path.cwd())
    if arguments.command == "operations":
        return run_operations(arguments)
    if arguments.command == "serve":
        return serve(port=arguments.port, spark=arguments.spark)
    return run(
        arguments.argv,
        spark=arguments.spark,
        faults=arguments.fault,
        deny_secrets=arguments.deny_secrets,
        obo_down=arguments.obo_down,
    )


if __name__ == "__main__":
    sys.exit(main())
