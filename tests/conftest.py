"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

# The harness (modes, credentials, cassettes, replay checks) is a pytest plugin that installing this
# project registers (entry point pytest11, fakes/src/azureml_obo_harness/recording/plugin.py): nothing to list here.


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every variable the OBO job or the Azure SDKs read, so the host's settings cannot leak in."""
    import os

    prefixes = ("AZUREML_", "AZURE_", "OBO_", "MLFLOW_", "DEFAULT_IDENTITY_", "MSI_", "IDENTITY_")
    for name in list(os.environ):
        if name.startswith(prefixes):
            monkeypatch.delenv(name)
