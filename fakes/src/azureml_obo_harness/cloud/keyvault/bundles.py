"""The JSON shapes of Key Vault secrets (``SecretBundle``, ``SecretItem``, their deleted twins).

Key sets as the real service sends them (azure-sdk-assets recordings, api-version 2025-07-01):
``nbf``/``exp``, ``contentType`` and ``tags`` appear only when set; the value appears only where
the service returns it (get and set, not update, recover, restore or any list).
``recoverableDays`` came with api-version 7.1: older versions do not send it (a 2016-10-01
recording shows ``recoveryLevel`` alone), so every function takes the request's ``api_version``.
"""

from __future__ import annotations

from typing import Any

from azureml_obo_harness.cloud.api_versions.keyvault import WITHOUT_RECOVERABLE_DAYS
from azureml_obo_harness.cloud.keyvault.models import (
    RECOVERABLE_DAYS,
    DeletedSecret,
    SecretVersion,
    Vault,
)

RECOVERY_LEVEL = "Recoverable+Purgeable"


def attributes(version: SecretVersion, *, api_version: str | None = None) -> dict[str, Any]:
    """``SecretAttributes``: enabled, nbf/exp when set, created, updated, the recovery level (and
    ``recoverableDays`` from api-version 7.1 on)."""
    body: dict[str, Any] = {"enabled": version.enabled}
    if version.not_before is not None:
        body["nbf"] = version.not_before
    if version.expires is not None:
        body["exp"] = version.expires
    body.update(
        {
            "created": version.created,
            "updated": version.updated,
            "recoveryLevel": RECOVERY_LEVEL,
        }
    )
    if api_version not in WITHOUT_RECOVERABLE_DAYS:
        body["recoverableDays"] = RECOVERABLE_DAYS
    return body


def _common(version: SecretVersion, secret_id: str, api_version: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if version.content_type is not None:
        body["contentType"] = version.content_type
    body["id"] = secret_id
    body["attributes"] = attributes(version, api_version=api_version)
    if version.tags:
        body["tags"] = dict(version.tags)
    return body


def version_id(vault: Vault, version: SecretVersion) -> str:
    """``https://{vault}.vault.azure.net/secrets/{name}/{version}``."""
    return f"{vault.url}/secrets/{version.name}/{version.version}"


def secret_bundle(
    vault: Vault,
    version: SecretVersion,
    *,
    with_value: bool = True,
    api_version: str | None = None,
) -> dict[str, Any]:
    """A ``SecretBundle``: with its value from get/set, without it from update/recover/restore."""
    body = _common(version, version_id(vault, version), api_version)
    if with_value:
        return {"value": version.value, **body}
    return body


def _recovery(vault: Vault, deleted: DeletedSecret) -> dict[str, Any]:
    return {
        "recoveryId": f"{vault.url}/deletedsecrets/{deleted.latest.name}",
        "deletedDate": deleted.deleted_date,
        "scheduledPurgeDate": deleted.scheduled_purge_date,
    }


def deleted_secret_bundle(
    vault: Vault, deleted: DeletedSecret, *, api_version: str | None = None
) -> dict[str, Any]:
    """A ``DeletedSecretBundle``: the latest version's bundle without value, plus recovery fields."""
    latest = deleted.latest
    return {**_recovery(vault, deleted), **_common(latest, version_id(vault, latest), api_version)}


def secret_item(
    vault: Vault, version: SecretVersion, *, with_version: bool, api_version: str | None = None
) -> dict[str, Any]:
    """A ``SecretItem`` of a list: its id names the version only when listing versions."""
    path = f"{version.name}/{version.version}" if with_version else version.name
    return _common(version, f"{vault.url}/secrets/{path}", api_version)


def deleted_secret_item(
    vault: Vault, deleted: DeletedSecret, *, api_version: str | None = None
) -> dict[str, Any]:
    """A ``DeletedSecretItem`` of ``GET /deletedsecrets``."""
    latest = deleted.latest
    item = _common(latest, f"{vault.url}/secrets/{latest.name}", api_version)
    return {**_recovery(vault, deleted), **item}
