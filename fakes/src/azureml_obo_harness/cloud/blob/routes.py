"""The Blob HTTP layer: ``{account}.blob.core.windows.net/{container}/{blob}`` over :class:`BlobBackend`.

Authorization is a SAS (a ``sig`` query parameter, as the AzureML code upload uses) or, as the
real service allows since ``x-ms-version`` 2017-11-09, a bearer token for ``https://storage.azure.com``
(or the account's own URL) whose user has the data action in :attr:`BlobBackend.data_access`: an
OBO job reads the user's blobs so. Neither is the storage 403 ``AuthenticationFailed``; a bad or
foreign-audience token the 401 ``InvalidAuthenticationInfo`` with the ``WWW-Authenticate``
challenge; a user without the role the 403 ``AuthorizationPermissionMismatch``. Errors are storage XML with the ``x-ms-error-code`` header the SDK maps exceptions from. Metadata header
names keep their underscores (``x-ms-meta-upload_status``): they are read from the raw request
headers, because WSGI environ keys cannot tell ``_`` from ``-``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob.models import Blob, BlobBackend
from azureml_obo_harness.cloud.http import ServiceError, bearer_token, new_request_id, token_claims
from azureml_obo_harness.cloud.service import FakeService, Handler

ACCOUNT_HOST = "<account>.blob.core.windows.net"
ACCOUNT_HOST_PATTERN = re.compile(r"^(?P<account>[0-9a-z]+)\.blob\.core\.windows\.net$", re.I)
RAW_HEADERS_KEY = "fakes.raw_headers"
"""The environ key under which the server keeps the request headers exactly as sent."""
PUT_OPERATIONS = {
    None: "blob/put_blob",
    "metadata": "blob/set_blob_metadata",
    "block": "blob/put_block",
    "blocklist": "blob/put_block_list",
}
RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
STORAGE_RESOURCE = "https://storage.azure.com"
OAUTH_MIN_VERSION = "2017-11-09"
"""The first storage service version that accepts bearer tokens (versions are ISO dates)."""
AUTHENTICATION_FAILED = (
    "Server failed to authenticate the request. Make sure the value of Authorization header is "
    "formed correctly including the signature."
)


class StorageAuthError(ServiceError):
    """A storage authentication error; ``detail`` becomes ``<AuthenticationErrorDetail>``."""

    def __init__(
        self, status: int, code: str, message: str, *, detail: str, headers: dict[str, str]
    ) -> None:
        super().__init__(status, code, message, headers=headers)
        self.detail = detail


class BlobService(FakeService):
    """Get properties (HEAD), download, Put Blob, Set Metadata, Put Block, Put Block List."""

    name = "blob"

    def __init__(self, backend: BlobBackend) -> None:
        self.backend = backend

    def rules(self) -> list[Rule]:
        path = "/<container>/<path:blob>"
        return [
            Rule(path, host=ACCOUNT_HOST, endpoint="blob/get", methods=["GET", "HEAD"]),
            Rule(path, host=ACCOUNT_HOST, endpoint="blob/put", methods=["PUT"]),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "blob/get_blob_properties": self.get_blob_properties,
            "blob/download_blob": self.download_blob,
            "blob/put_blob": self.put_blob,
            "blob/set_blob_metadata": self.set_blob_metadata,
            "blob/put_block": self.put_block,
            "blob/put_block_list": self.put_block_list,
        }

    def operation(self, endpoint: str, request: Request) -> str:
        if endpoint == "blob/get":
            return "blob/get_blob_properties" if request.method == "HEAD" else "blob/download_blob"
        comp = request.args.get("comp")
        if comp not in PUT_OPERATIONS:
            return f"blob/put_comp_{comp}"  # no handler: the dispatcher answers 501
        return PUT_OPERATIONS[comp]

    def knows_host(self, host: str) -> bool:
        match = ACCOUNT_HOST_PATTERN.match(host)
        return match is not None and match.group("account").lower() in self.backend.accounts

    def render_error(self, error: ServiceError, request: Request) -> Response:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
        request_id = new_request_id()
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><Error>'
            f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}\n"
            f"RequestId:{request_id}\nTime:{now}</Message>"
        )
        if isinstance(error, StorageAuthError):
            xml += f"<AuthenticationErrorDetail>{escape(error.detail)}</AuthenticationErrorDetail>"
        xml += "</Error>"
        response = Response(xml, status=error.status, content_type="application/xml")
        response.headers["x-ms-error-code"] = error.code
        for name, value in error.headers.items():
            response.headers[name] = value
        self._decorate(response, request, request_id)
        return response

    # -- handlers --------------------------------------------------------------------------------

    def get_blob_properties(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "read")
        blob = self.backend.get_blob(account, container, name)
        response = Response(blob.data, status=200, content_type=blob.content_type)
        self._describe(response, blob)
        self._decorate(response, request)
        return response

    def download_blob(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "read")
        blob = self.backend.get_blob(account, container, name)
        requested = request.headers.get("x-ms-range") or request.headers.get("Range")
        data, status, content_range = blob.data, 200, None
        if requested:
            match = RANGE.match(requested.strip())
            if not match:
                raise ServiceError(
                    400, "InvalidHeaderValue", f"The range {requested!r} is invalid."
                )
            start = int(match.group(1))
            if start >= len(blob.data):
                raise ServiceError(
                    416,
                    "InvalidRange",
                    "The range specified is invalid for the current size of the resource.",
                    headers={"Content-Range": f"bytes */{len(blob.data)}"},
                )
            end = min(
                int(match.group(2)) if match.group(2) else len(blob.data) - 1, len(blob.data) - 1
            )
            data, status = blob.data[start : end + 1], 206
            content_range = f"bytes {start}-{end}/{len(blob.data)}"
        response = Response(data, status=status, content_type=blob.content_type)
        self._describe(response, blob)
        if content_range:
            response.headers["Content-Range"] = content_range
            response.headers.pop("Content-MD5", None)
        self._decorate(response, request)
        return response

    def put_blob(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "write")
        if request.headers.get("x-ms-blob-type", "BlockBlob") != "BlockBlob":
            raise ServiceError(
                501, "NotImplementedByFake", "The fake Blob service only stores BlockBlob blobs."
            )
        blob = self.backend.put_blob(
            account,
            container,
            name,
            request.get_data(),
            content_type=request.headers.get("x-ms-blob-content-type")
            or request.headers.get("Content-Type")
            or "application/octet-stream",
            metadata=_metadata(_raw_headers(request)),
            if_none_match=request.headers.get("If-None-Match"),
            expected_md5=request.headers.get("Content-MD5"),
        )
        return self._written(request, blob, status=201, md5=blob.content_md5)

    def set_blob_metadata(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "write")
        blob = self.backend.set_metadata(account, container, name, _metadata(_raw_headers(request)))
        # 200, not 201: the SDK raises HttpResponseError("Created") on a 201 here.
        return self._written(request, blob, status=200)

    def put_block(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "write")
        data = request.get_data()
        self.backend.put_block(account, container, name, request.args.get("blockid", ""), data)
        response = Response(b"", status=201)
        response.headers["x-ms-request-server-encrypted"] = "true"
        self._decorate(response, request)
        return response

    def put_block_list(self, request: Request, args: Mapping[str, Any]) -> Response:
        account, container, name = self._authorize(request, args, "write")
        try:
            root = ElementTree.fromstring(request.get_data())
        except ElementTree.ParseError as error:
            raise ServiceError(
                400, "InvalidXmlDocument", f"XML specified is not syntactically valid. ({error})"
            ) from None
        if root.tag != "BlockList":
            raise ServiceError(400, "InvalidXmlDocument", "The root element must be <BlockList>.")
        block_ids = [element.text or "" for element in root]
        blob = self.backend.put_block_list(
            account,
            container,
            name,
            block_ids,
            content_type=request.headers.get("x-ms-blob-content-type", "application/octet-stream"),
            metadata=_metadata(_raw_headers(request)),
        )
        return self._written(request, blob, status=201)

    # -- internals -------------------------------------------------------------------------------

    def _authorize(
        self, request: Request, args: Mapping[str, Any], action: str
    ) -> tuple[str, str, str]:
        account, container, blob = (
            str(args["account"]).lower(),
            str(args["container"]),
            str(args["blob"]),
        )
        token = bearer_token(request)
        if token is not None:
            self._authorize_bearer(request, account, token, action)
        elif not request.args.get("sig"):
            raise ServiceError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
        return account, container, blob

    def _authorize_bearer(self, request: Request, account: str, token: str, action: str) -> None:
        """The real service's checks of an OAuth request, in its order: version, token, role."""
        version = request.headers.get("x-ms-version", "")
        if version < OAUTH_MIN_VERSION:
            raise StorageAuthError(
                403,
                "AuthenticationFailed",
                AUTHENTICATION_FAILED,
                detail="Authentication scheme Bearer is not supported in this version.",
                headers={},
            )
        claims = token_claims(token)
        tenant = str((claims or {}).get("tid") or values.TENANT_ID)
        challenge = {
            "WWW-Authenticate": f"Bearer authorization_uri=https://login.microsoftonline.com/"
            f"{tenant}/oauth2/authorize resource_id={STORAGE_RESOURCE}"
        }
        message = (
            "Server failed to authenticate the request. Please refer to the information in the "
            "www-authenticate header."
        )
        if claims is None:
            raise StorageAuthError(
                401,
                "InvalidAuthenticationInfo",
                message,
                detail="Signature validation failed. Signature must be valid.",
                headers=challenge,
            )
        audience = str(claims.get("aud", "")).rstrip("/")
        if audience not in (STORAGE_RESOURCE, f"https://{account}.blob.core.windows.net"):
            raise StorageAuthError(
                401,
                "InvalidAuthenticationInfo",
                message,
                detail="Audience validation failed. Audience did not match.",
                headers=challenge,
            )
        if not self.backend.may(account, str(claims.get("oid", "")), action):
            raise ServiceError(
                403,
                "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.",
            )

    def _written(
        self, request: Request, blob: Blob, *, status: int, md5: str | None = None
    ) -> Response:
        response = Response(b"", status=status)
        response.headers["ETag"] = blob.etag
        response.headers["Last-Modified"] = formatdate(blob.last_modified, usegmt=True)
        if md5:
            response.headers["Content-MD5"] = md5
        response.headers["x-ms-request-server-encrypted"] = "true"
        self._decorate(response, request)
        return response

    def _describe(self, response: Response, blob: Blob) -> None:
        headers = response.headers
        headers["Accept-Ranges"] = "bytes"
        headers["ETag"] = blob.etag
        headers["Last-Modified"] = formatdate(blob.last_modified, usegmt=True)
        if blob.content_md5:
            headers["Content-MD5"] = blob.content_md5
        headers["x-ms-blob-type"] = "BlockBlob"
        headers["x-ms-creation-time"] = formatdate(blob.created, usegmt=True)
        headers["x-ms-lease-state"] = "available"
        headers["x-ms-lease-status"] = "unlocked"
        headers["x-ms-server-encrypted"] = "true"
        headers["x-ms-access-tier"] = "Hot"
        headers["x-ms-access-tier-inferred"] = "true"
        for key, value in blob.metadata.items():
            headers[f"x-ms-meta-{key}"] = value

    def _decorate(
        self, response: Response, request: Request, request_id: str | None = None
    ) -> None:
        response.headers["Server"] = "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"
        response.headers["x-ms-request-id"] = request_id or new_request_id()
        response.headers["x-ms-version"] = request.headers.get("x-ms-version", "2026-10-06")


def _raw_headers(request: Request) -> Iterable[tuple[str, str]]:
    raw = request.environ.get(RAW_HEADERS_KEY)
    return list(raw) if raw is not None else list(request.headers.items())


def _metadata(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    prefix = "x-ms-meta-"
    return {
        name[len(prefix) :]: value for name, value in headers if name.lower().startswith(prefix)
    }
