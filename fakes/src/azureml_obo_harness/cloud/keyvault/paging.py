"""Paged lists as Key Vault pages them: ``maxresults`` (1-25, default 25) and a ``nextLink``.

The real ``nextLink`` is the list URL on ``{vault}.vault.azure.net:443`` with the api-version, an
opaque ``$skiptoken`` and the ``maxresults`` of the request; the last page has ``nextLink: null``.
The fake's skiptoken is the offset of the next item, base64url-encoded so that clients treat it as
opaque (as the SDKs do: they follow the link and only replace its api-version).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from azureml_obo_harness.cloud.keyvault.errors import bad_parameter

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 25

Item = TypeVar("Item")


@dataclass(frozen=True)
class PageRequest:
    """Where a page starts and how long it may be, read from the query."""

    offset: int
    size: int
    size_requested: bool


def page_request(query: Mapping[str, str]) -> PageRequest:
    """The page a list request asks for; 400 ``BadParameter`` for a bad maxresults or skiptoken."""
    raw_size = query.get("maxresults")
    size = DEFAULT_PAGE_SIZE
    if raw_size is not None:
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
            raise bad_parameter(
                f"Invalid maxresults value ({raw_size}): it must be an integer from 1 to "
                f"{MAX_PAGE_SIZE}."
            )
        size = int(raw_size)
    token = query.get("$skiptoken")
    offset = 0 if token is None else _offset(token)
    return PageRequest(offset=offset, size=size, size_requested=raw_size is not None)


def page(items: Sequence[Item], request: PageRequest) -> tuple[list[Item], int | None]:
    """The items of the requested page and the offset of the next one (None on the last page)."""
    chunk = list(items[request.offset : request.offset + request.size])
    following = request.offset + request.size
    return chunk, following if following < len(items) else None


def next_link(
    base_url: str, path: str, *, api_version: str, offset: int | None, request: PageRequest
) -> str | None:
    """The ``nextLink`` for the page at ``offset`` (None if there is none)."""
    if offset is None:
        return None
    query = {"api-version": api_version, "$skiptoken": _token(offset)}
    if request.size_requested:
        query["maxresults"] = str(request.size)
    return f"{base_url}:443{path}?{urlencode(query, safe='$')}"


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"fake-offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != "fake-offset" or not number.isdigit():
        raise bad_parameter(
            f"Invalid $skiptoken ({token}): follow the nextLink of the previous page unchanged."
        )
    return int(number)
