"""Fixtures of the fake Azure: ``fake_azure`` (a running :class:`FakeAzure` per test),
``fake_azure_env`` (the same, with its variables in ``os.environ``) and ``extra_fake_services``.

Installing the project provides them (through :mod:`azureml_obo_harness.recording.fixtures`); a conftest may
also import them, which is what ``tests/cloud/conftest.py`` used to do::

    from azureml_obo_harness.cloud.pytest_plugin import fake_azure  # noqa: F401  (re-exported fixture)

``fake_azure`` does not touch ``os.environ``; use ``monkeypatch.setenv`` with
``fake_azure.environ()``, or :func:`fake_azure_env`, which does exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported by the fixtures that run: loading the plugin stays light
    from azureml_obo_harness.cloud.server import FakeAzure
    from azureml_obo_harness.cloud.service import FakeService


@pytest.fixture(scope="session")
def extra_fake_services() -> list[FakeService]:
    """Services every fake Azure of the session serves besides the built-in ones: override it to
    fake what your code calls and FakeAzure does not serve (see :mod:`azureml_obo_harness.cloud.custom`).

    Session-scoped: the same service objects serve every test, so keep their state resettable.
    """
    return []


@pytest.fixture
def fake_azure(
    extra_fake_services: list[FakeService], azure_test_isolation: None
) -> Iterator[FakeAzure]:
    """A fresh, seeded fake Azure on an ephemeral port (with ``extra_fake_services``), stopped
    after the test."""
    from azureml_obo_harness.cloud.server import FakeAzure

    with FakeAzure(extra_services=extra_fake_services) as azure:
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
