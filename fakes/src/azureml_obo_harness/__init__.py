"""Test doubles for AzureML on-behalf-of code: a fake credential, fake values, fake tokens.

Production code never imports this package; tests and teams adopting the harness do.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Imported on first use (PEP 562): the pytest plugin imports this package in every pytest run of an
# environment that has the harness, and azure-core is not needed until a fake credential is made.
_HOMES = {
    "AsyncFakeCredential": "azureml_obo_harness.credential",
    "FakeCredential": "azureml_obo_harness.credential",
    "TokenRequest": "azureml_obo_harness.credential",
    "UnexpectedScopeError": "azureml_obo_harness.credential",
    "mint_token": "azureml_obo_harness.tokens",
    "read_claims": "azureml_obo_harness.tokens",
    "DEFAULT_USER": "azureml_obo_harness.values",
    "FakeUser": "azureml_obo_harness.values",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
