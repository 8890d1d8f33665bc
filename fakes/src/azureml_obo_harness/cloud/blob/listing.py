"""List Containers and List Blobs: paging (``maxresults``, ``marker`` -> ``NextMarker``), the
hierarchical view (``prefix`` + ``delimiter`` -> ``<BlobPrefix>``) and their XML, as the service
writes it (``<EnumerationResults>``; element names from the REST spec's definitions).

Markers are opaque to clients, as the service's are; the fake's encode the name to resume from.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from xml.sax.saxutils import escape

from azureml_obo_harness.cloud.blob.leases import Lease
from azureml_obo_harness.cloud.blob.models import Blob, Container
from azureml_obo_harness.cloud.http import ServiceError

MAX_RESULTS = 5000


@dataclass(frozen=True)
class Page:
    """One page of a listing: the request's paging parameters and what it returns."""

    prefix: str
    marker: str
    max_results: int | None
    next_marker: str


def paging(query: Mapping[str, str]) -> tuple[str, str, int]:
    """``prefix``, the name to resume from, and the page size, or the service's 400."""
    raw = query.get("maxresults")
    size = MAX_RESULTS
    if raw is not None:
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_RESULTS:
            raise ServiceError(
                400,
                "OutOfRangeQueryParameterValue",
                "One of the query parameters specified in the request URI is outside the "
                "permissible range.",
            )
    return query.get("prefix", ""), _resume_from(query.get("marker", "")), size


def page_of(names: Sequence[str], *, resume_from: str, size: int) -> tuple[list[str], str]:
    """The sorted ``names`` from ``resume_from`` on, at most ``size``, and the next marker."""
    remaining = [name for name in sorted(names) if name >= resume_from]
    chosen = remaining[:size]
    next_marker = _marker(remaining[size]) if len(remaining) > size else ""
    return chosen, next_marker


def _marker(name: str) -> str:
    return "2!" + base64.urlsafe_b64encode(name.encode()).decode()


def _resume_from(marker: str) -> str:
    if not marker:
        return ""
    try:
        return base64.urlsafe_b64decode(marker.removeprefix("2!").encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ServiceError(
            400,
            "OutOfRangeQueryParameterValue",
            "One of the query parameters specified in the request URI is outside the "
            "permissible range.",
        ) from None


def hierarchy(names: Iterable[str], *, prefix: str, delimiter: str) -> dict[str, bool]:
    """Each listed entry -> True for a ``<BlobPrefix>`` (a virtual directory), False for a blob."""
    entries: dict[str, bool] = {}
    for name in names:
        if not name.startswith(prefix):
            continue
        cut = name.find(delimiter, len(prefix)) if delimiter else -1
        if cut == -1:
            entries[name] = False
        else:
            entries[name[: cut + len(delimiter)]] = True
    return entries


def _http_date(epoch: float) -> str:
    return formatdate(epoch, usegmt=True)


def _element(name: str, value: str | None) -> str:
    return f"<{name} />" if not value else f"<{name}>{escape(value)}</{name}>"


def _metadata(metadata: Mapping[str, str]) -> str:
    return "<Metadata>" + "".join(_element(k, v) for k, v in metadata.items()) + "</Metadata>"


def _lease(lease: Lease | None) -> str:
    if lease is None or not lease.active():
        return "<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
    return (
        "<LeaseStatus>locked</LeaseStatus><LeaseState>leased</LeaseState>"
        f"<LeaseDuration>{lease.duration}</LeaseDuration>"
    )


def _head(endpoint: str, attributes: str, page: Page, extra: str = "") -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<EnumerationResults ServiceEndpoint="{escape(endpoint)}"{attributes}>',
    ]
    if page.prefix:
        parts.append(_element("Prefix", page.prefix))
    if page.marker:
        parts.append(_element("Marker", page.marker))
    if page.max_results is not None:
        parts.append(f"<MaxResults>{page.max_results}</MaxResults>")
    return "".join(parts) + extra


def containers_xml(
    endpoint: str, containers: Sequence[Container], page: Page, *, with_metadata: bool
) -> str:
    """List Containers' body."""
    items = []
    for container in containers:
        public = (
            f"<PublicAccess>{container.public_access}</PublicAccess>"
            if container.public_access
            else ""
        )
        items.append(
            f"<Container><Name>{escape(container.name)}</Name><Properties>"
            f"<Last-Modified>{_http_date(container.last_modified)}</Last-Modified>"
            f"<Etag>{escape(container.etag)}</Etag>{_lease(container.lease)}{public}"
            "<DefaultEncryptionScope>$account-encryption-key</DefaultEncryptionScope>"
            "<DenyEncryptionScopeOverride>false</DenyEncryptionScopeOverride>"
            "<HasImmutabilityPolicy>false</HasImmutabilityPolicy>"
            "<HasLegalHold>false</HasLegalHold>"
            "<ImmutableStorageWithVersioningEnabled>false</ImmutableStorageWithVersioningEnabled>"
            "</Properties>"
            + (_metadata(container.metadata) if with_metadata else "")
            + "</Container>"
        )
    return (
        _head(endpoint, "", page)
        + "<Containers>"
        + "".join(items)
        + "</Containers>"
        + _element("NextMarker", page.next_marker)
        + "</EnumerationResults>"
    )


def blob_properties_xml(blob: Blob) -> str:
    """A blob's ``<Properties>`` in a listing."""
    settings = blob.settings
    return (
        "<Properties>"
        f"<Creation-Time>{_http_date(blob.created)}</Creation-Time>"
        f"<Last-Modified>{_http_date(blob.last_modified)}</Last-Modified>"
        f"<Etag>{escape(blob.etag)}</Etag>"
        f"<Content-Length>{blob.size}</Content-Length>"
        + _element("Content-Type", settings.content_type)
        + _element("Content-Encoding", settings.content_encoding)
        + _element("Content-Language", settings.content_language)
        + "<Content-CRC64 />"
        + _element("Content-MD5", settings.content_md5)
        + _element("Cache-Control", settings.cache_control)
        + _element("Content-Disposition", settings.content_disposition)
        + (
            f"<x-ms-blob-sequence-number>{blob.sequence_number}</x-ms-blob-sequence-number>"
            if blob.blob_type == "PageBlob"
            else ""
        )
        + f"<BlobType>{blob.blob_type}</BlobType>"
        + (
            "<AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>"
            if blob.blob_type == "BlockBlob"
            else ""
        )
        + _lease(None)
        + "<ServerEncrypted>true</ServerEncrypted>"
        + "</Properties>"
    )


def blobs_xml(
    endpoint: str,
    container: str,
    entries: Sequence[tuple[str, Blob | None]],
    page: Page,
    *,
    delimiter: str | None,
    with_metadata: bool,
) -> str:
    """List Blobs' body; an entry without a blob is a ``<BlobPrefix>``."""
    items = []
    for name, blob in entries:
        if blob is None:
            items.append(f"<BlobPrefix><Name>{escape(name)}</Name></BlobPrefix>")
            continue
        items.append(
            f"<Blob><Name>{escape(name)}</Name>"
            + blob_properties_xml(blob)
            + (_metadata(blob.metadata) if with_metadata else "")
            + "<OrMetadata /></Blob>"
        )
    extra = _element("Delimiter", delimiter) if delimiter else ""
    return (
        _head(endpoint, f' ContainerName="{escape(container)}"', page, extra)
        + "<Blobs>"
        + "".join(items)
        + "</Blobs>"
        + _element("NextMarker", page.next_marker)
        + "</EnumerationResults>"
    )
