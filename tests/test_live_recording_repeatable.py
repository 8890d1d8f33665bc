"""Recording live twice in one workspace passes both times and writes the cassette both times.

The fake Azure stands in for a real workspace: live mode (``--record-mode=rewrite`` without
``--azure``) is pointed at it by its variables only (``HTTPS_PROXY``, ``OBO_ENDPOINT``, the
``AZUREML_ARM_*`` and ``OBO_JOB_*`` coordinates), as a real workspace would be named. The two
recordings are two pytest runs of the project's own replay test against the one running fake.

They run in this process (``pytester.runpytest_inprocess``): each is a new pytest session, whose
live mode reads its workspace, its credential (``OBO_ENDPOINT``) and, at every request, its proxy
and CA (``requests``) from ``os.environ``. For each run ``os.environ`` is exactly what a
``python -m pytest`` started here would be given: this test's variables without any
``AZURE*``, ``OBO_*``, ``MLFLOW_*``, ``IDENTITY_*``, ``MSI_*`` or ``PYTEST_*`` one, plus the
fake's. No object of this process points a run at the fake: this test's ``--block-network`` admits
127.0.0.1 only (``allowed_hosts``), so a request that did not follow ``HTTPS_PROXY`` would fail.
The replay test is sync (the async transport's TLS context, built at import, plays no part).

What one process keeps between the runs is emptied or shown not to matter: pytester drops every
module a run imported; Key Vault's challenge cache is cleared around each test by the harness's
``azure_test_isolation``; the OBO credential and its token cache are new in every test. The test
holds the second run to that: it gets its own Key Vault challenge and asks the OBO endpoint for its
own tokens, exactly as the first did. ``tests/conftest.py`` is not loaded again (``--noconftest``):
it is this process's module, its fixtures already active around this test; what it gives the replay
test, the harness's isolation, the harness gives every ``vcr`` test itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from azureml_obo_harness.cloud import FakeAzure
from azureml_obo_harness.cloud.dispatch import RecordedRequest

from tests.cloud.conftest import allowed_hosts  # loopback only: the fake Azure
from tests.in_process import set_exactly
from tests.inner_runs import INNER_RUN_OPTIONS, preload_inner_run_imports

__all__ = ["allowed_hosts"]

ROOT = Path(__file__).resolve().parent.parent
TEST = (
    "tests/replay/test_obo_job_replay.py::test_the_obo_job_reads_the_secret_and_submits_its_child"
)
CASSETTE = "test_obo_job_replay.test_the_obo_job_reads_the_secret_and_submits_its_child.yaml"
NOT_INHERITED = ("AZURE", "OBO_", "MLFLOW_", "IDENTITY_", "MSI_", "PYTEST_")

preload_inner_run_imports()


@pytest.fixture
def _harness_isolation() -> None:
    """Overrides the suite-wide opt-in (tests/conftest.py) with nothing, as tests/test_recording.py
    does: the outer test's isolation (azure-core's retry sleep skipped, in replay) would otherwise
    be active around the live runs, which must wait out a retry as on the command line."""


def _record_live(pytester: pytest.Pytester, azure: FakeAzure, folder: str) -> pytest.RunResult:
    environ = {
        **{name: value for name, value in os.environ.items() if not name.startswith(NOT_INHERITED)},
        **azure.environ(),
    }
    with pytest.MonkeyPatch.context() as patch:
        set_exactly(patch, environ)
        patch.chdir(ROOT)
        return pytester.runpytest_inprocess(
            *(TEST, "-q", *INNER_RUN_OPTIONS, "-p", "no:xdist", "--noconftest"),
            *("--record-mode=rewrite", "--cassette-dir", str(pytester.path / folder)),
            f"--basetemp={pytester.path / f'basetemp-{folder}'}",
        )


def _signing_in(requests: Sequence[RecordedRequest]) -> list[tuple[str, int]]:
    """A run's Key Vault requests (its 401 challenge first) and OBO token requests, in order."""
    return [
        (r.operation, r.status) for r in requests if r.operation.startswith(("keyvault/", "obo/"))
    ]


def _submitted_job_names(cassette: Path) -> list[str]:
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    return [
        item["request"]["uri"].split("/jobs/")[1].split("?")[0]
        for item in interactions
        if item["request"]["method"] == "PUT" and "/jobs/" in item["request"]["uri"]
    ]


def test_recording_live_twice_in_one_workspace_passes_and_writes_both_times(
    pytester: pytest.Pytester,
) -> None:
    with FakeAzure() as azure:
        _record_live(pytester, azure, "first").assert_outcomes(passed=1)
        first_requests = list(azure.requests)
        _record_live(pytester, azure, "second").assert_outcomes(passed=1)
        second_requests = azure.requests[len(first_requests) :]
        children = [job.name for job in azure.jobs if job.name.endswith("-iris")]

    # Two children, one per recording, each submitted once: the second recording did not find the
    # first one's child (which would fail its "child submitted" assertion).
    assert len(children) == 2 and len(set(children)) == 2
    for name in children:
        assert azure.job_submissions(name) == 1
    # The second run signed in as a new process would: nothing cached by the first one served it.
    assert _signing_in(first_requests)[0] == ("keyvault/get_secret", 401)
    assert ("obo/token", 200) in _signing_in(first_requests)
    assert _signing_in(second_requests) == _signing_in(first_requests)
    # Both cassettes were written and hold the fixed name, not the recording's unique one.
    for folder in ("first", "second"):
        cassette = pytester.path / folder / CASSETTE
        assert _submitted_job_names(cassette) == ["harness-parent-run-iris"]
        for name in children:
            assert name not in cassette.read_text()
