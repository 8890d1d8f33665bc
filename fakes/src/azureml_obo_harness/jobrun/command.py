"""``--set`` overrides and the job's command with ``${{inputs.*}}`` / ``${{outputs.*}}`` resolved.

As on AzureML: a literal input becomes its value, a local ``uri_file``/``uri_folder`` input the
path of the data (here: the local path itself, made absolute), a remote URI is passed through
(the command reads it with its own credential), and every output is a folder the command writes.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from azureml_obo_harness.jobrun.errors import RunJobError
from azureml_obo_harness.jobrun.spec import JobInput, LocalJob, is_remote, resolve_data_path

PLACEHOLDER = re.compile(r"\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_.-]+?)\s*\}\}")
SETTABLE = ("inputs", "environment_variables")
INPUT_FIELDS = ("value", "path")
"""The fields of an input ``--set`` may name (``inputs.NAME.path=PATH``), as with ``az ml``."""


@dataclass(frozen=True)
class Overrides:
    """What ``--set`` changes: input values and environment variables, by name."""

    inputs: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    given: list[tuple[str, str]] = field(default_factory=list)
    """Each ``--set`` as given, its key (``inputs.data.path``) and value."""

    def as_params_override(self) -> list[dict[str, str]]:
        """The overrides as ``az ml job create --set`` hands them to ``load_job``
        (``params_override``): one ``{KEY: VALUE}`` per item, its key as given."""
        return [{key: value} for key, value in self.given]


def parse_sets(items: Sequence[str]) -> Overrides:
    """Parse ``--set inputs.NAME=VALUE`` (or ``inputs.NAME.value=VALUE``,
    ``inputs.NAME.path=PATH``) / ``--set environment_variables.NAME=VALUE`` items."""
    overrides = Overrides()
    for item in items:
        key, sep, value = item.partition("=")
        section, dot, name = key.partition(".")
        if not sep or not dot or not name or section not in SETTABLE:
            raise RunJobError(
                f"--set {item!r}: expected inputs.NAME=VALUE or environment_variables.NAME=VALUE"
            )
        if section == "inputs":
            name, _, part = name.partition(".")
            if part and part not in INPUT_FIELDS:
                raise RunJobError(
                    f"--set {item!r}: an input is set as inputs.NAME=VALUE, "
                    "inputs.NAME.value=VALUE or inputs.NAME.path=PATH"
                )
        getattr(overrides, section)[name] = value
        overrides.given.append((key, value))
    return overrides


def apply_overrides(job: LocalJob, overrides: Overrides, *, cwd: Path) -> LocalJob:
    """``job`` with the overrides applied; a name the job does not declare is a
    :class:`RunJobError` naming it (a typo would otherwise leave the job's own value in place).
    A data input's local path given with ``--set`` is relative to ``cwd``."""
    for section, declared in (
        ("inputs", job.inputs),
        ("environment_variables", job.environment_variables),
    ):
        unknown = sorted(set(getattr(overrides, section)) - set(declared))
        if unknown:
            names = ", ".join(unknown)
            listed = ", ".join(sorted(declared)) or "none"
            raise RunJobError(
                f"--set {section}.{unknown[0]}: {job.path.name} declares no "
                f"{'input' if section == 'inputs' else 'environment variable'} {names} "
                f"(it declares: {listed})"
            )
    inputs = dict(job.inputs)
    for name, value in overrides.inputs.items():
        inputs[name] = JobInput(name, job.inputs[name].type, value, cwd)
    environment_variables = {**job.environment_variables, **overrides.environment_variables}
    return dataclasses.replace(job, inputs=inputs, environment_variables=environment_variables)


def input_values(job: LocalJob) -> dict[str, str]:
    """Every input's value as the command gets it (unquoted); an input without a value is a
    :class:`RunJobError` naming every such input."""
    missing = sorted(name for name, item in job.inputs.items() if item.value is None)
    if missing:
        sets = " ".join(f"--set inputs.{name}=VALUE" for name in missing)
        raise RunJobError(
            f"input {', '.join(missing)} has no value: give it in {job.path.name} or with {sets}"
        )
    values: dict[str, str] = {}
    for name, item in job.inputs.items():
        assert item.value is not None
        if item.is_data and not is_remote(item.value):
            values[name] = resolve_data_path(name, item.value, item.relative_to)
        else:
            values[name] = item.value
    return values


def resolve_command(job: LocalJob, inputs: Mapping[str, str], outputs: Mapping[str, Path]) -> str:
    """The command with every placeholder replaced by ``inputs`` (from :func:`input_values`) and
    ``outputs``; one that names an input or output the job does not declare is a
    :class:`RunJobError` (AzureML would refuse the job). Local paths are shell-quoted; literals
    and remote URIs are put in as they are, as AzureML does."""

    def replace(match: re.Match[str]) -> str:
        section, name = match.group(1), match.group(2)
        if section == "inputs":
            if name not in inputs:
                raise RunJobError(
                    f"the command uses ${{{{inputs.{name}}}}}, but {job.path.name} declares no "
                    f"input {name}: add it under inputs:"
                )
            item = job.inputs[name]
            value = inputs[name]
            return shlex.quote(value) if item.is_data and not is_remote(value) else value
        if name not in outputs:
            raise RunJobError(
                f"the command uses ${{{{outputs.{name}}}}}, but {job.path.name} declares no "
                f"output {name}: add it under outputs:"
            )
        return shlex.quote(str(outputs[name]))

    return PLACEHOLDER.sub(replace, job.command)
