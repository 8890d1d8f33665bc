"""Test doubles for AzureML on-behalf-of code: a fake credential, fake values, fake tokens.

Production code never imports this package; tests and teams adopting the harness do.
"""

from azureml_obo_harness.credential import (
    AsyncFakeCredential,
    FakeCredential,
    TokenRequest,
    UnexpectedScopeError,
)
from azureml_obo_harness.tokens import mint_token, read_claims
from azureml_obo_harness.values import DEFAULT_USER, FakeUser

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
