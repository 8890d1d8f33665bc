"""The detectors: by shape on every line of text, by name on every field.

A value is reported once, under its most telling kind: a field whose value has a secret's shape (a
JWT under ``access_token``, an e-mail under ``createdBy``) is the shape's finding, found on its
line; the field rules judge what no shape gives away (an opaque refresh token, a display name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import unquote

from azureml_obo_harness import values
from azureml_obo_harness.scan.fields import Field
from azureml_obo_harness.scan.finding import redact
from azureml_obo_harness.scan.patterns import (
    ACCOUNT_KEY,
    BEARER,
    CLIENT_IP_FIELDS,
    CONNECTION_SECRET,
    CREDENTIAL_FIELDS,
    EMAIL,
    GUID,
    JWT,
    NETWORK_INFO_ADDR,
    PEM_HEADER,
    SANITIZED,
    SAS_SIG,
    SOURCE_CONTROL_FIELDS,
    TOKEN_FIELDS,
    USER_FIELDS,
    field_name,
    ip_addresses,
    is_fake_email,
    is_fake_guid,
    is_fake_ip,
    is_fake_user,
    is_placeholder,
    is_vault_secret_uri,
)
from azureml_obo_harness.tokens import is_fake_token

Hit = tuple[str, str, str]
"""(kind, what to print, the value found)"""

_TEXT_FIELD = re.compile(
    r"(?P<name>[A-Za-z][\w.-]{1,40})[\"']?\s*[:=]\s*[\"']?(?P<value>[^\"'&\s,;}]+)"
)
"""``name=value`` or ``"name": "value"`` on one line: the fields of text that parses as no tree."""


def line_hits(line: str, real_values: Sequence[str] = ()) -> Iterator[Hit]:
    """The shapes on one line of text, and the run's real values (lowered, longest first)."""
    for match in JWT.finditer(line):
        if not is_fake_token(match.group(0)):
            yield "jwt", f"a JSON Web Token that is not a fake one: {redact(match[0])}", match[0]
    for match in BEARER.finditer(line):
        token = match.group(1)
        if token != SANITIZED and not is_fake_token(token) and not JWT.fullmatch(token):
            yield "bearer", f"a bearer credential: {redact(token)}", token
    for match in SAS_SIG.finditer(line):
        if match.group(1) != SANITIZED:
            yield "sas-signature", f"a SAS signature: sig={redact(match.group(1))}", match[1]
    for match in ACCOUNT_KEY.finditer(line):
        key = match.group(1) if match.group(1) is not None else match.group(0)
        if key not in (SANITIZED, values.STORAGE_ACCOUNT_KEY):  # the fake key signs in replay
            yield "account-key", f"a storage account key: {redact(key)}", key
    for match in CONNECTION_SECRET.finditer(line):
        if not is_placeholder(match.group(1)):
            part = match.group(0).split("=", 1)[0]
            yield "connection-string", f"{part}={redact(match.group(1))}", match[1]
    pem = PEM_HEADER.search(line)
    if pem is not None:
        yield "pem", "a PEM block (certificate or private key)", pem.group(0)
    for match in GUID.finditer(line):
        if not is_fake_guid(match.group(0)):
            yield "guid", f"a GUID outside the fake set: {match.group(0)[:8]}-...", match[0]
    for match in EMAIL.finditer(line):
        if not is_fake_email(match.group(0)):
            yield "email", f"an e-mail address: {redact(match.group(0))}", match[0]
    for match in NETWORK_INFO_ADDR.finditer(line):
        if not is_fake_ip(match.group(1)):
            yield "ip-address", f"a client address: addr={redact(match.group(1))}", match[1]
    lowered = line.lower()
    for value in real_values:
        if value in lowered:
            yield "real-value", f"a value this run saw for real: {redact(value)}", value


def has_shape(value: str) -> bool:
    """Whether a line rule reports ``value`` by its shape already."""
    return any(kind != "real-value" for kind, _what, _value in line_hits(value))


def field_hits(item: Field) -> Iterator[Hit]:
    """What a field's name says its value must not be."""
    name, value = field_name(item.name), item.value
    if name in CLIENT_IP_FIELDS:
        for address in ip_addresses(value):
            if not is_fake_ip(address):
                yield "ip-address", f"{item.name}: {redact(address)}", address
        return
    if not value.strip() or has_shape(value):
        return
    if name in TOKEN_FIELDS and not is_placeholder(value):
        yield "token-field", f"{item.name} = {redact(value)}", value
    elif name in CREDENTIAL_FIELDS and not is_placeholder(value):
        yield "credential-field", f"{item.name} = {redact(value)}", value
    elif name in USER_FIELDS and not is_fake_user(value):
        yield "user-name", f"{item.name} = {redact(value)}", value
    elif (
        name in SOURCE_CONTROL_FIELDS
        and value != SOURCE_CONTROL_FIELDS[name]
        and not is_placeholder(value)
    ):
        yield "source-control", f"{item.name} = {redact(value)}", value
    elif (
        name == "value"
        and is_vault_secret_uri(item.uri)
        and value != values.SECRET_VALUE
        and not is_placeholder(value)
    ):
        yield "secret-value", f"a Key Vault secret's value: {redact(value)}", value


def text_fields(text: str) -> Iterator[Field]:
    """``name=value`` and ``"name": "value"`` pairs, line by line, for text that is no tree."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _TEXT_FIELD.finditer(line):
            # ``AccountKey=...`` in a connection string: the line rules report the pair's shape.
            if not has_shape(match.group(0)):
                yield Field(match["name"], unquote(match["value"]), number, number, "")
