"""Fixtures for the fault scenarios: the OBO job run in-process against the fake Azure.

The job runs with its production credential chain (``default_credential``), so on the fake Azure
it is the real ``AzureMLOnBehalfOfCredential`` against the fake OBO endpoint, exactly as on
AzureML. Retry waits are skipped (the harness's ``replay_skipped_sleeps`` fixture records them),
so no test sleeps.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from obo_job.credentials import default_credential
from obo_job.run import RunSummary, run_obo_job
from obo_job.settings import load_settings
from tests.cloud.conftest import allowed_hosts  # loopback only: the fake Azure

__all__ = ["allowed_hosts"]

RunJob = Callable[..., RunSummary]


@pytest.fixture
def run_job(fake_azure_env: Any) -> RunJob:
    """Run the OBO job in-process against the fake Azure, as `python -m obo_job` would.

    Keyword arguments override settings (``secret_name=...``, ``compute=...``).
    """

    def run(**overrides: Any) -> RunSummary:
        settings = load_settings(environ=os.environ, **overrides)
        return run_obo_job(default_credential(), settings)

    return run
