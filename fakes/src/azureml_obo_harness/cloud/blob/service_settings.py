"""The documented limits of a Set Blob Service Properties body, checked before anything is stored.

From "Set Blob Service Properties" (REST reference): a ``Logging``, ``HourMetrics`` or
``MinuteMetrics`` element names every child it needs (``Version``; logging's ``Read``, ``Write``,
``Delete``; metrics' ``Enabled``, and ``IncludeAPIs`` when enabled; a ``RetentionPolicy``); a
retention policy (and ``DeleteRetentionPolicy``) that is enabled gives ``Days`` from 1 to 365, one
that is not gives none; at most five ``CorsRule`` elements, each with all five of its children,
methods among those the service supports. The service refuses a body that breaks one with 400
``InvalidXmlDocument`` (azure-storage-blob's live tests expect an error for six CORS rules and for
0 or 366 days; a real body quoted in tombuildsstuff/giovanni#60 reads ``<Code>InvalidXmlDocument``
with ``<Reason>Element Days is only expected when RetentionPolicy is enabled.</Reason>``); the
fake answers the same, its ``Reason`` naming the rule, and the account's settings stay as they were.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from azureml_obo_harness.cloud.blob.call import StorageError

MAX_CORS_RULES = 5
CORS_RULE_CHILDREN = (
    "AllowedOrigins",
    "AllowedMethods",
    "MaxAgeInSeconds",
    "ExposedHeaders",
    "AllowedHeaders",
)
CORS_METHODS = frozenset({"DELETE", "GET", "HEAD", "MERGE", "PATCH", "POST", "OPTIONS", "PUT"})
"""The methods a CORS rule may allow (the REST reference's list, with PATCH as its newer pages)."""
MAX_RETENTION_DAYS = 365


def refused(reason: str) -> StorageError:
    """The service's 400 for a service properties body that breaks a documented limit."""
    return StorageError(
        400,
        "InvalidXmlDocument",
        "XML specified is not syntactically valid.",
        details={"Reason": reason},
    )


def check(root: ElementTree.Element) -> None:
    """Raise :func:`refused` if a root element of ``root`` breaks a documented limit."""
    for element in root:
        if element.tag == "Logging":
            _require(element, "Version", "Read", "Write", "Delete", "RetentionPolicy")
            for flag in ("Read", "Write", "Delete"):
                _boolean(element, flag)
            _retention(_child(element, "RetentionPolicy"))
        elif element.tag in ("HourMetrics", "MinuteMetrics"):
            _require(element, "Version", "Enabled", "RetentionPolicy")
            if _boolean(element, "Enabled"):
                _require(element, "IncludeAPIs")
            if element.find("IncludeAPIs") is not None:
                _boolean(element, "IncludeAPIs")
            _retention(_child(element, "RetentionPolicy"))
        elif element.tag == "DeleteRetentionPolicy":
            _retention(element)
        elif element.tag == "Cors":
            _cors(element)
        elif element.tag == "StaticWebsite":
            _require(element, "Enabled")
            _boolean(element, "Enabled")


def _cors(cors: ElementTree.Element) -> None:
    rules = cors.findall("CorsRule")
    if len(rules) > MAX_CORS_RULES:
        raise refused(f"At most {MAX_CORS_RULES} CorsRule elements may be set; got {len(rules)}.")
    for rule in rules:
        _require(rule, *CORS_RULE_CHILDREN)
        methods = {m.strip().upper() for m in (rule.findtext("AllowedMethods") or "").split(",")}
        unknown = sorted(methods - CORS_METHODS)
        if unknown:
            raise refused(f"AllowedMethods holds methods the service does not support: {unknown}.")
        age = (rule.findtext("MaxAgeInSeconds") or "").strip()
        if not age.isdigit():
            raise refused("MaxAgeInSeconds must be a non-negative integer.")


def _retention(policy: ElementTree.Element) -> None:
    """``Enabled``, and ``Days`` from 1 to 365 exactly when enabled."""
    _require(policy, "Enabled")
    days = policy.findtext("Days")
    if not _boolean(policy, "Enabled"):
        if days is not None:
            raise refused("Element Days is only expected when RetentionPolicy is enabled.")
        return
    if days is None:
        raise refused(f"Element Days is required in {policy.tag} when it is enabled.")
    if not days.strip().isdigit() or not 1 <= int(days) <= MAX_RETENTION_DAYS:
        raise refused(f"Days in {policy.tag} must be from 1 to {MAX_RETENTION_DAYS}; got {days}.")


def _require(element: ElementTree.Element, *names: str) -> None:
    missing = [name for name in names if element.find(name) is None]
    if missing:
        raise refused(f"{element.tag} is missing {', '.join(missing)}.")


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element:
    found = element.find(name)
    assert found is not None  # _require checked it
    return found


def _boolean(element: ElementTree.Element, name: str) -> bool:
    text = (element.findtext(name) or "").strip().lower()
    if text not in ("true", "false"):
        raise refused(f"{element.tag}/{name} must be true or false; got {text or '(empty)'}.")
    return text == "true"
