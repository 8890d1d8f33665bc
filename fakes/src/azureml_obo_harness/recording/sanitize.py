"""Sanitizing: every real value in an interaction becomes one fixed fake value, before any write.

The sanitizer works on vcrpy's serialized form of an interaction (``{"request": {...}, "response":
{...}}``). It maps each real value to a fake one and keeps the map for the whole cassette, so the
same real subscription, GUID or storage account becomes the same fake everywhere it appears, and a
sanitized cassette replays against the fakes (``azureml_obo_harness.values``) unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from azureml_obo_harness import values
from azureml_obo_harness.scan.patterns import (
    ACCOUNT_KEY,
    BEARER,
    CLIENT_IP_FIELDS,
    CONNECTION_SECRET,
    CONNECTION_STRING_FIELDS,
    CREDENTIAL_FIELDS,
    EMAIL,
    FAKE_GUID_PREFIX,
    FAKE_IP,
    FAKE_IPV6,
    GUID_PATTERN,
    JWT,
    NETWORK_INFO_ADDR,
    SANITIZED,
    SAS_SIG,
    SOURCE_CONTROL_FIELDS,
    TOKEN_FIELDS,
    USER_FIELDS,
    field_name,
    ip_addresses,
    is_fake_email,
    is_fake_ip,
    is_fake_user,
    is_placeholder,
    is_vault_secret_uri,
)
from azureml_obo_harness.scan.scanner import MIN_REAL_VALUE_LENGTH
from azureml_obo_harness.tokens import is_fake_token

Interaction = dict[str, Any]
Rule = Callable[[Interaction], None]
"""An extra sanitizing rule: mutates one serialized interaction in place."""

SECRET_HEADERS = {"authorization", "x-azureml-token", "obo-access-token", "x-ms-proxy-host"}
DROPPED_HEADERS = {"cookie", "set-cookie"}
SAS_PARAMETERS = ("sig", "skoid", "sktid", "skt", "ske", "st", "se", "sks", "skv", "sip")
SECRET_FIELDS = TOKEN_FIELDS | CREDENTIAL_FIELDS
"""Fields (by :func:`~azureml_obo_harness.scan.patterns.field_name`) whose value becomes
``sanitized`` wherever they are: JSON at any depth, headers, query strings, form bodies."""

_GUID = re.compile(rf"(?<![0-9a-fA-F]){GUID_PATTERN}(?![0-9a-fA-F])")
# A whole PEM block (its lines may be joined by escaped newlines inside JSON), or a lone header.
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?(?:-----END \1-----|$)", re.S)
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# A named parameter inside a URL or a form in free text (the scan reads those by name too).
_PARAMETER = re.compile(r"(?<=[?&])([\w.~%\-\[\]]+)=([^&#\s\"'\\]*)")
_FORM = re.compile(r"[\w.~%+\-\[\]]+=[^&\s;]*(?:&[\w.~%+\-\[\]]+=[^&\s;]*)*")
_VAULT_HOST = re.compile(r"\b([a-zA-Z0-9-]{3,24})\.vault\.azure\.(?:net|cn)\b")
_BLOB_HOST = re.compile(r"\b([a-z0-9]{3,24})\.blob\.core\.windows\.net\b")
_JSON_TYPES = ("json", "javascript")
_DELEGATION_KEY_VALUE = re.compile(
    r"(<UserDelegationKey\b(?:(?!</UserDelegationKey>).)*?<Value>)([^<]*)(</Value>)", re.S
)
# Where a real identity or name sits in Azure's URLs and headers, and the fake it becomes.
_CONTEXTUAL = (
    (re.compile(rf"/subscriptions/({GUID_PATTERN})", re.I), values.SUBSCRIPTION_ID),
    # Only inside resource ids: "Microsoft.MachineLearningServices/workspaces/codes/versions" is
    # a resource type, and "codes" is no workspace.
    (
        re.compile(rf"/subscriptions/{GUID_PATTERN}/resourceGroups/([^/?&#\"'\s]+)", re.I),
        values.RESOURCE_GROUP,
    ),
    (
        re.compile(
            r"(?:/providers/Microsoft\.MachineLearningServices|/resourceGroups/[^/?&#\"'\s]+)"
            r"/workspaces/([^/?&#\"'\s]+)",
            re.I,
        ),
        values.WORKSPACE_NAME,
    ),
    (re.compile(rf"login\.microsoftonline\.com/({GUID_PATTERN})", re.I), values.TENANT_ID),
    (re.compile(rf"sts\.windows\.net/({GUID_PATTERN})", re.I), values.TENANT_ID),
    (re.compile(rf"tenantId=({GUID_PATTERN})", re.I), values.TENANT_ID),
    (re.compile(rf"[?&]tid=({GUID_PATTERN})", re.I), values.TENANT_ID),
    (re.compile(rf"objectId=({GUID_PATTERN})", re.I), values.USER_OBJECT_ID),
    (re.compile(rf"oid=({GUID_PATTERN})", re.I), values.USER_OBJECT_ID),
)


class Sanitizer:
    """Replaces real values with fakes across a cassette; remembers what it replaced.

    ``known`` maps real values the run knows up front (subscription, resource group, workspace,
    vault URL...) to their fakes; ``extra_rules`` run after the built-in ones on every interaction.
    ``real_values`` is everything replaced so far: the scan searches the written text for each.
    ``blob_content`` replaces the content of every downloaded blob (live: the user's data); None
    keeps it as served (against the fake Azure, where it is fake already).
    """

    def __init__(
        self,
        *,
        known: Mapping[str, str] | None = None,
        extra_rules: Iterable[Rule] = (),
        blob_content: bytes | None = None,
    ) -> None:
        self._map: dict[str, str] = {}
        self._guids = 0
        self.extra_rules = list(extra_rules)
        self.blob_content = blob_content
        for real, fake in (known or {}).items():
            self.remember(real, fake)

    @property
    def real_values(self) -> list[str]:
        """Every real value this sanitizer has replaced."""
        return list(self._map)

    def remember(self, real: str, fake: str) -> None:
        """Replace ``real`` with ``fake`` from now on (ignored when they are equal or ``real`` empty)."""
        if real and real != fake and real not in self._map:
            self._map[real] = fake

    def remember_secret(self, real: str) -> None:
        """Replace ``real`` (a token, a key) with ``sanitized`` wherever it appears."""
        self.remember(real, SANITIZED)

    # -- values -----------------------------------------------------------------------------
    def _fake_guid(self, match: re.Match[str]) -> str:
        real = match.group(0)
        if real.lower().startswith(FAKE_GUID_PREFIX):
            return real
        for candidate in (real, real.lower()):
            if candidate in self._map:
                return self._map[candidate]
        self._guids += 1
        fake = f"{FAKE_GUID_PREFIX}{0x100 + self._guids:012x}"
        self._map[real.lower()] = fake
        return fake

    def _secret(self, real: str) -> str:
        self.remember_secret(real)
        return SANITIZED

    def _account_key(self, real: str) -> str:
        """A storage account key becomes the fake one, base64 as the real one is: the SDKs decode
        an account key to sign with it (a datastore's ``listSecrets`` key signs ``jobs.stream``'s
        SAS; a connection string's signs Shared Key), so a replay still can."""
        if is_placeholder(real):
            return real
        self.remember(real, values.STORAGE_ACCOUNT_KEY)
        return values.STORAGE_ACCOUNT_KEY

    def _scrub_secret_shapes(self, text: str) -> str:
        """Whatever looks like a credential, wherever it is: what the leak scan looks for."""
        text = JWT.sub(lambda m: m[0] if is_fake_token(m[0]) else self._secret(m[0]), text)

        def group(match: re.Match[str]) -> str:
            value = match.group(1)
            if value is None or value == SANITIZED or is_fake_token(value):
                return match.group(0)
            return match.group(0).replace(value, self._secret(value))

        for pattern in (BEARER, SAS_SIG):
            text = pattern.sub(group, text)
        text = ACCOUNT_KEY.sub(
            lambda m: (
                m[0].replace(m[1], self._account_key(m[1]))
                if m.group(1) is not None
                else self._account_key(m[0])
            ),
            text,
        )
        text = CONNECTION_SECRET.sub(
            lambda m: m[0] if is_placeholder(m[1]) else m[0].replace(m[1], self._secret(m[1])), text
        )
        text = NETWORK_INFO_ADDR.sub(lambda m: m[0].replace(m[1], _fake_ips(m[1])), text)
        return _PEM_BLOCK.sub(lambda m: f"<{m.group(1).lower()} sanitized>", text)

    def text(self, text: str) -> str:
        """Sanitize free text: credential shapes, known values, GUIDs, e-mail addresses, vault
        and storage hosts."""
        text = self._scrub_secret_shapes(text)
        text = _PARAMETER.sub(self._parameter, text)
        for match in _VAULT_HOST.finditer(text):
            if match.group(1).lower() != values.VAULT_NAME:
                self.remember(match.group(1), values.VAULT_NAME)
        for match in _BLOB_HOST.finditer(text):
            if match.group(1) not in (values.STORAGE_ACCOUNT, "azuremlexamples"):
                self.remember(match.group(1), values.STORAGE_ACCOUNT)
        for pattern, fake in _CONTEXTUAL:
            for match in pattern.finditer(text):
                real = match.group(1)
                if real.lower() != fake.lower():
                    self.remember(real, fake)
                    self.remember(real.lower(), fake)
        text = self._known(text)
        text = _GUID.sub(self._fake_guid, text)
        return EMAIL.sub(
            lambda m: m.group(0) if is_fake_email(m.group(0)) else values.DEFAULT_USER.upn, text
        )

    def _known(self, text: str) -> str:
        """Every value replaced so far, replaced in ``text`` too (the longest first)."""
        for real in sorted(self._map, key=len, reverse=True):
            if real in text:
                text = text.replace(real, self._map[real])
        return text

    def _named(self, key: str | None, data: str, *, secret_value: bool = False) -> str | None:
        """The value a field's name calls for, or None when its name carries no rule."""
        name = field_name(key or "")
        if name in SECRET_FIELDS:
            if not data or is_placeholder(data):
                return data
            if ACCOUNT_KEY.fullmatch(data):  # a datastore's AccountKey secret, an accountKey field
                return self._account_key(data)
            if len(data) >= MIN_REAL_VALUE_LENGTH:  # a short one would be replaced everywhere
                self.remember(data, SANITIZED)
            return SANITIZED
        if name == "value" and secret_value:
            self.remember(data, values.SECRET_VALUE)
            return values.SECRET_VALUE
        if name in SOURCE_CONTROL_FIELDS and data:  # the submitter's checkout
            fake = SOURCE_CONTROL_FIELDS[name]
            # A commit or a URL is distinctive enough to replace wherever else it is written;
            # a branch name ("develop") or a build number is not.
            if len(data) >= 20 and data != fake:
                self.remember(data, fake)
            return fake
        if name in USER_FIELDS and data and not is_fake_user(data):
            self.remember(data, values.DEFAULT_USER.name)
            return values.DEFAULT_USER.name
        if name in CLIENT_IP_FIELDS:
            return self.text(_fake_ips(data))
        if name in CONNECTION_STRING_FIELDS:
            return self.uri(data)
        return None

    def _parameter(self, match: re.Match[str]) -> str:
        value = unquote(match.group(2))
        named = self._named(unquote(match.group(1)), value)
        if named is None or named == value:
            return match.group(0)
        return f"{match.group(1)}={quote(named, safe='')}"

    def _json(self, data: Any, *, key: str | None = None, secret_value: bool = False) -> Any:
        if isinstance(data, dict):
            return {k: self._json(v, key=k, secret_value=secret_value) for k, v in data.items()}
        if isinstance(data, list):
            return [self._json(item, key=key, secret_value=secret_value) for item in data]
        if not isinstance(data, str):
            return data
        named = self._named(key, data, secret_value=secret_value)
        if named is not None:
            return named
        return self._string(data, secret_value=secret_value)

    def _string(self, data: str, *, secret_value: bool) -> str:
        """A string that may hold more structure (JSON, a form), as the scan reads it."""
        stripped = data.strip()
        if stripped[:1] in ("{", "["):
            try:
                nested = json.loads(stripped)
            except ValueError:
                pass
            else:
                return json.dumps(self._json(nested, secret_value=secret_value))
        if _FORM.fullmatch(stripped) and not stripped.startswith(("http://", "https://")):
            return self.form(stripped)
        return self.text(data)

    def form(self, body: str) -> str:
        """Sanitize a form-encoded body field by field (``client_secret``, ``refresh_token``...)."""
        fields = parse_qsl(body, keep_blank_values=True)
        encoded = urlencode(
            [(self.text(key), self._form_value(key, value)) for key, value in fields]
        )
        # pairs with a shape of their own (sig=...), and a known value that spans the syntax: a
        # JSON string "0000000=" reads as a form, whose one field's name and value hold no part
        # that is the whole value (a Hypothesis draw found it)
        return self._known(self._scrub_secret_shapes(encoded))

    def _form_value(self, key: str, value: str) -> str:
        named = self._named(key, value)
        return named if named is not None else self._string(value, secret_value=False)

    def _xml_keys(self, text: str) -> str:
        """Blob's user delegation key (``<UserDelegationKey>...<Value>KEY</Value>``: it signs SAS
        URLs as the user) becomes :data:`~azureml_obo_harness.values.USER_DELEGATION_KEY`, here and
        wherever else the run wrote it."""

        def fake(match: re.Match[str]) -> str:
            self.remember(match.group(2).strip(), values.USER_DELEGATION_KEY)
            return f"{match.group(1)}{values.USER_DELEGATION_KEY}{match.group(3)}"

        return _DELEGATION_KEY_VALUE.sub(fake, text)

    def uri(self, uri: str) -> str:
        """Sanitize a URL: the text rules apply, then SAS parameters become ``sanitized``.

        The text rules come first because a SAS parameter's value ends at whitespace here (this
        also runs over XML bodies, where a URL ends there): ``se=Bearer <token>`` would otherwise
        lose only its first word and keep the token."""
        uri = self.text(uri)
        for parameter in SAS_PARAMETERS:
            uri = re.sub(rf"([?&]{parameter}=)[^&#\"'\s]*", rf"\g<1>{SANITIZED}", uri)
        return uri

    # -- interactions -------------------------------------------------------------------------
    def _headers(self, headers: dict[str, list[str]]) -> dict[str, list[str]]:
        cleaned: dict[str, list[str]] = {}
        for name, header_values in headers.items():
            lowered = name.lower()
            if lowered in DROPPED_HEADERS:
                continue
            if lowered in SECRET_HEADERS or field_name(name) in SECRET_FIELDS:
                scheme = "Bearer " if lowered == "authorization" else ""
                for value in header_values:
                    credential = value.split(" ", 1)[-1]
                    if len(credential) >= MIN_REAL_VALUE_LENGTH and not is_placeholder(value):
                        self.remember_secret(credential)
                cleaned[name] = [f"{scheme}{SANITIZED}" for _ in header_values]
                continue
            if lowered == "user-agent":
                cleaned[name] = ["sanitized-user-agent"]
                continue
            if lowered in ("location", "azure-asyncoperation", "content-location"):
                cleaned[name] = [self.uri(v) for v in header_values]
            elif field_name(name) in CLIENT_IP_FIELDS:
                cleaned[name] = [self.text(_fake_ips(v)) for v in header_values]
            else:
                cleaned[name] = [self.text(_IPV4.sub(FAKE_IP, v)) for v in header_values]
        return cleaned

    def _body(self, body: Any, *, content_type: str, secret_value: bool) -> Any:
        raw: bytes | str | None = body
        if raw is None or raw in (b"", ""):
            return body
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if any(kind in content_type for kind in _JSON_TYPES) or text.lstrip().startswith(
            ("{", "[")
        ):
            try:
                data = json.loads(text)
            except ValueError:
                pass
            else:
                return json.dumps(self._json(data, secret_value=secret_value))
        if "x-www-form-urlencoded" in content_type:
            return self.form(text)
        if "xml" in content_type or text.lstrip().startswith("<"):
            return self.uri(self._xml_keys(text))
        # Anything else (uploaded files, octet streams) is the user's content: keep only a digest.
        digest = hashlib.sha256(raw if isinstance(raw, bytes) else raw.encode()).hexdigest()
        return f"<{len(raw)} bytes, sha256 {digest[:16]}, content sanitized>"

    def interaction(self, interaction: Interaction) -> Interaction:
        """Sanitize one serialized interaction in place and return it."""
        request, response = interaction["request"], interaction["response"]
        request["uri"] = self.uri(request["uri"])
        is_secret = is_vault_secret_uri(request["uri"]) or (
            "/secrets/" in request["uri"] and ".vault." in request["uri"]
        )
        request["headers"] = self._headers(request.get("headers", {}))
        request_type = _content_type(request["headers"])
        request["body"] = self._body(
            request.get("body"), content_type=request_type, secret_value=is_secret
        )
        response["headers"] = self._headers(response.get("headers", {}))
        body = response.get("body", {})
        if _is_blob_download(request, response):
            self._blob_download(response)
        else:
            body["string"] = self._body(
                body.get("string"),
                content_type=_content_type(response["headers"]),
                secret_value=is_secret,
            )
        for rule in self.extra_rules:
            rule(interaction)
        return interaction

    def _blob_download(self, response: dict[str, Any]) -> None:
        """A downloaded blob's content becomes ``blob_content``, with the headers that describe it
        (length, range, MD5) made to agree, so the storage SDK replays it without asking again."""
        if self.blob_content is None:
            return
        content, size = self.blob_content, len(self.blob_content)
        headers = response["headers"]
        for name in list(headers):
            lowered = name.lower()
            if lowered == "content-length":
                headers[name] = [str(size)]
            elif lowered == "content-range":
                headers[name] = [f"bytes 0-{size - 1}/{size}"]
            elif lowered in ("content-md5", "x-ms-blob-content-md5"):
                headers[name] = [base64.b64encode(hashlib.md5(content).digest()).decode()]
            elif lowered == "x-ms-content-crc64":
                del headers[name]
        response["body"]["string"] = content.decode("utf-8", errors="replace")


def _fake_ips(text: str) -> str:
    """``text`` with every address but loopback and the documentation ranges made the fake one."""
    for address in ip_addresses(text):
        if not is_fake_ip(address):
            text = text.replace(address, FAKE_IPV6 if ":" in address else FAKE_IP)
    return text


def _is_blob_download(request: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
    """A blob's content in the response: a successful GET of a blob (not a listing, not XML)."""
    uri = str(request.get("uri", ""))
    status = response.get("status", {}).get("code")
    return (
        request.get("method") == "GET"
        and _BLOB_HOST.search(uri.split("?", 1)[0]) is not None
        and "comp=" not in uri
        and status in (200, 206)
        and "xml" not in _content_type(response.get("headers", {}))
    )


def _content_type(headers: Mapping[str, list[str]]) -> str:
    for name, header_values in headers.items():
        if name.lower() == "content-type" and header_values:
            return header_values[0].lower()
    return ""
