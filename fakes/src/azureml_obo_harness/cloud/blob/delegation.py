"""Get User Delegation Key: the key a signed-in user signs user delegation SAS URLs with.

``POST /?restype=service&comp=userdelegationkey`` with ``<KeyInfo><Start>..</Start><Expiry>..
</Expiry></KeyInfo>``. As the service:

- only a bearer token may ask: a Shared Key request is the 403 ``AuthenticationFailed`` with the
  detail "Only authentication scheme Bearer is supported" (the service's answer in
  Azure/azure-storage-net-data-movement#176, and in Azure/azure-sdk-for-net#12052 without the
  detail shown); a SAS is the same 403 without a detail (no recording shows one);
- the key lives at most 7 days from the request: a later ``Expiry`` is the 400
  ``InvalidXmlNodeValue`` whose ``XmlNodeName`` and ``XmlNodeValue`` both hold the expiry, as
  Azure/azure-sdk-for-net#45789 and #17690 show it (so does a date that does not parse);
- the answer names the user (``SignedOid``, ``SignedTid``), the interval, ``SignedService`` ``b``,
  the request's version as ``SignedVersion``, and the key as ``Value`` (base64);
- a ``<DelegatedUserTid>`` in the request (service version 2025-07-05 on: the tenant of the user a
  user-bound SAS is for, in another tenant) comes back as ``<SignedDelegatedUserTid>`` between
  ``SignedVersion`` and ``Value``, as the storage SDKs' models order it ("returned if
  DelegatedUserTid is specified"); the SDK then signs it into the SAS as ``skdutid``.

Its element set is checked against the real service's answer in
``tests/fidelity/recordings/blob-user-delegation-key.json``.

The key is always :data:`~azureml_obo_harness.values.USER_DELEGATION_KEY`, the value the sanitizer
puts in place of a real one: a cassette recorded against the fake holds what one recorded live
holds once sanitized. A SAS signed with it is verified by :mod:`.sas`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from azureml_obo_harness import values
from azureml_obo_harness.cloud.api_versions import blob as versions
from azureml_obo_harness.cloud.blob.account_ops import XML
from azureml_obo_harness.cloud.blob.call import (
    AUTHENTICATION_FAILED,
    Call,
    StorageError,
    invalid_xml_document,
)
from azureml_obo_harness.cloud.http import bearer_token, token_claims

MAX_LIFETIME = timedelta(days=7)
"""How far past the request a key may expire."""
INVALID_NODE = "The value for one of the XML nodes is not in the correct format."
BEARER_ONLY = "Only authentication scheme Bearer is supported"
"""The detail of the 403 a Shared Key request for a user delegation key gets."""


def get_user_delegation_key(call: Call) -> Response:
    """Service_GetUserDelegationKey: a key for the bearer token's user (see the module)."""
    if call.scheme == "SharedKey":
        raise StorageError(
            403,
            "AuthenticationFailed",
            AUTHENTICATION_FAILED,
            details={"AuthenticationErrorDetail": BEARER_ONLY},
        )
    if call.object_id is None:
        raise StorageError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
    now = datetime.now(timezone.utc)
    start_text, expiry_text, delegated_tenant = _key_info(call.request.get_data())
    start = _instant(start_text) if start_text else now
    expiry = _instant(expiry_text)
    if expiry > now + MAX_LIFETIME:
        raise _invalid_node(expiry_text)
    claims = token_claims(bearer_token(call.request) or "") or {}
    delegated = (
        f"<SignedDelegatedUserTid>{escape(delegated_tenant)}</SignedDelegatedUserTid>"
        if delegated_tenant
        else ""
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><UserDelegationKey>'
        f"<SignedOid>{escape(call.object_id)}</SignedOid>"
        f"<SignedTid>{escape(str(claims.get('tid') or values.TENANT_ID))}</SignedTid>"
        f"<SignedStart>{_iso(start)}</SignedStart><SignedExpiry>{_iso(expiry)}</SignedExpiry>"
        "<SignedService>b</SignedService>"
        f"<SignedVersion>{escape(call.request.headers.get('x-ms-version') or versions.LATEST)}"
        f"</SignedVersion>{delegated}<Value>{values.USER_DELEGATION_KEY}</Value>"
        "</UserDelegationKey>"
    )
    return call.respond(200, body, content_type=XML)


def _key_info(body: bytes) -> tuple[str, str, str]:
    """``(Start, Expiry, DelegatedUserTid)`` of a ``<KeyInfo>`` body (Start and DelegatedUserTid
    may be empty); a body that is no ``<KeyInfo>`` with an ``<Expiry>`` is the service's 400
    ``InvalidXmlDocument``."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        root = None
    expiry = root.findtext("Expiry") if root is not None and root.tag == "KeyInfo" else None
    if root is None or not expiry:
        raise invalid_xml_document()
    start, tenant = (root.findtext(name) or "" for name in ("Start", "DelegatedUserTid"))
    return start.strip(), expiry.strip(), tenant.strip()


def _instant(text: str) -> datetime:
    """An ISO 8601 UTC time as the SDKs send it (``2026-12-02T10:00:00Z``)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid_node(text) from None
    if moment.tzinfo is None:
        raise _invalid_node(text)
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _invalid_node(text: str) -> StorageError:
    return StorageError(
        400,
        "InvalidXmlNodeValue",
        INVALID_NODE,
        details={"XmlNodeName": text, "XmlNodeValue": text},
    )
