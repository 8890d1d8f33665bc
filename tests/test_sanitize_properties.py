"""Property-based tests of sanitizing: a secret-shaped value anywhere in an interaction is removed.

Hypothesis builds interactions with a secret of one kind placed in one location (a header, a query
parameter, a JSON field at any depth, a form field) and checks that after sanitizing the secret is
gone and the leak scan finds nothing; and that sanitizing twice changes nothing more.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from azureml_obo_harness.recording.sanitize import Sanitizer
from azureml_obo_harness.scan import scan_text
from hypothesis import assume, given, settings
from hypothesis import strategies as st

EXAMPLES = 150
"""Examples per property and run (README, Reliability, counts them)."""

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
b64url = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    min_size=12,
    max_size=40,
)


def _jwt(payload: str, signature: str) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}').rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(json.dumps({"sub": payload}).encode()).rstrip(b"=")
    return f"{header}.{claims.decode()}.{signature}"


hex_digits = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32).filter(
    lambda h: not h.startswith("0" * 20)  # outside the fake GUID set
)
secrets = st.one_of(
    st.builds(_jwt, b64url, b64url).map(lambda t: ("jwt", t, t)),
    hex_digits.map(lambda h: f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}").map(
        lambda g: ("guid", g, g)
    ),
    b64url.map(lambda s: ("sas-signature", f"sig={s}", s)),
    b64url.map(lambda s: ("bearer", f"Bearer {s}", s)),
    st.binary(min_size=64, max_size=64)
    .map(lambda b: base64.b64encode(b).decode())
    .map(lambda k: ("account-key", k, k)),
    b64url.map(lambda s: ("connection-string", f"AccountName=x;AccountKey={s};", s)),
    b64url.map(
        lambda s: ("pem", f"-----BEGIN PRIVATE KEY-----\n{s}\n-----END PRIVATE KEY-----", s)
    ),
    names.map(lambda n: ("email", f"{n}@contoso-corp.com", f"{n}@contoso-corp.com")),
)
"""(kind, text to plant, the part that must disappear)"""

locations = st.sampled_from(["header", "query", "json", "form"])


def _plant(planted: str, location: str, key: str, depth: int) -> dict[str, Any]:
    headers: dict[str, list[str]] = {"Accept": ["application/json"]}
    uri = "https://fake-vault.vault.azure.net/secrets/s/?api-version=2026-04-01"
    body: Any = None
    content_type = "application/json"
    if location == "header":
        headers[f"x-custom-{key}"] = [planted]
    elif location == "query":
        uri += f"&{key}={planted}"
    elif location == "json":
        nested: Any = planted
        for level in range(depth):
            nested = {f"{key}{level}": nested} if level % 2 == 0 else [nested]
        body = json.dumps({"outer": nested})
    else:
        body = f"grant_type=x&{key}={planted}&other=1"
        content_type = "application/x-www-form-urlencoded"
    return {
        "request": {"method": "POST", "uri": uri, "body": body, "headers": headers},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": [content_type]},
            "body": {"string": body},
        },
    }


@settings(max_examples=EXAMPLES, deadline=None)
@given(secrets, locations, names, st.integers(min_value=0, max_value=6))
def test_a_secret_shaped_value_anywhere_is_removed_and_the_scan_finds_nothing(
    secret: tuple[str, str, str], location: str, key: str, depth: int
) -> None:
    _kind, planted, core = secret
    sanitizer = Sanitizer()
    text = json.dumps(sanitizer.interaction(_plant(planted, location, key, depth)))
    assert core not in text
    assert scan_text(text, real_values=sanitizer.real_values) == []


@settings(max_examples=EXAMPLES, deadline=None)
@given(secrets, locations, names, st.integers(min_value=0, max_value=6))
def test_sanitizing_is_idempotent(
    secret: tuple[str, str, str], location: str, key: str, depth: int
) -> None:
    once = Sanitizer().interaction(_plant(secret[1], location, key, depth))
    twice = Sanitizer().interaction(json.loads(json.dumps(once)))
    assert json.dumps(twice, sort_keys=True) == json.dumps(once, sort_keys=True)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.text(min_size=8, max_size=30).filter(lambda v: v.strip() == v and "\\" not in v),
    locations,
    names,
    st.integers(min_value=0, max_value=6),
)
def test_a_known_real_value_anywhere_becomes_its_fake(
    real: str, location: str, key: str, depth: int
) -> None:
    # A real value is a value: not part of the field names or the fixed text around it.
    assume(real not in json.dumps(_plant("", location, key, depth)))
    sanitizer = Sanitizer(known={real: "fake-value"})
    text = json.dumps(sanitizer.interaction(_plant(real, location, key, depth)))
    assert json.dumps(real)[1:-1] not in text
