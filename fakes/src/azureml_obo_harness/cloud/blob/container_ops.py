"""Container operations: create, properties, metadata, access policy, lease, delete, list blobs."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from werkzeug.wrappers import Response

from azureml_obo_harness.cloud.blob import listing, sas
from azureml_obo_harness.cloud.blob.account_ops import XML, endpoint
from azureml_obo_harness.cloud.blob.call import Call, StorageError, http_date, invalid_xml_document
from azureml_obo_harness.cloud.blob.leases import lease_headers
from azureml_obo_harness.cloud.blob.models import Blob, Container
from azureml_obo_harness.cloud.http import not_modelled

PUBLIC_ACCESS = ("container", "blob")
EMPTY_IDENTIFIERS = b'<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers />'
MAX_IDENTIFIERS = 5
MAX_IDENTIFIER_LENGTH = 64


def _public_access(call: Call) -> str | None:
    value = call.header("x-ms-blob-public-access")
    if value is not None and value not in PUBLIC_ACCESS:
        raise StorageError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
            details={"HeaderName": "x-ms-blob-public-access", "HeaderValue": value},
        )
    return value


def _stamped(call: Call, container: Container, status: int, **extra: str) -> Response:
    headers = {"ETag": container.etag, "Last-Modified": http_date(container.last_modified)}
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    return call.respond(status, headers=headers)


def create_container(call: Call) -> Response:
    """Container_Create: 201, or 409 ``ContainerAlreadyExists``."""
    container = call.backend.add_container(
        call.account, call.container, metadata=call.metadata(), public_access=_public_access(call)
    )
    return _stamped(call, container, 201)


def get_container_properties(call: Call) -> Response:
    """Container_GetProperties (GET or HEAD): metadata, lease state and the account defaults."""
    container = call.backend.get_container(call.account, call.container)
    headers = {
        "ETag": container.etag,
        "Last-Modified": http_date(container.last_modified),
        **lease_headers(container.lease),
        "x-ms-has-immutability-policy": "false",
        "x-ms-has-legal-hold": "false",
        "x-ms-default-encryption-scope": "$account-encryption-key",
        "x-ms-deny-encryption-scope-override": "false",
        "x-ms-immutable-storage-with-versioning-enabled": "false",
    }
    if container.public_access:
        headers["x-ms-blob-public-access"] = container.public_access
    for key, value in container.metadata.items():
        headers[f"x-ms-meta-{key}"] = value
    return call.respond(200, headers=headers)


def get_container_metadata(call: Call) -> Response:
    """Container_GetMetadata (the REST reference's; GET or HEAD): metadata, ETag, Last-Modified."""
    container = call.backend.get_container(call.account, call.container)
    headers = {"ETag": container.etag, "Last-Modified": http_date(container.last_modified)}
    headers.update({f"x-ms-meta-{key}": value for key, value in container.metadata.items()})
    return call.respond(200, headers=headers)


def delete_container(call: Call) -> Response:
    """Container_Delete: 202; a leased container needs its lease id."""
    call.backend.delete_container(
        call.account, call.container, lease_id=call.header("x-ms-lease-id")
    )
    return call.respond(202)


def set_container_metadata(call: Call) -> Response:
    """Container_SetMetadata: replaces the metadata."""
    container = call.backend.set_container_metadata(
        call.account, call.container, call.metadata(), lease_id=call.header("x-ms-lease-id")
    )
    return _stamped(call, container, 200)


def get_container_access_policy(call: Call) -> Response:
    """Container_GetAccessPolicy: the stored ``<SignedIdentifiers>`` and public access level."""
    container = call.backend.get_container(call.account, call.container)
    headers = {"ETag": container.etag, "Last-Modified": http_date(container.last_modified)}
    if container.public_access:
        headers["x-ms-blob-public-access"] = container.public_access
    body = container.signed_identifiers or EMPTY_IDENTIFIERS
    return call.respond(200, body, headers=headers, content_type=XML)


def set_container_access_policy(call: Call) -> Response:
    """Container_SetAccessPolicy: at most five stored access policies, as the service allows."""
    body = call.request.get_data()
    if body.strip():
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise invalid_xml_document() from None
        if root.tag != "SignedIdentifiers" or len(root) > MAX_IDENTIFIERS:
            raise invalid_xml_document()
        _check_policies(root, call)
    container = call.backend.set_access_policy(
        call.account, call.container, body if body.strip() else b"", _public_access(call)
    )
    return _stamped(call, container, 200)


def _check_policies(root: ElementTree.Element, call: Call) -> None:
    """Each stored access policy has an ``Id`` of at most 64 characters and ISO 8601 times
    ("Define a stored access policy"), as a SAS bound to it needs them; the service's refusal of
    others is not recorded, so they are the fake's 501 rather than stored and failing later."""
    for signed in root.iter("SignedIdentifier"):
        identifier = signed.findtext("Id") or ""
        times = [signed.findtext(f"AccessPolicy/{name}") or "" for name in ("Start", "Expiry")]
        problem = ""
        if not identifier or len(identifier) > MAX_IDENTIFIER_LENGTH:
            problem = f"an Id of {len(identifier)} characters (1 to {MAX_IDENTIFIER_LENGTH})"
        for text in filter(None, times):
            try:
                sas.parse_time(text)
            except ValueError:
                problem = f"the time {text!r}, not an ISO 8601 UTC time"
        if problem:
            raise not_modelled(
                "blob",
                call.operation.rest_name,
                f"for a stored access policy with {problem}: the service refuses it, with a "
                "status no recording shows.",
            )


def container_lease(call: Call) -> Response:
    """Container_{Acquire,Release,Renew,Change,Break}Lease, chosen by ``x-ms-lease-action``."""
    action = (call.header("x-ms-lease-action") or "").lower()
    container = call.backend.container_lease(
        call.account,
        call.container,
        action,
        lease_id=call.header("x-ms-lease-id"),
        proposed=call.header("x-ms-proposed-lease-id"),
        duration=call.header("x-ms-lease-duration"),
    )
    if action == "break":
        return _stamped(call, container, 202, **{"x-ms-lease-time": "0"})
    if action == "release":
        return _stamped(call, container, 200)
    lease_id = container.lease.lease_id if container.lease else ""
    return _stamped(
        call, container, 201 if action == "acquire" else 200, **{"x-ms-lease-id": lease_id}
    )


def list_blobs(call: Call) -> Response:
    """Container_ListBlobFlatSegment and _ListBlobHierarchySegment (``delimiter``)."""
    container = call.backend.get_container(call.account, call.container)
    prefix, resume_from, size = listing.paging(call.query)
    delimiter = call.query.get("delimiter")
    blobs: dict[str, Blob] = dict(container.blobs)
    entries = listing.hierarchy(blobs, prefix=prefix, delimiter=delimiter or "")
    names, next_marker = listing.page_of(list(entries), resume_from=resume_from, size=size)
    page = listing.Page(
        prefix=prefix,
        marker=call.query.get("marker", ""),
        max_results=int(call.query["maxresults"]) if "maxresults" in call.query else None,
        next_marker=next_marker,
    )
    body = listing.blobs_xml(
        endpoint(call),
        call.container,
        [(name, None if entries[name] else blobs[name]) for name in names],
        page,
        delimiter=delimiter,
        with_metadata="metadata" in call.query.get("include", "").split(","),
    )
    return call.respond(200, body, content_type=XML)
