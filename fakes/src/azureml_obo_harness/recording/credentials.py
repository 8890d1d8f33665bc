"""Credential wrappers the recording harness puts around the credential under test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenCredential


class TokenWitness:
    """Passes every call to ``inner`` and reports each token it hands out to ``seen``.

    Live recording wraps the production credential in one, so the leak scan knows every real token
    of the run and refuses a cassette that still holds one anywhere.
    """

    def __init__(self, inner: TokenCredential, seen: Callable[[str], None]) -> None:
        self._inner = inner
        self._seen = seen

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = self._inner.get_token(*scopes, **kwargs)
        self._seen(token.token)
        return token

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        get_token_info = getattr(self._inner, "get_token_info", None)
        if get_token_info is None:  # an older credential: only the TokenCredential protocol
            token = self.get_token(*scopes, **dict(options or {}))
            return AccessTokenInfo(token.token, token.expires_on)
        info: AccessTokenInfo = get_token_info(*scopes, options=options)
        self._seen(info.token)
        return info

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class AsyncOverSync:
    """An async credential that runs a sync one in a worker thread.

    azure-ai-ml 1.35.2's async ``AzureMLOnBehalfOfCredential`` raises ``AttributeError`` on every
    ``get_token`` (docs/protocol.md#the-async-obo-credential-and-get_token_info), so async clients under test get the sync one through this.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token: AccessToken = await asyncio.to_thread(self._inner.get_token, *scopes, **kwargs)
        return token

    async def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()

    async def __aenter__(self) -> AsyncOverSync:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
