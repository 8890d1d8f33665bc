"""The ``fake_azure`` pytest fixture: a running :class:`FakeAzure` per test.

Not registered as a plugin entry point; import it where it is wanted::

    # tests/.../conftest.py
    from fakes.cloud.pytest_plugin import fake_azure  # noqa: F401  (re-exported fixture)

The fixture does not touch ``os.environ``; use ``monkeypatch.setenv`` with
``fake_azure.environ()``, or :func:`fake_azure_env`, which does exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.cloud.server import FakeAzure


@pytest.fixture
def fake_azure() -> Iterator[FakeAzure]:
    """A fresh, seeded fake Azure on an ephemeral port, stopped after the test."""
    with FakeAzure() as azure:
        yield azure


@pytest.fixture
def fake_azure_env(fake_azure: FakeAzure, monkeypatch: pytest.MonkeyPatch) -> FakeAzure:
    """``fake_azure`` with its :meth:`~FakeAzure.environ` set in ``os.environ`` for the test.

    Set before the test body runs, so credentials and clients created in the test see it;
    clients created earlier (module-level, or by earlier fixtures) do not.
    """
    for name, value in fake_azure.environ().items():
        monkeypatch.setenv(name, value)
    return fake_azure
