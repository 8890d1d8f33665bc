"""Component versions as the service keeps and shows them: the ``componentSpec`` a PUT sends,
rewritten the way real answers show it; the component's container; the fields each api-version
adds; and what the fake refuses because no recording shows the real answer.

Real answers (``tests/fidelity/recordings/ml-component-*.json`` and the anonymous component of
``ml-pipeline-job-with-anonymous-component.json``: azure-ai-ml's own recordings of
``components.create_or_update``, ``get`` and a pipeline job's submission, at ``2022-10-01`` in
2023 and at ``2024-01-01-preview`` in 2026, production regions) store a spec with these changes:

- the client's own keys ``_source`` (``YAML.COMPONENT``, ``REMOTE.WORKSPACE.COMPONENT``) and
  ``id`` are dropped;
- every boolean becomes the string ``"True"``/``"False"`` and every number a string
  (``is_deterministic: true`` -> ``"True"``, an input's ``optional``, ``resources.instance_count:
  1`` -> ``"1"``);
- every input gets ``optional`` (``"False"`` when it was not sent);
- a command component's ``resources`` keep ``instance_count`` alone (``"1"`` when it was not
  sent): an anonymous component a pipeline node sent with ``{"instance_type": ...}`` is answered
  with ``{"instance_count": "1"}``;
- a curated environment, ``azureml:AzureML-<name>:<version>``, becomes the ``azureml`` registry's
  ``azureml://registries/azureml/environments/AzureML-<name>/versions/<version>``, whatever the
  workspace holds (``AzureML-Minimal:2``, which no fake workspace seeds, is answered so);
  ``azureml:<name>@latest`` is its newest version (the pipeline recording's ``@latest`` comes back
  as ``versions/36``), which the fake knows only for the environments its workspace holds;
- the version's own ``description`` is null (the spec keeps the component's description);
- a spec without a ``version`` gets the one the URL names.

The container (``components/<name>``) of an unknown component is 404 ``UserError`` "Not found
component <name>." (inner ``NotFound`` / ``ComponentNotFound``); of a registered one it is 200 with
``latestVersion`` null and ``nextVersion`` a timestamp, ``2026-03-27-04-05-20-2300110`` (what
``create_or_update`` of a component without a version then registers), and ``systemData`` with
its two dates only (``ml-component-create-autoincrement.json``).

A PUT of a registered version replaces it, answered 200 (``ml-component-update.json`` changes
``display_name`` and ``description`` in place; Azure/azure-sdk-for-python#28367 describes the
same). Version ``azureml_default`` (what ``components.get(name)`` asks for, the ``default`` label)
is answered with the component's default version under the id
``.../components/<name>/labels/default`` (``ml-component-default-label.json``, one version
registered); which of several versions is the default is not recorded, and the fake answers the
one registered last.

The ``2024-01-01-preview`` answers (the version azure-ai-ml 1.3x sends) add ``autoDeleteSetting``
(null), ``stage`` (``Development``) and ``provisioningState`` to a version's properties; the
``2022-10-01`` answers have none of the three. No recording shows a version in between; the fake
shows versions dated before 2024 as ``2022-10-01`` was, later ones as ``2024-01-01-preview``.

Refused with 501 ``NotImplementedByFake``, because no recording shows how the service answers
them: a spec that is not a JSON object or whose ``type`` is not ``command``; an environment
``azureml:<name>:<version>`` (or its ARM id) that the workspace does not hold, unless curated; an
``azureml:<name>@latest`` the workspace holds no version of.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from azureml_obo_harness.cloud.http import ServiceError, not_modelled

if TYPE_CHECKING:
    from azureml_obo_harness.cloud.ml.assets import AssetVersion

CLIENT_KEYS = frozenset({"_source", "id"})
"""Keys of a sent spec the service does not keep."""

ENVIRONMENT_REFERENCE = re.compile(r"azureml:([^:/@]+):([^:/@]+)")
"""An environment by name and version, as azure-ai-ml sends it in a spec."""
LATEST_ENVIRONMENT = re.compile(r"azureml:([^:/@]+)@latest")
"""An environment by name and the ``latest`` label."""
ENVIRONMENT_ARM_ID = re.compile(r"azureml:/subscriptions/.+/environments/([^/]+)/versions/([^/]+)")
"""An environment version by ARM id (how azure-ai-ml sends a workspace environment it resolved)."""
CURATED_PREFIX = "AzureML-"
"""How a curated environment's name starts."""

NEWER_FIELDS = {"autoDeleteSetting": None, "stage": "Development", "provisioningState": "Succeeded"}
"""What a version's properties carry from ``2024-01-01-preview`` on (see the module's text)."""
FIRST_VERSION_WITH_NEWER_FIELDS = "2024-01-01"

DEFAULT_VERSION = "azureml_default"
"""The version name azure-ai-ml asks for a component's default version by."""
OPERATION = "ComponentVersions_CreateOrUpdate / ml/create_or_update_component_version"


