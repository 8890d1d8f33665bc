"""``fake-azure run-job JOB.yaml ...``: the subcommand's options, and its entry point for tests."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from azure.core.credentials import TokenCredential

from azureml_obo_harness.bridge import DEFAULT_ALLOWED_RESOURCES
from azureml_obo_harness.jobrun.runner import RunJobRequest, run_job

DESCRIPTION = (
    "Run a command job locally as AzureML would run it for the submitting user: the command, "
    "with ${{inputs.*}}/${{outputs.*}} resolved, in a copy of the job's code folder (without "
    "what .amlignore names), with the runtime environment AzureML sets and the current Python. "
    "Against a fresh fake Azure by default; --azure=live against real Azure as the signed-in user."
)


def add_run_job_parser(commands: Any) -> argparse.ArgumentParser:
    """Add the ``run-job`` subcommand to ``commands`` (an ``add_subparsers()`` result)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "run-job", help="run a command job YAML locally, as AzureML would", description=DESCRIPTION
    )
    parser.add_argument("job_file", type=Path, metavar="JOB.yaml")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="inputs.NAME=VALUE|environment_variables.NAME=VALUE",
        help="give an input or a variable the job declares another value (repeatable); an "
        "input's field may be named, inputs.NAME.value=VALUE or inputs.NAME.path=PATH",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="each output is the folder DIR/<name> (default: a fresh folder, printed)",
    )
    parser.add_argument(
        "--azure",
        choices=("fake", "live"),
        default="fake",
        help="fake (default): a fresh seeded fake Azure; live: real Azure as the signed-in "
        "user (DefaultAzureCredential), through a local OBO endpoint",
    )
    parser.add_argument(
        "--allow-resource",
        dest="allow_resources",
        action="append",
        default=[],
        metavar="URI",
        help="live: also issue tokens for this resource (default: "
        f"{', '.join(DEFAULT_ALLOWED_RESOURCES)})",
    )
    parser.add_argument("--subscription-id", help="live: the workspace's subscription")
    parser.add_argument("--resource-group", help="live: the workspace's resource group")
    parser.add_argument("--workspace-name", help="live: the workspace")
    parser.add_argument(
        "--run-id", help="the job's AZUREML_RUN_ID (default: a fresh local_run_<10 characters>)"
    )
    return parser


def request_from(arguments: argparse.Namespace) -> RunJobRequest:
    """The :class:`RunJobRequest` of parsed ``run-job`` arguments."""
    return RunJobRequest(
        job_file=arguments.job_file,
        sets=tuple(arguments.sets),
        output_dir=arguments.output_dir,
        azure=arguments.azure,
        allow_resources=tuple(arguments.allow_resources),
        subscription_id=arguments.subscription_id,
        resource_group=arguments.resource_group,
        workspace_name=arguments.workspace_name,
        run_id=arguments.run_id,
    )


def main(
    argv: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    upstream: TokenCredential | None = None,
    out: TextIO | None = None,
) -> int:
    """``fake-azure run-job ARGV...`` in this process, with an explicit environment, folder and
    (live) upstream credential: what the tests call."""
    parser = argparse.ArgumentParser(prog="fake-azure")
    commands = parser.add_subparsers(dest="command", required=True)
    add_run_job_parser(commands)
    arguments = parser.parse_args(["run-job", *argv])
    return run_job(
        request_from(arguments),
        environ=os.environ if environ is None else environ,
        cwd=Path.cwd() if cwd is None else cwd,
        upstream=upstream,
        out=out,
    )
