"""SAS: a Blob request authorized by a shared access signature in its query, verified as the service does.

Two kinds are verified: a **service SAS** (signed with the account key,
:data:`~azureml_obo_harness.values.STORAGE_ACCOUNT_KEY`) and a **user delegation SAS** (the ``sk*``
fields name a user delegation key; signed with its value, which the fake always issues as
:data:`~azureml_obo_harness.values.USER_DELEGATION_KEY`). The signature is the base64 HMAC-SHA256,
keyed with the decoded key, of the string to sign: one line per field, in the order "Create a
service SAS" / "Create a user delegation SAS" (learn.microsoft.com/rest/api/storageservices) give
for the signed version ``sv``, cross-checked with what azure-storage-blob 12.31 signs
(``blob/_shared_access_signature.py``) and Azurite's per-version functions::

    sp  st  se  /blob/<account>/<container>[/<blob>]
    service SAS:          si
    user delegation SAS:  skoid sktid skt ske sks skv
                          [saoid suoid scid       from 2020-02-10]
                          [skdutid sduoid         from 2025-07-05]
    sip  spr  sv  sr  <snapshot time>  [ses from 2020-12-06]
    user delegation SAS:  [srh srq                from 2026-04-06]
    rscc  rscd  rsce  rscl  rsct

The canonicalized resource comes from the request's path and ``sr``: a container SAS (``c``) names
the container, so it covers every blob in it; a blob SAS (``b``) names one blob, so used on another
its signature does not match (as the service answers such a request).

Then, as the service enforces them: ``st``/``se`` (and the delegation key's ``skt``/``ske``), ``spr``
(the fake is HTTPS only), ``sip`` (against the loopback caller), the resource type (a blob SAS
cannot list a container) and ``sp`` against the operation (:data:`PERMISSIONS`, from the service
SAS permission table of the docs; Azurite's ``OperationBlobSASPermission`` where the docs are
silent). Refusals, worded as the service words them:

- a bad signature: 403 ``AuthenticationFailed``, "Signature did not match. String to sign used was
  <string>" (real 403 bodies quoted in public issues and blog posts show this wording; a SAS used
  on another container gets it too);
- ``st``/``se`` that do not parse: 403 ``AuthenticationFailed``, "Signature fields not well formed.";
  no ``sr``: "sr is mandatory. Cannot be empty" (both as real answers quote them);
- ``se`` not after ``st``: "Signed expiry time [<se>] must be after signed start time [<st>]"; now
  outside them: "Signature not valid in the specified time frame: Start [<st>] - Expiry [<se>] -
  Current [<now>]" (RFC 1123 dates, as real bodies show them);
- a delegation key not valid now, or whose fields the fake would not issue (``sks`` not ``b``,
  longer than 7 days): 403 ``AuthenticationFailed`` (no detail: no real answer found);
- the SAS error codes of "SAS error codes" (learn.microsoft.com): 403
  ``AuthorizationPermissionMismatch``, ``AuthorizationResourceTypeMismatch``,
  ``AuthorizationProtocolMismatch``, ``AuthorizationSourceIPMismatch``, and ``AuthorizationFailure``
  for an operation a service SAS cannot call (container create/delete/ACL/leases...).

A service SAS may name a **stored access policy** of its container (``si``, set by Set Container
ACL): after its signature is checked, the policy's ``Start``, ``Expiry`` and ``Permission`` stand
in for the ``st``, ``se`` and ``sp`` the SAS leaves out ("Define a stored access policy": each is
given by one or the other). A policy the container does not hold is 403 ``AuthorizationFailure``
(deleting a policy revokes its SAS, re-creating it under the same name restores them: "Create a
service SAS", revocation; Azurite answers the same code); a term given by both is the fake's 501
(the service refuses it with a status no recording shows), and so is ``si`` in an account or user
delegation SAS (the docs rule stored policies out there).

An **account SAS** (``ss``, ``srt``: what AzureML's ``listSecrets`` hands out for the default
datastore, ``ss=bf&srt=co`` in the recordings) is verified too: its string to sign (the account,
``sp ss srt st se sip spr sv``, ``ses`` from 2020-12-06), the time frame, protocol and IP, then
``ss`` must name the blob service (else 403 ``AuthorizationServiceMismatch``), ``srt`` the
operation's level (``s`` account, ``c`` container, ``o`` blob) and ``sp`` the operation's letters
(:data:`ACCOUNT_SAS_PERMISSIONS` for the account and container operations, from the docs' table
of account SAS permissions by operation; :data:`PERMISSIONS` for blobs and for Get Account
Information on a container or blob); an operation neither lists (container ACLs, the account
level's Get Account Information) is a 501 under an account SAS.

What the fake does not model is a 501 naming it, never accepted unchecked: an ``sv`` before
2018-11-09 (or, for a user delegation
SAS, between 2025-07-05 and 2026-04-06, whose string to sign is not documented where we looked),
snapshot/version/directory SAS (``sr`` ``bs``, ``bv``, ``d``), encryption scopes (``ses``),
response header overrides (``rscc``...), user-bound SAS (``sduoid``), agent object ids
(``saoid``, ``suoid``, ``scid``) and signed request headers/query (``srh``, ``srq``). The
delegated user's RBAC (the service intersects the SAS with the key owner's roles) is not checked.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from werkzeug.wrappers import Request

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob.call import (
    AUTHENTICATION_FAILED,
    StorageError,
    authentication_failed,
)
from azureml_obo_harness.cloud.blob.models import BlobBackend
from azureml_obo_harness.cloud.blob.operations import Operation
from azureml_obo_harness.cloud.blob.shared_key import sign as sign  # a SAS is signed alike
from azureml_obo_harness.cloud.http import ServiceError, not_modelled

SERVICE_MIN_VERSION = "2018-11-09"
"""The first ``sv`` whose string to sign the fake models (``sr`` and the snapshot time signed)."""
AGENT_FIELDS_VERSION = "2020-02-10"
"""User delegation SAS: ``saoid``, ``suoid``, ``scid`` signed from here."""
ENCRYPTION_SCOPE_VERSION = "2020-12-06"
"""``ses`` signed from here."""
DELEGATED_USER_VERSION = "2025-07-05"
"""User delegation SAS: ``skdutid``, ``sduoid`` signed from here (Azurite's 2025-07-05 function)."""
REQUEST_BINDING_VERSION = "2026-04-06"
"""User delegation SAS: ``srh``, ``srq`` signed from here (azure-storage-blob 12.29.0b1 added them
with service version 2026-04-06, and signs them for every user delegation SAS)."""
MAX_KEY_LIFETIME = timedelta(days=7)
DELEGATION_FIELDS = ("skoid", "sktid", "skt", "ske", "sks", "skv")
UNMODELLED_FIELDS = {
    "ses": "an encryption scope (ses)",
    "sduoid": "a user-bound SAS (sduoid: the SAS needs the named user's bearer token too)",
    "saoid": "agent object ids (saoid, suoid, scid)",
    "suoid": "agent object ids (saoid, suoid, scid)",
    "scid": "agent object ids (saoid, suoid, scid)",
    "srh": "signed request headers (srh)",
    "srq": "signed request query parameters (srq)",
    "rscc": "response header overrides (rscc, rscd, rsce, rscl, rsct)",
    "rscd": "response header overrides (rscc, rscd, rsce, rscl, rsct)",
    "rsce": "response header overrides (rscc, rscd, rsce, rscl, rsct)",
    "rscl": "response header overrides (rscc, rscd, rsce, rscl, rsct)",
    "rsct": "response header overrides (rscc, rscd, rsce, rscl, rsct)",
}
"""SAS fields the fake does not enforce: a request carrying one is a 501 naming it."""

PERMISSIONS: dict[str, str] = {
    "Blob_Download": "r",
    "Blob_GetProperties": "r",
    "Blob_GetMetadata": "r",
    "BlockBlob_GetBlockList": "r",
    "Blob_GetAccountInfo": "r",
    "Container_GetAccountInfo": "r",
    "Blob_Delete": "d",
    "Blob_SetMetadata": "w",
    "Blob_SetHTTPHeaders": "w",
    "BlockBlob_StageBlock": "w",
    "BlockBlob_CommitBlockList": "w",
    "PageBlob_UploadPages": "w",
    "PageBlob_ClearPages": "w",
    "AppendBlob_AppendBlock": "aw",
    "BlockBlob_Upload": "cw",
    "PageBlob_Create": "cw",
    "AppendBlob_Create": "cw",
    "Blob_StartCopyFromURL": "cw",
    "Blob_CopyFromURL": "cw",
    "Container_ListBlobFlatSegment": "l",
    "Container_ListBlobHierarchySegment": "l",
}
"""REST operation -> the ``sp`` letters any one of which allows it with a service or user
delegation SAS. ``c`` creates a new blob only: over an existing one ``w`` is needed (docs: Create
"write a new blob"; Azurite checks the same). Operations not listed (container create, delete,
metadata, ACL, leases; the account's operations) are the service's ``AuthorizationFailure``."""
ACCOUNT_SAS_PERMISSIONS: dict[str, str] = {
    "Service_ListContainersSegment": "l",
    "Service_GetProperties": "r",
    "Service_SetProperties": "w",
    "Service_GetStatistics": "r",
    "Container_Create": "cw",
    "Container_GetProperties": "r",
    "Container_GetMetadata": "r",
    "Container_SetMetadata": "w",
    "Container_AcquireLease": "w",
    "Container_RenewLease": "w",
    "Container_ChangeLease": "w",
    "Container_ReleaseLease": "w",
    "Container_BreakLease": "wd",
    "Container_Delete": "d",
}
"""Account SAS only: the account- and container-level operations the service SAS cannot call, and
the ``sp`` letters any one of which allows each ("Create an account SAS", "Account SAS permissions
by operation", Blob service; ``d`` also breaks a lease from 2017-07-29). Object-level operations
take :data:`PERMISSIONS`, as the same table gives them."""
OAUTH_ONLY = frozenset({"Service_GetUserDelegationKey"})
"""Operations only a bearer token may call: a SAS request is the 403 ``AuthenticationFailed``
without a detail, before its signature is looked at."""
CREATING = frozenset(
    {"BlockBlob_Upload", "PageBlob_Create", "AppendBlob_Create"}
    | {"Blob_StartCopyFromURL", "Blob_CopyFromURL"}
)
CONTAINER_LEVEL = frozenset(
    {"Container_ListBlobFlatSegment", "Container_ListBlobHierarchySegment"}
    | {"Container_GetAccountInfo"}
)


@dataclass(frozen=True)
class Target:
    """What a request names: its account, container and blob (empty above the blob level)."""

    account: str
    container: str
    blob: str


def is_sas(request: Request) -> bool:
    """True if the request carries a SAS (a ``sig`` query parameter)."""
    return "sig" in request.args


def authorize(request: Request, target: Target, row: Operation, backend: BlobBackend) -> None:
    """Verify the request's SAS for ``row`` on ``target``; return, or raise the service's refusal
    (or the fake's 501 for what it does not model)."""
    if row.rest_name in OAUTH_ONLY:  # whatever the SAS, valid or not (cloud/blob/delegation.py)
        raise StorageError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
    fields = {name: request.args.get(name, "") for name in request.args}
    _refuse_unmodelled(fields, row)
    account_sas = "ss" in fields or "srt" in fields
    delegated = any(name in fields for name in DELEGATION_FIELDS)
    if fields.get("si") and (account_sas or delegated):
        kind = "an account SAS" if account_sas else "a user delegation SAS"
        raise not_modelled(
            "blob",
            row.rest_name,
            f"for {kind} naming a stored access policy (si): the docs say stored access "
            "policies are for service SAS only, and no recording shows how the service refuses "
            "this one.",
        )
    if account_sas:
        _authorize_account_sas(request, fields, target, row, backend)
        return
    version = fields.get("sv", "")
    _check_version(version, delegated, row)
    resource = fields.get("sr", "")
    if not resource:
        raise authentication_failed("sr is mandatory. Cannot be empty")
    if resource not in ("b", "c"):
        raise not_modelled(
            "blob",
            row.rest_name,
            f"for a SAS with sr={resource} (snapshot, version or directory SAS): the fake "
            "verifies container (sr=c) and blob (sr=b) SAS.",
        )
    start, expiry = _instant(fields.get("st", "")), _instant(fields.get("se", ""))
    key = _delegation_key(fields) if delegated else backend.account_key(target.account)
    if key is None:
        raise StorageError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
    text = string_to_sign(fields, target, delegated=delegated)
    _check_signature(fields.get("sig", ""), key, text)
    if fields.get("si"):
        fields, start, expiry = _with_stored_policy(fields, start, expiry, target, row, backend)
    _check_time(start, expiry)
    _check_protocol_and_ip(fields, request)
    _check_permission(fields, resource, target, row, backend)


def string_to_sign(fields: Mapping[str, str], target: Target, *, delegated: bool) -> str:
    """The string to sign of a service (``delegated`` False) or user delegation SAS for a request
    on ``target`` (see the module for the layout by version)."""
    version = fields.get("sv", "")
    resource = f"/blob/{target.account}/{target.container}"
    if fields.get("sr") == "b":
        resource += f"/{target.blob}"
    lines = [fields.get(name, "") for name in ("sp", "st", "se")] + [resource]
    if delegated:
        lines += [fields.get(name, "") for name in DELEGATION_FIELDS]
        if version >= AGENT_FIELDS_VERSION:
            lines += [fields.get(name, "") for name in ("saoid", "suoid", "scid")]
        if version >= DELEGATED_USER_VERSION:
            lines += [fields.get(name, "") for name in ("skdutid", "sduoid")]
    else:
        lines.append(fields.get("si", ""))
    lines += [fields.get(name, "") for name in ("sip", "spr", "sv", "sr")]
    lines.append("")  # the snapshot time: empty for a container or blob SAS
    if version >= ENCRYPTION_SCOPE_VERSION:
        lines.append(fields.get("ses", ""))
    if delegated and version >= REQUEST_BINDING_VERSION:
        lines += [fields.get("srh", ""), fields.get("srq", "")]
    lines += [fields.get(name, "") for name in ("rscc", "rscd", "rsce", "rscl", "rsct")]
    return "\n".join(lines)


def account_string_to_sign(fields: Mapping[str, str], account: str) -> str:
    """An account SAS's string to sign ("Create an account SAS"; azure-storage-blob's
    ``add_account_signature``): the account, then ``sp ss srt st se sip spr sv``, ``ses`` from
    2020-12-06, each line ended by a newline."""
    names = ["sp", "ss", "srt", "st", "se", "sip", "spr", "sv"]
    if fields.get("sv", "") >= ENCRYPTION_SCOPE_VERSION:
        names.append("ses")
    return account + "\n" + "".join(f"{fields.get(name, '')}\n" for name in names)


RESOURCE_TYPE_OF_LEVEL = {"account": "s", "container": "c", "blob": "o"}
"""The ``srt`` letter an operation at each level needs: service, container, object."""


def _authorize_account_sas(
    request: Request,
    fields: Mapping[str, str],
    target: Target,
    row: Operation,
    backend: BlobBackend,
) -> None:
    """An account SAS (``ss``, ``srt``; signed with the account key), as the service checks it:
    the signature, the time frame, protocol and IP, then the service (``b``), the resource type of
    the operation's level and ``sp`` (the letters :data:`PERMISSIONS` names; an operation it does
    not list is a 501: which letters the service asks of it under an account SAS is not modelled)."""
    _check_version(fields.get("sv", ""), False, row)
    start, expiry = _instant(fields.get("st", "")), _instant(fields.get("se", ""))
    key = backend.account_key(target.account)
    if key is None:
        raise StorageError(403, "AuthenticationFailed", AUTHENTICATION_FAILED)
    text = account_string_to_sign(fields, target.account)
    _check_signature(fields.get("sig", ""), key, text)
    _check_time(start, expiry)
    _check_protocol_and_ip(fields, request)
    if "b" not in fields.get("ss", ""):
        raise StorageError(
            403,
            "AuthorizationServiceMismatch",
            "This request is not authorized to perform this operation using this service.",
        )
    if RESOURCE_TYPE_OF_LEVEL[row.level] not in fields.get("srt", ""):
        raise StorageError(
            403,
            "AuthorizationResourceTypeMismatch",
            "This request is not authorized to perform this operation using this resource type.",
        )
    needed = ACCOUNT_SAS_PERMISSIONS.get(row.rest_name) or PERMISSIONS.get(row.rest_name)
    if needed is None:
        raise not_modelled(
            "blob",
            row.rest_name,
            "for an account SAS: the docs' table of account SAS permissions by operation does "
            "not list it, so which sp letters the service asks of it is not modelled.",
        )
    _require_permission(fields.get("sp", ""), needed, target, row, backend)


def _with_stored_policy(
    fields: Mapping[str, str],
    start: datetime | None,
    expiry: datetime | None,
    target: Target,
    row: Operation,
    backend: BlobBackend,
) -> tuple[dict[str, str], datetime | None, datetime | None]:
    """A service SAS's ``sp``, start and expiry with its stored access policy's filled in ("Define
    a stored access policy": each of the three is given by the SAS or by the policy, never by
    both). A policy the container does not hold (or a container that is gone) is the service's
    ``AuthorizationFailure``: such a SAS is revoked. A term given twice, or an expiry or
    permissions given by neither, is the fake's 501: the service refuses it, with a status or
    wording no recording shows."""
    policy = _stored_policy(backend, target, fields["si"])
    if policy is None:
        raise StorageError(
            403, "AuthorizationFailure", "This request is not authorized to perform this operation."
        )
    terms = {"sp": "Permission", "st": "Start", "se": "Expiry"}
    twice = [name for name, element in terms.items() if fields.get(name) and policy.get(element)]
    if twice:
        raise not_modelled(
            "blob",
            row.rest_name,
            f"for a SAS that gives {', '.join(twice)} and names a stored access policy that "
            "gives them too: the service refuses such a SAS (a term is given by one or the "
            "other), with a status no recording shows. Leave them out of the SAS.",
        )
    missing = [
        name
        for name, element in terms.items()
        if name != "st" and not fields.get(name) and not policy.get(element)
    ]
    if missing:
        raise not_modelled(
            "blob",
            row.rest_name,
            f"for a SAS whose stored access policy leaves out {', '.join(missing)} as the SAS "
            "does: the service refuses such a SAS, with a wording no recording shows. Give them "
            "in one of the two.",
        )
    merged = {**fields, "sp": fields.get("sp") or policy["Permission"]}
    return (
        merged,
        start if start is not None else _instant(policy.get("Start", "")),
        expiry if expiry is not None else _instant(policy["Expiry"]),
    )


def _stored_policy(backend: BlobBackend, target: Target, identifier: str) -> dict[str, str] | None:
    """The container's stored access policy ``identifier`` (``Start``, ``Expiry``,
    ``Permission``: those it gives), or None if the container or the policy is not there."""
    try:
        document = backend.get_container(target.account, target.container).signed_identifiers
    except ServiceError:
        return None
    if not document.strip():
        return None
    for signed in ElementTree.fromstring(document).iter("SignedIdentifier"):
        if signed.findtext("Id") == identifier:
            policy = signed.find("AccessPolicy")
            if policy is None:
                return {}
            return {child.tag: (child.text or "").strip() for child in policy if child.text}
    return None


# -- checks --------------------------------------------------------------------------------------


def _check_signature(signature: str, key: str, text: str) -> None:
    """``signature`` must be ``key``'s of ``text``, else the service's "Signature did not match"."""
    try:
        base64.b64decode(signature, validate=True)
        good = hmac.compare_digest(sign(key, text), signature)
    except (binascii.Error, ValueError):
        good = False
    if not good:
        raise authentication_failed(f"Signature did not match. String to sign used was {text}")


def _refuse_unmodelled(fields: Mapping[str, str], row: Operation) -> None:
    for name, what in UNMODELLED_FIELDS.items():
        if fields.get(name):
            raise not_modelled(
                "blob",
                row.rest_name,
                f"for a SAS with {what}: the fake verifies service SAS and user delegation SAS "
                "for a container or blob, without it.",
            )


def _check_version(version: str, delegated: bool, row: Operation) -> None:
    gap = delegated and DELEGATED_USER_VERSION < version < REQUEST_BINDING_VERSION
    if version < SERVICE_MIN_VERSION or gap:
        kind = "user delegation SAS" if delegated else "service SAS"
        raise not_modelled(
            "blob",
            row.rest_name,
            f"for a {kind} signed with sv={version or '(none)'}: the fake knows the string to "
            f"sign of sv {SERVICE_MIN_VERSION} and later"
            + (
                f" except {DELEGATED_USER_VERSION} < sv < {REQUEST_BINDING_VERSION}"
                if delegated
                else ""
            )
            + ". Sign with a newer version (azure-storage-blob signs with its newest).",
        )


def _delegation_key(fields: Mapping[str, str]) -> str | None:
    """The user delegation key the ``sk*`` fields name, if the fake would have issued it and it is
    valid now (the fake's keys are all :data:`values.USER_DELEGATION_KEY`)."""
    if any(not fields.get(name) for name in DELEGATION_FIELDS) or fields["sks"] != "b":
        return None
    start, expiry = _instant(fields["skt"]), _instant(fields["ske"])
    now = datetime.now(timezone.utc)
    if start is None or expiry is None or expiry - start > MAX_KEY_LIFETIME:
        return None
    if not start <= now < expiry:
        return None
    return values.USER_DELEGATION_KEY


def _check_time(start: datetime | None, expiry: datetime | None) -> None:
    now = datetime.now(timezone.utc)
    if expiry is None:
        raise authentication_failed(
            "Signed expiry time must be specified"
        )  # unreachable for a signed se
    if start is not None and expiry <= start:
        raise authentication_failed(
            f"Signed expiry time [{_http(expiry)}] must be after signed start time [{_http(start)}]"
        )
    if (start is not None and now < start) or now >= expiry:
        shown = _http(start) if start is not None else ""
        raise authentication_failed(
            f"Signature not valid in the specified time frame: Start [{shown}] - Expiry "
            f"[{_http(expiry)}] - Current [{_http(now)}]"
        )


def _check_protocol_and_ip(fields: Mapping[str, str], request: Request) -> None:
    protocols = {part.strip() for part in fields.get("spr", "").split(",") if part.strip()}
    if protocols and "https" not in protocols:
        raise StorageError(
            403,
            "AuthorizationProtocolMismatch",
            "This request is not authorized to perform this operation using this protocol.",
        )
    allowed = fields.get("sip", "")
    if not allowed:
        return
    caller = request.remote_addr or "127.0.0.1"
    low, _, high = allowed.partition("-")
    try:
        address = ipaddress.ip_address(caller)
        first, last = ipaddress.ip_address(low), ipaddress.ip_address(high or low)
        same = address.version == first.version == last.version
        inside = same and int(first) <= int(address) <= int(last)
    except (TypeError, ValueError):
        inside = False
    if not inside:
        raise StorageError(
            403,
            "AuthorizationSourceIPMismatch",
            "This request is not authorized to perform this operation using this source IP "
            f"{caller}.",
        )


def _check_permission(
    fields: Mapping[str, str], resource: str, target: Target, row: Operation, backend: BlobBackend
) -> None:
    needed = PERMISSIONS.get(row.rest_name)
    if needed is None:
        raise StorageError(
            403, "AuthorizationFailure", "This request is not authorized to perform this operation."
        )
    if resource == "b" and row.rest_name in CONTAINER_LEVEL:
        raise StorageError(
            403,
            "AuthorizationResourceTypeMismatch",
            "This request is not authorized to perform this operation using this resource type.",
        )
    _require_permission(fields.get("sp", ""), needed, target, row, backend)


def _require_permission(
    granted: str, needed: str, target: Target, row: Operation, backend: BlobBackend
) -> None:
    """One of the ``needed`` letters must be ``granted`` (``w`` to create over an existing blob)."""
    if row.rest_name in CREATING and _exists(backend, target):
        needed = "w"
    if not any(letter in granted for letter in needed):
        raise StorageError(
            403,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
        )


def _exists(backend: BlobBackend, target: Target) -> bool:
    """Whether the blob exists (a missing container or blob: the service's 404s, so no)."""
    try:
        backend.get_blob(target.account, target.container, target.blob)
    except ServiceError:
        return False
    return True


# -- values --------------------------------------------------------------------------------------


FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: str) -> datetime:
    """A SAS or stored access policy time (ISO 8601 UTC: ``2026-12-02``, ``2026-12-02T10:00Z``,
    ``...:00Z``, any number of fraction digits, as the service writes them with seven), in UTC;
    ``ValueError`` if it is not one. The fraction is cut to the six digits every supported
    Python's ``fromisoformat`` reads (3.10's takes three or six only)."""
    shown = FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text.strip())
    moment = datetime.fromisoformat(shown.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _instant(text: str) -> datetime | None:
    """A SAS time (:func:`parse_time`), None if absent; one that does not parse is the service's
    "Signature fields not well formed."."""
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise authentication_failed("Signature fields not well formed.") from None


def _http(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)
