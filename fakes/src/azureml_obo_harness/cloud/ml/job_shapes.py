"""The job resource as each api-version shows it: the service answers one job with two shapes.

Real answers show the same job in two shapes, chosen by the request's api-version (the command-job
recording of ``tests/fidelity`` PUTs at ``2025-01-01-preview`` and GETs at ``2024-01-01-preview``
minutes apart, and the two answers differ in these fields only):

- the **swagger previews** (``2024-01-01-preview``, recorded for a command and a sweep job, PUT
  and GET) carry ``secretsConfiguration``, ``autologgerSettings`` (command jobs),
  ``queueSettings.priority``, ``resources.locations`` and ``maxInstanceCount``, ``pathOnCompute``
  on inputs and outputs, ``assetVersion`` and ``autoDeleteSetting`` on outputs; they send no
  ``parentJobName`` and no ``resources.dockerArgsList``;
- the **TypeSpec versions** (``2025-01-01-preview``, recorded for a command job's PUT) send
  ``parentJobName`` and ``resources.dockerArgsList`` and none of the former list.

The fake keeps one document holding every field (:mod:`.job_properties`) and renders it per
request with :func:`shaped`. Versions no recording shows follow the lineage they belong to: those
the TypeSpec project generates (``2024-10-01-preview`` on, see
:data:`azureml_obo_harness.cloud.api_versions.ml.SOURCE`) the second shape, older ones the first.
"""

from __future__ import annotations

import copy
from typing import Any

TYPESPEC_FIRST_VERSION = "2024-10-01-preview"
"""The first api-version of the TypeSpec lineage (``main.tsp``'s ``Versions`` enum starts here)."""

_ONLY_IN_PREVIEWS = {
    "job": ("secretsConfiguration", "autologgerSettings"),
    "resources": ("locations", "maxInstanceCount"),
    "queueSettings": ("priority",),
    "input": ("pathOnCompute",),
    "output": ("assetVersion", "pathOnCompute", "autoDeleteSetting"),
}
_ONLY_IN_TYPESPEC = {
    "job": ("parentJobName",),
    "resources": ("dockerArgsList",),
}


def is_typespec_version(api_version: str | None) -> bool:
    """Whether ``api_version`` belongs to the TypeSpec lineage (compared by date: ISO dates sort
    as strings; the ``-preview`` suffix does not change the order of distinct dates)."""
    if not api_version:
        return True  # the newest shape, for callers that render without a request
    return api_version[:10] >= TYPESPEC_FIRST_VERSION[:10]


def shaped(properties: dict[str, Any], api_version: str | None) -> dict[str, Any]:
    """A copy of the job's ``properties`` with exactly the fields ``api_version`` shows."""
    dropped = _ONLY_IN_PREVIEWS if is_typespec_version(api_version) else _ONLY_IN_TYPESPEC
    rendered = copy.deepcopy(properties)
    _drop(rendered, dropped.get("job", ()))
    for holder in (rendered, rendered.get("trial")):
        if isinstance(holder, dict):
            _drop(holder.get("resources"), dropped.get("resources", ()))
    _drop(rendered.get("queueSettings"), dropped.get("queueSettings", ()))
    for key, kind in (("inputs", "input"), ("outputs", "output")):
        bindings = rendered.get(key)
        if isinstance(bindings, dict):
            for binding in bindings.values():
                _drop(binding, dropped.get(kind, ()))
    return rendered


def _drop(holder: Any, keys: tuple[str, ...]) -> None:
    if isinstance(holder, dict):
        for key in keys:
            holder.pop(key, None)
