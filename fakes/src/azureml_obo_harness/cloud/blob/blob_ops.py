"""Blob operations: download, properties, metadata, delete, Put Blob and copy from URL."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from werkzeug.wrappers import Response

from azureml_obo_harness.cloud.blob.call import Call, StorageError, blob_headers, http_date
from azureml_obo_harness.cloud.http import ServiceError

RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
BLOB_URL = re.compile(r"^(?P<account>[0-9a-z]+)\.blob\.core\.windows\.net$", re.I)


def get_blob_properties(call: Call) -> Response:
    """Blob_GetProperties (HEAD): every property and the metadata, no body."""
    blob = call.backend.get_blob(call.account, call.container, call.blob)
    response = call.respond(200, headers=blob_headers(blob), content_type=blob.content_type)
    response.headers["Content-Length"] = str(blob.size)
    return response


def download_blob(call: Call) -> Response:
    """Blob_Download: the whole blob (200) or the requested range (206)."""
    blob = call.backend.get_blob(call.account, call.container, call.blob)
    requested = call.header("x-ms-range") or call.header("Range")
    data, status, content_range = blob.data, 200, None
    if requested:
        match = RANGE.match(requested.strip())
        if not match:
            raise ServiceError(400, "InvalidHeaderValue", f"The range {requested!r} is invalid.")
        start = int(match.group(1))
        if start >= blob.size:
            raise ServiceError(
                416,
                "InvalidRange",
                "The range specified is invalid for the current size of the resource.",
                headers={"Content-Range": f"bytes */{blob.size}"},
            )
        end = min(int(match.group(2)) if match.group(2) else blob.size - 1, blob.size - 1)
        data, status = blob.data[start : end + 1], 206
        content_range = f"bytes {start}-{end}/{blob.size}"
    headers = blob_headers(blob)
    if content_range:
        headers["Content-Range"] = content_range
        md5 = headers.pop("Content-MD5", None)
        if md5:
            headers["x-ms-blob-content-md5"] = md5
    return call.respond(status, data, headers=headers, content_type=blob.content_type)


def put_blob(call: Call) -> Response:
    """BlockBlob_Upload: create or replace a block blob (201)."""
    settings = call.content_settings(
        default_type=call.header("Content-Type") or "application/octet-stream"
    )
    data = call.request.get_data()
    blob = call.backend.put_blob(
        call.account,
        call.container,
        call.blob,
        data,
        metadata=call.metadata(),
        if_none_match=call.header("If-None-Match"),
        expected_md5=call.header("Content-MD5"),
        settings=settings,
    )
    return call.written(blob, 201, **{"Content-MD5": blob.content_md5 or ""})


def set_blob_metadata(call: Call) -> Response:
    """Blob_SetMetadata: replaces the metadata; 200 (the SDK raises on a 201 here)."""
    blob = call.backend.set_metadata(call.account, call.container, call.blob, call.metadata())
    return call.written(blob, 200)


def get_blob_metadata(call: Call) -> Response:
    """Blob_GetMetadata (the REST reference's; GET or HEAD): metadata, ETag, Last-Modified."""
    blob = call.backend.get_blob(call.account, call.container, call.blob)
    headers = {"ETag": blob.etag, "Last-Modified": http_date(blob.last_modified)}
    headers.update({f"x-ms-meta-{key}": value for key, value in blob.metadata.items()})
    return call.respond(200, headers=headers)


def set_http_headers(call: Call) -> Response:
    """Blob_SetHTTPHeaders: every standard property set or cleared."""
    blob = call.backend.set_http_headers(
        call.account, call.container, call.blob, call.content_settings()
    )
    return call.written(blob, 200)


def delete_blob(call: Call) -> Response:
    """Blob_Delete: 202, the blob is gone."""
    call.backend.delete_blob(
        call.account, call.container, call.blob, lease_id=call.header("x-ms-lease-id")
    )
    return call.respond(202, headers={"x-ms-delete-type-permanent": "true"})


def _copy_source(call: Call) -> tuple[str, str, str, str]:
    """(account, container, blob, url) of ``x-ms-copy-source`` inside the fake, or its error."""
    url = call.header("x-ms-copy-source") or ""
    parts = urlsplit(url)
    match = BLOB_URL.match(parts.hostname or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StorageError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
            details={"HeaderName": "x-ms-copy-source", "HeaderValue": url},
        )
    if match is None or match.group("account").lower() not in call.backend.accounts:
        # Fetching another host is something the fake cannot do: refuse by name, never pretend.
        raise ServiceError(
            501,
            "NotImplementedByFake",
            f"The fake Azure (blob) copies only blobs it holds; the copy source host "
            f"{parts.hostname} is not one of its storage accounts. Seed the source with "
            "FakeAzure.add_blob(...) or copy from a blob in the fake.",
        )
    container, _, name = unquote(parts.path).lstrip("/").partition("/")
    source_account = match.group("account").lower()
    signed = "sig=" in (parts.query or "")
    if (
        call.object_id is not None
        and not signed
        and not call.backend.may(source_account, call.object_id, "read")
    ):
        raise ServiceError(
            403,
            "CannotVerifyCopySource",
            "This request is not authorized to perform this operation using this permission.",
        )
    try:
        call.backend.get_blob(source_account, container, name)
    except ServiceError:
        raise ServiceError(
            404, "CannotVerifyCopySource", "The specified blob does not exist."
        ) from None
    return source_account, container, name, url


def _copy(call: Call) -> Response:
    account, container, name, url = _copy_source(call)
    metadata = call.metadata() or None
    blob = call.backend.copy_blob(
        (account, container, name),
        (call.account, call.container, call.blob),
        source_url=url,
        metadata=metadata,
    )
    assert blob.copy is not None
    return call.written(
        blob,
        202,
        **{"x-ms-copy-id": blob.copy.copy_id, "x-ms-copy-status": blob.copy.status},
    )


def start_copy_from_url(call: Call) -> Response:
    """Blob_StartCopyFromURL: a copy inside the fake completes at once (``success``)."""
    return _copy(call)


def copy_from_url(call: Call) -> Response:
    """Blob_CopyFromURL (``x-ms-requires-sync: true``): the synchronous copy, ``success``."""
    return _copy(call)
