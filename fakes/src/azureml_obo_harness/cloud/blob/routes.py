"""The Blob HTTP layer: ``{account}.blob.core.windows.net`` dispatched strictly, Azurite-style.

Three routes (the account ``/``, a container ``/{container}``, a blob ``/{container}/{blob}``)
and :func:`~azureml_obo_harness.cloud.blob.operations.select` pick the REST operation from
method, query (``restype``, ``comp``) and selecting headers. :data:`IMPLEMENTED` maps the
operations the fake performs to their handlers; every other spec operation is answered 501 with
its REST name and the query that selected it; a request matching no operation gets the
service's own 400/405.

Before a handler runs: ``x-ms-version`` must be one the service accepts
(:mod:`~azureml_obo_harness.cloud.api_versions.blob`; else 400 ``InvalidHeaderValue``), and the
caller authorized: a SAS (a ``sig`` query parameter, as the AzureML code upload uses: a service
SAS or user delegation SAS for a container or blob, verified as the service does, :mod:`.sas`);
Shared Key (``Authorization: SharedKey <account>:<signature>``, signed
with the account key and verified as the service does, :mod:`.shared_key`: the account key opens
every operation); or, as the service allows since ``x-ms-version`` 2017-11-09, a bearer token for
``https://storage.azure.com`` (or the account's own URL) whose user has the operation's data
action (``read``, ``write``, ``delete``) in :attr:`BlobBackend.data_access`. None of them is the
403 ``AuthenticationFailed``; a bad or foreign-audience token the 401 ``InvalidAuthenticationInfo``
with the ``WWW-Authenticate`` challenge; a user without the role the 403
``AuthorizationPermissionMismatch``; Shared Key Lite a 501 naming it (the fake does not verify
it). Errors are storage XML with the ``x-ms-error-code`` header the SDK maps exceptions from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from azureml_obo_harness import values
from azureml_obo_harness.cloud.api_versions import blob as versions
from azureml_obo_harness.cloud.blob import (
    account_ops,
    blob_ops,
    block_ops,
    container_ops,
    delegation,
    sas,
    shared_key,
)
from azureml_obo_harness.cloud.blob.call import (
    AUTHENTICATION_FAILED,
    RAW_HEADERS_KEY,
    Call,
    Scheme,
    StorageError,
    decorate,
    error_xml,
)
from azureml_obo_harness.cloud.blob.models import BlobBackend
from azureml_obo_harness.cloud.blob.operations import (
    OPERATIONS,
    Level,
    NoOperation,
    Operation,
    select,
)
from azureml_obo_harness.cloud.http import (
    ServiceError,
    bearer_token,
    new_request_id,
    not_modelled,
    token_claims,
)
from azureml_obo_harness.cloud.service import FakeService, Handler, fixed_rules

__all__ = ["IMPLEMENTED", "RAW_HEADERS_KEY", "BlobService"]

ACCOUNT_HOST = "<account>.blob.core.windows.net"
ACCOUNT_HOST_PATTERN = re.compile(r"^(?P<account>[0-9a-z]+)\.blob\.core\.windows\.net$", re.I)
STORAGE_RESOURCE = "https://storage.azure.com"
OAUTH_MIN_VERSION = "2017-11-09"
"""The first storage service version that accepts bearer tokens (versions are ISO dates)."""
UNMATCHED = "blob/unmatched_request"
"""The fake's name for a request no REST operation matches (answered 400/405 as the service)."""
MASKED_QUERY_KEYS = frozenset(
    {"sig", "skoid", "sktid", "skt", "ske", "sks", "skv", "saoid", "suoid"}
)

IMPLEMENTED: dict[str, Callable[[Call], Response]] = {
    "Service_ListContainersSegment": account_ops.list_containers,
    "Service_GetProperties": account_ops.get_service_properties,
    "Service_SetProperties": account_ops.set_service_properties,
    "Service_GetAccountInfo": account_ops.get_account_info,
    "Service_GetUserDelegationKey": delegation.get_user_delegation_key,
    "Container_GetAccountInfo": account_ops.get_account_info,
    "Blob_GetAccountInfo": account_ops.get_account_info,
    "Container_Create": container_ops.create_container,
    "Container_GetProperties": container_ops.get_container_properties,
    "Container_Delete": container_ops.delete_container,
    "Container_SetMetadata": container_ops.set_container_metadata,
    "Container_GetMetadata": container_ops.get_container_metadata,
    "Container_GetAccessPolicy": container_ops.get_container_access_policy,
    "Container_SetAccessPolicy": container_ops.set_container_access_policy,
    "Container_AcquireLease": container_ops.container_lease,
    "Container_ReleaseLease": container_ops.container_lease,
    "Container_RenewLease": container_ops.container_lease,
    "Container_ChangeLease": container_ops.container_lease,
    "Container_BreakLease": container_ops.container_lease,
    "Container_ListBlobFlatSegment": container_ops.list_blobs,
    "Container_ListBlobHierarchySegment": container_ops.list_blobs,
    "Blob_Download": blob_ops.download_blob,
    "Blob_GetProperties": blob_ops.get_blob_properties,
    "Blob_Delete": blob_ops.delete_blob,
    "Blob_SetMetadata": blob_ops.set_blob_metadata,
    "Blob_GetMetadata": blob_ops.get_blob_metadata,
    "Blob_SetHTTPHeaders": blob_ops.set_http_headers,
    "Blob_StartCopyFromURL": blob_ops.start_copy_from_url,
    "Blob_CopyFromURL": blob_ops.copy_from_url,
    "BlockBlob_Upload": blob_ops.put_blob,
    "BlockBlob_StageBlock": block_ops.put_block,
    "BlockBlob_CommitBlockList": block_ops.put_block_list,
    "BlockBlob_GetBlockList": block_ops.get_block_list,
    "AppendBlob_Create": block_ops.create_append_blob,
    "AppendBlob_AppendBlock": block_ops.append_block,
    "PageBlob_Create": block_ops.create_page_blob,
    "PageBlob_UploadPages": block_ops.upload_pages,
    "PageBlob_ClearPages": block_ops.clear_pages,
}
"""REST operation -> handler: what the fake performs. Every other row of
:data:`~azureml_obo_harness.cloud.blob.operations.OPERATIONS` is answered 501 by name."""

