"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import sdk_speedups

# pytester: plugins are tested by running pytest in-process on a generated project.
pytest_plugins = ["pytester"]

# The harness (modes, credentials, cassettes, replay checks) is a pytest plugin that installing this
# project registers (entry point pytest11, fakes/src/azureml_obo_harness/recording/plugin.py): nothing to list here.


@pytest.fixture(autouse=True)
def _harness_isolation(azure_test_isolation: None) -> None:
    """This project opts every one of its tests in to the harness's isolation (retry waits skipped
    in replay, Key Vault's challenge cache emptied): many tests start a FakeAzure of their own
    rather than through a fixture. A team's project gets it only where its tests use the harness."""


@pytest.fixture(autouse=True, scope="session")
def _sdk_speedups() -> Iterator[None]:
    """The SDK helpers of :mod:`tests.sdk_speedups`, replaced for this project's suite only."""
    with sdk_speedups.applied():
        yield


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every variable the OBO job or the Azure SDKs read, so the host's settings cannot leak in."""
    import os

    prefixes = ("AZUREML_", "AZURE_", "OBO_", "MLFLOW_", "DEFAULT_IDENTITY_", "MSI_", "IDENTITY_")
    for name in list(os.environ):
        if name.startswith(prefixes):
            monkeypatch.delenv(name)
