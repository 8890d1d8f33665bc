"""Key Vault secret state and rules, with no HTTP: vaults, secret versions, soft delete, access policies.

Works on its own (``KeyVaultBackend().create_vault("v")`` then ``set_secret("v", ...)``) and
resets by creating a new backend. Every operation takes the caller's object id and checks the
vault's access policy first, each with its own permission (``get``, ``list``, ``set``, ``delete``,
``recover``, ``backup``, ``restore``, ``purge``), as an access-policy vault does; ``caller=None``
skips the check (seeding). Errors are :class:`~azureml_obo_harness.cloud.http.ServiceError` with the
real codes (see :mod:`.errors`).

Secret names are case-insensitive, as in Key Vault: state is keyed by the lower-cased name and each
version keeps the name it was set with.

The settle window: right after a delete the real service answers ``GET /deletedsecrets/{name}``
with 404 for a moment (the recordings show one 404, then 200), and right after a recover
``GET /secrets/{name}`` is 404 for a moment. The fake models this deterministically by a count,
:attr:`KeyVaultBackend.settle_reads`: that many reads of the changed secret answer 404 before the
change is visible. The default is 0 (visible at once), so the SDK pollers finish at their first
poll and no test sleeps; set it to 1 to replay what the recordings show.
"""

from __future__ import annotations

import secrets as token_source
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from azureml_obo_harness import values
from azureml_obo_harness.cloud.http import ServiceError
from azureml_obo_harness.cloud.keyvault import errors

SECRET_PERMISSIONS = frozenset(
    {"get", "list", "set", "delete", "recover", "backup", "restore", "purge"}
)
"""The secret permissions of a Key Vault access policy (``all`` grants every one)."""
DEFAULT_PERMISSIONS = frozenset({"get", "list", "set"})
RECOVERABLE_DAYS = 90
DAY = 24 * 3600


@dataclass
class SecretVersion:
    """One version of a secret, as the service stores it (times are epoch seconds)."""

    name: str
    version: str
    value: str
    created: int
    updated: int
    enabled: bool = True
    content_type: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    not_before: int | None = None
    expires: int | None = None


@dataclass
class DeletedSecret:
    """A soft-deleted secret: every version, when it was deleted and when it will be purged."""

    versions: list[SecretVersion]
    deleted_date: int
    scheduled_purge_date: int
    unsettled_reads: int = 0
    """Reads of ``/deletedsecrets/{name}`` still answered 404 (see the module docstring)."""

    @property
    def latest(self) -> SecretVersion:
        return self.versions[-1]


@dataclass
class Vault:
    """One vault: its secrets (versions oldest first), soft-deleted secrets and access policy."""

    name: str
    tenant_id: str = values.TENANT_ID
    location: str = "eastus"
    secrets: dict[str, list[SecretVersion]] = field(default_factory=dict)
    deleted: dict[str, DeletedSecret] = field(default_factory=dict)
    access: dict[str, set[str]] = field(default_factory=dict)
    recovering: dict[str, int] = field(default_factory=dict)
    """Lower-cased names just recovered -> reads of them still answered 404."""

    @property
    def url(self) -> str:
        """``https://{name}.vault.azure.net``."""
        return f"https://{self.name}.vault.azure.net"


@dataclass(frozen=True)
class SecretUpdate:
    """The properties a PATCH changes: only those named in :attr:`fields`; the others keep their value."""

    enabled: bool | None = None
    content_type: str | None = None
    tags: dict[str, str] | None = None
    not_before: int | None = None
    expires: int | None = None
    fields: frozenset[str] = frozenset()
    """Which of the fields above the request named (so ``exp: null`` can clear an expiry)."""


