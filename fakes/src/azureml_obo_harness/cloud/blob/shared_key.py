"""Shared Key: a Blob request signed with its storage account's key, verified as the service does.

``Authorization: SharedKey <account>:<signature>``, the signature being the base64 HMAC-SHA256,
keyed with the base64-decoded account key, of the request's string to sign. For the Blob service,
version 2009-09-19 and later ("Authorize with Shared Key",
https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key), it is one line
per standard header, then the canonicalized ``x-ms-*`` headers and the canonicalized resource::

    VERB
    Content-Encoding
    Content-Language
    Content-Length          (empty when 0, from version 2015-02-21 on)
    Content-MD5
    Content-Type
    Date
    If-Modified-Since
    If-Match
    If-None-Match
    If-Unmodified-Since
    Range
    x-ms-date:...           (every x-ms- header: name lowercased, value unfolded and trimmed)
    x-ms-version:...
    /account/container/blob (the path as sent, percent-encoded as the client encoded it)
    comp:metadata           (each query parameter: name lowercased, sorted; value decoded,
                             several values sorted and comma-separated)

All of it is read from the request as it came over the wire (the raw request target and raw
headers the server keeps), not from the decoded WSGI view: the client signed what it sent.

The refusals, worded as the service words them (the MAC one as real 403 bodies show it; the date
and account ones as the storage front end's source words them):

- an ``Authorization`` value that is not ``SharedKey <account>:<signature>``, or a signature that
  is not base64: 400 ``InvalidAuthenticationInfo``;
- no ``x-ms-date`` nor ``Date``, one that does not parse, or one more than 15 minutes old: 403
  ``AuthenticationFailed`` saying so in ``<AuthenticationErrorDetail>``;
- an account the fake does not hold: 403 ``AuthenticationFailed``, "Cannot find the claimed
  account...";
- any other signature: 403 ``AuthenticationFailed``, "The MAC signature found in the HTTP request
  '<signature>' is not the same as any computed signature. Server used following string to sign:
  '<string>'.".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, unquote, urlsplit

from werkzeug.wrappers import Request

from azureml_obo_harness.cloud.blob.call import (
    RAW_HEADERS_KEY,
    StorageError,
    authentication_failed,
)
from azureml_obo_harness.cloud.blob.models import BlobBackend

SCHEME = "SharedKey"
LITE_SCHEME = "SharedKeyLite"
STANDARD_HEADERS = (
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-MD5",
    "Content-Type",
    "Date",
    "If-Modified-Since",
    "If-Match",
    "If-None-Match",
    "If-Unmodified-Since",
    "Range",
)
"""The standard headers of the string to sign, in its order."""
EMPTY_ZERO_LENGTH_VERSION = "2015-02-21"
"""From this version on, a ``Content-Length`` of 0 is signed as the empty string."""
MAX_REQUEST_AGE = timedelta(minutes=15)
"""How old a request's date may be when it reaches the service."""
INVALID_AUTHENTICATION_INFO = (
    "Authentication information is not given in the correct format. Check the value of "
    "Authorization header."
)
_FOLD = re.compile(r"\r?\n[ \t]+")


def authenticate(request: Request, account: str, backend: BlobBackend) -> None:
    """Verify the request's ``SharedKey`` authorization for ``account`` (the account its host
    names); return if the signature is the account key's, else raise the service's refusal."""
    _check_date(request)
    claimed, signature = _credentials(request.headers.get("Authorization", ""))
    key = backend.account_key(claimed)
    if key is None:
        raise authentication_failed(
            "Cannot find the claimed account when trying to GetProperties for the account "
            f"{claimed}."
        )
    try:
        base64.b64decode(signature, validate=True)
    except binascii.Error:
        raise StorageError(400, "InvalidAuthenticationInfo", INVALID_AUTHENTICATION_INFO) from None
    text = string_to_sign(request, account)
    if not hmac.compare_digest(sign(key, text), signature):
        raise authentication_failed(
            f"The MAC signature found in the HTTP request '{signature}' is not the same as any "
            f"computed signature. Server used following string to sign: '{text}'."
        )


