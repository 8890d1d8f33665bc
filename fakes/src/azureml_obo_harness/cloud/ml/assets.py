"""Versioned workspace assets with no HTTP: model, data, environment and component versions.

Each kind is a URL collection (``models``, ``data``, ``environments``, ``components``) holding
``{name}/versions/{version}``; the service answers a version with the properties it was
registered with plus what it adds (``provisioningState``, ``isArchived``...), and a container
(``{kind}/{name}``) with its latest and next version (what ``create_or_update`` of an unversioned
asset reads). The curated environment the example job's child
uses is seeded in every fake workspace (:data:`CURATED_ENVIRONMENTS`). How the service rewrites a
component's spec is :mod:`.components`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azureml_obo_harness.cloud.ml.components import NEWER_FIELDS

PROVIDER = "Microsoft.MachineLearningServices"
KINDS = ("models", "data", "environments", "components")

CURATED_ENVIRONMENTS = {
    ("AzureML-sklearn-1.0-ubuntu20.04-py38-cpu", "33"): {
        "description": "Recommended environment for scikit-learn 1.0 on Ubuntu 20.04, "
        "Python 3.8, CPU.",
        "image": "mcr.microsoft.com/azureml/curated/sklearn-1.0-ubuntu20.04-py38-cpu:33",
        "osType": "Linux",
        "environmentType": "Curated",
        "autoRebuild": "OnBaseImageUpdate",
    },
}
"""(name, version) -> properties of the curated environments seeded in a fake workspace."""

_ADDED_BY_KIND: dict[str, dict[str, Any]] = {
    "models": {"modelType": "custom_model", "flavors": {}, "jobName": None, "stage": None},
    "data": {"dataType": "uri_folder"},
    "environments": {
        # As real answers show them (a user's image-only environment and a curated one, both
        # api-version 2023-04-01-preview): no conda file is an empty string, not null.
        "autoDeleteSetting": None,
        "environmentType": "UserCreated",
        "condaFile": "",
        "osType": "Linux",
        "autoRebuild": "Disabled",
        "stage": "Development",
        "intellectualProperty": None,
    },
    # As the 2024-01-01-preview answers show them (older api-versions: components.shaped).
    "components": {k: v for k, v in NEWER_FIELDS.items() if k != "provisioningState"},
}


@dataclass
class AssetVersion:
    """One registered version of a model, data asset, environment or component."""

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


MUTABLE_PROPERTIES = frozenset({"description", "tags", "isArchived"})
"""What a PUT may change in a registered environment version: its description and tags (updated
in place, as azure-ai-ml's environment dedup relies on) and whether it is archived (what
``environments.archive``/``restore`` PUT). Anything else is its definition."""


def redefines(existing: AssetVersion, properties: dict[str, Any]) -> bool:
    """Whether ``properties``, PUT over ``existing``, change its definition: compared as the
    service answers both (the properties it adds filled in), less :data:`MUTABLE_PROPERTIES`."""
    candidate = AssetVersion(
        existing.kind, existing.name, existing.version, properties, existing.created_at, ""
    )

    def definition(asset: AssetVersion) -> dict[str, Any]:
        shown = asset.as_resource("")["properties"]
        return {name: value for name, value in shown.items() if name not in MUTABLE_PROPERTIES}

    return definition(candidate) != definition(existing)


def required_field(kind: str) -> str | None:
    """The property a version of ``kind`` cannot be registered without (the service's 400)."""
    return {"models": "modelUri", "data": "dataUri", "components": "componentSpec"}.get(kind)


def sort_versions(versions: list[AssetVersion]) -> list[AssetVersion]:
    """Newest first, numerically where the versions are numbers (as the service lists them)."""

    def key(asset: AssetVersion) -> tuple[int, str]:
        return (int(asset.version), "") if asset.version.isdigit() else (-1, asset.version)

    return sorted(versions, key=key, reverse=True)


def container_resource(workspace_arm_id: str, versions: list[AssetVersion]) -> dict[str, Any]:
    """The container JSON (``{kind}/{name}``) of one asset's ``versions`` (at least one, in
    registration order). As real answers show: ``latestVersion`` is the version registered last,
    whatever its name, and ``nextVersion`` one more than the highest numeric version, else ``1``
    (a container whose only version is ``bar`` answers ``latestVersion: bar, nextVersion: 1``)."""
    first, latest = versions[0], versions[-1]
    numbers = [int(asset.version) for asset in versions if asset.version.isdigit()]
    return {
        "id": f"{workspace_arm_id}/{first.kind}/{first.name}",
        "name": first.name,
        "type": f"{PROVIDER}/workspaces/{first.kind}",
        "properties": {
            "description": "",
            "tags": {},
            "properties": {},
            "isArchived": False,
            "latestVersion": latest.version,
            "nextVersion": str(max(numbers) + 1) if numbers else "1",
            "provisioningState": "Succeeded",
        },
        "systemData": _system_data(first.created_at, first.created_by),
    }


def _system_data(created_at: str, created_by: str) -> dict[str, Any]:
    return {
        "createdAt": created_at,
        "createdBy": created_by,
        "createdByType": "User",
        "lastModifiedAt": created_at,
        "lastModifiedBy": created_by,
        "lastModifiedByType": "User",
    }