LEVELS: dict[str, Level] = {
    "blob/account": "account",
    "blob/container": "container",
    "blob/blob": "blob",
}


def _masked_query(request: Request) -> str:
    pairs = sorted(request.args.items(multi=True))
    shown = [
        f"{key}=***" if key.lower() in MASKED_QUERY_KEYS else (f"{key}={value}" if value else key)
        for key, value in pairs
    ]
    return "?" + "&".join(shown) if shown else ""


class BlobService(FakeService):
    """Blob storage: containers, block/append/page blobs, listings, copies (see :data:`IMPLEMENTED`)."""

    name = "blob"

    def __init__(self, backend: BlobBackend) -> None:
        self.backend = backend

    @fixed_rules
    def rules(self) -> list[Rule]:
        return [
            Rule("/", host=ACCOUNT_HOST, endpoint="blob/account"),
            Rule("/<container>", host=ACCOUNT_HOST, endpoint="blob/container"),
            Rule("/<container>/<path:blob>", host=ACCOUNT_HOST, endpoint="blob/blob"),
        ]

    def handlers(self) -> Mapping[str, Handler]:
        chosen: dict[str, Handler] = {UNMATCHED: self._unmatched}
        for row in OPERATIONS:
            implementation = IMPLEMENTED.get(row.rest_name)
            if implementation is not None:
                chosen[row.fake_name] = self._handler(row, implementation)
        return chosen

    def operations(self) -> list[str]:
        return sorted(row.fake_name for row in OPERATIONS if row.rest_name in IMPLEMENTED)

    def rest_operations(self) -> Mapping[str, str]:
        return {row.fake_name: row.rest_name for row in OPERATIONS}

    def served_operations(self) -> list[Any]:
        """One row per implemented operation, its path showing the query and headers that
        select it (every Blob operation shares three URL shapes)."""
        from azureml_obo_harness.cloud.service import ServedOperation

        rows = []
        for row in OPERATIONS:
            if row.rest_name not in IMPLEMENTED:
                continue
            method, _, path = row.describe().partition(" ")
            rows.append(
                ServedOperation(self.name, row.fake_name, row.rest_name, method, ACCOUNT_HOST, path)
            )
        return rows

    def operation(self, endpoint: str, request: Request) -> str:
        try:
            return self._select(endpoint, request)[0].fake_name
        except NoOperation:
            return UNMATCHED

    def knows_host(self, host: str) -> bool:
        match = ACCOUNT_HOST_PATTERN.match(host)
        return match is not None and match.group("account").lower() in self.backend.accounts

    def render_error(self, error: ServiceError, request: Request) -> Response:
        if error.status == 501 and error.code == "NotImplementedByFake":
            error = self._not_implemented(error, request)
        request_id = new_request_id()
        response = Response(
            error_xml(error, request_id), status=error.status, content_type="application/xml"
        )
        response.headers["x-ms-error-code"] = error.code
        for name, value in error.headers.items():
            response.headers[name] = value
        return decorate(response, request, request_id)

    # -- dispatch --------------------------------------------------------------------------------

    def _resource(self, endpoint: str, request: Request) -> tuple[Level, str, str]:
        """(level, container, blob) of the request's path."""
        level = LEVELS.get(endpoint, "account")
        parts = request.path.lstrip("/").split("/", 1)
        container = parts[0] if parts[0] else ""
        blob = parts[1] if len(parts) > 1 else ""
        if level == "container" and "restype" not in request.args:
            # Without restype a one-segment path names a blob of the root container, as the
            # service reads it: https://account.blob.core.windows.net/name is $root/name.
            return "blob", "$root", container
        return level, container, blob

    def _select(self, endpoint: str, request: Request) -> tuple[Operation, str, str]:
        level, container, blob = self._resource(endpoint, request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        return select(request.method, level, request.args, headers), container, blob

    def _handler(self, row: Operation, implementation: Callable[[Call], Response]) -> Handler:
        def handle(request: Request, args: Mapping[str, Any]) -> Response:
            self._check_version(request)
            account = str(args["account"]).lower()
            _, container, blob = self._resource(_route_of(request.path), request)
            object_id, scheme = self._authorize(request, sas.Target(account, container, blob), row)
            call = Call(request, row, self.backend, account, container, blob, object_id, scheme)
            return implementation(call)

        return handle

    def _unmatched(self, request: Request, args: Mapping[str, Any]) -> Response:
        self._check_version(request)
        try:
            self._select(_route_of(request.path), request)
        except NoOperation as error:
            raise StorageError(
                error.status, error.code, error.message, details=error.details
            ) from None
        raise AssertionError("a request the dispatcher found no operation for matched one")

    def _not_implemented(self, error: ServiceError, request: Request) -> ServiceError:
        """The dispatcher's 501, naming the REST operation and what selected it."""
        try:
            row = self._select(_route_of(request.path), request)[0]
        except NoOperation:
            return error
        if row.rest_name in IMPLEMENTED:  # a handler's own 501 (a copy from outside the fake)
            return error
        return ServiceError(
            501,
            "NotImplementedByFake",
            f"The fake Azure (blob) does not implement the Blob operation {row.rest_name} "
            f"({row.fake_name}): {request.method} {request.host}{request.path}"
            f"{_masked_query(request)}, selected by {row.describe()}. Add a handler to "
            "azureml_obo_harness.cloud.blob.routes.IMPLEMENTED if the code under test needs it, "
            "or serve it yourself with FakeAzure(extra_services=[...]).",
        )

    # -- checks ----------------------------------------------------------------------------------

    def _check_version(self, request: Request) -> None:
        """An ``x-ms-version`` the service does not know is its 400 (a SAS's ``sv`` rules instead)."""
        version = request.headers.get("x-ms-version")
        if version is None or request.args.get("sig") or version in versions.ACCEPTED:
            return
        raise StorageError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
            details={"HeaderName": "x-ms-version", "HeaderValue": version},
        )

    def _authorize(
        self, request: Request, target: sas.Target, row: Operation
    ) -> tuple[str | None, Scheme]:
        """(the bearer token's user or None, the scheme), or the service's refusal. A Shared Key
        caller holds the account key: every operation is open to it, as on the service; a SAS
        opens what it grants (:mod:`.sas`)."""
        account = target.account
        token = bearer_token(request)
        if token is not None:
            return self._authorize_bearer(request, account, token, row.action), "Bearer"
        scheme = request.headers.get("Authorization", "").strip().partition(" ")[0].lower()
        if scheme == shared_key.SCHEME.lower():
            shared_key.authenticate(request, account, self.backend)
            return None, "SharedKey"
        if scheme == shared_key.LITE_SCHEME.lower():
            raise not_modelled(
                self.name,
                row.rest_name,
                "for a request authorized with Shared Key Lite (Authorization: SharedKeyLite): "
                "the fake serves Shared Key (SharedKey <account>:<signature>), bearer tokens "
                "and SAS. Sign with Shared Key, as the storage SDKs do.",
            )
        if not request.args.get("sig"):
            raise StorageError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
        sas.authorize(request, target, row, self.backend)
        return None, "SAS"

    def _authorize_bearer(self, request: Request, account: str, token: str, action: str) -> str:
        """The real service's checks of an OAuth request, in its order: version, token, role."""
        version = request.headers.get("x-ms-version", "")
        if version < OAUTH_MIN_VERSION:
            raise StorageError(
                403,
                "AuthenticationFailed",
                AUTHENTICATION_FAILED,
                details={
                    "AuthenticationErrorDetail": "Authentication scheme Bearer is not supported in "
                    "this version."
                },
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
            detail = "Signature validation failed. Signature must be valid."
        elif str(claims.get("aud", "")).rstrip("/") not in (
            STORAGE_RESOURCE,
            f"https://{account}.blob.core.windows.net",
        ):
            detail = "Audience validation failed. Audience did not match."
        else:
            object_id = str(claims.get("oid", ""))
            if not self.backend.may(account, object_id, action):
                raise StorageError(
                    403,
                    "AuthorizationPermissionMismatch",
                    "This request is not authorized to perform this operation using this "
                    "permission.",
                )
            return object_id
        raise StorageError(
            401,
            "InvalidAuthenticationInfo",
            message,
            details={"AuthenticationErrorDetail": detail},
            headers=challenge,
        )


def _route_of(path: str) -> str:
    """The route (``blob/account``, ``blob/container``, ``blob/blob``) a path matches."""
    segments = path.strip("/")
    if not segments:
        return "blob/account"
    return "blob/blob" if "/" in segments else "blob/container"
