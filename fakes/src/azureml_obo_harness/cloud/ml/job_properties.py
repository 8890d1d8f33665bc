"""What the AzureML service adds to a job it accepts: status, services, system properties.

Kept apart from :mod:`azureml_obo_harness.cloud.ml.models` (the state) because it is the part most likely to
need updating when the service's response shape changes; the fidelity tests pin it.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Workspace


def job_properties(workspace: Workspace, name: str, given: dict[str, Any]) -> dict[str, Any]:
    """The properties a newly created job reports: the request's, plus what the service adds."""
    compute = str(given.get("computeId") or "").rsplit("/", 1)[-1]
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

    properties: dict[str, Any] = copy.deepcopy(given)
    system_properties = {"_azureml.ComputeTargetType": "amlctrain", "_azureml.ClusterName": compute}
    properties.update(
        {
            "description": given.get("description"),
            "tags": given.get("tags") or {},
            "properties": {**(given.get("properties") or {}), **system_properties},
            "parentJobName": None,
            "displayName": given.get("displayName") or name,
            "status": "Starting",
            "experimentName": given.get("experimentName") or "Default",
            "services": {
                "Tracking": service(
                    "Tracking",
                    f"azureml://{workspace.location}.api.azureml.ms/mlflow/v1.0{workspace.arm_id}?",
                ),
                "Studio": service("Studio", f"https://ml.azure.com/runs/{name}?wsid={wsid}"),
            },
            "isArchived": bool(given.get("isArchived", False)),
            "identity": given.get("identity") or {"identityType": "AMLToken"},
            "componentId": None,
            "notificationSetting": None,
        }
    )
    if given.get("jobType") == "Command":
        resources = {
            "instanceCount": 1,
            "instanceType": None,
            "properties": None,
            "shmSize": "2g",
            "dockerArgs": None,
            "dockerArgsList": None,
        }
        resources.update(given.get("resources") or {})
        outputs = {
            "default": {
                "description": None,
                "uri": f"azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.{name}",
                "assetName": None,
                "mode": "ReadWriteMount",
                "jobOutputType": "uri_folder",
            },
            **(given.get("outputs") or {}),
        }
        inputs = {
            key: {"description": None, **value}
            for key, value in (given.get("inputs") or {}).items()
        }
        properties.update(
            {
                "resources": resources,
                "codeId": given.get("codeId"),
                "inputs": inputs,
                "outputs": outputs,
                "distribution": given.get("distribution"),
                "limits": given.get("limits"),
                "environmentVariables": given.get("environmentVariables") or {},
                "parameters": given.get("parameters") or {},
                "queueSettings": given.get("queueSettings") or {"jobTier": "Null"},
            }
        )
    return properties
