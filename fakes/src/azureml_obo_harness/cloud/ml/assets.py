"""Versioned workspace assets with no HTTP: model, data and environment versions.

Each kind is a URL collection (``models``, ``data``, ``environments``) holding
``{name}/versions/{version}``; the service answers a version with the properties it was
registered with plus what it adds (``provisioningState``, ``isArchived``...), and a container
(``{kind}/{name}``) with the latest version. The curated environment the example job's child
uses is seeded in every fake workspace (:data:`CURATED_ENVIRONMENTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROVIDER = "Microsoft.MachineLearningServices"
KINDS = ("models", "data", "environments")

CURATED_ENVIRONMENTS = {
    ("AzureML-sklearn-1.0-ubuntu20.04-py38-cpu", "33"): {
        "description": "Recommended environment for scikit-learn 1.0 on Ubuntu 20.04, "
        "Python 3.8, CPU.",
        "image": "mcr.microsoft.com/azureml/curated/sklearn-1.0-ubuntu20.04-py38-cpu:33",
        "osType": "Linux",
        "environmentType": "Curated",
    },
}
"""(name, version) -> properties of the curated environments seeded in a fake workspace."""

_ADDED_BY_KIND: dict[str, dict[str, Any]] = {
    "models": {"modelType": "custom_model", "flavors": {}, "jobName": None, "stage": None},
    "data": {"dataType": "uri_folder"},
    "environments": {"environmentType": "UserCreated", "osType": "Linux"},
}


@dataclass
class AssetVersion:
    """One registered version of a model, data asset or environment."""

    kind: str
    name: str
    version: str
    properties: dict[str, Any]
    created_at: str
    created_by: str

    def id(self, workspace_arm_id: str) -> str:
        return f"{workspace_arm_id}/{self.kind}/{self.name}/versions/{self.version}"

    def as_resource(self, workspace_arm_id: str) -> dict[str, Any]:
        """The version JSON of a GET/PUT response."""
        given = self.properties
        properties = {
            "description": None,
            "tags": {},
            "properties": {},
            **_ADDED_BY_KIND[self.kind],
            **given,
            "isArchived": bool(given.get("isArchived", False)),
            "isAnonymous": bool(given.get("isAnonymous", False)),
            "provisioningState": "Succeeded",
        }
        return {
            "id": self.id(workspace_arm_id),
            "name": self.version,
            "type": f"{PROVIDER}/workspaces/{self.kind}/versions",
            "properties": properties,
            "systemData": _system_data(self.created_at, self.created_by),
        }

    def container_resource(self, workspace_arm_id: str) -> dict[str, Any]:
        """The container JSON (``{kind}/{name}``) whose latest version this is."""
        return {
            "id": f"{workspace_arm_id}/{self.kind}/{self.name}",
            "name": self.name,
            "type": f"{PROVIDER}/workspaces/{self.kind}",
            "properties": {
                "description": None,
                "tags": {},
                "properties": {},
                "isArchived": False,
                "latestVersion": self.version,
                "nextVersion": _next_version(self.version),
                "provisioningState": "Succeeded",
            },
            "systemData": _system_data(self.created_at, self.created_by),
        }


def required_field(kind: str) -> str | None:
    """The property a version of ``kind`` cannot be registered without (the service's 400)."""
    return {"models": "modelUri", "data": "dataUri"}.get(kind)


def sort_versions(versions: list[AssetVersion]) -> list[AssetVersion]:
    """Newest first, numerically where the versions are numbers (as the service lists them)."""

    def key(asset: AssetVersion) -> tuple[int, str]:
        return (int(asset.version), "") if asset.version.isdigit() else (-1, asset.version)

    return sorted(versions, key=key, reverse=True)


def _next_version(version: str) -> str | None:
    return str(int(version) + 1) if version.isdigit() else None


def _system_data(created_at: str, created_by: str) -> dict[str, Any]:
    return {
        "createdAt": created_at,
        "createdBy": created_by,
        "createdByType": "User",
        "lastModifiedAt": created_at,
        "lastModifiedBy": created_by,
        "lastModifiedByType": "User",
    }
