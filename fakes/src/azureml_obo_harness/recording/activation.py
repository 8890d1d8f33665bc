"""When the harness is on for a test: only when the test asks for it.

Installed but unused, the harness changes nothing in a team's run: no patched sleeps, no cleared
caches, no warnings filters, no imports of the SDKs or vcrpy. A test switches it on by using the
``vcr`` marker or one of the harness's fixtures (directly or through a fixture of its own).
"""

from __future__ import annotations

import pytest

HARNESS_FIXTURES = frozenset(
    {
        "azure_coordinates",
        "azure_credential",
        "async_azure_credential",
        "azure_async_client_options",
        "azure_test_isolation",
        "extra_fake_services",
        "extra_sanitizing_rules",
        "fake_azure",
        "fake_azure_env",
        "fake_azure_session",
        "fake_credential",
        "live_obo_bridge",
        "obo_bridge_upstream",
        "recording_context",
        "replay_skipped_sleeps",
        "unique_name",
    }
)
"""The fixtures whose use switches the harness on for a test."""


def uses_harness(item: pytest.Item) -> bool:
    """True if ``item`` is marked ``vcr`` or uses (maybe indirectly) a harness fixture."""
    if item.get_closest_marker("vcr") is not None:
        return True
    return not HARNESS_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
