"""What the AzureML service adds to a job it accepts: status, services, system properties, and the
fields it fills in with their defaults.

Kept apart from :mod:`azureml_obo_harness.cloud.ml.models` (the state) because it is the part most
likely to need updating when the service's response shape changes; the fidelity tests pin it. The
document built here holds the fields of every api-version; :mod:`.job_shapes` renders it per request.
Shapes and values are read off real answers (``tests/fidelity/recordings``: a command job and a
sweep job, each PUT and GET, and a pipeline job's PUT).
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Workspace

_ENVIRONMENT_REFERENCE = re.compile(r"^azureml:(?P<name>[^:@/]+):(?P<version>[^:@/]+)$")


def job_properties(workspace: Workspace, name: str, given: dict[str, Any]) -> dict[str, Any]:
    """The properties a newly created job reports: the request's, plus what the service adds."""
    compute = str(given.get("computeId") or "").rsplit("/", 1)[-1]
    job_type = given.get("jobType")
    properties: dict[str, Any] = copy.deepcopy(given)
    properties.update(
        {
            "description": given.get("description"),
            "tags": given.get("tags") or {},
            "properties": {
                **(given.get("properties") or {}),
                **_system_properties(given, compute),
            },
            "parentJobName": None,
            "displayName": given.get("displayName") or name,
            "status": "Starting",
            "experimentName": given.get("experimentName") or "Default",
            "services": _services(workspace, name, job_type),
            "isArchived": bool(given.get("isArchived", False)),
            # The service echoes the identity asked for, and null when none was (sweep recording).
            "identity": given.get("identity"),
            "componentId": None,
            "notificationSetting": given.get("notificationSetting"),
            "secretsConfiguration": given.get("secretsConfiguration"),
        }
    )
    if job_type == "Command":
        properties.update(
            {
                "resources": _resources(given.get("resources")),
                "codeId": given.get("codeId"),
                "inputs": _inputs(given.get("inputs")),
                "outputs": _outputs(workspace, name, given.get("outputs")),
                "distribution": given.get("distribution"),
                "autologgerSettings": given.get("autologgerSettings"),
                "limits": given.get("limits"),
                "environmentVariables": given.get("environmentVariables") or {},
                "parameters": given.get("parameters") or {},
                "queueSettings": _queue_settings(given.get("queueSettings")),
            }
        )
    elif job_type == "Sweep":
        properties.update(_sweep_fields(workspace, name, given))
    elif job_type == "Pipeline":
        # As a pipeline job's PUT answer shows (tests/fidelity; keys compared, and the system
        # properties above): its nodes, settings, inputs and outputs as sent, no compute of its
        # own unless one was sent, and no source job. Its nodes are not checked: the fake does
        # not know how the service refuses a node whose component or compute does not exist.
        properties.update(
            {"computeId": given.get("computeId"), "sourceJobId": given.get("sourceJobId")}
        )
    return properties


def _system_properties(given: dict[str, Any], compute: str) -> dict[str, str]:
    """The service's own entries in the ``properties`` bag (a sweep is run by HyperDrive)."""
    if given.get("jobType") == "Sweep":
        objective = given.get("objective") or {}
        metric = {"name": objective.get("primaryMetric"), "goal": objective.get("goal")}
        return {
            "primary_metric_config": json.dumps(metric, separators=(",", ":")),
            "resume_from": "null",
            "runTemplate": "HyperDrive",
            "azureml.runsource": "hyperdrive",
            "platform": "AML",
        }
    if given.get("jobType") == "Pipeline":
        return _pipeline_properties(given, compute)
    return {"_azureml.ComputeTargetType": "amlctrain", "_azureml.ClusterName": compute}


def _pipeline_properties(given: dict[str, Any], compute: str) -> dict[str, str]:
    """A pipeline job's system properties as its PUT answer shows them (the pipeline recording of
    ``tests/fidelity``: a job with no inputs and default settings). The fake gives every pipeline
    job these values, since how inputs and settings change them is not recorded, except the
    default compute's name, which it takes from ``settings.default_compute`` as the recording
    shows (else the job's own compute)."""
    settings = given.get("settings") or {}
    default_compute = str(settings.get("default_compute") or compute).rsplit("/", 1)[-1]
    return {
        "azureml.DevPlatv2": "true",
        "azureml.DatasetAccessMode": "Asset",
        "azureml.runsource": "azureml.PipelineRun",
        "runSource": "MFE",
        "runType": "HTTP",
        "azureml.parameters": "{}",
        "azureml.continue_on_step_failure": "True",
        "azureml.continue_on_failed_optional_input": "True",
        "azureml.enforceRerun": "False",
        "azureml.defaultComputeName": default_compute,
        "azureml.defaultDataStoreName": "workspaceblobstore",
        "azureml.pipelineComponent": "pipelinerun",
    }


