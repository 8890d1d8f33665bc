"""The service's rules for job PUTs and job lists, apart from the workspace state they act on.

A PUT of a new name creates the job (a pipeline's command nodes become its step runs:
:mod:`.pipeline_steps`). A PUT of an existing name is compared with it: the same
definition returns the existing job (200; ``description``, ``tags``, ``displayName``,
``properties`` and ``isArchived`` may change), a changed one is refused with the service's 400
(read off real answers quoted in MicrosoftDocs/azure-docs#122250 and
Azure/azure-sdk-for-python#47389: ``UserError`` "A job with this name already exists...", inner
``Immutable`` / ``JobPropertyImmutable``). Every PUT received is counted, accepted or refused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from azureml_obo_harness.cloud.http import ServiceError, not_modelled
from azureml_obo_harness.cloud.ml.job_properties import job_properties
from azureml_obo_harness.cloud.ml.lifecycle import PREPARING, STARTING, JobLifecycle, MlClock
from azureml_obo_harness.cloud.ml.pipeline_steps import (
    component_spec_version,
    new_step_name,
    nodes,
    step_properties,
)

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Creator, Job, Workspace

MUTABLE_FIELDS = frozenset({"description", "tags", "displayName", "properties", "isArchived"})
"""What a PUT of an existing job may change (the service's own list, in its error message)."""

READ_ONLY_FIELDS = frozenset({"status", "services", "parentJobName", "componentId"})
"""What the service fills in; a PUT that echoes a GET (archive's fallback) sends them back."""

JOB_EXISTS_MESSAGE = (
    "A job with this name already exists. If you are trying to create a new job, use a "
    "different name. If you are trying to update an existing job, the existing job's Settings,  "
    "Inputs,  Outputs,  Jobs,  InputBindings,  OutputBindings cannot be changed. Only "
    "description, tags, displayName, properties, and isArchived can be updated."
)


def submit_job(
    workspace: Workspace,
    name: str,
    properties: dict[str, Any],
    user: str,
    *,
    clock: MlClock,
    created_at: str,
    code_exists: Callable[[str], bool],
    creator: Creator,
) -> tuple[Job, bool]:
    """Create job ``name``, or answer a PUT of an existing one; returns the job and whether it is
    new. Raises the service's 400s (no ``jobType``, unknown compute, missing code, changed job)."""
    from azureml_obo_harness.cloud.ml.models import Job, user_error

    workspace.submissions[name] = workspace.submissions.get(name, 0) + 1
    if not properties.get("jobType"):
        raise user_error(400, "The field jobType is required.", inner=("BadArgument",))
    existing = workspace.jobs.get(name)
    if existing is not None and existing.step_of is not None:
        raise not_modelled(
            "ml",
            "Jobs_CreateOrUpdate / ml/create_or_update_job",
            f"for {name}, a step run of pipeline {existing.step_of} (how the service answers is "
            "not in the recordings it follows).",
        )
    if existing is not None:
        if changed_fields(existing, properties):
            raise ServiceError(
                400,
                "UserError",
                JOB_EXISTS_MESSAGE,
                inner_codes=("Immutable", "JobPropertyImmutable"),
            )
        _update_mutable(existing, properties)
        existing.submissions += 1
        return existing, False
    compute = str(properties.get("computeId") or "").rsplit("/", 1)[-1]
    if compute and compute not in workspace.computes:
        raise user_error(
            400,
            f"Unknown compute target '{compute}'.",
            inner=("BadArgument", "UnknownTargetType"),
        )
    code_id = properties.get("codeId")
    if code_id and not code_exists(str(code_id)):
        raise user_error(
            400,
            f"Code asset {code_id} was not found in the workspace.",
            inner=("BadArgument", "AssetNotFound"),
        )
    lifecycle = JobLifecycle(
        clock,
        submitted_at=clock.now,
        timeline=workspace.timeline,
        error=workspace.failures.get(name),
        first_status=PREPARING if properties.get("jobType") == "Pipeline" else STARTING,
    )
    rendered = job_properties(workspace, name, properties)
    if properties.get("parentJobName"):
        rendered["parentJobName"] = properties["parentJobName"]
    job = Job(
        workspace,
        name,
        rendered,
        created_at,
        user,
        lifecycle=lifecycle,
        definition=copy.deepcopy(properties),
        creator=creator,
    )
    workspace.jobs[name] = job
    if properties.get("jobType") == "Pipeline":
        _add_step_runs(workspace, job, clock=clock, created_at=created_at, user=user)
    return job, True


def _add_step_runs(
    workspace: Workspace, pipeline: Job, *, clock: MlClock, created_at: str, user: str
) -> None:
    """One step run per node of ``pipeline`` (:mod:`.pipeline_steps`), moving with its clock."""
    from azureml_obo_harness.cloud.ml.models import Job

    unmodelled = []
    for node_name, node in nodes(pipeline.properties):
        if node.get("type") != "command":
            unmodelled.append(str(node.get("type")))
            continue
        lifecycle = JobLifecycle(
            clock,
            submitted_at=clock.now,
            timeline=workspace.timeline,
            error=workspace.failures.get(pipeline.name),
        )
        spec_version = component_spec_version(workspace.assets, node.get("componentId"))
        step = Job(
            workspace,
            new_step_name(),
            step_properties(pipeline, node_name, node, spec_version=spec_version),
            created_at,
            user,
            lifecycle=lifecycle,
            definition=copy.deepcopy(node),
            step_of=pipeline.name,
            creator=pipeline.creator,
        )
        workspace.jobs[step.name] = step
    pipeline.unmodelled_nodes = tuple(unmodelled)


def changed_fields(job: Job, properties: dict[str, Any]) -> list[str]:
    """The immutable fields a PUT would change. A field counts as unchanged when it equals what
    the creating PUT sent or what the service answers (a PUT that echoes a GET sends the latter)."""
    keys = (set(job.definition) | set(properties)) - MUTABLE_FIELDS - READ_ONLY_FIELDS
    changed = []
    for key in sorted(keys):
        wanted = _normalized(properties.get(key))
        if wanted not in (
            _normalized(job.definition.get(key)),
            _normalized(job.properties.get(key)),
        ):
            changed.append(key)
    return changed


def _update_mutable(job: Job, properties: dict[str, Any]) -> None:
    for key in ("tags", "description", "displayName"):
        if key in properties:
            job.properties[key] = properties[key]
    if "isArchived" in properties:
        job.properties["isArchived"] = bool(properties["isArchived"])
    if isinstance(properties.get("properties"), dict):
        merged = {**(job.properties.get("properties") or {}), **properties["properties"]}
        job.properties["properties"] = merged


def _normalized(value: Any) -> Any:
    """``value`` without ``None``/empty members, so ``{}`` and an absent field compare equal."""
    if isinstance(value, dict):
        items = {key: _normalized(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item not in (None, {}, [])} or None
    if isinstance(value, list):
        return [_normalized(item) for item in value] or None
    return value


def select_jobs(
    jobs: Iterable[Job], *, view: str | None, tag: str | None, parent: str | None = None
) -> list[Job]:
    """The jobs a list returns: ``listViewType`` (``ActiveOnly``, the default, leaves archived
    jobs out; ``ArchivedOnly``; ``All``), ``tag`` (``key`` or ``key=value``), and a parent."""
    view = (view or "ActiveOnly").lower()
    selected = []
    for job in jobs:
        if (view == "activeonly" and job.archived) or (view == "archivedonly" and not job.archived):
            continue
        if parent is not None and job.parent != parent:
            continue
        if tag:
            key, has_value, value = tag.partition("=")
            tags = job.properties.get("tags") or {}
            if key not in tags or (has_value and str(tags[key]) != value):
                continue
        selected.append(job)
    return selected
