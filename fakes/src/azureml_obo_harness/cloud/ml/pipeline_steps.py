"""The step runs a pipeline job's nodes become: one child run per node, as the service shows them.

Read off azure-ai-ml's own recordings of a pipeline's children (Azure/azure-sdk-assets,
``tests/recordings/pipeline_job/e2etests/test_pipeline_job.pyTestPipelineJobLongRunning``
``test_pipeline_job_get_child_run.json`` and ``test_pipeline_job_child_run_download.json``, 2026):

- each node is a child run of the pipeline, listed by run history's ``runs/<pipeline>/children``
  (what ``jobs.list(parent_job_name=...)`` reads): its run id a GUID, its ``displayName`` the node's
  name, its ``name`` the component's, ``runType`` ``azureml.StepRun``, and a properties bag that
  names the pipeline, the node (``azureml.nodeid``, eight hex digits) and the component version
  (``azureml.moduleid``), with tags ``azureml.nodeid`` and ``azureml.pipeline``;
- through ARM a step run is a job with no ``properties`` at all (``id``, ``name``, ``type``,
  ``systemData``), which is how azure-ai-ml's ``jobs.get`` knows to read it from run history.

The recorded steps are of command nodes, with anonymous components: ``azureml.moduleid`` is the
component's version (a GUID) and ``azureml.moduleVersion`` its spec's version (``1``); the fake
takes the spec's version from the workspace's component, else the version in ``componentId``.
A pipeline that failed had failed steps.

What the fake chooses where the recordings are silent: the steps exist from the pipeline's
submission, but its children are listed only once it has started running (the recordings list
them after the pipeline ran); they move with the pipeline's clock, each like a job submitted with
it, and a cancel, failure or status pinned on the pipeline is theirs too; ARM's job list leaves
them out. Refused with 501 naming the operation: listing the children of a pipeline with a node
that is not a command (sweep, control flow...: no recording shows their step runs), and an ARM
cancel or PUT of a step run.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from azureml_obo_harness.cloud.ml.assets import AssetVersion
    from azureml_obo_harness.cloud.ml.models import Job

STEP_RUN_TYPE = "azureml.StepRun"


def step_properties(
    pipeline: Job, node_name: str, node: dict[str, Any], *, spec_version: str | None
) -> dict[str, Any]:
    """The job properties of the step run for command ``node`` (named ``node_name``) of
    ``pipeline``, whose component's spec says ``spec_version`` (None: not in the workspace)."""
    component_id = str(node.get("componentId") or "")
    version = component_id.rpartition("/versions/")[2]
    name = component_name(component_id)
    settings = pipeline.properties.get("settings") or {}
    compute_id = node.get("computeId") or pipeline.properties.get("computeId")
    compute_id = compute_id or settings.get("default_compute")
    compute = str(compute_id or "").rsplit("/", 1)[-1]
    node_id = uuid.uuid4().hex[:8]
    return {
        "jobType": "Command",
        "displayName": node_name,
        "parentJobName": pipeline.name,
        "experimentName": pipeline.properties.get("experimentName"),
        "computeId": compute_id,
        "componentId": component_id or None,
        "isArchived": False,
        "tags": {"azureml.nodeid": node_id, "azureml.pipeline": pipeline.name},
        "properties": {
            "azureml.DevPlatv2": "true",
            "azureml.DatasetAccessMode": "Asset",
            "StepType": "PythonScriptStep",
            "ComputeTargetType": "AmlCompute",
            "azureml.moduleid": version,
            "azureml.moduleFamilyId": "0",
            "azureml.moduleName": name,
            "azureml.moduleVersion": spec_version or version,
            "azureml.runsource": STEP_RUN_TYPE,
            "azureml.nodeid": node_id,
            "azureml.pipelinerunid": pipeline.name,
            "azureml.pipeline": pipeline.name,
            "azureml.rootpipelinerunid": pipeline.name,
            "azureml.pipelineComponent": "masterescloud",
            "_azureml.ComputeTargetType": "amlctrain",
            "_azureml.ClusterName": compute,
            "ProcessInfoFile": "azureml-logs/process_info.json",
            "ProcessStatusFile": "azureml-logs/process_status.json",
        },
    }


def component_name(component_id: str | None) -> str:
    """The component a node's ``componentId`` names (a step run's ``name``)."""
    component = str(component_id or "").rpartition("/versions/")[0]
    return component.rsplit("/", 1)[-1] or "azureml_anonymous"


def component_spec_version(assets: Mapping[Any, AssetVersion], component_id: Any) -> str | None:
    """The ``version`` in the spec of the component version ``component_id`` names, if the
    workspace's ``assets`` hold it (an anonymous component's spec says ``1``)."""
    component, _, version = str(component_id or "").rpartition("/versions/")
    found = assets.get(("components", component_name(component_id), version)) if component else None
    spec = found.properties.get("componentSpec") if found is not None else None
    return str(spec["version"]) if isinstance(spec, dict) and spec.get("version") else None


def new_step_name() -> str:
    """A step run's id: a GUID, as the service names them."""
    return str(uuid.uuid4())


def nodes(pipeline_properties: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A pipeline job's nodes, ``(name, node)``, in the order it sent them."""
    jobs = pipeline_properties.get("jobs")
    if not isinstance(jobs, dict):
        return []
    return [(name, node) for name, node in jobs.items() if isinstance(node, dict)]