class KeyVaultBackend:
    """All fake vaults, keyed by vault name. Thread-safe; the HTTP layer shares one instance."""

    def __init__(self, *, clock: Callable[[], float] = time.time, settle_reads: int = 0) -> None:
        self.vaults: dict[str, Vault] = {}
        self.settle_reads = settle_reads
        """Reads that answer 404 right after a delete or recover (see the module docstring)."""
        self._backups: dict[str, list[SecretVersion]] = {}
        self._clock = clock
        self._lock = threading.RLock()

    # -- seeding ---------------------------------------------------------------------------------

    def create_vault(self, name: str, *, tenant_id: str = values.TENANT_ID) -> Vault:
        """Create (or return) vault ``name``; its host ``{name}.vault.azure.net`` then resolves."""
        with self._lock:
            return self.vaults.setdefault(name, Vault(name=name, tenant_id=tenant_id))

    def grant(self, vault: str, object_id: str, permissions: Iterable[str]) -> None:
        """Set the secret permissions of the user (or app) ``object_id`` on ``vault``.

        ``"all"`` stands for every permission. Raises ``ValueError`` for a permission Key Vault
        does not have (e.g. ``"read"``), and ``KeyError`` for an unknown vault.
        """
        wanted = set(permissions)
        if "all" in wanted:
            wanted = (wanted - {"all"}) | SECRET_PERMISSIONS
        unknown = wanted - SECRET_PERMISSIONS
        if unknown:
            raise ValueError(
                f"unknown secret permission(s) {sorted(unknown)}; use {sorted(SECRET_PERMISSIONS)} "
                "or 'all'"
            )
        with self._lock:
            self._vault(vault).access[object_id] = wanted

    def revoke(self, vault: str, object_id: str) -> None:
        """Remove every permission ``object_id`` has on ``vault``."""
        with self._lock:
            self._vault(vault).access.pop(object_id, None)

    # -- secrets ---------------------------------------------------------------------------------

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
        not_before: int | None = None,
        expires: int | None = None,
    ) -> SecretVersion:
        """Add a new version of secret ``name``; 409 if the name is soft-deleted."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "set")
            key = name.lower()
            if key in target.deleted:
                raise errors.deleted_but_recoverable(name)
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
                not_before=not_before,
                expires=expires,
            )
            target.secrets.setdefault(key, []).append(version)
            return version

    def get_secret(
        self, vault: str, name: str, version: str | None = None, *, caller: str | None = None
    ) -> SecretVersion:
        """The latest version of ``name`` (or the given ``version``) with its value.

        403 without ``get`` permission or for a disabled version; 404 if missing.
        """
        with self._lock:
            found = self._find_version(vault, name, version, caller=caller, permission="get")
            if not found.enabled:
                raise errors.secret_disabled()
            return found

    def update_secret(
        self,
        vault: str,
        name: str,
        version: str | None,
        update: SecretUpdate,
        *,
        caller: str | None = None,
    ) -> SecretVersion:
        """Change the properties named in ``update`` of one version (the latest if ``version`` is
        empty); the value never changes. Needs ``set``; works on a disabled version too."""
        with self._lock:
            found = self._find_version(vault, name, version, caller=caller, permission="set")
            changes: dict[str, object] = {
                attribute: getattr(update, attribute) for attribute in update.fields
            }
            if "tags" in changes:
                changes["tags"] = dict(update.tags or {})
            if changes.get("enabled") is None:
                changes.pop("enabled", None)  # enabled: null leaves it as it is
            updated = replace(found, **changes, updated=int(self._clock()))  # type: ignore[arg-type]
            versions = self._vault(vault).secrets[name.lower()]
            versions[versions.index(found)] = updated
            return updated

    def list_secrets(self, vault: str, *, caller: str | None = None) -> list[SecretVersion]:
        """The latest version of every secret in ``vault``, ordered by name."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "list")
            return [
                target.secrets[key][-1] for key in sorted(target.secrets) if target.secrets[key]
            ]

    def list_versions(
        self, vault: str, name: str, *, caller: str | None = None
    ) -> list[SecretVersion]:
        """Every version of ``name``, oldest first (an empty list for an unknown secret)."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "list")
            return list(target.secrets.get(name.lower(), []))

    def delete_secret(self, vault: str, name: str, *, caller: str | None = None) -> DeletedSecret:
        """Soft-delete ``name`` (all versions) for :data:`RECOVERABLE_DAYS` days."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "delete")
            versions = target.secrets.pop(name.lower(), None)
            if not versions:
                raise errors.secret_not_found(name)
            target.recovering.pop(name.lower(), None)
            now = int(self._clock())
            deleted = DeletedSecret(
                versions=versions,
                deleted_date=now,
                scheduled_purge_date=now + RECOVERABLE_DAYS * DAY,
                unsettled_reads=self.settle_reads,
            )
            target.deleted[name.lower()] = deleted
            return deleted

    # -- soft-deleted secrets --------------------------------------------------------------------

    def get_deleted_secret(
        self, vault: str, name: str, *, caller: str | None = None
    ) -> DeletedSecret:
        """Soft-deleted ``name``; 404 if it is not deleted or its deletion is not visible yet."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "get")
            deleted = target.deleted.get(name.lower())
            if deleted is None:
                raise errors.deleted_secret_not_found(name)
            if deleted.unsettled_reads > 0:
                deleted.unsettled_reads -= 1
                raise errors.deleted_secret_not_found(name)
            return deleted

    def list_deleted_secrets(self, vault: str, *, caller: str | None = None) -> list[DeletedSecret]:
        """Every soft-deleted secret of ``vault``, ordered by name."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "list")
            return [target.deleted[key] for key in sorted(target.deleted)]

    def recover_deleted_secret(
        self, vault: str, name: str, *, caller: str | None = None
    ) -> SecretVersion:
        """Bring soft-deleted ``name`` back with every version; returns its latest version."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "recover")
            deleted = target.deleted.pop(name.lower(), None)
            if deleted is None:
                raise errors.deleted_secret_not_found(name)
            target.secrets[name.lower()] = deleted.versions
            if self.settle_reads:
                target.recovering[name.lower()] = self.settle_reads
            return deleted.latest

    def purge_deleted_secret(self, vault: str, name: str, *, caller: str | None = None) -> None:
        """Remove soft-deleted ``name`` for good; 404 if it is not soft-deleted."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "purge")
            if target.deleted.pop(name.lower(), None) is None:
                raise errors.deleted_secret_not_found(name)

    # -- backup and restore ----------------------------------------------------------------------

    def backup_secret(self, vault: str, name: str, *, caller: str | None = None) -> bytes:
        """An opaque blob holding every version of ``name``; only this backend restores it.

        The blob is a reference to a copy kept here, not the values themselves, so a recorded
        backup response carries no secret value.
        """
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "backup")
            versions = target.secrets.get(name.lower())
            if not versions:
                raise errors.secret_not_found(name)
            token = token_source.token_hex(16)
            self._backups[token] = [replace(version) for version in versions]
            return BACKUP_MAGIC + token.encode()

    def restore_secret(
        self, vault: str, blob: bytes, *, caller: str | None = None
    ) -> SecretVersion:
        """Restore a :meth:`backup_secret` blob (into any vault of this backend); returns the
        latest version. 409 if the name is in use or soft-deleted, 400 for a foreign blob."""
        with self._lock:
            target = self._vault(vault)
            self._authorize(target, caller, "restore")
            token = blob.removeprefix(BACKUP_MAGIC).decode("ascii", "replace")
            snapshot = self._backups.get(token) if blob.startswith(BACKUP_MAGIC) else None
            if snapshot is None:
                raise errors.bad_parameter(
                    "Backup blob contains invalid or corrupt version. The fake Key Vault restores "
                    "only blobs that backup_secret of the same FakeAzure returned."
                )
            name = snapshot[-1].name
            if name.lower() in target.deleted:
                raise errors.deleted_but_recoverable(name)
            if target.secrets.get(name.lower()):
                raise errors.already_exists(name)
            target.secrets[name.lower()] = [replace(version) for version in snapshot]
            return target.secrets[name.lower()][-1]

    # -- internals -------------------------------------------------------------------------------

    def _find_version(
        self, vault: str, name: str, version: str | None, *, caller: str | None, permission: str
    ) -> SecretVersion:
        target = self._vault(vault)
        self._authorize(target, caller, permission)
        key = name.lower()
        pending = target.recovering.get(key, 0)
        if pending > 0:
            # A just-recovered secret is not readable yet (see the module docstring).
            if pending == 1:
                del target.recovering[key]
            else:
                target.recovering[key] = pending - 1
            raise errors.secret_not_found(f"{name}/{version}" if version else name)
        versions = target.secrets.get(key, [])
        if version:
            for candidate in versions:
                if candidate.version == version:
                    return candidate
            raise errors.secret_not_found(f"{name}/{version}")
        if not versions:
            raise errors.secret_not_found(name)
        return versions[-1]

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


BACKUP_MAGIC = b"FakeAzureKeyVaultSecretBackupV1."
"""How a fake backup blob starts; the rest names the copy the backend keeps."""


def secret_not_found(name: str) -> ServiceError:
    """The real 404 for a missing secret (or version)."""
    return errors.secret_not_found(name)


def forbidden(vault: Vault, caller: str, permission: str) -> ServiceError:
    """The real 403 of an access-policy vault for a caller without ``permission``."""
    return errors.forbidden(
        vault=vault.name,
        location=vault.location,
        tenant_id=vault.tenant_id,
        caller=caller,
        permission=permission,
    )
