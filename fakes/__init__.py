"""Test doubles for AzureML on-behalf-of code: a fake credential, fake values, fake tokens.

Production code never imports this package; tests and teams adopting the harness do.
"""

from fakes.credential import AsyncFakeCredential, FakeCredential, TokenRequest, UnexpectedScopeError
from fakes.tokens import mint_token, read_claims
from fakes.values import DEFAULT_USER, FakeUser

__all__ = [
    "DEFAULT_USER",
    "AsyncFakeCredential",
    "FakeCredential",
    "FakeUser",
    "TokenRequest",
    "UnexpectedScopeError",
    "mint_token",
    "read_claims",
]
