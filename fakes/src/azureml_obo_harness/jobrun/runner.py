"""Run a command job on this machine as AzureML would run it for the submitting user.

Against a fresh seeded :class:`~azureml_obo_harness.cloud.FakeAzure` by default; ``azure="live"``
against real Azure as the signed-in user, through a :mod:`~azureml_obo_harness.bridge` that
serves that user's tokens to the job's unchanged ``AzureMLOnBehalfOfCredential``.
"""

from __future__ import annotations

import secrets
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from azure.core.credentials import TokenCredential

from azureml_obo_harness.bridge import DEFAULT_ALLOWED_RESOURCES, user_token_bridge
from azureml_obo_harness.job_files import JobFileInvalid
from azureml_obo_harness.jobrun.code_folder import copy_code_folder
from azureml_obo_harness.jobrun.command import (
    apply_overrides,
    input_values,
    parse_sets,
    resolve_command,
)
from azureml_obo_harness.jobrun.conda import check_conda_file
from azureml_obo_harness.jobrun.errors import RunJobError
from azureml_obo_harness.jobrun.runtime import (
    WorkspaceCoordinates,
    experiment_name,
    inherited_environment,
    runtime_environment,
)
from azureml_obo_harness.jobrun.spec import LocalJob, load_local_job

PREFIX = "fake-azure run-job"
USER_IDENTITY = "user_identity"
FAKE_TRANSPORT = (
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
)
"""What of :meth:`FakeAzure.environ` points a process at the fake; the rest (workspace, run id,
OBO endpoint) is the job's runtime environment, and the fake's own ``OBO_JOB_*`` settings are left
out: the job's vault and secret come from its inputs, its variables and ``--set``."""
LIVE_WORKSPACE = (
    ("subscription_id", "--subscription-id", ("AZUREML_ARM_SUBSCRIPTION", "AZURE_SUBSCRIPTION_ID")),
    ("resource_group", "--resource-group", ("AZUREML_ARM_RESOURCEGROUP", "AZURE_RESOURCE_GROUP")),
    (
        "workspace_name",
        "--workspace-name",
        ("AZUREML_ARM_WORKSPACE_NAME", "AZUREML_WORKSPACE_NAME"),
    ),
)


@dataclass(frozen=True)
class RunJobRequest:
    """What ``fake-azure run-job`` was asked to do (its command line, parsed)."""

    job_file: Path
    sets: Sequence[str] = ()
    output_dir: Path | None = None
    azure: Literal["fake", "live"] = "fake"
    allow_resources: Sequence[str] = ()
    subscription_id: str | None = None
    resource_group: str | None = None
    workspace_name: str | None = None
    run_id: str | None = None


def new_run_id() -> str:
    """A fresh run id, shaped like AzureML's job names (``local_run_<10 of [a-z0-9]>``)."""
    alphabet = string.ascii_lowercase + string.digits
    return "local_run_" + "".join(secrets.choice(alphabet) for _ in range(10))


def live_workspace(request: RunJobRequest, environ: Mapping[str, str]) -> WorkspaceCoordinates:
    """The live workspace from the options, else the usual variables; every missing one named."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for attribute, option, names in LIVE_WORKSPACE:
        value = getattr(request, attribute) or next(
            (environ[name] for name in names if environ.get(name)), None
        )
        if value:
            found[attribute] = value
        else:
            missing.append(f"{option} (or {' / '.join(names)})")
    if missing:
        raise RunJobError(f"--azure=live needs the job's workspace: give {', '.join(missing)}")
    return WorkspaceCoordinates(**found)


@dataclass(frozen=True)
class PreparedRun:
    """A job ready to run: its command resolved, its outputs' folders chosen."""

    job: LocalJob
    command: str
    inputs: dict[str, str]
    outputs: dict[str, Path]
    output_dir: Path


def prepare(request: RunJobRequest, *, cwd: Path, out: TextIO) -> PreparedRun:
    """Load and check everything that can be checked before the run (no folder is created
    yet but the outputs'): raises :class:`JobFileInvalid` or :class:`RunJobError`."""
    overrides = parse_sets(request.sets)
    job = load_local_job(cwd / request.job_file, params_override=overrides.as_params_override())
    job = apply_overrides(job, overrides, cwd=cwd)
    if job.identity != USER_IDENTITY:
        shown = job.identity or "none (AzureML's default, the job's AML token)"
        print(
            f"{PREFIX}: warning: {job.path.name} runs with identity {shown}, not user_identity: "
            "it gets no OBO endpoint, so AzureMLOnBehalfOfCredential fails in it as on AzureML",
            file=out,
        )
    check_conda_file(job.conda_file, job_name=job.path.name)
    inputs = input_values(job)
    output_dir = (
        (cwd / request.output_dir).resolve()
        if request.output_dir is not None
        else Path(tempfile.mkdtemp(prefix="run-job-outputs-"))
    )
    outputs = {name: output_dir / name for name in job.outputs}
    command = resolve_command(job, inputs, outputs)
    for folder in outputs.values():
        folder.mkdir(parents=True, exist_ok=True)
    return PreparedRun(job, command, inputs, outputs, output_dir)


