"""Piecewise writes over HTTP: Put Block, Put/Get Block List, append blobs, page blobs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from azureml_obo_harness.cloud.blob import blocks
from azureml_obo_harness.cloud.blob.account_ops import XML
from azureml_obo_harness.cloud.blob.call import Call, StorageError, http_date, invalid_xml_document

PAGE_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")
BLOCK_KINDS = ("Latest", "Committed", "Uncommitted")


def put_block(call: Call) -> Response:
    """BlockBlob_StageBlock: 201."""
    blocks.stage_block(
        call.backend,
        call.account,
        call.container,
        call.blob,
        call.query.get("blockid", ""),
        call.request.get_data(),
    )
    return call.respond(201, headers={"x-ms-request-server-encrypted": "true"})


def put_block_list(call: Call) -> Response:
    """BlockBlob_CommitBlockList: ``<BlockList>`` of ``<Latest>``/``<Committed>``/``<Uncommitted>``."""
    try:
        root = ElementTree.fromstring(call.request.get_data())
    except ElementTree.ParseError as error:
        raise invalid_xml_document(str(error)) from None
    if root.tag != "BlockList" or any(element.tag not in BLOCK_KINDS for element in root):
        raise invalid_xml_document()
    blob = blocks.commit_block_list(
        call.backend,
        call.account,
        call.container,
        call.blob,
        [(element.tag, element.text or "") for element in root],
        settings=call.content_settings(),
        metadata=call.metadata(),
    )
    return call.written(blob, 201)


def _blocks_xml(tag: str, entries: list[tuple[str, int]]) -> str:
    inner = "".join(
        f"<Block><Name>{escape(block_id)}</Name><Size>{size}</Size></Block>"
        for block_id, size in entries
    )
    return f"<{tag}>{inner}</{tag}>" if inner else f"<{tag} />"


def get_block_list(call: Call) -> Response:
    """BlockBlob_GetBlockList: ``blocklisttype`` committed (the default), uncommitted or all."""
    kind = call.query.get("blocklisttype", "committed").lower()
    if kind not in ("committed", "uncommitted", "all"):
        raise StorageError(
            400,
            "InvalidQueryParameterValue",
            "Value for one of the query parameters specified in the request URI is invalid.",
            details={"QueryParameterName": "blocklisttype", "QueryParameterValue": kind},
        )
    found = blocks.block_list(call.backend, call.account, call.container, call.blob)
    body = '<?xml version="1.0" encoding="utf-8"?><BlockList>'
    if kind in ("committed", "all"):
        body += _blocks_xml("CommittedBlocks", found.committed)
    if kind in ("uncommitted", "all"):
        body += _blocks_xml("UncommittedBlocks", found.uncommitted)
    body += "</BlockList>"
    headers = {}
    if found.blob is not None:
        headers = {
            "ETag": found.blob.etag,
            "Last-Modified": http_date(found.blob.last_modified),
            "x-ms-blob-content-length": str(found.blob.size),
        }
    return call.respond(200, body, headers=headers, content_type=XML)


def create_append_blob(call: Call) -> Response:
    """AppendBlob_Create: an empty append blob (201)."""
    blob = call.backend.put_blob(
        call.account,
        call.container,
        call.blob,
        b"",
        metadata=call.metadata(),
        if_none_match=call.header("If-None-Match"),
        blob_type="AppendBlob",
        settings=call.content_settings(),
    )
    return call.written(blob, 201)


def _int_header(call: Call, name: str) -> int | None:
    value = call.header(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise StorageError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
            details={"HeaderName": name, "HeaderValue": value},
        ) from None


def append_block(call: Call) -> Response:
    """AppendBlob_AppendBlock: 201 with the offset it was written at and the block count."""
    blob, offset = blocks.append_block(
        call.backend,
        call.account,
        call.container,
        call.blob,
        call.request.get_data(),
        append_position=_int_header(call, "x-ms-blob-condition-appendpos"),
        max_size=_int_header(call, "x-ms-blob-condition-maxsize"),
    )
    return call.written(
        blob,
        201,
        **{
            "x-ms-blob-append-offset": str(offset),
            "x-ms-blob-committed-block-count": str(len(blob.committed_blocks)),
        },
    )


def create_page_blob(call: Call) -> Response:
    """PageBlob_Create: ``x-ms-blob-content-length`` zero bytes (201)."""
    size = _int_header(call, "x-ms-blob-content-length")
    if size is None:
        raise StorageError(
            400,
            "MissingRequiredHeader",
            "An HTTP header that's mandatory for this request is not specified.",
            details={"HeaderName": "x-ms-blob-content-length"},
        )
    blob = blocks.create_page_blob(
        call.backend,
        call.account,
        call.container,
        call.blob,
        size=size,
        settings=call.content_settings(),
        metadata=call.metadata(),
        sequence_number=_int_header(call, "x-ms-blob-sequence-number") or 0,
    )
    return call.written(blob, 201)


def _page_range(call: Call) -> tuple[int, int]:
    requested = call.header("x-ms-range") or call.header("Range") or ""
    match = PAGE_RANGE.match(requested.strip())
    if match is None:
        raise StorageError(
            400,
            "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format.",
            details={"HeaderName": "x-ms-range", "HeaderValue": requested},
        )
    return int(match.group(1)), int(match.group(2))


def upload_pages(call: Call) -> Response:
    """PageBlob_UploadPages: write an aligned range (201)."""
    start, end = _page_range(call)
    blob = blocks.write_pages(
        call.backend,
        call.account,
        call.container,
        call.blob,
        start=start,
        end=end,
        data=call.request.get_data(),
    )
    return call.written(blob, 201, **{"x-ms-blob-sequence-number": str(blob.sequence_number)})


def clear_pages(call: Call) -> Response:
    """PageBlob_ClearPages: zero an aligned range (201)."""
    start, end = _page_range(call)
    blob = blocks.write_pages(
        call.backend, call.account, call.container, call.blob, start=start, end=end, data=None
    )
    return call.written(blob, 201, **{"x-ms-blob-sequence-number": str(blob.sequence_number)})
