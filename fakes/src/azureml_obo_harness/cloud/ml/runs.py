"""A job as run history shows it: the ``Run`` of ``runs/<id>``, ``rundata`` and a pipeline's
``children``, and the ``RunDetails`` that ``jobs.stream`` polls.

The ``Run`` has every key of the step runs in azure-ai-ml's recording of a pipeline's children
(Azure/azure-sdk-assets, ``tests/recordings/pipeline_job/e2etests/test_pipeline_job.py``
``TestPipelineJobLongRunningtest_pipeline_job_get_child_run.json``, 2026; stored, sanitized, as
``tests/fidelity/recordings/ml-pipeline-job-children.json``). Values come from the fake's job:

- ids: ``runUuid`` (and the parent's and root's) and ``experimentId`` are GUIDs, stable for the
  job's and the experiment's name (the service's ``experimentId`` is the experiment's GUID, which
  azure-ai-ml reads into a child job's ``experiment_name``); ``dataContainerId`` is
  ``dcid.<run id>``, where the job's artifacts live;
- ``createdBy`` / ``lastModifiedBy`` and ``userId``: the submitting user, from their token's
  ``oid``, ``tid`` and name (``userIss`` the tenant's ``sts.windows.net`` issuer);
- times: ``createdUtc``, ``startTimeUtc``, ``endTimeUtc`` on the fake's clock; ``runNumber`` the
  creation time in whole seconds (as the recorded one is); ``duration`` and ``computeDuration``
  the time run so far, ``hh:mm:ss.fffffff``, null before the run starts;
- ``error`` (a failed run's, every key of the recorded one) and ``warnings`` (those it failed
  with, else null: the recordings show warnings on failed runs only);
- ``revision`` and ``statusRevision`` count the run's status changes (the service's
  ``revision`` also counts its other updates, which the fake does not);
- a step run's ``runTypeV2`` is the recorded one; a pipeline's or a command job's has the same
  keys with ``traits`` empty and ``attribution`` null, as no recording of their run shows them.

What the recorded run left null or empty (``token``, ``scheduleId``, ``runDefinition``...) is null
or empty here.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from azureml_obo_harness.cloud.ml.pipeline_steps import STEP_RUN_TYPE, component_name

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Job, Workspace

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
"""Clock time 0 as the run history shows times (the fake clock counts seconds from it)."""
PIPELINE_RUN_TYPE = "azureml.PipelineRun"
SCRIPT_RUN_TYPE = "azureml.scriptrun"
STEP_RUN_TRAITS = (
    STEP_RUN_TYPE,
    "scriptRun",
    "remote",
    "AlmostCommonRuntime",
    "OsType:Linux",
    "CommonRuntime",
)
"""A command step's ``runTypeV2.traits`` in the recording."""