def prepared_properties(
    properties: dict[str, Any], version: str, environments: Sequence[AssetVersion]
) -> dict[str, Any]:
    """A PUT's version properties as the service stores them (see the module's text), given the
    workspace's registered and curated ``environments``; raises the 501s the module lists."""
    spec = properties["componentSpec"]
    if not isinstance(spec, dict):
        raise _not_implemented("a componentSpec that is not a JSON object")
    if spec.get("type") != "command":
        raise _not_implemented(f"a component of type {spec.get('type')!r} (only 'command')")
    spec = {**spec, "environment": _environment(spec.get("environment"), environments)}
    return {**properties, "description": None, "componentSpec": stored_spec(spec, version)}


def stored_spec(spec: dict[str, Any], version: str) -> dict[str, Any]:
    """A command component's spec as the service stores it, registered as ``version``."""
    stored = {key: _as_text(value) for key, value in spec.items() if key not in CLIENT_KEYS}
    stored.setdefault("version", version)
    inputs = stored.get("inputs")
    if isinstance(inputs, dict):
        for binding in inputs.values():
            if isinstance(binding, dict):
                binding.setdefault("optional", "False")
    sent = stored.get("resources")
    count = sent.get("instance_count", "1") if isinstance(sent, dict) else "1"
    stored["resources"] = {"instance_count": count}
    environment = stored.get("environment")
    curated = ENVIRONMENT_REFERENCE.fullmatch(environment) if isinstance(environment, str) else None
    if curated is not None and curated.group(1).startswith(CURATED_PREFIX):
        name, number = curated.groups()
        stored["environment"] = (
            f"azureml://registries/azureml/environments/{name}/versions/{number}"
        )
    return stored


def container(
    workspace_arm_id: str, name: str, versions: Sequence[AssetVersion], now: datetime
) -> dict[str, Any]:
    """The container of component ``name`` (at least one version registered), at ``now``."""
    first = versions[0]
    return {
        "id": f"{workspace_arm_id}/components/{name}",
        "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/components",
        "properties": {
            "description": "",
            "tags": {},
            "properties": {},
            "isArchived": False,
            "latestVersion": None,
            "nextVersion": next_version(now),
            "provisioningState": "Succeeded",
        },
        "systemData": {"createdAt": first.created_at, "lastModifiedAt": versions[-1].created_at},
    }


def next_version(now: datetime) -> str:
    """The version the service offers next: ``now`` as ``YYYY-MM-DD-HH-MM-SS-fffffff`` (UTC,
    seven digits of the second's fraction)."""
    moment = now.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d-%H-%M-%S-") + f"{moment.microsecond * 10:07d}"


def default_version(versions: Sequence[AssetVersion]) -> AssetVersion:
    """The version ``azureml_default`` names: the one registered last (see the module's text)."""
    return versions[-1]


def shaped(resource: dict[str, Any], api_version: str | None) -> dict[str, Any]:
    """A version resource as ``api_version`` shows it: without :data:`NEWER_FIELDS` before 2024."""
    if api_version and api_version[:10] < FIRST_VERSION_WITH_NEWER_FIELDS:
        properties = resource["properties"]
        resource = {
            **resource,
            "properties": {k: v for k, v in properties.items() if k not in NEWER_FIELDS},
        }
    return resource


def _environment(environment: Any, known: Sequence[AssetVersion]) -> Any:
    """The spec's environment with ``@latest`` pinned; raises the 501 for an environment the
    fake cannot answer for."""
    if not isinstance(environment, str):
        return environment
    if latest := LATEST_ENVIRONMENT.fullmatch(environment):
        name = latest.group(1)
        numbered = sorted(
            (int(e.version) for e in known if e.name == name and e.version.isdigit()), reverse=True
        )
        if not numbered:
            raise _not_implemented(
                f"an environment {environment} the fake workspace holds no numbered version of "
                "(the service answers with its newest version, which the fake does not know); "
                "register one in the fake workspace or name a version"
            )
        return f"azureml:{name}:{numbered[0]}"
    found = ENVIRONMENT_REFERENCE.fullmatch(environment) or ENVIRONMENT_ARM_ID.fullmatch(
        environment
    )
    if found is None or found.group(1).startswith(CURATED_PREFIX):
        return environment
    name, version = found.groups()
    if not any(e.name == name and e.version == version for e in known):
        raise _not_implemented(
            f"a component whose environment {environment} the fake workspace does not hold "
            "(how the service refuses it is not in the recordings the fake follows); register "
            "the environment in the fake workspace first"
        )
    return environment


def _not_implemented(what: str) -> ServiceError:
    return not_modelled("ml", OPERATION, f"for {what}.")


def _as_text(value: Any) -> Any:
    """``value`` with every boolean and number inside it a string, as the service keeps a spec."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value
