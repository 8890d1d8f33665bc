"""A stand-in for the signed-in user's credential (no real Azure here): the bridge's upstream."""

from __future__ import annotations

import secrets
import time
from typing import Any

from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError


class StandInUserCredential:
    """Hands out one distinctive token (``.token``, fresh per instance, so a test can search any
    output for it) and records every scope asked for; ``fail=True`` raises as an expired
    ``az login`` does."""

    def __init__(self, *, fail: bool = False) -> None:
        self.token = f"stand-in-user-token-{secrets.token_hex(16)}"
        self.scopes: list[tuple[str, ...]] = []
        self.fail = fail

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        if self.fail:
            raise ClientAuthenticationError(
                "AzureCliCredential: Please run 'az login' to set up an account.\nsecond line"
            )
        return AccessToken(self.token, int(time.time()) + 3600)
