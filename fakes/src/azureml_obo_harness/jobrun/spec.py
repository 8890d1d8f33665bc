"""A command job file as ``run-job`` runs it: what the YAML declares, with local paths resolved.

The file is validated by azure-ai-ml (``load_job``, through
:func:`azureml_obo_harness.job_files.load_job_file`), so it is exactly what ``az ml job create``
accepts; the values are then read from the YAML itself, which says plainly what the author wrote
(a literal, a local path, a remote URI) where the SDK's entities have already rewritten it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from azureml_obo_harness.job_files import load_job_file
from azureml_obo_harness.jobrun.errors import RunJobError

DATA_INPUT_TYPES = frozenset(
    {"uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"}
)
"""Input types whose value is a path or URI (every other input of a command job is a literal)."""


@dataclass(frozen=True)
class JobInput:
    """One declared input: ``type`` is ``literal`` or a data type (``uri_file``...); ``value`` is
    the literal (as the string the command sees) or the path/URI as written, ``None`` when the job
    gives none."""

    name: str
    type: str
    value: str | None
    relative_to: Path = Path()
    """The folder a local path in ``value`` is relative to (the job file's, or the current one for
    a ``--set``)."""

    @property
    def is_data(self) -> bool:
        return self.type in DATA_INPUT_TYPES


@dataclass(frozen=True)
class LocalJob:
    """A command job file, read for a local run."""

    path: Path
    command: str
    code: Path | None
    """The job's code folder (absolute), or None when the job has no ``code``."""
    inputs: dict[str, JobInput] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    """Output name -> its type (``uri_folder`` when the job does not say)."""
    environment_variables: dict[str, str] = field(default_factory=dict)
    identity: str | None = None
    """``user_identity``, ``managed``, ``aml_token`` or None (AzureML's default identity)."""
    experiment_name: str | None = None
    display_name: str | None = None
    environment: str = ""
    """How the job names its environment, for messages (an image, or ``azureml:name:version``)."""
    conda_file: dict[str, Any] | None = None
    """The environment's conda file, parsed (None when the environment has none)."""

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the job file are resolved from (the file's own)."""
        return self.path.parent


def _literal(value: Any) -> str:
    # AzureML hands literal inputs to the command as strings; YAML booleans print as Python's.
    return str(value)


def _read_input(name: str, raw: Any, base_dir: Path) -> JobInput:
    if not isinstance(raw, dict):
        return JobInput(name, "literal", None if raw is None else _literal(raw), base_dir)
    # No type: {value: ...} is a literal (azure-ai-ml's literal input form), {path: ...} a folder.
    default = "literal" if "value" in raw and "path" not in raw else "uri_folder"
    kind = str(raw.get("type") or default)
    value = raw.get("path", raw.get("value", raw.get("default")))
    if value is None:
        return JobInput(name, kind, None, base_dir)
    text = str(value) if kind in DATA_INPUT_TYPES else _literal(value)
    return JobInput(name, kind, text, base_dir)


def is_remote(location: str) -> bool:
    """True for a URI AzureML resolves itself (``https://``, ``azureml:``, ``wasbs://``...)."""
    return location.startswith("azureml:") or "://" in location


def resolve_data_path(name: str, location: str, base_dir: Path) -> str:
    """Data input ``name``'s value as the command gets it: a remote URI unchanged, a local path
    made absolute (relative to ``base_dir``); a local path that does not exist is a
    :class:`RunJobError`."""
    if is_remote(location):
        return location
    local = location.removeprefix("file:")
    resolved = (base_dir / local).resolve()
    if not resolved.exists():
        raise RunJobError(
            f"input {name}: the local path {location!r} does not exist ({resolved}); fix it in "
            f"the job file or give another with --set inputs.{name}=PATH"
        )
    return str(resolved)


def _environment_label(environment: Any) -> str:
    if isinstance(environment, str):
        return environment
    if isinstance(environment, dict):
        return str(environment.get("image") or environment.get("build") or "an inline environment")
    return "no environment"


def load_local_job(
    path: str | Path, *, params_override: Sequence[Mapping[str, str]] = ()
) -> LocalJob:
    """Read a command job file for a local run.

    Raises :class:`~azureml_obo_harness.job_files.JobFileInvalid` (one line per problem) for a
    file ``load_job`` refuses, and :class:`RunJobError` for a valid file ``run-job`` cannot run
    (not a command job, code that is not a local folder). ``params_override`` (the ``--set``
    items, as ``az ml job create`` passes them) is applied before the file is validated, as
    there: the values read here are still the file's own (the caller applies the ``--set``).
    """
    job_path = Path(path).resolve()
    if not job_path.is_file():
        raise RunJobError(f"{path}: no such job file; give the path of a job YAML")
    entity = load_job_file(job_path, params_override=params_override)
    raw = yaml.safe_load(job_path.read_text(encoding="utf-8")) or {}
    if raw.get("type", "command") != "command" or not isinstance(raw.get("command"), str):
        raise RunJobError(
            f"{path}: run-job runs command jobs only (type: command with a command), "
            f"not type {raw.get('type')!r}"
        )
    base_dir = job_path.parent
    code: Path | None = None
    if raw.get("code") is not None:
        location = str(raw["code"])
        if is_remote(location):
            raise RunJobError(
                f"{path}: code {location!r} is not a local folder; run-job copies local code only"
            )
        code = (base_dir / location).resolve()
        if not code.is_dir():
            raise RunJobError(f"{path}: the code folder {code} does not exist")
    inputs = {
        str(name): _read_input(str(name), value, base_dir)
        for name, value in (raw.get("inputs") or {}).items()
    }
    outputs = {
        str(name): str(value.get("type") or "uri_folder")
        if isinstance(value, dict)
        else "uri_folder"
        for name, value in (raw.get("outputs") or {}).items()
    }
    identity = raw.get("identity")
    environment = getattr(entity, "environment", None)
    conda_file = getattr(environment, "conda_file", None)
    return LocalJob(
        path=job_path,
        command=raw["command"],
        code=code,
        inputs=inputs,
        outputs=outputs,
        environment_variables={
            str(k): "" if v is None else str(v)
            for k, v in (raw.get("environment_variables") or {}).items()
        },
        identity=str(identity.get("type")) if isinstance(identity, dict) else None,
        experiment_name=raw.get("experiment_name"),
        display_name=raw.get("display_name"),
        environment=_environment_label(raw.get("environment")),
        conda_file=conda_file if isinstance(conda_file, dict) else None,
    )
