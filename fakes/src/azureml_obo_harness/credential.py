"""``FakeCredential`` and ``AsyncFakeCredential``: token credentials for tests.

Both implement azure-core's ``TokenCredential`` and ``SupportsTokenInfo`` protocols (the async one
their ``aio`` counterparts), hand out JWT-shaped fake tokens for the requested resource, and record
every request so a test can assert on the scope, tenant and claims it was asked for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.exceptions import ClientAuthenticationError

from azureml_obo_harness.tokens import mint_token, resource_of
from azureml_obo_harness.values import DEFAULT_USER, FakeUser

Method = Literal["get_token", "get_token_info"]


@dataclass(frozen=True)
class TokenRequest:
    """One call to a fake credential, as the caller made it."""

    method: Method
    scopes: tuple[str, ...]
    claims: str | None = None
    tenant_id: str | None = None
    enable_cae: bool = False
    other: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """Any keyword argument beyond the documented ones, kept rather than silently dropped."""


class UnexpectedScopeError(ClientAuthenticationError):
    """A fake credential was asked for a scope its ``allowed_scopes`` does not list."""


class _TokenIssuer:
    """The state and logic both fake credentials share: validation, failures, minting, the log."""

    def __init__(
        self,
        *,
        user: FakeUser,
        lifetime: float,
        allowed_scopes: Iterable[str] | None,
        fail_first: int,
        fail_always: bool,
        clock: Callable[[], float],
    ) -> None:
        if lifetime <= 0:
            raise ValueError(f"lifetime must be positive seconds, got {lifetime!r}")
        if fail_first < 0:
            raise ValueError(f"fail_first must be 0 or more, got {fail_first!r}")
        self.user = user
        self.lifetime = lifetime
        self.allowed_scopes = None if allowed_scopes is None else frozenset(allowed_scopes)
        self.fail_first = fail_first
        self.fail_always = fail_always
        self.clock = clock
        self.requests: list[TokenRequest] = []
        self.closed = False
        self._lock = threading.Lock()

    def issue(self, request: TokenRequest) -> AccessTokenInfo:
        with self._lock:
            self.requests.append(request)
            call_number = len(self.requests)
        if self.closed:
            raise ClientAuthenticationError(
                message="FakeCredential was closed; a closed credential issues no tokens"
            )
        if not request.scopes:
            raise ValueError(
                "get_token requires at least one scope, e.g. 'https://vault.azure.net/.default'"
            )
        resources = {resource_of(scope) for scope in request.scopes}
        if len(resources) > 1:
            raise ValueError(
                f"one token cannot be for several resources: {sorted(resources)}; request them one at a time"
            )
        if self.allowed_scopes is not None:
            unexpected = [scope for scope in request.scopes if scope not in self.allowed_scopes]
            if unexpected:
                raise UnexpectedScopeError(
                    message=f"FakeCredential was asked for unexpected scope {unexpected[0]!r}; "
                    f"allowed_scopes is {sorted(self.allowed_scopes)}. Add it to allowed_scopes "
                    "if the code under test is right to ask for it."
                )
        if self.fail_always or call_number <= self.fail_first:
            limit = "every call" if self.fail_always else f"the first {self.fail_first} call(s)"
            raise ClientAuthenticationError(
                message=f"FakeCredential is set to fail {limit}; this was call {call_number} "
                f"(scopes {list(request.scopes)})"
            )
        now = int(self.clock())
        expires_on = now + int(self.lifetime)
        user = self.user
        if request.tenant_id and request.tenant_id != user.tenant_id:
            user = FakeUser(
                object_id=user.object_id, tenant_id=request.tenant_id, upn=user.upn, name=user.name
            )
        token = mint_token(
            audience=resources.pop(), issued_at=now, expires_on=expires_on, user=user
        )
        return AccessTokenInfo(token, expires_on, token_type="Bearer")


def _request_from_get_token(
    scopes: tuple[str, ...],
    claims: str | None,
    tenant_id: str | None,
    enable_cae: bool,
    other: dict[str, Any],
) -> TokenRequest:
    return TokenRequest(
        method="get_token",
        scopes=scopes,
        claims=claims,
        tenant_id=tenant_id,
        enable_cae=enable_cae,
        other=MappingProxyType(dict(other)),
    )


def _request_from_options(
    scopes: tuple[str, ...], options: TokenRequestOptions | None
) -> TokenRequest:
    given: dict[str, Any] = dict(options or {})
    claims = given.pop("claims", None)
    tenant_id = given.pop("tenant_id", None)
    enable_cae = bool(given.pop("enable_cae", False))
    return TokenRequest(
        method="get_token_info",
        scopes=scopes,
        claims=claims,
        tenant_id=tenant_id,
        enable_cae=enable_cae,
        other=MappingProxyType(given),
    )


class _FakeCredentialBase:
    def __init__(
        self,
        *,
        user: FakeUser = DEFAULT_USER,
        lifetime: float = 3600,
        allowed_scopes: Iterable[str] | None = None,
        fail_first: int = 0,
        fail_always: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._issuer = _TokenIssuer(
            user=user,
            lifetime=lifetime,
            allowed_scopes=allowed_scopes,
            fail_first=fail_first,
            fail_always=fail_always,
            clock=clock,
        )

    @property
    def user(self) -> FakeUser:
        """The fake user every token speaks for."""
        return self._issuer.user

    @property
    def requests(self) -> list[TokenRequest]:
        """Every request so far, in order, including the ones that failed."""
        return list(self._issuer.requests)

    @property
    def scopes_requested(self) -> list[tuple[str, ...]]:
        """The scopes of every request so far, in order."""
        return [request.scopes for request in self._issuer.requests]


class FakeCredential(_FakeCredentialBase):
    """A synchronous fake ``TokenCredential`` for the real Azure SDK clients.

    Tokens are unsigned JWT-shaped strings whose ``aud`` is the scope's resource and whose ``tid``,
    ``oid`` and ``upn`` are those of ``user``; they are valid for ``lifetime`` seconds from
    ``clock()``. ``allowed_scopes`` turns an unexpected scope into an :class:`UnexpectedScopeError`;
    ``fail_first=N`` fails the first N calls and ``fail_always=True`` every call with
    ``ClientAuthenticationError``, as a credential that cannot sign in would.
    """

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        """Return a fake token for ``scopes`` (``TokenCredential`` protocol)."""
        request = _request_from_get_token(scopes, claims, tenant_id, enable_cae, kwargs)
        info = self._issuer.issue(request)
        return AccessToken(info.token, info.expires_on)

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        """Return a fake token for ``scopes`` (``SupportsTokenInfo`` protocol)."""
        return self._issuer.issue(_request_from_options(scopes, options))

    def close(self) -> None:
        """Close the credential; later requests raise ``ClientAuthenticationError``."""
        self._issuer.closed = True

    def __enter__(self) -> FakeCredential:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncFakeCredential(_FakeCredentialBase):
    """The asynchronous twin of :class:`FakeCredential`: same options, same tokens, coroutines."""

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        """Return a fake token for ``scopes`` (``AsyncTokenCredential`` protocol)."""
        request = _request_from_get_token(scopes, claims, tenant_id, enable_cae, kwargs)
        info = self._issuer.issue(request)
        return AccessToken(info.token, info.expires_on)

    async def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        """Return a fake token for ``scopes`` (``AsyncSupportsTokenInfo`` protocol)."""
        return self._issuer.issue(_request_from_options(scopes, options))

    async def close(self) -> None:
        """Close the credential; later requests raise ``ClientAuthenticationError``."""
        self._issuer.closed = True

    async def __aenter__(self) -> AsyncFakeCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
