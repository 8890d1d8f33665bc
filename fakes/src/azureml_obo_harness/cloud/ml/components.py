"""Component versions as the service keeps and shows them: the ``componentSpec`` a PUT sends,
rewritten the way real answers show it, and the fields each api-version adds.

Real answers (``tests/fidelity/recordings/ml-component-*.json`` and the anonymous component of
``ml-pipeline-job-with-anonymous-component.json``: azure-ai-ml's own recordings of
``components.create_or_update``, ``get`` and a pipeline job's submission, at ``2022-10-01`` in
2023 and at ``2024-01-01-preview`` in 2026) store a component's spec with these changes:

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
  ``azureml://registries/azureml/environments/AzureML-<name>/versions/<version>``, and
  ``azureml:<name>@latest`` its newest version first (the pipeline recording's anonymous
  component: ``@latest`` answered as ``versions/36``); the fake keeps ``@latest`` as sent when the
  workspace has no version of that name, and any other environment reference as sent;
- the version's own ``description`` is null (the spec keeps the component's description);
- a spec without a ``version`` gets the one the URL names (what ``create_or_update`` of a component
  without a version relies on: it PUTs the container's next version and reads the version back
  from the answer's spec; no recording shows this PUT answered, so this is inferred from the SDK).

The service refuses a spec whose environment ``azureml:<name>:<version>`` has no definition in the
workspace with 400 ``UserError`` "Error occurred when loading YAML file rootNode, details: Invalid
environment id: No definition exists for environment <name> version <version>. ..." (inner
``BadArgument`` / ``ArgumentInvalid`` / ``YamlFileInvalid``), and answers the container of an
unknown component 404 ``UserError`` "Not found component <name>." (inner ``NotFound`` /
``ComponentNotFound``), as the recording of ``test_command_component_create_autoincrement`` shows.

A PUT of a registered version replaces it, answered 200 (the recording of
``test_component_update`` changes ``display_name`` and ``description`` in place;
Azure/azure-sdk-for-python#28367 describes the same: creating a component entity again updates the
version it names).

Version ``azureml_default`` (what ``components.get(name)`` asks for, the ``default`` label) is
answered with the component's default version under the id ``.../components/<name>/labels/default``
(the recording of ``test_component_with_default_label``, one version registered). Which of several
versions the service calls default is not recorded; the fake answers the one registered last.

The ``2024-01-01-preview`` answers (the version azure-ai-ml 1.3x sends) add ``autoDeleteSetting``
(null), ``stage`` (``Development``) and ``provisioningState`` to the version's properties; the
``2022-10-01`` answers have none of the three. No recording shows a version in between, so
versions dated before 2024 are shown as ``2022-10-01`` was, later ones as ``2024-01-01-preview``.
"""

from __future__ import annotations

import re
from typing import Any

CLIENT_KEYS = frozenset({"_source", "id"})
"""Keys of a sent spec the service does not keep."""

ENVIRONMENT_REFERENCE = re.compile(r"azureml:([^:/@]+):([^:/@]+)")
"""An environment by name and version, as azure-ai-ml sends it in a spec."""
LATEST_ENVIRONMENT = re.compile(r"azureml:([^:/@]+)@latest")
"""An environment by name and the ``latest`` label."""
CURATED_PREFIX = "AzureML-"
"""How a curated environment's name starts."""
ENVIRONMENT_HELP = "https://aka.ms/azureml/environment/no-definition-exists"

NEWER_FIELDS = {"autoDeleteSetting": None, "stage": "Development", "provisioningState": "Succeeded"}
"""What a version's properties carry from ``2024-01-01-preview`` on (see the module's text)."""

FIRST_VERSION_WITH_NEWER_FIELDS = "2024-01-01"

DEFAULT_VERSION = "azureml_default"
"""The version name azure-ai-ml asks for a component's default version by."""


def stored_spec(spec: dict[str, Any], version: str) -> dict[str, Any]:
    """The spec as the service stores it, registered as ``version`` (see the module's text)."""
    stored = {key: _as_text(value) for key, value in spec.items() if key not in CLIENT_KEYS}
    stored.setdefault("version", version)
    inputs = stored.get("inputs")
    if isinstance(inputs, dict):
        for binding in inputs.values():
            if isinstance(binding, dict):
                binding.setdefault("optional", "False")
    if stored.get("type") == "command":
        sent = stored.get("resources")
        count = sent.get("instance_count", "1") if isinstance(sent, dict) else "1"
        stored["resources"] = {"instance_count": count}
    reference = environment_reference(stored)
    if reference is not None and reference[0].startswith(CURATED_PREFIX):
        name, number = reference
        stored["environment"] = (
            f"azureml://registries/azureml/environments/{name}/versions/{number}"
        )
    return stored


def stored_properties(properties: dict[str, Any], version: str) -> dict[str, Any]:
    """A PUT's version properties as stored: the spec rewritten, the own description null."""
    stored = {**properties, "description": None}
    spec = properties.get("componentSpec")
    if isinstance(spec, dict):
        stored["componentSpec"] = stored_spec(spec, version)
    return stored


def environment_reference(spec: dict[str, Any]) -> tuple[str, str] | None:
    """The ``(name, version)`` of a spec's ``azureml:<name>:<version>`` environment, else None."""
    environment = spec.get("environment")
    if isinstance(environment, str) and (found := ENVIRONMENT_REFERENCE.fullmatch(environment)):
        return found.group(1), found.group(2)
    return None


def latest_environment_name(spec: dict[str, Any]) -> str | None:
    """The name of a spec's ``azureml:<name>@latest`` environment, else None."""
    environment = spec.get("environment")
    if isinstance(environment, str) and (found := LATEST_ENVIRONMENT.fullmatch(environment)):
        return found.group(1)
    return None


def undefined_environment_message(name: str, version: str) -> str:
    """The service's message for a spec whose environment has no definition."""
    return (
        "Error occurred when loading YAML file rootNode, details: Invalid environment id: No "
        f"definition exists for environment {name} version {version}. See {ENVIRONMENT_HELP} for "
        "troubleshooting."
    )


def shaped(resource: dict[str, Any], api_version: str | None) -> dict[str, Any]:
    """A version resource as ``api_version`` shows it: without :data:`NEWER_FIELDS` before 2024."""
    if api_version and api_version[:10] < FIRST_VERSION_WITH_NEWER_FIELDS:
        properties = resource["properties"]
        resource = {
            **resource,
            "properties": {k: v for k, v in properties.items() if k not in NEWER_FIELDS},
        }
    return resource


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
