"""How each blob type is written piece by piece: block lists, append blocks, pages. No HTTP.

Block blobs: Put Block stages an uncommitted block; Put Block List commits blocks named as
``Latest`` (the uncommitted version if there is one, else the committed), ``Committed`` or
``Uncommitted``, and discards every other uncommitted block; Get Block List reports both lists.
Append blobs grow by Append Block, optionally only at an expected offset
(``x-ms-blob-condition-appendpos``). Page blobs have a fixed size in 512-byte pages; Put Page
writes or clears an aligned range.
"""

from __future__ import annotations

from dataclasses import dataclass

from azureml_obo_harness.cloud.blob.models import (
    Blob,
    BlobBackend,
    ContentSettings,
    invalid_blob_type,
)
from azureml_obo_harness.cloud.http import ServiceError

PAGE = 512
MAX_APPEND_BLOCKS = 50_000


@dataclass(frozen=True)
class BlockList:
    """Get Block List's answer: the committed blob (if any) and both block lists, (id, size)."""

    blob: Blob | None
    committed: list[tuple[str, int]]
    uncommitted: list[tuple[str, int]]


def stage_block(
    backend: BlobBackend, account: str, container: str, name: str, block_id: str, data: bytes
) -> None:
    """Put Block: stage an uncommitted block of blob ``name``."""
    if not block_id:
        raise ServiceError(
            400,
            "InvalidQueryParameterValue",
            "Value for one of the query parameters specified in the request URI is invalid.",
        )
    with backend.lock:
        target = backend.get_container(account, container)
        existing = target.blobs.get(name)
        if existing is not None and existing.blob_type != "BlockBlob":
            raise invalid_blob_type()
        target.blocks.setdefault(name, {})[block_id] = data


def commit_block_list(
    backend: BlobBackend,
    account: str,
    container: str,
    name: str,
    entries: list[tuple[str, str]],
    *,
    settings: ContentSettings,
    metadata: dict[str, str] | None,
) -> Blob:
    """Put Block List: ``entries`` are (``Latest``/``Committed``/``Uncommitted``, block id)."""
    with backend.lock:
        target = backend.get_container(account, container)
        staged = target.blocks.get(name, {})
        existing = target.blobs.get(name)
        committed = dict(existing.committed_blocks) if existing else {}
        chosen: list[tuple[str, bytes]] = []
        missing: list[str] = []
        for kind, block_id in entries:
            if kind in ("Latest", "Uncommitted") and block_id in staged:
                chosen.append((block_id, staged[block_id]))
            elif kind in ("Latest", "Committed") and block_id in committed:
                chosen.append((block_id, committed[block_id]))
            else:
                missing.append(block_id)
        if missing:
            raise ServiceError(400, "InvalidBlockList", "The specified block list is invalid.")
        data = b"".join(block for _, block in chosen)
        return backend.put_blob(
            account,
            container,
            name,
            data,
            metadata=metadata,
            settings=settings,
            committed_blocks=chosen,
        )


def block_list(backend: BlobBackend, account: str, container: str, name: str) -> BlockList:
    """Get Block List: 404 ``BlobNotFound`` only if there is neither a blob nor a staged block."""
    with backend.lock:
        target = backend.get_container(account, container)
        blob = target.blobs.get(name)
        staged = target.blocks.get(name, {})
        if blob is None and not staged:
            raise ServiceError(404, "BlobNotFound", "The specified blob does not exist.")
        if blob is not None and blob.blob_type != "BlockBlob":
            raise invalid_blob_type()
        committed = [
            (block_id, len(data)) for block_id, data in (blob.committed_blocks if blob else [])
        ]
        uncommitted = [(block_id, len(data)) for block_id, data in staged.items()]
        return BlockList(blob, committed, uncommitted)


def append_block(
    backend: BlobBackend,
    account: str,
    container: str,
    name: str,
    data: bytes,
    *,
    append_position: int | None,
    max_size: int | None,
) -> tuple[Blob, int]:
    """Append Block: the blob and the offset the block was written at."""
    with backend.lock:
        blob = backend.get_blob(account, container, name)
        if blob.blob_type != "AppendBlob":
            raise invalid_blob_type()
        offset = blob.size
        if append_position is not None and append_position != offset:
            raise ServiceError(
                412,
                "AppendPositionConditionNotMet",
                "The append position condition specified was not met.",
            )
        if max_size is not None and offset + len(data) > max_size:
            raise ServiceError(
                412,
                "MaxBlobSizeConditionNotMet",
                "The max blob size condition specified was not met.",
            )
        if len(blob.committed_blocks) >= MAX_APPEND_BLOCKS:
            raise ServiceError(
                409,
                "BlockCountExceedsLimit",
                "The committed block count cannot exceed the maximum limit of 50,000 blocks.",
            )
        blob.data += data
        blob.committed_blocks.append((f"{len(blob.committed_blocks):08d}", data))
        backend.touch(blob)
        return blob, offset


def create_page_blob(
    backend: BlobBackend,
    account: str,
    container: str,
    name: str,
    *,
    size: int,
    settings: ContentSettings,
    metadata: dict[str, str],
    sequence_number: int,
) -> Blob:
    """Create a page blob of ``size`` zero bytes (a multiple of 512)."""
    if size < 0 or size % PAGE:
        raise ServiceError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
        )
    blob = backend.put_blob(
        account,
        container,
        name,
        bytes(size),
        metadata=metadata,
        blob_type="PageBlob",
        settings=settings,
    )
    blob.sequence_number = sequence_number
    return blob


def write_pages(
    backend: BlobBackend,
    account: str,
    container: str,
    name: str,
    *,
    start: int,
    end: int,
    data: bytes | None,
) -> Blob:
    """Put Page: write ``data`` (or zeros, to clear) over bytes ``start``-``end`` inclusive."""
    length = end - start + 1
    if start % PAGE or length <= 0 or length % PAGE:
        raise ServiceError(
            416 if length > 0 else 400,
            "InvalidPageRange",
            "The page range specified is invalid.",
        )
    if data is not None and len(data) != length:
        raise ServiceError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
        )
    with backend.lock:
        blob = backend.get_blob(account, container, name)
        if blob.blob_type != "PageBlob":
            raise invalid_blob_type()
        if end >= blob.size:
            raise ServiceError(416, "InvalidPageRange", "The page range specified is invalid.")
        written = data if data is not None else bytes(length)
        blob.data = blob.data[:start] + written + blob.data[end + 1 :]
        backend.touch(blob)
        return blob