def _services(workspace: Workspace, name: str, job_type: Any) -> dict[str, Any]:
    """``Studio`` for every job; ``Tracking`` (the MLflow endpoint) too, except for a sweep, whose
    trials are tracked instead (the sweep recording has only ``Studio``)."""
    wsid = (
        f"/subscriptions/{workspace.subscription_id}/resourcegroups/{workspace.resource_group}"
        f"/workspaces/{workspace.name}"
    )

    def service(kind: str, endpoint: str) -> dict[str, Any]:
        return {
            "jobServiceType": kind,
            "port": None,
            "endpoint": endpoint,
            "status": None,
            "errorMessage": None,
            "properties": None,
            "nodes": None,
        }

    services = {}
    if job_type != "Sweep":
        services["Tracking"] = service(
            "Tracking",
            f"azureml://{workspace.location}.api.azureml.ms/mlflow/v1.0{workspace.arm_id}?",
        )
    services["Studio"] = service("Studio", f"https://ml.azure.com/runs/{name}?wsid={wsid}")
    return services


def _resources(given: Any) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "instanceCount": 1,
        "maxInstanceCount": None,
        "instanceType": None,
        "locations": None,
        "properties": None,
        "shmSize": "2g",
        "dockerArgs": None,
        "dockerArgsList": None,
    }
    resources.update(given or {})
    return resources


def _queue_settings(given: Any) -> dict[str, Any]:
    return {"jobTier": "Null", "priority": None, **(given or {})}


def _inputs(given: Any) -> dict[str, Any]:
    """Each input with the fields the service fills in (a literal has no path on the compute)."""
    inputs = {}
    for key, value in (given or {}).items():
        binding = {"description": None, **value}
        if binding.get("jobInputType") != "literal":
            binding.setdefault("pathOnCompute", None)
        inputs[key] = binding
    return inputs


def _outputs(workspace: Workspace, name: str, given: Any) -> dict[str, Any]:
    """The job's outputs, with ``default`` (the run's artifact folder, what ``jobs.download``
    reads) added by the service."""
    defaults = {
        "description": None,
        "assetName": None,
        "assetVersion": None,
        "pathOnCompute": None,
        "autoDeleteSetting": None,
    }
    outputs = {
        "default": {
            **defaults,
            "uri": f"azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.{name}",
            "mode": "ReadWriteMount",
            "jobOutputType": "uri_folder",
        }
    }
    for key, value in (given or {}).items():
        outputs[key] = {**defaults, **value}
    return outputs


def _sweep_fields(workspace: Workspace, name: str, given: dict[str, Any]) -> dict[str, Any]:
    """A sweep's own fields as the service answers them: the sampling algorithm's and limits'
    defaults spelled out, the objective's goal capitalised, the trial's environment resolved to
    its ARM id, and the trial's distribution and resources filled in."""
    sampling = dict(given.get("samplingAlgorithm") or {})
    if sampling.get("samplingAlgorithmType") == "Random":
        sampling = {"seed": None, "logbase": None, "rule": "Random", **sampling}
    objective = dict(given.get("objective") or {})
    if isinstance(objective.get("goal"), str):
        objective["goal"] = objective["goal"].capitalize()
    trial = dict(given.get("trial") or {})
    trial.update(
        {
            "environmentId": _environment_arm_id(workspace, trial.get("environmentId")),
            "environmentVariables": trial.get("environmentVariables") or {},
            "distribution": trial.get("distribution"),
            "resources": _resources(trial.get("resources")),
        }
    )
    return {
        "samplingAlgorithm": sampling,
        "limits": {"trialTimeout": None, **(given.get("limits") or {})},
        "earlyTermination": given.get("earlyTermination"),
        "objective": objective,
        "trial": trial,
        "inputs": _inputs(given.get("inputs")),
        "outputs": _outputs(workspace, name, given.get("outputs")),
        "queueSettings": _queue_settings(given.get("queueSettings")),
        "resources": _resources(given.get("resources")),
        "componentConfiguration": given.get("componentConfiguration"),
    }


def _environment_arm_id(workspace: Workspace, reference: Any) -> Any:
    """``azureml:<name>:<version>`` as the workspace environment's ARM id (the service resolves a
    sweep trial's environment so); anything else as given."""
    match = _ENVIRONMENT_REFERENCE.match(reference) if isinstance(reference, str) else None
    if match is None:
        return reference
    return f"{workspace.arm_id}/environments/{match['name']}/versions/{match['version']}"
