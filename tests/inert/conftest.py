"""These tests look at pytest runs of another project from inside this one's: nothing of this
project's own opt-in to the harness may be active around them."""

from __future__ import annotations

import pytest


@pytest.fixture
def _harness_isolation() -> None:
    """Overrides the suite-wide opt-in (tests/conftest.py) with nothing."""
