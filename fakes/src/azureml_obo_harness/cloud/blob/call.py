"""One Blob request as the handlers see it (:class:`Call`), and the storage error with its XML.

A handler gets a :class:`Call` once the request's operation is chosen, its ``x-ms-version`` is
accepted and its caller is authorized: the account, container and blob it names, its headers as
sent (metadata names keep their underscores), and the helpers that read the service's request
headers and write its response headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Literal
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from azureml_obo_harness.cloud.api_versions import blob as versions
from azureml_obo_harness.cloud.blob.models import Blob, BlobBackend, ContentSettings
from azureml_obo_harness.cloud.blob.operations import Operation
from azureml_obo_harness.cloud.http import ServiceError, new_request_id

Scheme = Literal["Bearer", "SharedKey", "SAS"]
"""How a Blob request is authorized."""
RAW_HEADERS_KEY = "fakes.raw_headers"
"""The environ key under which the server keeps the request headers exactly as sent."""
SERVER = "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"


AUTHENTICATION_FAILED = (
    "Server failed to authenticate the request. Make sure the value of Authorization header is "
    "formed correctly including the signature."
)
"""The message of the service's 403 ``AuthenticationFailed``."""


class StorageError(ServiceError):
    """A storage error whose ``details`` become extra XML elements (``<HeaderName>``,
    ``<QueryParameterName>``, ``<AuthenticationErrorDetail>``), as the service writes them."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Mapping[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, code, message, headers=headers)
        self.details = dict(details or {})


def authentication_failed(detail: str) -> StorageError:
    """The service's 403 ``AuthenticationFailed`` whose ``<AuthenticationErrorDetail>`` says why
    (a Shared Key or SAS signature, a date, an account)."""
    return StorageError(
        403,
        "AuthenticationFailed",
        AUTHENTICATION_FAILED,
        details={"AuthenticationErrorDetail": detail},
    )


def invalid_xml_document(detail: str = "") -> StorageError:
    """The service's 400 for a body that is not the XML document the operation takes."""
    message = "XML specified is not syntactically valid."
    return StorageError(400, "InvalidXmlDocument", f"{message} ({detail})" if detail else message)


def error_xml(error: ServiceError, request_id: str) -> str:
    """The service's ``<Error>`` body: code, message with request id and time, then details."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    details = error.details if isinstance(error, StorageError) else {}
    extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in details.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?><Error>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}\n"
        f"RequestId:{request_id}\nTime:{now}</Message>{extra}</Error>"
    )


def decorate(response: Response, request: Request, request_id: str | None = None) -> Response:
    """The headers every Blob response carries."""
    headers = response.headers
    headers["Server"] = SERVER
    headers["x-ms-request-id"] = request_id or new_request_id()
    headers["x-ms-version"] = request.headers.get("x-ms-version") or versions.LATEST
    client_request_id = request.headers.get("x-ms-client-request-id")
    if client_request_id:
        headers["x-ms-client-request-id"] = client_request_id
    headers["Date"] = formatdate(usegmt=True)
    return response


def http_date(epoch: float) -> str:
    """An RFC 1123 date, as ``Last-Modified`` and ``x-ms-creation-time`` carry them."""
    return formatdate(epoch, usegmt=True)


@dataclass
class Call:
    """A request the dispatcher chose ``operation`` for, with the resource it names."""

    request: Request
    operation: Operation
    backend: BlobBackend
    account: str
    container: str
    blob: str
    object_id: str | None
    """The bearer token's user, or None for a SAS or Shared Key request (no user: a SAS's rights
    are its own, a Shared Key caller holds the account key and may do anything)."""
    scheme: Scheme = "SAS"
    """How the caller was authorized: ``Bearer`` (OAuth), ``SharedKey`` (the account key) or
    ``SAS``."""

    @property
    def raw_headers(self) -> list[tuple[str, str]]:
        """The headers as sent (WSGI environ keys cannot tell ``_`` from ``-``)."""
        raw: Iterable[tuple[str, str]] | None = self.request.environ.get(RAW_HEADERS_KEY)
        return list(raw) if raw is not None else list(self.request.headers.items())

    def header(self, name: str) -> str | None:
        """A request header, or None."""
        return self.request.headers.get(name)

    @property
    def query(self) -> Mapping[str, str]:
        """The query (first value of each key)."""
        return self.request.args

    def metadata(self) -> dict[str, str]:
        """The ``x-ms-meta-*`` request headers, names as sent."""
        prefix = "x-ms-meta-"
        return {
            name[len(prefix) :]: value
            for name, value in self.raw_headers
            if name.lower().startswith(prefix)
        }

    def content_settings(
        self, *, default_type: str = "application/octet-stream"
    ) -> ContentSettings:
        """The ``x-ms-blob-content-*`` and ``x-ms-blob-cache-control`` request headers."""
        return ContentSettings(
            content_type=self.header("x-ms-blob-content-type") or default_type,
            content_encoding=self.header("x-ms-blob-content-encoding"),
            content_language=self.header("x-ms-blob-content-language"),
            cache_control=self.header("x-ms-blob-cache-control"),
            content_disposition=self.header("x-ms-blob-content-disposition"),
            content_md5=self.header("x-ms-blob-content-md5"),
        )

    def respond(
        self,
        status: int,
        body: bytes | str = b"",
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ) -> Response:
        """A response with the service's common headers."""
        response = Response(body, status=status, content_type=content_type)
        if content_type is None:
            response.headers.pop("Content-Type", None)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return decorate(response, self.request)

    def written(self, blob: Blob, status: int, **extra: str) -> Response:
        """The answer to a write: ETag, Last-Modified, server-encrypted, and ``extra``."""
        headers = {
            "ETag": blob.etag,
            "Last-Modified": http_date(blob.last_modified),
            "x-ms-request-server-encrypted": "true",
        }
        headers.update({name.replace("_", "-"): value for name, value in extra.items()})
        return self.respond(status, headers=headers)


def blob_headers(blob: Blob) -> dict[str, str]:
    """What Get Blob Properties (and Download) report about ``blob``."""
    settings = blob.settings
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": blob.etag,
        "Last-Modified": http_date(blob.last_modified),
        "x-ms-creation-time": http_date(blob.created),
        "x-ms-blob-type": blob.blob_type,
        "x-ms-lease-state": "available",
        "x-ms-lease-status": "unlocked",
        "x-ms-server-encrypted": "true",
    }
    optional = {
        "Content-MD5": settings.content_md5,
        "Content-Encoding": settings.content_encoding,
        "Content-Language": settings.content_language,
        "Cache-Control": settings.cache_control,
        "Content-Disposition": settings.content_disposition,
    }
    headers.update({name: value for name, value in optional.items() if value})
    if blob.blob_type == "BlockBlob":
        headers["x-ms-access-tier"] = "Hot"
        headers["x-ms-access-tier-inferred"] = "true"
    if blob.blob_type == "AppendBlob":
        headers["x-ms-blob-committed-block-count"] = str(len(blob.committed_blocks))
    if blob.blob_type == "PageBlob":
        headers["x-ms-blob-sequence-number"] = str(blob.sequence_number)
    if blob.copy is not None:
        headers.update(
            {
                "x-ms-copy-id": blob.copy.copy_id,
                "x-ms-copy-source": blob.copy.source,
                "x-ms-copy-status": blob.copy.status,
                "x-ms-copy-progress": blob.copy.progress,
                "x-ms-copy-completion-time": http_date(blob.copy.completed),
            }
        )
    for key, value in blob.metadata.items():
        headers[f"x-ms-meta-{key}"] = value
    return headers
