"""Blob storage state with no HTTP: accounts, containers and their blobs (block, append, page).

Errors are :class:`~azureml_obo_harness.cloud.http.ServiceError` with the storage error codes
(``ContainerNotFound``, ``ContainerAlreadyExists``, ``BlobNotFound``, ``BlobAlreadyExists``,
``InvalidBlockList``, ``InvalidBlobType``, ``Md5Mismatch``...); the HTTP layer renders them as
storage XML. Block, append and page writes live in :mod:`.blocks`; leases in :mod:`.leases`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob import leases
from azureml_obo_harness.cloud.blob.leases import Lease
from azureml_obo_harness.cloud.http import ServiceError

DATA_ACTIONS = frozenset({"read", "write", "delete"})
"""What RBAC's data roles allow, in the fake's terms: Storage Blob Data Reader is ``read``
(blobs/read, containers/read), Contributor adds ``write`` (blobs/write and add, containers/write:
create, set metadata, lease) and ``delete`` (blobs/delete, containers/delete)."""
BLOB_TYPES = ("BlockBlob", "AppendBlob", "PageBlob")
CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")
"""The service's container naming rule (``$root`` and ``$web`` are its reserved exceptions)."""


@dataclass(frozen=True)
class ContentSettings:
    """A blob's standard HTTP properties (``x-ms-blob-content-*`` on writes)."""

    content_type: str = "application/octet-stream"
    content_encoding: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    content_disposition: str | None = None
    content_md5: str | None = None
    """Set by the client (``x-ms-blob-content-md5``) or, for Put Blob, computed by the service."""


@dataclass(frozen=True)
class CopyState:
    """What ``x-ms-copy-*`` reports about the copy that made a blob."""

    copy_id: str
    source: str
    status: str
    progress: str
    completed: float


@dataclass
class Blob:
    """A committed blob of any type; a block blob keeps the blocks it was committed from."""

    name: str
    data: bytes
    content_type: str
    metadata: dict[str, str]
    etag: str
    last_modified: float
    created: float
    content_md5: str | None = None
    blob_type: str = "BlockBlob"
    settings: ContentSettings = field(default_factory=ContentSettings)
    committed_blocks: list[tuple[str, bytes]] = field(default_factory=list)
    """(block id, data) in order; empty for a blob written by Put Blob (no blocks)."""
    copy: CopyState | None = None
    sequence_number: int = 0
    """A page blob's ``x-ms-blob-sequence-number``."""

    @property
    def text(self) -> str:
        """The content decoded as UTF-8 (for assertions on uploaded source files)."""
        return self.data.decode("utf-8")

    @property
    def size(self) -> int:
        """``Content-Length`` of the whole blob."""
        return len(self.data)


@dataclass
class Container:
    """A container: committed blobs by name and uncommitted blocks by blob name and block id."""

    name: str
    blobs: dict[str, Blob] = field(default_factory=dict)
    blocks: dict[str, dict[str, bytes]] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    etag: str = '"0x8DE0000000000000"'
    last_modified: float = field(default_factory=time.time)
    lease: Lease | None = None
    public_access: str | None = None
    """``container``, ``blob`` or ``None`` (private), as ``x-ms-blob-public-access`` says."""
    signed_identifiers: bytes = b""
    """The stored access policies, as the ``<SignedIdentifiers>`` XML Set Container ACL sent."""


def content_md5(data: bytes) -> str:
    """The base64 MD5 the service reports in ``Content-MD5``."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def invalid_blob_type() -> ServiceError:
    """The service's 409 for an operation on a blob of the wrong type."""
    return ServiceError(409, "InvalidBlobType", "The blob type is invalid for this operation.")


