"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from azure.keyvault.secrets._shared import http_challenge_cache


@pytest.fixture(autouse=True)
def _fresh_key_vault_challenge_cache() -> Iterator[None]:
    # Key Vault caches the 401 challenge per host for the whole process, so whether a test sees the
    # challenge would otherwise depend on which tests ran before it.
    http_challenge_cache.clear()
    yield
    http_challenge_cache.clear()


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every variable the OBO job or the Azure SDKs read, so the host's settings cannot leak in."""
    import os

    prefixes = ("AZUREML_", "AZURE_", "OBO_", "MLFLOW_", "DEFAULT_IDENTITY_", "MSI_", "IDENTITY_")
    for name in list(os.environ):
        if name.startswith(prefixes):
            monkeypatch.delenv(name)