@contextmanager
def _azure(
    request: RunJobRequest,
    job: LocalJob,
    environ: Mapping[str, str],
    upstream: TokenCredential | None,
    out: TextIO,
) -> Iterator[tuple[WorkspaceCoordinates, dict[str, str], str | None]]:
    """The workspace, the transport variables and the OBO endpoint, for the run's duration."""
    wants_obo = job.identity == USER_IDENTITY
    if request.azure == "live":
        workspace = live_workspace(request, environ)
        if not wants_obo:
            yield workspace, {}, None
            return
        allow = [*DEFAULT_ALLOWED_RESOURCES, *request.allow_resources]
        with user_token_bridge(upstream, allow=allow) as bridge:
            print(
                f"{PREFIX}: against real Azure as the signed-in user; OBO bridge on "
                f"127.0.0.1:{bridge.port} for {', '.join(bridge.allowed_resources)}",
                file=out,
            )
            env = bridge.environ(environ)
            yield workspace, {k: env[k] for k in ("NO_PROXY", "no_proxy")}, env["OBO_ENDPOINT"]
        return
    from azureml_obo_harness import values
    from azureml_obo_harness.cloud.server import FakeAzure

    with FakeAzure() as azure:
        print(
            f"{PREFIX}: against a fresh fake Azure on 127.0.0.1:{azure.port}: workspace "
            f"{azure.workspace.name}, vault {values.VAULT_URL} (secret {values.SECRET_NAME}), "
            f"blob {values.BLOB_URL}, compute {values.COMPUTE_NAME}",
            file=out,
        )
        env = azure.environ()
        workspace = WorkspaceCoordinates(
            azure.workspace.subscription_id, azure.workspace.resource_group, azure.workspace.name
        )
        yield (
            workspace,
            {k: env[k] for k in FAKE_TRANSPORT},
            azure.obo_endpoint if wants_obo else None,
        )


def _shell() -> str | None:
    # AzureML runs the command with bash; fall back to the platform's shell where there is none.
    return shutil.which("bash")


def run_job(
    request: RunJobRequest,
    *,
    environ: Mapping[str, str],
    cwd: Path,
    upstream: TokenCredential | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the job; returns its command's exit status, or 2 when it could not start (one line
    on ``out``, default stderr, per problem). ``upstream`` is the live bridge's credential
    (default ``DefaultAzureCredential``)."""
    out = sys.stderr if out is None else out
    try:
        if request.azure == "live":
            live_workspace(request, environ)  # before anything is created
        prepared = prepare(request, cwd=cwd, out=out)
    except JobFileInvalid as error:
        for problem in error.problems:
            print(f"{PREFIX}: {error.args[0].splitlines()[0]} {problem}", file=out)
        return 2
    except RunJobError as error:
        print(f"{PREFIX}: {error}", file=out)
        return 2
    job = prepared.job
    run_id = request.run_id or new_run_id()
    workdir = Path(tempfile.mkdtemp(prefix="run-job-code-"))
    try:
        if job.code is not None:
            copy_code_folder(job.code, workdir)
        with _azure(request, job, environ, upstream, out) as (workspace, transport, obo):
            env = {
                **inherited_environment(environ),
                **transport,
                **runtime_environment(
                    job,
                    run_id=run_id,
                    workspace=workspace,
                    experiment=experiment_name(job, cwd),
                    inputs=prepared.inputs,
                    outputs=prepared.outputs,
                    obo_endpoint=obo,
                ),
            }
            print(f"{PREFIX}: run {run_id}: {prepared.command}", file=out, flush=True)
            try:
                status = subprocess.call(
                    prepared.command, shell=True, executable=_shell(), cwd=workdir, env=env
                )
            except KeyboardInterrupt:
                status = 130
    except RunJobError as error:
        print(f"{PREFIX}: {error}", file=out)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, folder in prepared.outputs.items():
        print(f"{PREFIX}: output {name}: {folder}", file=out)
    print(f"{PREFIX}: {job.path.name} exited with status {status}", file=out)
    return status
