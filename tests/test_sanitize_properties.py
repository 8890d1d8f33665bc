"""Property-based tests: every kind of leak, in every location it can occur, is scrubbed by the
sanitizer and caught by the scan.

Hypothesis builds interactions with one secret of one kind placed in one location (a header, a
query parameter, a JSON field at any depth, a form field) and checks that:

- after sanitizing, the secret is gone and the leak scan finds nothing;
- planted into an interaction *after* sanitizing (a cassette edited by hand, or written by another
  tool), the scan, knowing nothing of the run, finds it under the right kind;
- sanitizing twice changes nothing more.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from typing import Any

from azureml_obo_harness import values
from azureml_obo_harness.recording.sanitize import Sanitizer
from azureml_obo_harness.scan import scan_text
from azureml_obo_harness.scan.patterns import (
    CREDENTIAL_FIELDS,
    TOKEN_FIELDS,
    USER_FIELDS,
    field_name,
    is_fake_ip,
    is_placeholder,
)
from azureml_obo_harness.scan.rules import has_shape
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.leak_planting import LOCATIONS as ALL
from tests.leak_planting import Secret, cassette_text, clean_interaction, plant, skeleton

EXAMPLES = 150
"""Examples per property and run (README, Reliability, counts them)."""


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).filter(
    # Not a name that gives what it holds a kind of its own: a token, credential or user field,
    # a Key Vault value, or ``sig`` (``sig=`` anywhere is a SAS signature to the scan, so an
    # account key planted as ``?sig=<key>`` is two leaks; a draw found it).
    lambda n: (
        field_name(n) not in TOKEN_FIELDS | CREDENTIAL_FIELDS | USER_FIELDS | {"value"}
        and n != "sig"
    )
)
b64url = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    min_size=12,
    max_size=40,
).filter(lambda v: not is_placeholder(v))  # FAKE... is a placeholder
opaque = b64url.filter(lambda v: not has_shape(v))
"""A secret with no shape of its own: an opaque refresh token, a password, a client secret."""
secret_values = opaque.filter(lambda v: v.lower() not in values.SECRET_VALUE.lower())
"""A Key Vault secret's value, other than a part of the fake one that replaces it (Hypothesis
draws strings from the code's own constants: ``secret-value``, in ``fake-secret-value``, is no
leak left behind)."""


def _jwt(payload: str, signature: str) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}').rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(json.dumps({"sub": payload}).encode()).rstrip(b"=")
    return f"{header}.{claims.decode()}.{signature}"


hex_digits = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32).filter(
    lambda h: not h.startswith("0" * 20)  # outside the fake GUID set
)
public_ips = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).filter(
    lambda a: (
        a.is_global
        and not is_fake_ip(str(a))
        and not (
            isinstance(a, ipaddress.IPv6Address) and (a.ipv4_mapped or a.sixtofour or a.teredo)
        )
    )
)
# A person's name; one starting with "fake" is the harness's own placeholder convention (scan
# patterns: anything named fake... stands in for a value), so it is no real person's to plant.
person = (
    st.tuples(names, names)
    .map(lambda t: f"{t[0].title()} {t[1].title()}")
    .filter(lambda name: not is_placeholder(name))
)


def _by_field(kind: str, fields: list[str], values: st.SearchStrategy[str]) -> Any:
    return st.builds(lambda f, v: Secret(kind, f, v, v), st.sampled_from(fields), values)


SECRETS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "jwt": (st.builds(_jwt, b64url, b64url).map(lambda t: Secret("jwt", None, t, t)), ALL),
    "guid": (
        hex_digits.map(lambda h: f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}").map(
            lambda g: Secret("guid", None, g, g)
        ),
        ALL,
    ),
    "sas-signature": (b64url.map(lambda s: Secret("sas-signature", None, f"sig={s}", s)), ALL),
    "bearer": (b64url.map(lambda s: Secret("bearer", None, f"Bearer {s}", s)), ALL),
    "account-key": (
        st.one_of(
            st.binary(min_size=64, max_size=64)
            .map(lambda b: base64.b64encode(b).decode())
            .map(lambda k: Secret("account-key", None, k, k)),
            b64url.map(lambda s: Secret("account-key", None, f"AccountName=x;AccountKey={s};", s)),
        ),
        ALL,
    ),
    "connection-string": (
        b64url.map(
            lambda s: Secret(
                "connection-string",
                None,
                f"Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey={s}",
                s,
            )
        ),
        ALL,
    ),
    "pem": (
        b64url.map(
            lambda s: Secret(
                "pem", None, f"-----BEGIN PRIVATE KEY-----\n{s}\n-----END PRIVATE KEY-----", s
            )
        ),
        ALL,
    ),
    "email": (
        names.map(lambda n: f"{n}@contoso-corp.com").map(lambda e: Secret("email", None, e, e)),
        ALL,
    ),
    "token-field": (
        _by_field(
            "token-field",
            ["refresh_token", "access_token", "id_token", "sasToken", "client_assertion"],
            opaque,
        ),
        ALL,
    ),
    "credential-field": (
        _by_field(
            "credential-field",
            ["client_secret", "password", "secret", "key", "apiKey", "accountKey", "api-key"],
            opaque,
        ),
        ALL,
    ),
    "secret-value": (_by_field("secret-value", ["value"], secret_values), ("json",)),
    "user-name": (
        _by_field("user-name", ["createdBy", "lastModifiedBy", "userName", "userPuId"], person),
        ("json", "query", "form"),
    ),
    "source-control": (
        _by_field(
            "source-control",
            ["mlflow.source.git.repoURL", "mlflow.source.git.branch", "mlflow.source.git.commit"],
            names.map(lambda n: f"users/{n}/work-item"),
        ),
        ("json",),
    ),
    "ip-address": (
        st.builds(
            lambda f, a: Secret("ip-address", f, str(a), str(a)),
            st.sampled_from(["clientIpAddress", "X-Forwarded-For", "clientIp"]),
            public_ips,
        )
        | public_ips.map(
            lambda a: Secret(
                "ip-address",
                "x-ms-keyvault-network-info",
                f"conn_type=Ipv4;addr={a};act_addr_fam=InterNetwork;",
                str(a),
            )
        ),
        ALL,
    ),
}
"""Every kind the scan knows by itself (``real-value`` needs a run), and where it can occur."""

planted_leaks = st.one_of(
    [st.tuples(SECRETS[kind][0], st.sampled_from(SECRETS[kind][1])) for kind in sorted(SECRETS)]
)
"""A secret of any kind, in a location it can occur in. Built once: a ``flatmap`` from the kind
would build (and Hypothesis validate) new strategies for every draw, a third of these tests'
time."""


@settings(max_examples=EXAMPLES, deadline=None)
@given(planted_leaks, names, st.integers(min_value=0, max_value=6))
# Found by this test: in a raw query, a SAS parameter's value ended at the space, so
# ``se=Bearer <token>`` lost "Bearer" and kept the token (the text rules now run first).
@example((Secret("bearer", None, "Bearer 000000000000", "000000000000"), "query"), "se", 0)
def test_a_leak_anywhere_is_removed_and_the_scan_finds_nothing(
    leak: tuple[Secret, str], key: str, depth: int
) -> None:
    secret, location = leak
    # The secret is not also part of the fixed text around it ("CONTENT-TYPE" as a SAS sig).
    assume(secret.core.lower() not in skeleton(secret, location, key, depth))
    sanitizer = Sanitizer()
    interaction = sanitizer.interaction(plant(clean_interaction(), secret, location, key, depth))
    text = cassette_text(interaction)
    assert secret.core not in json.dumps(interaction)
    assert scan_text(text, real_values=sanitizer.real_values) == []


@settings(max_examples=EXAMPLES, deadline=None)
@given(planted_leaks, names, st.integers(min_value=0, max_value=6))
def test_a_leak_planted_after_sanitizing_is_caught_under_its_kind(
    leak: tuple[Secret, str], key: str, depth: int
) -> None:
    secret, location = leak
    sanitized = Sanitizer().interaction(clean_interaction())
    text = cassette_text(plant(sanitized, secret, location, key, depth))
    findings = scan_text(text)
    assert {finding.rule for finding in findings} == {secret.kind}
    assert all(secret.core not in finding.what for finding in findings)  # masked


@settings(max_examples=EXAMPLES, deadline=None)
@given(planted_leaks, names, st.integers(min_value=0, max_value=6))
def test_sanitizing_is_idempotent(leak: tuple[Secret, str], key: str, depth: int) -> None:
    secret, location = leak
    once = Sanitizer().interaction(plant(clean_interaction(), secret, location, key, depth))
    twice = Sanitizer().interaction(json.loads(json.dumps(once)))
    assert json.dumps(twice, sort_keys=True) == json.dumps(once, sort_keys=True)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.text(min_size=8, max_size=30).filter(lambda v: v.strip() == v and "\\" not in v),
    st.sampled_from(ALL),
    names,
    st.integers(min_value=0, max_value=6),
)
# Found by this test: a JSON string holding only "0000000=" reads as a form, whose one field
# ("0000000", "") holds no part that is the whole value, so the value was kept.
@example("0000000=", "json", "a", 0)
@example("name=value", "json", "a", 0)
def test_a_known_real_value_anywhere_becomes_its_fake(
    real: str, location: str, key: str, depth: int
) -> None:
    secret = Secret("real-value", None, real, real)
    # A real value is a value: not part of the field names or the fixed text around it.
    empty = Secret("", None, "", "")
    assume(real not in json.dumps(plant(clean_interaction(), empty, location, key, depth)))
    sanitizer = Sanitizer(known={real: "fake-value"})
    text = json.dumps(
        sanitizer.interaction(plant(clean_interaction(), secret, location, key, depth))
    )
    assert json.dumps(real)[1:-1] not in text
