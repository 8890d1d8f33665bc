"""JWT-shaped fake access tokens.

The Azure SDKs never verify a token's signature, but some of them read its claims: azure-ai-ml
decodes the management token to read ``tid`` and checks ``aud`` on the ``https://ml.azure.com``
token. A fake token is therefore a real JWT in shape (``header.payload.signature``, base64url)
with an ``alg`` of ``none`` and a signature that spells ``FAKE-SIGNATURE``, so it can never be
mistaken for, or accepted as, a real one.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from azureml_obo_harness.values import DEFAULT_USER, FakeUser

FAKE_SIGNATURE = base64.urlsafe_b64encode(b"FAKE-SIGNATURE").rstrip(b"=").decode()
FAKE_ISSUER_HOST = "sts.fake.invalid"


def resource_of(scope: str) -> str:
    """Return the resource a scope names: ``https://vault.azure.net/.default`` -> ``https://vault.azure.net``.

    A scope without ``/.default`` (a delegated permission such as ``https://x/user.read``) names the
    resource before its last path segment. Raises ``ValueError`` for an empty scope.
    """
    if not scope or not scope.strip():
        raise ValueError(
            "a token scope must be a non-empty string such as 'https://vault.azure.net/.default'"
        )
    if scope.endswith("/.default"):
        return scope[: -len("/.default")]
    head, sep, _permission = scope.rpartition("/")
    if sep and "://" in scope and head.count("/") >= 2:
        return head
    return scope


def _b64url(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint_token(
    *,
    audience: str,
    issued_at: int,
    expires_on: int,
    user: FakeUser = DEFAULT_USER,
    extra_claims: dict[str, Any] | None = None,
) -> str:
    """Return an unsigned JWT-shaped token for ``user`` with ``aud`` set to ``audience``."""
    header = {"alg": "none", "typ": "JWT", "kid": "fake"}
    claims: dict[str, Any] = {
        "aud": audience,
        "iss": f"https://{FAKE_ISSUER_HOST}/{user.tenant_id}/",
        "iat": issued_at,
        "nbf": issued_at,
        "exp": expires_on,
        "tid": user.tenant_id,
        "oid": user.object_id,
        "upn": user.upn,
        "unique_name": user.upn,
        "name": user.name,
        "fake": True,
    }
    if extra_claims:
        claims.update(extra_claims)
    return f"{_b64url(header)}.{_b64url(claims)}.{FAKE_SIGNATURE}"


def read_claims(token: str) -> dict[str, Any]:
    """Decode the claims of a JWT-shaped token without verifying it (for assertions in tests).

    Raises ``ValueError`` if ``token`` is not three base64url segments with a JSON payload.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError(f"not a JWT: expected 3 dot-separated segments, got {len(parts)}")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, json.JSONDecodeError) as error:
        raise ValueError(
            f"not a JWT: the payload segment is not base64url JSON ({error})"
        ) from None
    if not isinstance(claims, dict):
        raise ValueError("not a JWT: the payload is not a JSON object")
    return claims


def is_fake_token(token: str) -> bool:
    """True if ``token`` was minted by :func:`mint_token` (its signature spells FAKE-SIGNATURE)."""
    return token.count(".") == 2 and token.rsplit(".", 1)[1] == FAKE_SIGNATURE
