"""Key Vault secret state and rules, with no HTTP: vaults, secret versions, access policies.

Works on its own (``KeyVaultBackend().create_vault("v").set_secret(...)``) and resets by creating a
new backend. Every operation takes the caller's object id and checks the vault's access policy
first, as an access-policy vault does; errors are :class:`~azureml_obo_harness.cloud.http.ServiceError` with the
real codes (``Forbidden``, ``SecretNotFound``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from azureml_obo_harness import values
from azureml_obo_harness.cloud.http import ServiceError

SECRET_PERMISSIONS = frozenset({"get", "list", "set", "delete"})
DEFAULT_PERMISSIONS = frozenset({"get", "list", "set"})


@dataclass
class SecretVersion:
    """One version of a secret, as the service stores it."""

    name: str
    version: str
    value: str
    created: int
    updated: int
    enabled: bool = True
    content_type: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class Vault:
    """One vault: its secrets (versions oldest first), soft-deleted secrets and access policy."""

    name: str
    tenant_id: str = values.TENANT_ID
    location: str = "eastus"
    secrets: dict[str, list[SecretVersion]] = field(default_factory=dict)
    deleted: dict[str, list[SecretVersion]] = field(default_factory=dict)
    access: dict[str, set[str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """``https://{name}.vault.azure.net``."""
        return f"https://{self.name}.vault.azure.net"


class KeyVaultBackend:
    """All fake vaults, keyed by vault name. Thread-safe; the HTTP layer shares one instance."""

    def __init__(self, *, clock: Any = time.time) -> None:
        self.vaults: dict[str, Vault] = {}
        self._clock = clock
        self._lock = threading.RLock()

    # -- seeding ---------------------------------------------------------------------------------

    def create_vault(self, name: str, *, tenant_id: str = values.TENANT_ID) -> Vault:
        """Create (or return) vault ``name``; its host ``{name}.vault.azure.net`` then resolves."""
        with self._lock:
            return self.vaults.setdefault(name, Vault(name=name, tenant_id=tenant_id))

    def grant(self, vault: str, object_id: str, permissions: Iterable[str]) -> None:
        """Give the user (or app) ``object_id`` these secret permissions on ``vault``.

        Raises ``ValueError`` for a permission Key Vault does not have (e.g. ``"read"``), and
        ``KeyError`` for an unknown vault.
        """
        wanted = set(permissions)
        unknown = wanted - SECRET_PERMISSIONS
        if unknown:
            raise ValueError(
                f"unknown secret permission(s) {sorted(unknown)}; use {sorted(SECRET_PERMISSIONS)}"
            )
        with self._lock:
            self._vault(vault).access[object_id] = wanted

    def revoke(self, vault: str, object_id: str) -> None:
        """Remove every permission ``object_id`` has on ``vault``."""
        with self._lock:
            self._vault(vault).access.pop(object_id, None)

    # -- operations ------------------------------------------------------------------------------

    def set_secret(
        self,
        vault: str,
        name: str,
        value: str,
        *,
        caller: str | None = None,
        content_type: str | None = None,
        tags: dict[str, str] | None = None,
        enabled: bool = True,
    ) -> SecretVersion:
        """Add a new version of secret ``name``; ``caller=None`` skips the access check (seeding)."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "set")
            now = int(self._clock())
            version = SecretVersion(
                name=name,
                version=uuid.uuid4().hex,
                value=value,
                created=now,
                updated=now,
                enabled=enabled,
                content_type=content_type,
                tags=dict(tags or {}),
            )
            target.deleted.pop(name, None)
            target.secrets.setdefault(name, []).append(version)
            return version

    def get_secret(
        self, vault: str, name: str, version: str | None = None, *, caller: str | None = None
    ) -> SecretVersion:
        """The latest version of ``name`` (or the given ``version``); 403/404 as the service."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "get")
            versions = target.secrets.get(name, [])
            if version:
                for candidate in versions:
                    if candidate.version == version:
                        return candidate
                raise secret_not_found(f"{name}/{version}")
            if not versions:
                raise secret_not_found(name)
            return versions[-1]

    def list_versions(
        self, vault: str, name: str, *, caller: str | None = None
    ) -> list[SecretVersion]:
        """Every version of ``name``, oldest first (an empty list for an unknown secret)."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "list")
            return list(target.secrets.get(name, []))

    def list_secrets(self, vault: str, *, caller: str | None = None) -> list[SecretVersion]:
        """The latest version of every secret in ``vault``."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "list")
            return [versions[-1] for versions in target.secrets.values() if versions]

    def delete_secret(self, vault: str, name: str, *, caller: str | None = None) -> SecretVersion:
        """Soft-delete ``name`` (all versions); returns its latest version."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "delete")
            versions = target.secrets.pop(name, None)
            if not versions:
                raise secret_not_found(name)
            target.deleted[name] = versions
            return versions[-1]

    def get_deleted_secret(
        self, vault: str, name: str, *, caller: str | None = None
    ) -> SecretVersion:
        """The latest version of soft-deleted ``name``; 404 ``SecretNotFound`` if not deleted."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "get")
            versions = target.deleted.get(name)
            if not versions:
                raise ServiceError(404, "SecretNotFound", f"Deleted Secret not found: {name}")
            return versions[-1]

    # -- internals -------------------------------------------------------------------------------

    def _vault(self, name: str) -> Vault:
        try:
            return self.vaults[name]
        except KeyError:
            raise KeyError(
                f"no fake vault named {name!r}; create it with create_vault({name!r}) "
                f"(known: {sorted(self.vaults)})"
            ) from None

    def _authorize(self, vault: Vault, caller: str | None, permission: str) -> None:
        if caller is None:
            return
        if permission not in vault.access.get(caller, set()):
            raise forbidden(vault, caller, permission)


def secret_not_found(name: str) -> ServiceError:
    """The real 404 for a missing secret (or version)."""
    return ServiceError(
        404,
        "SecretNotFound",
        f"A secret with (name/id) {name} was not found in this key vault. If you recently deleted "
        "this secret you may be able to recover it using the correct recovery command. For help "
        "resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
    )


def forbidden(vault: Vault, caller: str, permission: str) -> ServiceError:
    """The real 403 of an access-policy vault for a caller without ``permission``."""
    return ServiceError(
        403,
        "Forbidden",
        f"The user, group or application 'appid={values.CLIENT_APP_ID};oid={caller};"
        f"iss=https://sts.windows.net/{vault.tenant_id}/' does not have secrets {permission} "
        f"permission on key vault '{vault.name};location={vault.location}'. For help resolving "
        "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
        inner_codes=("AccessDenied",),
    )