def sign(key: str, text: str) -> str:
    """The signature of ``text`` with a storage key (Shared Key's, and a SAS's: :mod:`.sas`):
    base64 HMAC-SHA256 keyed with the decoded ``key``."""
    digest = hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def string_to_sign(request: Request, account: str) -> str:
    """The request's Shared Key string to sign for ``account`` (see the module)."""
    headers = raw_headers(request)
    version = _header(headers, "x-ms-version")
    lines = [request.method]
    for name in STANDARD_HEADERS:
        value = _header(headers, name)
        if name == "Content-Length" and value == "0" and version >= EMPTY_ZERO_LENGTH_VERSION:
            value = ""
        lines.append(value)
    path, query = _target(request)
    return (
        "\n".join(lines)
        + "\n"
        + canonicalized_headers(headers)
        + canonicalized_resource(account, path, query)
    )


def canonicalized_headers(headers: Iterable[tuple[str, str]]) -> str:
    """Every ``x-ms-*`` header as ``name:value\\n``: names lowercased (one line per name, repeated
    values comma-joined), values unfolded and trimmed, in :func:`header_order`."""
    chosen: dict[str, list[str]] = {}
    for name, value in headers:
        lowered = name.strip().lower()
        if lowered.startswith("x-ms-"):
            chosen.setdefault(lowered, []).append(_FOLD.sub(" ", value).strip())
    return "".join(
        f"{name}:{','.join(chosen[name])}\n" for name in sorted(chosen, key=header_order)
    )


def header_order(name: str) -> tuple[str, str]:
    """The sort key of a lowercased ``x-ms-*`` name in the order the service sorts them.

    The service sorts with a culture-aware comparison, not byte order (the storage SDKs reproduce
    it: azure-storage-blob's ``_storage_header_sort`` "emulate[s] the sorting done by the
    service"): a hyphen weighs nothing at first and ``_`` comes before the digits, so
    ``x-ms-meta-a_b`` sorts before ``x-ms-meta-a1``. Names that differ only by hyphens are ordered
    with the hyphen last (``ab`` before ``a-b``)."""
    primary = name.replace("-", "").replace("_", chr(ord("0") - 1))
    return primary, name.replace("-", "\x7f")


def canonicalized_resource(account: str, path: str, query: str) -> str:
    """``/<account><path>``, then ``\\n<name>:<values>`` per query parameter (names lowercased and
    sorted; values percent-decoded, several sorted and comma-joined)."""
    parameters: dict[str, list[str]] = {}
    for pair in query.split("&") if query else ():
        name, _, value = pair.partition("=")
        parameters.setdefault(unquote(name).lower(), []).append(unquote(value))
    lines = [f"/{account}{path}"]
    lines += [f"{name}:{','.join(sorted(parameters[name]))}" for name in sorted(parameters)]
    return "\n".join(lines)


def raw_headers(request: Request) -> list[tuple[str, str]]:
    """The request's headers as sent (the server keeps them under ``RAW_HEADERS_KEY``)."""
    raw: Iterable[tuple[str, str]] | None = request.environ.get(RAW_HEADERS_KEY)
    return list(raw) if raw is not None else list(request.headers.items())


def _header(headers: Iterable[tuple[str, str]], name: str) -> str:
    """A standard header's value as sent (repeated ones comma-joined), or the empty string."""
    found = [value.strip() for key, value in headers if key.strip().lower() == name.lower()]
    return ",".join(found)


def _target(request: Request) -> tuple[str, str]:
    """(path, query) of the request target as sent: still percent-encoded."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        parts = urlsplit(raw)
        return parts.path or "/", parts.query
    return quote(request.path), request.query_string.decode("latin-1")


def _credentials(header: str) -> tuple[str, str]:
    """(account, signature) of ``SharedKey <account>:<signature>``, or the service's 400."""
    _, _, parameters = header.strip().partition(" ")
    parts = [part for part in parameters.strip().split(":") if part]
    if len(parts) != 2:
        raise StorageError(400, "InvalidAuthenticationInfo", INVALID_AUTHENTICATION_INFO)
    return parts[0].lower(), parts[1]


def _check_date(request: Request) -> None:
    """The request's ``x-ms-date`` (else ``Date``) must be given, parse, and be recent."""
    text = request.headers.get("x-ms-date") or request.headers.get("Date")
    if not text:
        raise authentication_failed("Request date header not specified")
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise authentication_failed("The Date header in the request is incorrect.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if moment < datetime.now(timezone.utc) - MAX_REQUEST_AGE:
        shown = format_datetime(moment.astimezone(timezone.utc), usegmt=True)
        raise authentication_failed(f"Request date header too old: '{shown}'")
