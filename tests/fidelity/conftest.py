"""The replay talks to the fake Azure through its loopback proxy: admit exactly 127.0.0.1 (see
tests/cloud/conftest.py for why the anchored pattern)."""

from __future__ import annotations

import pytest

LOOPBACK_ONLY = [r"^127\.0\.0\.1$"]


@pytest.fixture
def allowed_hosts() -> list[str]:
    """Overrides pytest-recording's fixture: the fake Azure's loopback address, nothing else."""
    return LOOPBACK_ONLY
