"""What a fake workspace looks like on the wire: the workspace resource, its discovery document,
its computes and its datastores.

The workspace resource carries what azure-ai-ml reads (``location``, ``properties.workspaceId``,
``discoveryUrl``, ``mlFlowTrackingUri``, the storage account); its ``discoveryUrl`` is served on
the regional host ``https://<location>.api.azureml.ms/discovery`` and names that same host for
every regional service (run history, artifacts, dataset and model data planes), as real
discovery documents do. Shapes follow the REST spec's examples (Workspace/get.json,
Compute/get/AmlCompute.json, Datastore/get.json in Azure/azure-rest-api-specs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azureml_obo_harness.cloud.ml.assets import PROVIDER

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.models import Workspace

DEFAULT_DATASTORE = "workspaceblobstore"
ARTIFACT_DATASTORE = "workspaceartifactstore"
DATASTORES = (DEFAULT_DATASTORE, ARTIFACT_DATASTORE)
_SEEDED_AT = "2026-01-01T00:00:00+00:00"


def workspace_resource(workspace: Workspace) -> dict[str, Any]:
    """``GET .../workspaces/{name}``."""
    group = f"/subscriptions/{workspace.subscription_id}/resourceGroups/{workspace.resource_group}"
    host = workspace.region_host
    return {
        "id": workspace.arm_id,
        "name": workspace.name,
        "type": f"{PROVIDER}/workspaces",
        "location": workspace.location,
        "tags": {},
        "etag": None,
        "kind": "Default",
        "identity": {"type": "SystemAssigned"},
        "sku": {"name": "Basic", "tier": "Basic"},
        "properties": {
            "friendlyName": workspace.name,
            "description": "",
            "storageAccount": (
                f"{group}/providers/Microsoft.Storage/storageAccounts/{workspace.storage_account}"
            ),
            "keyVault": f"{group}/providers/Microsoft.KeyVault/vaults/{workspace.name}-kv",
            "applicationInsights": (
                f"{group}/providers/Microsoft.Insights/components/{workspace.name}-ai"
            ),
            "containerRegistry": None,
            "hbiWorkspace": False,
            "tenantId": workspace.tenant_id,
            "imageBuildCompute": "",
            "provisioningState": "Succeeded",
            "storageHnsEnabled": False,
            "workspaceId": workspace.workspace_id,
            "privateLinkCount": 0,
            "allowPublicAccessWhenBehindVnet": False,
            "publicNetworkAccess": "Enabled",
            "v1LegacyMode": False,
            "discoveryUrl": f"https://{host}/discovery",
            "mlFlowTrackingUri": f"azureml://{host}/mlflow/v1.0{workspace.arm_id}",
        },
        "systemData": {
            "createdAt": _SEEDED_AT,
            "createdBy": "fake-workspace-owner",
            "createdByType": "User",
            "lastModifiedAt": _SEEDED_AT,
            "lastModifiedBy": "fake-workspace-owner",
            "lastModifiedByType": "User",
        },
    }


def discovery_document(workspace: Workspace) -> dict[str, str]:
    """``GET https://<region>.api.azureml.ms/discovery``: every regional service's base URL."""
    base = f"https://{workspace.region_host}"
    keys = (
        "api",
        "catalog",
        "experimentation",
        "gallery",
        "history",
        "hyperdrive",
        "labeling",
        "modelmanagement",
        "pipelines",
        "studio",
    )
    return {key: base for key in keys}


def compute_resource(workspace: Workspace, name: str) -> dict[str, Any]:
    """``GET .../computes/{name}``: an AmlCompute cluster, idle, scaling 0 to 4 nodes."""
    return {
        "id": f"{workspace.arm_id}/computes/{name}",
        "name": name,
        "type": f"{PROVIDER}/workspaces/computes",
        "location": workspace.location,
        "tags": None,
        "identity": None,
        "properties": {
            "computeType": "AmlCompute",
            "computeLocation": workspace.location,
            "description": None,
            "resourceId": None,
            "provisioningState": "Succeeded",
            "provisioningErrors": None,
            "isAttachedCompute": False,
            "disableLocalAuth": True,
            "createdOn": _SEEDED_AT,
            "modifiedOn": _SEEDED_AT,
            "properties": {
                "vmSize": "STANDARD_DS3_V2",
                "vmPriority": "Dedicated",
                "osType": "Linux",
                "scaleSettings": {
                    "maxNodeCount": 4,
                    "minNodeCount": 0,
                    "nodeIdleTimeBeforeScaleDown": "PT120S",
                },
                "remoteLoginPortPublicAccess": "NotSpecified",
                "allocationState": "Steady",
                "allocationStateTransitionTime": _SEEDED_AT,
                "errors": None,
                "currentNodeCount": 0,
                "targetNodeCount": 0,
                "nodeStateCounts": {
                    "idleNodeCount": 0,
                    "runningNodeCount": 0,
                    "preparingNodeCount": 0,
                    "unusableNodeCount": 0,
                    "leavingNodeCount": 0,
                    "preemptedNodeCount": 0,
                },
                "enableNodePublicIp": True,
            },
        },
    }


def datastore_resource(workspace: Workspace, name: str) -> dict[str, Any]:
    """``GET .../datastores/{name}`` for ``workspaceblobstore`` (the default, holding data and
    code) or ``workspaceartifactstore`` (job logs and outputs, container ``azureml``)."""
    container = (
        workspace.datastore_container if name == DEFAULT_DATASTORE else workspace.artifact_container
    )
    return {
        "id": f"{workspace.arm_id}/datastores/{name}",
        "name": name,
        "type": f"{PROVIDER}/workspaces/datastores",
        "properties": {
            "description": None,
            "tags": None,
            "properties": None,
            "isDefault": name == DEFAULT_DATASTORE,
            "credentials": {"credentialsType": "AccountKey"},
            "subscriptionId": workspace.subscription_id,
            "resourceGroup": workspace.resource_group,
            "datastoreType": "AzureBlob",
            "accountName": workspace.storage_account,
            "containerName": container,
            "endpoint": "core.windows.net",
            "protocol": "https",
            "serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity",
        },
        "systemData": {
            "createdAt": _SEEDED_AT,
            "lastModifiedAt": _SEEDED_AT,
            "lastModifiedBy": "fake-workspace-identity",
            "lastModifiedByType": "Application",
        },
    }
