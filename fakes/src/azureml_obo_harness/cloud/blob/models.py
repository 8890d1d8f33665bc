"""Blob storage state with no HTTP: accounts, containers, block blobs and uncommitted blocks.

Errors are :class:`~azureml_obo_harness.cloud.http.ServiceError` with the storage error codes
(``ContainerNotFound``, ``BlobNotFound``, ``BlobAlreadyExists``, ``InvalidBlockList``,
``Md5Mismatch``); the HTTP layer renders them as storage XML.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from azureml_obo_harness.cloud.http import ServiceError

DATA_ACTIONS = frozenset({"read", "write"})


@dataclass
class Blob:
    """A committed block blob."""

    name: str
    data: bytes
    content_type: str
    metadata: dict[str, str]
    etag: str
    last_modified: float
    created: float
    content_md5: str | None = None

    @property
    def text(self) -> str:
        """The content decoded as UTF-8 (for assertions on uploaded source files)."""
        return self.data.decode("utf-8")


@dataclass
class Container:
    """A container: committed blobs by name and uncommitted blocks by blob name and block id."""

    name: str
    blobs: dict[str, Blob] = field(default_factory=dict)
    blocks: dict[str, dict[str, bytes]] = field(default_factory=dict)


def content_md5(data: bytes) -> str:
    """The base64 MD5 the service reports in ``Content-MD5``."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


class BlobBackend:
    """All fake storage accounts: account -> container -> blob. Thread-safe."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Container]] = {}
        self.data_access: dict[tuple[str, str], set[str]] = {}
        """(account, user object id) -> the data actions (``read``, ``write``) granted by RBAC:
        Storage Blob Data Reader is ``{"read"}``, Contributor ``{"read", "write"}``."""
        self._lock = threading.RLock()
        self._etag_counter = 0

    def grant_data_access(self, account: str, object_id: str, actions: Iterable[str]) -> None:
        """Set what a user may do with bearer tokens on ``account`` (``read``, ``write``); an empty
        list takes every data action away. SAS requests are not affected."""
        unknown = set(actions) - DATA_ACTIONS
        if unknown:
            raise ValueError(f"unknown data actions {sorted(unknown)}; use {sorted(DATA_ACTIONS)}")
        with self._lock:
            self.data_access[(account.lower(), object_id)] = set(actions)

    def may(self, account: str, object_id: str, action: str) -> bool:
        """True if the user's token may ``action`` (``read``/``write``) blobs of ``account``."""
        with self._lock:
            return action in self.data_access.get((account.lower(), object_id), set())

    def create_account(self, account: str) -> None:
        """Create storage account ``account`` (its host ``{account}.blob.core.windows.net``)."""
        with self._lock:
            self.accounts.setdefault(account.lower(), {})

    def create_container(self, account: str, container: str) -> Container:
        """Create (or return) ``container`` in ``account``, creating the account if needed."""
        with self._lock:
            containers = self.accounts.setdefault(account.lower(), {})
            return containers.setdefault(container, Container(container))

    def blobs(self, account: str, container: str | None = None) -> list[Blob]:
        """Every committed blob in ``account`` (or one of its containers), for assertions."""
        with self._lock:
            containers = self.accounts.get(account.lower(), {})
            chosen = [containers[container]] if container else list(containers.values())
            return [blob for item in chosen if item for blob in item.blobs.values()]

    def get_blob(self, account: str, container: str, name: str) -> Blob:
        """The blob, or the service's 404 ``BlobNotFound``/``ContainerNotFound``."""
        with self._lock:
            blob = self._container(account, container).blobs.get(name)
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
    ) -> Blob:
        """Create or replace a block blob; ``if_none_match="*"`` refuses to overwrite (409)."""
        actual_md5 = content_md5(data)
        if expected_md5 is not None and expected_md5 != actual_md5:
            raise ServiceError(
                400,
                "Md5Mismatch",
                "The MD5 value specified in the request did not match with the MD5 value "
                "calculated by the server.",
            )
        with self._lock:
            target = self._container(account, container)
            existing = target.blobs.get(name)
            if if_none_match == "*" and existing is not None:
                raise ServiceError(409, "BlobAlreadyExists", "The specified blob already exists.")
            now = time.time()
            blob = Blob(
                name=name,
                data=data,
                content_type=content_type,
                metadata=dict(metadata or {}),
                etag=self._next_etag(),
                last_modified=now,
                created=existing.created if existing else now,
                content_md5=actual_md5,
            )
            target.blobs[name] = blob
            target.blocks.pop(name, None)
            return blob

    def set_metadata(
        self, account: str, container: str, name: str, metadata: dict[str, str]
    ) -> Blob:
        """Replace the blob's metadata (the service replaces, it does not merge)."""
        with self._lock:
            blob = self.get_blob(account, container, name)
            blob.metadata = dict(metadata)
            blob.etag = self._next_etag()
            blob.last_modified = time.time()
            return blob

    def put_block(
        self, account: str, container: str, name: str, block_id: str, data: bytes
    ) -> None:
        """Stage an uncommitted block of blob ``name``."""
        if not block_id:
            raise ServiceError(
                400,
                "InvalidQueryParameterValue",
                "Value for one of the query parameters "
                "specified in the request URI is invalid. (blockid)",
            )
        with self._lock:
            target = self._container(account, container)
            target.blocks.setdefault(name, {})[block_id] = data

    def put_block_list(
        self,
        account: str,
        container: str,
        name: str,
        block_ids: list[str],
        *,
        content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> Blob:
        """Commit the staged (or already committed) blocks, in ``block_ids`` order, as the blob."""
        with self._lock:
            target = self._container(account, container)
            staged = target.blocks.get(name, {})
            missing = [block_id for block_id in block_ids if block_id not in staged]
            if missing:
                raise ServiceError(
                    400,
                    "InvalidBlockList",
                    f"The specified block list is invalid. Unknown block "
                    f"id(s): {', '.join(missing)}",
                )
            data = b"".join(staged[block_id] for block_id in block_ids)
            return self.put_blob(
                account, container, name, data, content_type=content_type, metadata=metadata
            )

    def _container(self, account: str, container: str) -> Container:
        found = self.accounts.get(account.lower(), {}).get(container)
        if found is None:
            raise ServiceError(404, "ContainerNotFound", "The specified container does not exist.")
        return found

    def _next_etag(self) -> str:
        self._etag_counter += 1
        return f'"0x8DE{self._etag_counter:013X}"'
