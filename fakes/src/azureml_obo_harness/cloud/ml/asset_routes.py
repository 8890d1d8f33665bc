"""HTTP for model, data, environment and component versions: one set of routes over the four
collections (``/models``, ``/data``, ``/environments``, ``/components``), which the service
answers alike (a component's spec is rewritten as :mod:`.components` says)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.http import ServiceError
from azureml_obo_harness.cloud.ml import arm, components
from azureml_obo_harness.cloud.ml.arm import ARM_HOST, WORKSPACE_PATH, authenticate, ok
from azureml_obo_harness.cloud.ml.assets import (
    KINDS,
    AssetVersion,
    container_resource,
    redefines,
    required_field,
    sort_versions,
)
from azureml_obo_harness.cloud.ml.models import MlBackend, Workspace, iso_now, user_error
from azureml_obo_harness.cloud.service import Handler

SINGULAR = {
    "models": "model",
    "data": "data",
    "environments": "environment",
    "components": "component",
}
REST_NAMES = {
    "models": "Model",
    "data": "Data",
    "environments": "Environment",
    "components": "Component",
}


class AssetRoutes:
    """Containers and versions of the workspace's registered assets."""

    def __init__(self, backend: MlBackend) -> None:
        self.backend = backend

    def rules(self) -> list[Rule]:
        rules = []
        for kind in KINDS:
            for path, operation, method in self._table(kind):
                rules.append(
                    Rule(
                        f"{WORKSPACE_PATH}/{kind}{path}",
                        host=ARM_HOST,
                        endpoint=operation,
                        methods=[method],
                    )
                )
        return rules

    def handlers(self) -> Mapping[str, Handler]:
        handlers: dict[str, Handler] = {}
        actions = {
            "list_containers": self.list_containers,
            "get_container": self.get_container,
            "list_versions": self.list_versions,
            "get_version": self.get_version,
            "create_or_update_version": self.create_or_update_version,
        }
        for kind in KINDS:
            for action, operation in self._operations(kind).items():
                handlers[operation] = functools.partial(actions[action], kind=kind)
        return handlers

    def rest_operations(self) -> Mapping[str, str]:
        """Each operation's REST operationId (``ModelVersions_Get``...)."""
        rest = {}
        for kind in KINDS:
            name = REST_NAMES[kind]
            ids = {
                "list_containers": f"{name}Containers_List",
                "get_container": f"{name}Containers_Get",
                "list_versions": f"{name}Versions_List",
                "get_version": f"{name}Versions_Get",
                "create_or_update_version": f"{name}Versions_CreateOrUpdate",
            }
            for action, operation in self._operations(kind).items():
                rest[operation] = ids[action]
        return rest

    @staticmethod
    def _operations(kind: str) -> dict[str, str]:
        one = SINGULAR[kind]
        return {
            "list_containers": f"ml/list_{one}_containers",
            "get_container": f"ml/get_{one}_container",
            "list_versions": f"ml/list_{one}_versions",
            "get_version": f"ml/get_{one}_version",
            "create_or_update_version": f"ml/create_or_update_{one}_version",
        }

    def _table(self, kind: str) -> list[tuple[str, str, str]]:
        operations = self._operations(kind)
        return [
            ("", operations["list_containers"], "GET"),
            ("/<name>", operations["get_container"], "GET"),
            ("/<name>/versions", operations["list_versions"], "GET"),
            ("/<name>/versions/<version>", operations["get_version"], "GET"),
            ("/<name>/versions/<version>", operations["create_or_update_version"], "PUT"),
        ]

    def list_containers(self, request: Request, args: Mapping[str, Any], *, kind: str) -> Response:
        workspace, _ = authenticate(self.backend, request, args)
        by_name: dict[str, list[AssetVersion]] = {}
        for asset in self._versions(workspace.assets.values(), kind):
            by_name.setdefault(asset.name, []).append(asset)
        containers = [self._container(workspace, found) for found in by_name.values()]
        return ok(arm.page(request, containers, page_size=self.backend.page_size))

    def get_container(self, request: Request, args: Mapping[str, Any], *, kind: str) -> Response:
        """The container of asset ``name`` (its latest and next version), or the service's 404:
        what ``create_or_update`` of an asset without a version asks first (a 404 there means
        version ``1``)."""
        workspace, _ = authenticate(self.backend, request, args)
        name = str(args["name"])
        found = self._named(workspace, kind, name)
        if not found and kind == "components":
            raise user_error(
                404, f"Not found component {name}.", inner=("NotFound", "ComponentNotFound")
            )
        if not found:
            raise user_error(
                404,
                f"Could not find asset with name {name}.",
                inner=("NotFound", "AssetNotFound"),
            )
        return ok(self._container(workspace, found))

    def list_versions(self, request: Request, args: Mapping[str, Any], *, kind: str) -> Response:
        """The versions of asset ``name``, newest first; ``$orderBy=createdtime desc`` (or
        ``asc``) orders them by registration and ``$top`` keeps the first so many (how
        ``get(name, label="latest")`` asks for the latest)."""
        workspace, _ = authenticate(self.backend, request, args)
        versions = self._named(workspace, kind, str(args["name"]))
        order = " ".join(request.args.get("$orderBy", "").lower().split())
        if order in ("createdtime desc", "createdtime asc"):
            versions = versions[::-1] if order.endswith("desc") else versions
        else:
            versions = sort_versions(versions)
        top = request.args.get("$top")
        if top is not None:
            if not top.isdigit():
                raise ServiceError(
                    400, "UserError", "$top must be a number.", inner_codes=("BadArgument",)
                )
            versions = versions[: int(top)]
        resources = [self._shown(request, asset, workspace.arm_id) for asset in versions]
        return ok(arm.page(request, resources, page_size=self.backend.page_size))

    def get_version(self, request: Request, args: Mapping[str, Any], *, kind: str) -> Response:
        """A version; for a component, version ``azureml_default`` is its default version."""
        workspace, _ = authenticate(self.backend, request, args)
        key = (kind, str(args["name"]), str(args["version"]))
        if kind == "components" and key[2] == components.DEFAULT_VERSION:
            return self._default_component(request, workspace, key[1])
        found = workspace.assets.get(key)
        if found is None:
            raise user_error(
                404,
                f"Could not find asset with name {key[1]} and version {key[2]}.",
                inner=("NotFound", "AssetNotFound"),
            )
        return ok(self._shown(request, found, workspace.arm_id))

    def create_or_update_version(
        self, request: Request, args: Mapping[str, Any], *, kind: str
    ) -> Response:
        """Register a version (201), or update one (200). A model needs ``modelUri`` and a data
        asset ``dataUri`` (else the service's 400); an environment an image or a build.

        A registered environment version keeps its definition: a PUT that changes more than its
        description, tags or archived state is the service's 409 ``UserError`` "Environment
        <name> with version <version> is already registered and cannot be changed." (the message
        as Azure/azure-cli-extensions#5440 quotes it; the status is the one azure-ai-ml's
        unversioned ``environments.create_or_update`` catches, as ``ResourceExistsError``, to
        register the next version instead: Azure/azure-sdk-for-python#38590).

        A component needs ``componentSpec``; a registered component version is replaced (200).
        An anonymous one (``isAnonymous``: a pipeline's inline node, its version azure-ai-ml's hash
        of the spec) registered before is answered as the first registration, unchanged, with
        201: the recorded pipeline's component PUT (``tests/fidelity/recordings/``
        ``ml-pipeline-job-with-anonymous-component.json``) was answered 201 with the version's
        earlier ``systemData``."""
        workspace, user = authenticate(self.backend, request, args)
        kind, name, version = kind, str(args["name"]), str(args["version"])
        properties = arm.properties_of(request)
        needed = required_field(kind)
        if needed and not properties.get(needed):
            raise ServiceError(
                400, "UserError", f"The field {needed} is required.", inner_codes=("BadArgument",)
            )
        if kind == "components":
            environments = self._versions(workspace.assets.values(), "environments")
            properties = components.prepared_properties(properties, version, environments)
        key = (kind, name, version)
        existing = workspace.assets.get(key)
        if existing is not None and kind == "components" and properties.get("isAnonymous"):
            return ok(
                self._shown(request, existing, workspace.arm_id),
                created=True,
                location=arm.location_of(request),
            )
        if existing is not None:
            if kind == "environments" and redefines(existing, properties):
                raise ServiceError(
                    409,
                    "UserError",
                    f"Environment {name} with version {version} is already registered and "
                    "cannot be changed.",
                )
            existing.properties = properties
            return ok(self._shown(request, existing, workspace.arm_id))
        asset = AssetVersion(kind, name, version, properties, iso_now(), user)
        workspace.assets[key] = asset
        return ok(
            self._shown(request, asset, workspace.arm_id),
            created=True,
            location=arm.location_of(request),
        )

    def _default_component(self, request: Request, workspace: Workspace, name: str) -> Response:
        registered = self._named(workspace, "components", name)
        if not registered:
            raise user_error(
                404,
                f"Could not find asset with name {name} and version {components.DEFAULT_VERSION}.",
                inner=("NotFound", "AssetNotFound"),
            )
        chosen = components.default_version(registered)
        resource = self._shown(request, chosen, workspace.arm_id)
        resource["id"] = f"{workspace.arm_id}/components/{name}/labels/default"
        return ok(resource)

    @staticmethod
    def _container(workspace: Workspace, versions: list[AssetVersion]) -> dict[str, Any]:
        """The container of one asset's ``versions`` (a component's has its own shape)."""
        if versions[0].kind == "components":
            now = datetime.now(timezone.utc)
            return components.container(workspace.arm_id, versions[0].name, versions, now)
        return container_resource(workspace.arm_id, versions)

    @staticmethod
    def _shown(request: Request, asset: AssetVersion, workspace_arm_id: str) -> dict[str, Any]:
        """A version's JSON as the request's api-version shows it."""
        resource = asset.as_resource(workspace_arm_id)
        if asset.kind == "components":
            resource = components.shaped(resource, request.args.get("api-version"))
        return resource

    @staticmethod
    def _versions(assets: Any, kind: str) -> list[AssetVersion]:
        return [asset for asset in assets if asset.kind == kind]

    @classmethod
    def _named(cls, workspace: Workspace, kind: str, name: str) -> list[AssetVersion]:
        """The versions of asset ``name`` of ``kind``, in registration order."""
        return [a for a in cls._versions(workspace.assets.values(), kind) if a.name == name]
