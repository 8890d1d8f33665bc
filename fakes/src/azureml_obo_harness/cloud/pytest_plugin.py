"""Fixtures of the fake Azure: ``fake_azure`` (a fresh, running :class:`FakeAzure` per test),
``fake_azure_env`` (the same, with its variables in ``os.environ``) and ``extra_fake_services``.

Installing the project provides them (through :mod:`azureml_obo_harness.recording.fixtures`); a conftest may
also import them, which is what ``tests/cloud/conftest.py`` used to do::

    from azureml_obo_harness.cloud.pytest_plugin import fake_azure  # noqa: F401  (re-exported fixture)

``fake_azure`` does not touch ``os.environ``; use ``monkeypatch.setenv`` with
``fake_azure.environ()``, or :func:`fake_azure_env`, which does exactly that.
"""

from __future__ import annotations

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


class _FakeAzurePool:
    """One running fake Azure per session (per xdist worker), handed out reset.

    A stop, a new fake and a start cost 50-80 ms a test against ~15 ms for a reset (bench/README.md,
    "The fake_azure fixture"); the fake is replaced instead when the test's ``extra_fake_services``
    are other objects (an overriding fixture) or when a test stopped it.
    """

    def __init__(self) -> None:
        self._azure: FakeAzure | None = None

    def fresh(self, extra_services: list[FakeService]) -> FakeAzure:
        """A running fake as ``FakeAzure(extra_services=extra_services)`` starts it."""
        from azureml_obo_harness.cloud.server import FakeAzure

        azure = self._azure
        if azure is not None and azure.running and _same(azure.extra_services, extra_services):
            return azure.reset()
        self.close()
        self._azure = FakeAzure(extra_services=extra_services).start()
        return self._azure

    def close(self) -> None:
        if self._azure is not None:
            self._azure.stop()
            self._azure = None


def _same(kept: list[FakeService], wanted: list[FakeService]) -> bool:
    return len(kept) == len(wanted) and all(a is b for a, b in zip(kept, wanted, strict=True))


_POOL = pytest.StashKey[_FakeAzurePool]()


def _pool(config: pytest.Config) -> _FakeAzurePool:
    """The session's pool (kept on the config, so that an inner pytester run has its own), whose
    fake stops when the session's config is cleaned up."""
    pool = config.stash.get(_POOL, None)
    if pool is None:
        pool = config.stash[_POOL] = _FakeAzurePool()
        config.add_cleanup(pool.close)
    return pool


@pytest.fixture
def fake_azure(
    extra_fake_services: list[FakeService],
    azure_test_isolation: None,
    pytestconfig: pytest.Config,
) -> FakeAzure:
    """A fresh, seeded fake Azure on an ephemeral port (with ``extra_fake_services``).

    Fresh as a new ``FakeAzure(extra_services=...)``: the session's running fake, reset before
    the test (:meth:`~azureml_obo_harness.cloud.server.FakeAzure.reset`: the seeded world, no
    faults, an empty request log, no open connection), so the port and CA may be those an
    earlier test saw. A test may stop it; the next test gets a new one. Unlike a restart, a client
    an earlier test left running (a poller thread) that reconnects reaches this test's fake: end
    such clients in the test that starts them.
    """
    return _pool(pytestconfig).fresh(extra_fake_services)


@pytest.fixture
def fake_azure_env(fake_azure: FakeAzure, monkeypatch: pytest.MonkeyPatch) -> FakeAzure:
    """``fake_azure`` with its :meth:`~FakeAzure.environ` set in ``os.environ`` for the test.

    Set before the test body runs, so credentials and clients created in the test see it;
    clients created earlier (module-level, or by earlier fixtures) do not.
    """
    for name, value in fake_azure.environ().items():
        monkeypatch.setenv(name, value)
    return fake_azure