class BlobBackend:
    """All fake storage accounts: account -> container -> blob. Thread-safe."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Container]] = {}
        self.data_access: dict[tuple[str, str], set[str]] = {}
        """(account, user object id) -> the data actions granted by RBAC (:data:`DATA_ACTIONS`)."""
        self.service_settings: dict[str, dict[str, str]] = {}
        """account -> the Blob service properties set on it: root element name (``Logging``,
        ``Cors``...) -> that element's XML as it was set (Set Blob Service Properties)."""
        self.lock = threading.RLock()
        self._etag_counter = 0

    # -- roles and accounts ----------------------------------------------------------------------

    def grant_data_access(self, account: str, object_id: str, actions: Iterable[str]) -> None:
        """Set what a user may do with bearer tokens on ``account`` (``read``, ``write``,
        ``delete``); an empty list takes every data action away. SAS requests are not affected."""
        chosen = set(actions)
        unknown = chosen - DATA_ACTIONS
        if unknown:
            raise ValueError(f"unknown data actions {sorted(unknown)}; use {sorted(DATA_ACTIONS)}")
        with self.lock:
            self.data_access[(account.lower(), object_id)] = chosen

    def may(self, account: str, object_id: str, action: str) -> bool:
        """True if the user's token may ``action`` (``read``/``write``/``delete``) on ``account``."""
        with self.lock:
            return action in self.data_access.get((account.lower(), object_id), set())

    def account_key(self, account: str) -> str | None:
        """The account key Shared Key requests to ``account`` are signed with (every fake account
        has :data:`~azureml_obo_harness.values.STORAGE_ACCOUNT_KEY`), or None for an account the
        fake does not hold."""
        with self.lock:
            return values.STORAGE_ACCOUNT_KEY if account.lower() in self.accounts else None

    def create_account(self, account: str) -> None:
        """Create storage account ``account`` (its host ``{account}.blob.core.windows.net``)."""
        with self.lock:
            self.accounts.setdefault(account.lower(), {})

    def set_service_settings(self, account: str, elements: dict[str, str]) -> None:
        """Replace the given root elements of ``account``'s Blob service properties; the others
        keep their settings (Set Blob Service Properties, version 2013-08-15 and later)."""
        with self.lock:
            self.service_settings.setdefault(account.lower(), {}).update(elements)

    def get_service_settings(self, account: str) -> dict[str, str]:
        """The root elements set on ``account``'s Blob service properties (none: the defaults)."""
        with self.lock:
            return dict(self.service_settings.get(account.lower(), {}))

    # -- containers ------------------------------------------------------------------------------

    def create_container(self, account: str, container: str) -> Container:
        """Create (or return) ``container`` in ``account``, creating the account if needed: for
        seeding. The HTTP operation is :meth:`add_container`, which refuses an existing one."""
        with self.lock:
            containers = self.accounts.setdefault(account.lower(), {})
            if container not in containers:
                containers[container] = Container(container, etag=self._next_etag())
            return containers[container]

    def add_container(
        self,
        account: str,
        container: str,
        *,
        metadata: dict[str, str] | None = None,
        public_access: str | None = None,
    ) -> Container:
        """Create Container: 409 ``ContainerAlreadyExists`` if it exists, 400 for a bad name."""
        if not CONTAINER_NAME.match(container) and container not in ("$root", "$web"):
            raise ServiceError(
                400,
                "InvalidResourceName",
                "The specifed resource name contains invalid characters.",
            )
        with self.lock:
            containers = self.accounts.setdefault(account.lower(), {})
            if container in containers:
                raise ServiceError(
                    409, "ContainerAlreadyExists", "The specified container already exists."
                )
            created = Container(
                container,
                metadata=dict(metadata or {}),
                etag=self._next_etag(),
                public_access=public_access,
            )
            containers[container] = created
            return created

    def get_container(self, account: str, container: str) -> Container:
        """The container, or the service's 404 ``ContainerNotFound``."""
        with self.lock:
            found = self.accounts.get(account.lower(), {}).get(container)
            if found is None:
                raise ServiceError(
                    404, "ContainerNotFound", "The specified container does not exist."
                )
            return found

    def containers(self, account: str) -> list[Container]:
        """The account's containers, sorted by name as List Containers returns them."""
        with self.lock:
            return sorted(self.accounts.get(account.lower(), {}).values(), key=lambda c: c.name)

    def delete_container(self, account: str, container: str, *, lease_id: str | None) -> None:
        """Delete Container (the service deletes at once for the caller; its blobs go with it)."""
        with self.lock:
            found = self.get_container(account, container)
            leases.check_write(found.lease, lease_id, resource="container")
            del self.accounts[account.lower()][container]

    def set_container_metadata(
        self, account: str, container: str, metadata: dict[str, str], *, lease_id: str | None
    ) -> Container:
        """Replace the container's metadata (the service replaces, it does not merge)."""
        with self.lock:
            found = self.get_container(account, container)
            if lease_id:  # only a given id is checked: metadata may change under a lease
                leases.check_write(found.lease, lease_id, resource="container")
            found.metadata = dict(metadata)
            self._touch(found)
            return found

    def set_access_policy(
        self, account: str, container: str, identifiers: bytes, public_access: str | None
    ) -> Container:
        """Store the container's access policies and public access level."""
        with self.lock:
            found = self.get_container(account, container)
            found.signed_identifiers = identifiers
            found.public_access = public_access
            self._touch(found)
            return found

    def container_lease(
        self,
        account: str,
        container: str,
        action: str,
        *,
        lease_id: str | None = None,
        proposed: str | None = None,
        duration: str | None = None,
    ) -> Container:
        """Acquire, release, renew, change or break the container's lease."""
        with self.lock:
            found = self.get_container(account, container)
            if action == "acquire":
                found.lease = leases.acquire(found.lease, duration, proposed)
            elif action == "break":
                found.lease = None
            else:
                current = leases.held(found.lease, lease_id)
                if action == "release":
                    found.lease = None
                elif action == "change":
                    found.lease = replace(current, lease_id=proposed or "")
                else:
                    found.lease = leases.renewed(current)
            return found

    # -- blobs -----------------------------------------------------------------------------------

    def blobs(self, account: str, container: str | None = None) -> list[Blob]:
        """Every committed blob in ``account`` (or one of its containers), for assertions."""
        with self.lock:
            containers = self.accounts.get(account.lower(), {})
            chosen = [containers[container]] if container else list(containers.values())
            return [blob for item in chosen if item for blob in item.blobs.values()]

    def get_blob(self, account: str, container: str, name: str) -> Blob:
        """The blob, or the service's 404 ``BlobNotFound``/``ContainerNotFound``."""
        with self.lock:
            blob = self.get_container(account, container).blobs.get(name)
            if blob is None:
                raise ServiceError(404, "BlobNotFound", "The specified blob does not exist.")
            return blob

    def put_blob(
        self,
        account: str,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
        if_none_match: str | None = None,
        expected_md5: str | None = None,
        blob_type: str = "BlockBlob",
        settings: ContentSettings | None = None,
        committed_blocks: list[tuple[str, bytes]] | None = None,
        copy: CopyState | None = None,
    ) -> Blob:
        """Create or replace a blob; ``if_none_match="*"`` refuses to overwrite (409). Discards
        the blob's uncommitted blocks, as Put Blob and Put Block List do."""
        actual_md5 = content_md5(data)
        if expected_md5 is not None and expected_md5 != actual_md5:
            raise ServiceError(
                400,
                "Md5Mismatch",
                "The MD5 value specified in the request did not match with the MD5 value "
                "calculated by the server.",
            )
        chosen = settings or ContentSettings(content_type=content_type)
        if chosen.content_md5 is None and blob_type == "BlockBlob":
            chosen = replace(chosen, content_md5=actual_md5)
        with self.lock:
            target = self.get_container(account, container)
            existing = target.blobs.get(name)
            if if_none_match == "*" and existing is not None:
                raise ServiceError(409, "BlobAlreadyExists", "The specified blob already exists.")
            now = time.time()
            blob = Blob(
                name=name,
                data=data,
                content_type=chosen.content_type,
                metadata=dict(metadata or {}),
                etag=self._next_etag(),
                last_modified=now,
                created=existing.created if existing else now,
                content_md5=chosen.content_md5,
                blob_type=blob_type,
                settings=chosen,
                committed_blocks=list(committed_blocks or []),
                copy=copy,
            )
            target.blobs[name] = blob
            target.blocks.pop(name, None)
            return blob

    def delete_blob(self, account: str, container: str, name: str, *, lease_id: str | None) -> None:
        """Delete Blob (soft delete is off, as on a new account: the blob is gone at once)."""
        with self.lock:
            self.get_blob(account, container, name)
            leases.check_write(None, lease_id, resource="blob")  # the fake has no blob leases
            self.get_container(account, container).blobs.pop(name)

    def set_metadata(
        self, account: str, container: str, name: str, metadata: dict[str, str]
    ) -> Blob:
        """Replace the blob's metadata (the service replaces, it does not merge)."""
        with self.lock:
            blob = self.get_blob(account, container, name)
            blob.metadata = dict(metadata)
            self.touch(blob)
            return blob

    def set_http_headers(
        self, account: str, container: str, name: str, settings: ContentSettings
    ) -> Blob:
        """Set Blob Properties: every standard property is replaced; one not sent is cleared."""
        with self.lock:
            blob = self.get_blob(account, container, name)
            blob.settings = settings
            blob.content_type, blob.content_md5 = settings.content_type, settings.content_md5
            self.touch(blob)
            return blob

    def copy_blob(
        self,
        source: tuple[str, str, str],
        target: tuple[str, str, str],
        *,
        source_url: str,
        metadata: dict[str, str] | None,
    ) -> Blob:
        """Copy a blob inside the fake, complete at once (``x-ms-copy-status: success``); the
        source's metadata comes along unless the request names its own."""
        with self.lock:
            original = self.get_blob(*source)
            state = CopyState(
                copy_id=str(uuid.uuid4()),
                source=source_url,
                status="success",
                progress=f"{original.size}/{original.size}",
                completed=time.time(),
            )
            account, container, name = target
            return self.put_blob(
                account,
                container,
                name,
                original.data,
                metadata=dict(original.metadata) if metadata is None else metadata,
                blob_type=original.blob_type,
                settings=original.settings,
                committed_blocks=list(original.committed_blocks),
                copy=state,
            )

    def touch(self, blob: Blob) -> None:
        """A new ETag and Last-Modified after a change to ``blob``."""
        blob.etag = self._next_etag()
        blob.last_modified = time.time()

    def _touch(self, container: Container) -> None:
        container.etag = self._next_etag()
        container.last_modified = time.time()

    def _next_etag(self) -> str:
        with self.lock:
            self._etag_counter += 1
            return f'"0x8DE{self._etag_counter:013X}"'
