"""Fixtures shared by the whole suite."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from tests import head_start, sdk_speedups

# pytester: plugins are tested by running pytest in-process on a generated project.
pytest_plugins = ["pytester"]

# The harness (modes, credentials, cassettes, replay checks) is a pytest plugin that installing this
# project registers (entry point pytest11, fakes/src/azureml_obo_harness/recording/plugin.py): nothing to list here.


def pytest_configure(config: pytest.Config) -> None:
    """Under ``CI=true`` Hypothesis draws the same examples every run (``derandomize``): a CI run
    is reproducible and cannot go red on a draw no one can replay. A workstation run draws new
    examples each time, as a property test should (a failing draw is kept in ``.hypothesis/``)."""
    if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
        from hypothesis import settings

        settings.register_profile("ci", derandomize=True, database=None)
        settings.load_profile("ci")


GC_THRESHOLDS = (10_000, 10, 10)
"""The collector's thresholds for the tests (Python's default: 700, 10, 10)."""


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[object]:
    """No garbage collector while collection imports, and none on what it imported afterwards.

    Collection imports the Azure SDKs (millions of objects). While it does, the collector's passes
    find little to free (imported code is not garbage: ~15,000 objects in cycles, collected once
    at the end) and cost ~0.5 s of CPU of the ~4.5 s collection, so they are off. Afterwards
    every full collection would walk all of it again: measured over ``tests/cloud`` and
    ``tests/faults`` (451 tests, serial), ~4,200 collections took 12-14 s of a 65 s run.
    ``gc.freeze()`` moves everything alive now out of the collector's sight, and a higher first
    threshold collects the tests' own short-lived objects less often: ~500 collections, ~6 s.
    Not much higher, though: a young collection costs more per object the larger it is (measured
    here: 0.28 us an object at 700, 0.48 at 10,000, 0.57 at 50,000), and a lower one moves more
    objects on to the older generations, whose passes cost more. Time in the collector over the
    whole serial suite, from ``gc.callbacks``, one run each: a first threshold of 700, 2.1 s;
    2,000, 1.6 s; 5,000, 1.3 s; 10,000, 1.25-1.28 s; 20,000, 1.5 s; 50,000, 1.86 s.
    Garbage in cycles is still collected, in fewer passes: a client an earlier test left unclosed
    may keep its connection open a little longer, so a test counts only what it owns
    (``tests/cloud/test_reset.py`` counts its own fake's connection threads, not every fake's).
    Under pytest-xdist the controller collects nothing, and each worker does this for itself.
    """
    gc.disable()
    try:
        return (yield)
    finally:
        gc.collect()  # what collection left in cycles, before the rest is frozen for good
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        gc.enable()


def pytest_collection_finish(session: pytest.Session) -> None:
    """The head starts of the collected tests that have one begin (``tests/head_start.py``)."""
    head_start.start(session)


def pytest_sessionfinish(session: pytest.Session) -> None:
    head_start.finish(session)


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
    prefixes = ("AZUREML_", "AZURE_", "OBO_", "MLFLOW_", "DEFAULT_IDENTITY_", "MSI_", "IDENTITY_")
    for name in list(os.environ):
        if name.startswith(prefixes):
            monkeypatch.delenv(name)