def run_time(seconds: float | None) -> str | None:
    """A clock time as run history writes it (ISO 8601, UTC), or None."""
    if seconds is None:
        return None
    return (EPOCH + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def duration(seconds: float | None) -> str | None:
    """A span as run history writes it: ``hh:mm:ss.fffffff`` (.NET's TimeSpan), or None."""
    if seconds is None:
        return None
    ticks = round(seconds * 10_000_000)
    whole, fraction = divmod(ticks, 10_000_000)
    hours, rest = divmod(whole, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{fraction:07d}"


def run_uuid(workspace: Workspace, name: str | None) -> str | None:
    """The run's GUID (stable for its name in its workspace), or None for no run."""
    if name is None:
        return None
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{workspace.arm_id}/runs/{name}"))


def experiment_id(workspace: Workspace, experiment: str | None) -> str | None:
    """The experiment's GUID (stable for its name in its workspace)."""
    if not experiment:
        return None
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{workspace.arm_id}/experiments/{experiment}"))


def run_user(job: Job) -> dict[str, Any]:
    """The submitting user as run history's ``User``."""
    creator = job.creator
    return {
        "userObjectId": creator.object_id,
        "userPuId": None,
        "userIdp": None,
        "userAltSecId": None,
        "userIss": f"https://sts.windows.net/{creator.tenant_id}/",
        "userTenantId": creator.tenant_id,
        "userName": job.created_by,
        "upn": None,
        "clientApplicationId": None,
        "applicationACR": None,
    }


def run_type(job: Job) -> str:
    if job.step_of is not None:
        return STEP_RUN_TYPE
    return PIPELINE_RUN_TYPE if job.properties.get("jobType") == "Pipeline" else SCRIPT_RUN_TYPE


def _status_revision(job: Job) -> int:
    """How many statuses the run has had: its first, then running, then its end."""
    lifecycle = job.lifecycle
    return 1 + (lifecycle.start_time() is not None) + (lifecycle.end_time() is not None)


def run_resource(workspace: Workspace, job: Job) -> dict[str, Any]:
    """The job as a run history ``Run``."""
    properties = job.properties
    lifecycle = job.lifecycle
    now = lifecycle.clock.now
    failed = job.status == "Failed" and lifecycle.error is not None
    error = lifecycle.error if failed else None
    step = job.step_of is not None
    started, ended = lifecycle.start_time(), lifecycle.end_time()
    ran = None if started is None else (ended if ended is not None else now) - started
    last_change = max(t for t in (lifecycle.submitted_at, started, ended) if t is not None)
    root = job.parent or job.name
    user = run_user(job)
    cancel_uri = (
        f"https://{workspace.region_host}/studioservice/apiv2/subscriptions/"
        f"{workspace.subscription_id}/resourceGroups/{workspace.resource_group}/workspaces/"
        f"{workspace.name}/runs/{job.name}/Cancel"
    )
    revision = _status_revision(job)
    return {
        "runNumber": int((EPOCH + timedelta(seconds=lifecycle.submitted_at)).timestamp()),
        "rootRunId": root,
        "createdUtc": run_time(lifecycle.submitted_at),
        "createdBy": user,
        "userId": job.creator.object_id,
        "token": None,
        "tokenExpiryTimeUtc": None,
        "error": error.as_run_error() if error is not None else None,
        "warnings": (
            [{"source": item.source, "message": item.message} for item in error.warnings]
            if error is not None and error.warnings
            else None
        ),
        "revision": revision,
        "statusRevision": revision,
        "runUuid": run_uuid(workspace, job.name),
        "parentRunUuid": run_uuid(workspace, job.parent),
        "rootRunUuid": run_uuid(workspace, root),
        "lastStartTimeUtc": None,
        "currentComputeTime": None,
        "computeDuration": duration(ran),
        "effectiveStartTimeUtc": None,
        "lastModifiedBy": dict(user),
        "lastModifiedUtc": run_time(last_change),
        "duration": duration(ran),
        "cancelationReason": None,
        "currentAttemptId": 1,
        "runId": job.name,
        "parentRunId": job.parent,
        "experimentId": experiment_id(workspace, properties.get("experimentName")),
        "status": job.status,
        "startTimeUtc": run_time(started),
        "endTimeUtc": run_time(ended),
        "scheduleId": None,
        "displayName": properties.get("displayName"),
        "name": component_name(properties.get("componentId")) if step else job.name,
        "dataContainerId": f"dcid.{job.name}",
        "description": properties.get("description"),
        "hidden": job.archived,
        "runType": run_type(job),
        "runTypeV2": {
            "orchestrator": "Execution",
            "traits": list(STEP_RUN_TRAITS) if step else [],
            "attribution": "Aether" if step else None,
            "computeType": "AmlcTrain",
        },
        "properties": properties.get("properties") or {},
        "parameters": {},
        "actionUris": {"Cancel": cancel_uri, "Diagnose": ""},
        "scriptName": None,
        "target": job.compute,
        "uniqueChildRunComputeTargets": [],
        "tags": properties.get("tags") or {},
        "settings": {},
        "services": {},
        "inputDatasets": [],
        "outputDatasets": [],
        "runDefinition": None,
        "jobSpecification": None,
        "primaryMetricName": None,
        "createdFrom": None,
        "cancelUri": cancel_uri,
        "completeUri": None,
        "diagnosticsUri": "",
        "computeRequest": {"nodeCount": 1, "gpuCount": 0},
        "compute": {
            "target": job.compute,
            "targetType": "amlcompute",
            "vmSize": None,
            "instanceType": None,
            "instanceCount": 1,
            "gpuCount": 0,
            "priority": None,
            "region": None,
            "armId": None,
            "properties": None,
        },
        "retainForLifetimeOfWorkspace": None,
        "queueingInfo": None,
        "inputs": None,
        "outputs": None,
    }


def run_details(workspace: Workspace, job: Job) -> dict[str, Any]:
    """The job as run history ``RunDetails`` (what ``jobs.stream`` polls)."""
    run = run_resource(workspace, job)
    return {
        "runId": run["runId"],
        "parentRunId": run["parentRunId"],
        "rootRunId": run["rootRunId"],
        "status": run["status"],
        "target": run["target"],
        "createdTimeUtc": run["createdUtc"],
        "startTimeUtc": run["startTimeUtc"],
        "endTimeUtc": run["endTimeUtc"],
        "error": run["error"],
        "warnings": run["warnings"],
        "tags": run["tags"],
        "properties": run["properties"],
        "logFiles": {},
        "services": {},
    }
