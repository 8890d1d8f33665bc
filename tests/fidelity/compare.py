"""Compare the fake's answer with the real one: status, error code, and the key sets of the body.

Key sets are compared at every level: the body's top level, every nested object, and the objects
inside lists (their keys united over the list's elements). A key the real service sends and the
fake does not is a difference, and so is a key the fake invents. Values are not compared (ids,
dates and versions differ by nature), except that a list the service answered non-empty must not
be empty. XML bodies (Blob) are compared as element trees: an element's keys are its children.

One kind of object is compared by presence only: a string-to-string map whose keys are data, not
schema (the REST specs' ``additionalProperties: {type: string}``): ``tags`` anywhere, and ARM's
``properties`` bag inside a resource's ``properties``. The service adds its own entries to both
(``_aml_system_*`` tags on a sweep job, ``azureml.*`` properties). Maps of objects (``inputs``,
``outputs``, ``services``) are compared key by key: the service's ``outputs.default`` is what
``jobs.download`` reads.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from typing import Any

FREE_FORM_PATHS = {"properties.properties"}
FREE_FORM_KEYS = {"tags"}
"""String maps whose keys are data (by path, list indexes dropped; or by key anywhere)."""


def error_code(status: int, headers: dict[str, str], body: Any) -> str | None:
    """The service's error code: ``x-ms-error-code``, else the body's ``error.code`` or ``Code``."""
    if status < 400:
        return None
    for name, value in headers.items():
        if name.lower() == "x-ms-error-code":
            return value
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            return str(error["code"])
        if isinstance(body.get("Error"), dict) and isinstance(body["Error"].get("Code"), str):
            return str(body["Error"]["Code"])
    return None


def parse_body(content_type: str, raw: bytes | str | None) -> Any:
    """A body as JSON values (XML as nested dicts, one key per child element); text otherwise."""
    if raw is None or raw in (b"", ""):
        return None
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    text = text.lstrip("\ufeff")
    stripped = text.lstrip()
    if "json" in content_type or stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if "xml" in content_type or stripped.startswith("<"):
        try:
            root = ElementTree.fromstring(stripped)
        except ElementTree.ParseError:
            return text
        return {root.tag: _element(root)}
    return text


def _element(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    shaped: dict[str, Any] = {}
    for child in children:
        value = _element(child)
        if child.tag in shaped:  # repeated elements (<Blob>, <Container>) become a list
            existing = shaped[child.tag]
            shaped[child.tag] = (
                [*existing, value] if isinstance(existing, list) else [existing, value]
            )
        else:
            shaped[child.tag] = value
    return shaped


def _merged(items: list[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in items:
        if isinstance(item, dict):
            for key, value in item.items():
                if key not in merged or merged[key] in (None, [], {}):
                    merged[key] = value
    return merged


def shape_differences(real: Any, fake: Any, path: str = "") -> list[str]:
    """How ``fake``'s JSON shape differs from ``real``'s, one line per difference."""
    where = path or "body"
    if isinstance(real, dict):
        if not isinstance(fake, dict):
            return [f"{where}: an object in the recording, {_kind(fake)} from the fake"]
        if _schema_path(path) in FREE_FORM_PATHS or path.rsplit(".", 1)[-1] in FREE_FORM_KEYS:
            return []
        differences = []
        missing, extra = sorted(set(real) - set(fake)), sorted(set(fake) - set(real))
        if missing:
            differences.append(f"{where}: the fake lacks {', '.join(missing)}")
        if extra:
            differences.append(f"{where}: the fake adds {', '.join(extra)}")
        for key in sorted(set(real) & set(fake)):
            differences += shape_differences(real[key], fake[key], f"{path}.{key}" if path else key)
        return differences
    if isinstance(real, list):
        if not isinstance(fake, list):
            return [f"{where}: a list in the recording, {_kind(fake)} from the fake"]
        if real and not fake:
            return [f"{where}: {len(real)} item(s) in the recording, none from the fake"]
        if any(isinstance(item, dict) for item in real) and fake:
            return shape_differences(_merged(real), _merged(fake), f"{path}[]")
        return []
    return []


def _schema_path(path: str) -> str:
    return path.replace("[]", "")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def differences(
    *,
    real_status: int,
    real_headers: dict[str, str],
    real_body: Any,
    fake_status: int,
    fake_headers: dict[str, str],
    fake_body: Any,
) -> list[str]:
    """Every way the fake's answer differs from the recorded one (empty when they agree)."""
    found = []
    if fake_status != real_status:
        found.append(f"status {fake_status}, recorded {real_status}")
    real_code = error_code(real_status, real_headers, real_body)
    fake_code = error_code(fake_status, fake_headers, fake_body)
    if real_code != fake_code:
        found.append(f"error code {fake_code!r}, recorded {real_code!r}")
    if isinstance(real_body, (dict, list)):
        found += shape_differences(real_body, fake_body)
    elif real_body is None and isinstance(fake_body, (dict, list)) and fake_body:
        found.append("body: none in the recording, the fake sends one")
    return found
