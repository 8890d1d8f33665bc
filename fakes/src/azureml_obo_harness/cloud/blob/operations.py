"""Every Blob REST operation, and the one dispatcher that picks it from a request (Azurite-style).

The table below is read from the Blob data-plane REST spec (``Azure/azure-rest-api-specs``,
``specification/storage/data-plane/Microsoft.BlobStorage/stable/2027-03-07/blob.json``; see
:mod:`azureml_obo_harness.cloud.api_versions.blob` for the commit): one row per ``operationId``,
with what selects it, in the spec's own terms: the method, the resource level (account ``/``,
container ``/{container}``, blob ``/{container}/{blob}``), the ``restype`` and ``comp`` query
values and the headers (or query keys) that tell operations on one URL apart
(``x-ms-copy-source``, ``x-ms-blob-type``, ``x-ms-lease-action``, ``x-ms-page-write``...).

:func:`select` is the dispatcher: it returns the row a request asks for, or the service's own
400/405 when no operation matches (an unknown ``comp``, a missing selecting header, a method the
resource does not support). Whether a row has a handler is the HTTP layer's business; a row
without one is answered 501 naming ``rest_name``: a request is never answered by a neighbouring
operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Level = Literal["account", "container", "blob"]


@dataclass(frozen=True)
class Operation:
    """One Blob REST operation and what selects it."""

    rest_name: str
    """The spec's ``operationId`` (``BlockBlob_GetBlockList``)."""
    method: str
    level: Level
    restype: str | None
    comp: str | None
    selectors: tuple[str, ...]
    """Further conditions, all of which must hold: ``h:name`` (header present), ``h:name=value``,
    ``q:name`` (query key present), ``!h:name`` (header absent)."""
    action: str
    """The RBAC data action a bearer token's user needs: ``read``, ``write`` or ``delete``."""
    name: str
    """The fake's operation name (``blob/<name>``), as faults and the request log use it."""

    @property
    def fake_name(self) -> str:
        """``blob/<name>``."""
        return f"blob/{self.name}"

    def describe(self) -> str:
        """``PUT /{container}/{blob}?comp=tier`` plus its selecting headers, for messages."""
        path = {"account": "/", "container": "/{container}", "blob": "/{container}/{blob}"}
        query = "&".join(
            f"{key}={value}"
            for key, value in (("restype", self.restype), ("comp", self.comp))
            if value is not None
        )
        text = f"{self.method} {path[self.level]}" + (f"?{query}" if query else "")
        if self.selectors:
            text += f" with {', '.join(self.selectors)}"
        return text

    def matches(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """True if every selector holds for these (lower-cased) headers and query."""
        return all(_holds(selector, headers, query) for selector in self.selectors)


def _holds(selector: str, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    negated = selector.startswith("!")
    kind, _, condition = selector.lstrip("!").partition(":")
    name, has_value, value = condition.partition("=")
    source = headers if kind == "h" else query
    present = name in source
    if has_value:
        present = present and source[name].lower() == value.lower()
    return present != negated


def _row(
    rest_name: str,
    method: str,
    level: Level,
    restype: str | None,
    comp: str | None,
    action: str,
    name: str,
    *selectors: str,
) -> Operation:
    return Operation(rest_name, method, level, restype, comp, selectors, action, name)


A: Level = "account"
C: Level = "container"
B: Level = "blob"
COPY = "h:x-ms-copy-source"
NO_COPY = "!h:x-ms-copy-source"

# fmt: off
SPEC_OPERATIONS: tuple[Operation, ...] = (
    # -- account: /?... ----------------------------------------------------------------------
    _row("Service_SetProperties", "PUT", A, "service", "properties", "write", "set_service_properties"),
    _row("Service_GetProperties", "GET", A, "service", "properties", "read", "get_service_properties"),
    _row("Service_GetStatistics", "GET", A, "service", "stats", "read", "get_service_stats"),
    _row("Service_ListContainersSegment", "GET", A, None, "list", "read", "list_containers"),
    _row("Service_GetUserDelegationKey", "POST", A, "service", "userdelegationkey", "read", "get_user_delegation_key"),
    _row("Service_GetAccountInfo", "GET", A, "account", "properties", "read", "get_account_info"),
    _row("Service_SubmitBatch", "POST", A, None, "batch", "write", "submit_batch"),
    _row("Service_FilterBlobs", "GET", A, None, "blobs", "read", "find_blobs_by_tags"),
    # -- container: /{container}?restype=container... ----------------------------------------
    _row("Container_Create", "PUT", C, "container", None, "write", "create_container"),
    _row("Container_GetProperties", "GET", C, "container", None, "read", "get_container_properties"),
    _row("Container_Delete", "DELETE", C, "container", None, "delete", "delete_container"),
    _row("Container_SetMetadata", "PUT", C, "container", "metadata", "write", "set_container_metadata"),
    _row("Container_GetAccessPolicy", "GET", C, "container", "acl", "read", "get_container_access_policy"),
    _row("Container_SetAccessPolicy", "PUT", C, "container", "acl", "write", "set_container_access_policy"),
    _row("Container_Restore", "PUT", C, "container", "undelete", "write", "restore_container"),
    _row("Container_Rename", "PUT", C, "container", "rename", "write", "rename_container"),
    _row("Container_SubmitBatch", "POST", C, "container", "batch", "write", "submit_container_batch"),
    _row("Container_FilterBlobs", "GET", C, "container", "blobs", "read", "find_container_blobs_by_tags"),
    _row("Container_AcquireLease", "PUT", C, "container", "lease", "write", "acquire_container_lease", "h:x-ms-lease-action=acquire"),
    _row("Container_ReleaseLease", "PUT", C, "container", "lease", "write", "release_container_lease", "h:x-ms-lease-action=release"),
    _row("Container_RenewLease", "PUT", C, "container", "lease", "write", "renew_container_lease", "h:x-ms-lease-action=renew"),
    _row("Container_BreakLease", "PUT", C, "container", "lease", "write", "break_container_lease", "h:x-ms-lease-action=break"),
    _row("Container_ChangeLease", "PUT", C, "container", "lease", "write", "change_container_lease", "h:x-ms-lease-action=change"),
    # Arrow listings differ from the XML ones only by their Accept header.
    _row("Container_ListBlobHierarchySegment_ApacheArrow", "GET", C, "container", "list", "read", "list_blobs_hierarchy_arrow", "q:delimiter", "h:accept=application/vnd.apache.arrow.stream,application/xml"),
    _row("Container_ListBlobFlatSegment_ApacheArrow", "GET", C, "container", "list", "read", "list_blobs_arrow", "h:accept=application/vnd.apache.arrow.stream,application/xml"),
    _row("Container_ListBlobHierarchySegment", "GET", C, "container", "list", "read", "list_blobs_hierarchy", "q:delimiter"),
    _row("Container_ListBlobFlatSegment", "GET", C, "container", "list", "read", "list_blobs"),
    _row("Container_GetAccountInfo", "GET", C, "account", "properties", "read", "get_account_info_from_container"),
    # -- blob: /{container}/{blob} --------------------------------------------------------------
    _row("Blob_Download", "GET", B, None, None, "read", "download_blob"),
    _row("Blob_GetProperties", "HEAD", B, None, None, "read", "get_blob_properties"),
    _row("Blob_Delete", "DELETE", B, None, None, "delete", "delete_blob"),
    # PUT without comp: the copy source and the blob type choose among six operations.
    _row("Blob_CopyFromURL", "PUT", B, None, None, "write", "copy_from_url", COPY, "h:x-ms-requires-sync=true"),
    _row("BlockBlob_PutBlobFromUrl", "PUT", B, None, None, "write", "put_blob_from_url", COPY, "h:x-ms-blob-type=BlockBlob"),
    _row("Blob_StartCopyFromURL", "PUT", B, None, None, "write", "start_copy_from_url", COPY),
    _row("BlockBlob_Upload", "PUT", B, None, None, "write", "put_blob", "h:x-ms-blob-type=BlockBlob"),
    _row("PageBlob_Create", "PUT", B, None, None, "write", "create_page_blob", "h:x-ms-blob-type=PageBlob"),
    _row("AppendBlob_Create", "PUT", B, None, None, "write", "create_append_blob", "h:x-ms-blob-type=AppendBlob"),
    _row("Blob_Undelete", "PUT", B, None, "undelete", "write", "undelete_blob"),
    _row("Blob_SetExpiry", "PUT", B, None, "expiry", "write", "set_blob_expiry"),
    # comp=properties: a page blob's resize and sequence number share the URL of Set HTTP Headers.
    _row("PageBlob_Resize", "PUT", B, None, "properties", "write", "resize_page_blob", "h:x-ms-blob-content-length"),
    _row("PageBlob_UpdateSequenceNumber", "PUT", B, None, "properties", "write", "set_sequence_number", "h:x-ms-sequence-number-action"),
    _row("Blob_SetHTTPHeaders", "PUT", B, None, "properties", "write", "set_http_headers"),
    _row("Blob_SetImmutabilityPolicy", "PUT", B, None, "immutabilityPolicies", "write", "set_immutability_policy"),
    _row("Blob_DeleteImmutabilityPolicy", "DELETE", B, None, "immutabilityPolicies", "delete", "delete_immutability_policy"),
    _row("Blob_SetLegalHold", "PUT", B, None, "legalhold", "write", "set_legal_hold"),
    _row("Blob_SetMetadata", "PUT", B, None, "metadata", "write", "set_blob_metadata"),
    _row("Blob_AcquireLease", "PUT", B, None, "lease", "write", "acquire_blob_lease", "h:x-ms-lease-action=acquire"),
    _row("Blob_ReleaseLease", "PUT", B, None, "lease", "write", "release_blob_lease", "h:x-ms-lease-action=release"),
    _row("Blob_RenewLease", "PUT", B, None, "lease", "write", "renew_blob_lease", "h:x-ms-lease-action=renew"),
    _row("Blob_ChangeLease", "PUT", B, None, "lease", "write", "change_blob_lease", "h:x-ms-lease-action=change"),
    _row("Blob_BreakLease", "PUT", B, None, "lease", "write", "break_blob_lease", "h:x-ms-lease-action=break"),
    _row("Blob_CreateSnapshot", "PUT", B, None, "snapshot", "write", "create_snapshot"),
    _row("Blob_AbortCopyFromURL", "PUT", B, None, "copy", "write", "abort_copy", "h:x-ms-copy-action=abort"),
    _row("Blob_SetTier", "PUT", B, None, "tier", "write", "set_blob_tier"),
    _row("Blob_GetAccountInfo", "GET", B, "account", "properties", "read", "get_account_info_from_blob"),
    _row("Blob_Query", "POST", B, None, "query", "read", "query_blob"),
    _row("Blob_GetTags", "GET", B, None, "tags", "read", "get_blob_tags"),
    _row("Blob_SetTags", "PUT", B, None, "tags", "write", "set_blob_tags"),
    # comp=page: x-ms-page-write and a copy source choose the page operation.
    _row("PageBlob_UploadPagesFromURL", "PUT", B, None, "page", "write", "upload_pages_from_url", "h:x-ms-page-write=update", COPY),
    _row("PageBlob_UploadPages", "PUT", B, None, "page", "write", "upload_pages", "h:x-ms-page-write=update", NO_COPY),
    _row("PageBlob_ClearPages", "PUT", B, None, "page", "write", "clear_pages", "h:x-ms-page-write=clear"),
    _row("PageBlob_GetPageRangesDiff", "GET", B, None, "pagelist", "read", "get_page_ranges_diff", "q:prevsnapshot"),
    _row("PageBlob_GetPageRangesDiff", "GET", B, None, "pagelist", "read", "get_page_ranges_diff", "h:x-ms-previous-snapshot-url"),
    _row("PageBlob_GetPageRanges", "GET", B, None, "pagelist", "read", "get_page_ranges"),
    _row("PageBlob_CopyIncremental", "PUT", B, None, "incrementalcopy", "write", "copy_incremental", COPY),
    _row("AppendBlob_AppendBlockFromUrl", "PUT", B, None, "appendblock", "write", "append_block_from_url", COPY),
    _row("AppendBlob_AppendBlock", "PUT", B, None, "appendblock", "write", "append_block"),
    _row("AppendBlob_Seal", "PUT", B, None, "seal", "write", "seal_append_blob"),
    _row("BlockBlob_StageBlockFromURL", "PUT", B, None, "block", "write", "put_block_from_url", COPY ),
    _row("BlockBlob_StageBlock", "PUT", B, None, "block", "write", "put_block"),
    _row("BlockBlob_CommitBlockList", "PUT", B, None, "blocklist", "write", "put_block_list"),
    _row("BlockBlob_GetBlockList", "GET", B, None, "blocklist", "read", "get_block_list"),
)
# fmt: on
"""Most specific first within one (method, level, restype, comp): the first row that matches wins."""

# fmt: off
DOCUMENTED_OPERATIONS: tuple[Operation, ...] = (
    _row("Container_GetMetadata", "GET", C, "container", "metadata", "read", "get_container_metadata"),
    _row("Blob_GetMetadata", "GET", B, None, "metadata", "read", "get_blob_metadata"),
)
# fmt: on
"""Operations of the REST reference (learn.microsoft.com/rest/api/storageservices: "Get Container
Metadata", "Get Blob Metadata", also answered on ``HEAD``) that the swagger does not list: the
service answers them, so refusing them would be a wrong refusal."""

OPERATIONS = SPEC_OPERATIONS + DOCUMENTED_OPERATIONS

SPEC_OPERATION_IDS = frozenset(row.rest_name for row in SPEC_OPERATIONS)

BY_FAKE_NAME: dict[str, Operation] = {row.fake_name: row for row in OPERATIONS}


class NoOperation(Exception):
    """No REST operation matches the request; ``status``/``code`` are the service's own answer."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, str]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details


def select(
    method: str, level: Level, query: Mapping[str, str], headers: Mapping[str, str]
) -> Operation:
    """The operation a request asks for; ``headers`` lower-cased names. Raises :class:`NoOperation`.

    ``HEAD`` asks for a ``GET`` operation's headers (the service answers ``HEAD`` on every
    ``GET`` URL) unless a ``HEAD`` row exists (``Blob_GetProperties``).
    """
    restype, comp = query.get("restype"), query.get("comp")
    same_url = [
        row for row in OPERATIONS if (row.level, row.restype, row.comp) == (level, restype, comp)
    ]
    if not same_url:
        name, value = ("comp", comp) if comp is not None else ("restype", restype or "")
        raise NoOperation(
            400,
            "InvalidQueryParameterValue",
            "Value for one of the query parameters specified in the request URI is invalid.",
            {"QueryParameterName": name, "QueryParameterValue": value, "Reason": ""},
        )
    methods = {row.method for row in same_url}
    wanted = "GET" if method == "HEAD" and "HEAD" not in methods else method
    candidates = [row for row in same_url if row.method == wanted]
    if not candidates:
        raise NoOperation(
            405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.", {}
        )
    for row in candidates:
        if row.matches(headers, query):
            return row
    header = _missing_header(candidates)
    raise NoOperation(
        400,
        "MissingRequiredHeader",
        "An HTTP header that's mandatory for this request is not specified.",
        {"HeaderName": header},
    )


def _missing_header(candidates: list[Operation]) -> str:
    for row in candidates:
        for selector in row.selectors:
            if selector.startswith("h:"):
                return selector[2:].partition("=")[0]
    return ""
