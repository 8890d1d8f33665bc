"""Cassette names: one file per test, named from the test id, never shared by two tests."""

from __future__ import annotations

from collections.abc import Iterable

import pytest


def cassette_name(item: pytest.Item) -> str:
    """``<test module>.<test name>`` (``<module>.<Class>.<test>`` in a class), or the name a
    ``@pytest.mark.default_cassette("...")`` marker gives."""
    from pytest_recording.plugin import get_default_cassette_name

    marker = item.get_closest_marker("default_cassette")
    if marker is not None and marker.args:
        return str(marker.args[0])
    module = getattr(item, "module", None)
    module_name = module.__name__.rsplit(".", 1)[-1] if module is not None else "tests"
    return f"{module_name}.{get_default_cassette_name(getattr(item, 'cls', None), item.name)}"


def refuse_shared_cassettes(items: Iterable[pytest.Item]) -> None:
    """Raise ``pytest.UsageError`` if two tests that record would write one cassette (two
    ``test_x.py`` modules in different folders, say); otherwise the later test would overwrite
    the earlier one's recording, or replay it."""
    owners: dict[str, str] = {}
    for item in items:
        if item.get_closest_marker("vcr") is None:
            continue
        name = cassette_name(item)
        other = owners.setdefault(name, item.nodeid)
        if other != item.nodeid:
            raise pytest.UsageError(
                f"{other} and {item.nodeid} would share the cassette {name}.yaml: rename one, "
                'or name its cassette with @pytest.mark.default_cassette("...")'
            )
